/* tender.h: the tender's internal interfaces (the KVM monitor for hvt images;
 * contract: docs/hvt-abi.md, usage and design: docs/tender.md).
 *
 * The tender runs in three phases, each in its own files:
 *   1. setup   args.c (command line), elf.c (image and notes), manifest.c
 *              (attach devices), vm.c (KVM objects), boot.c (guest memory:
 *              page tables, GDT, boot info, registers)
 *   2. confine seccomp.c (after this, only the syscalls the run loop needs)
 *   3. run     run.c (KVM_RUN exits), hypercall.c, net.c (hostnet), block.c
 *
 * Exit statuses (docs/tender.md): the guest's HALT status (0..255) when it
 * halts; TENDER_EXIT_USAGE for bad usage or setup failure (bad option, bad
 * image, missing device, no /dev/kvm); TENDER_EXIT_GUEST_FAULT when the guest
 * does something fatal (a hypercall argument outside guest memory, an unknown
 * port, hlt, a triple fault). Each of those prints exactly one line on stderr
 * starting with "tender: ".
 */
#ifndef TENDER_H
#define TENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <elf.h>

#include <kiln/hvt_abi.h>

#define TENDER_EXIT_USAGE 1
#define TENDER_EXIT_GUEST_FAULT 255

/* Limits, each with its reason. */
#define TENDER_MAX_DEVICE_ARGS 63 /* user manifest entries e[1..63] */
#define TENDER_MAX_PHDRS 64       /* real images have 3-8; bounds the loop */
#define TENDER_MAX_NOTE_SIZE 8192 /* a full 64-entry MFT1 note is 6,684 bytes */
#define TENDER_MIN_MEM_MIB 2      /* one 2 MiB page: low memory + a tiny image */
#define TENDER_BLOCK_SIZE 512     /* hvt-abi.md section 5; --block-sector-size */
#define TENDER_BLOCK_SIZE_MAX 32768 /* the largest power of two in MFT1's uint16_t */
#define TENDER_MAX_FORWARDS 16    /* hostnet.h's HOSTNET_MAX_FORWARDS */

/* --- Messages (main.c) ------------------------------------------------------ */
/* One line on stderr, "tender: ...", then exit. Safe after seccomp: they use
 * only write(2) and exit_group. */
__attribute__((noreturn, format(printf, 1, 2))) void tender_die(const char *fmt, ...);
__attribute__((noreturn, format(printf, 1, 2))) void tender_guest_fault(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void tender_warn(const char *fmt, ...);

/* Boot-path profile: built as build/bin/tender-profile (-DTENDER_PROFILE),
 * each phase prints the microseconds since the previous one on stderr. The
 * normal build compiles these away. */
#ifdef TENDER_PROFILE
void tender_phase(const char *name);
#define TENDER_PHASE(name) tender_phase(name)
#else
#define TENDER_PHASE(name) ((void)0)
#endif

/* --- Command line (args.c) ---------------------------------------------------- */
enum tender_dev_kind { TENDER_DEV_NET = 2, TENDER_DEV_BLOCK = 1 }; /* = MFT types */

struct tender_dev_arg {
	enum tender_dev_kind kind;
	const char *name; /* manifest name */
	const char *path; /* tap device name or file path */
	bool used;        /* matched by a manifest entry */
};

/* --block-sector-size:NAME=SIZE: a block device's sector size (a power of
 * two, TENDER_BLOCK_SIZE to TENDER_BLOCK_SIZE_MAX), checked by args.c. */
struct tender_sector_arg {
	const char *name;
	unsigned size;
};

struct tender_args {
	uint64_t mem_size; /* bytes, rounded down to 2 MiB */
	const char *image;
	struct tender_dev_arg dev[TENDER_MAX_DEVICE_ARGS];
	unsigned ndev;
	/* Network options (docs/hostnet.md), as given; net.c checks them. */
	const char *forward[TENDER_MAX_FORWARDS]; /* --port-forward=VALUE */
	unsigned nforward;
	const char *mac[TENDER_MAX_DEVICE_ARGS];  /* --net-mac:NAME=MAC, as given */
	unsigned nmac;
	struct tender_sector_arg sector[TENDER_MAX_DEVICE_ARGS];
	unsigned nsector;
	const char *pcap;   /* --pcap=FILE */
	const char *impair; /* --net-impair=SPEC */
	const char *dumpcore; /* --dumpcore=DIR */
	char **guest_argv; /* the arguments after the image */
	int guest_argc;
	bool seccomp_off;  /* --x-no-seccomp: debugging only (strace, gdb) */
	bool help;         /* --help: print tender_usage_text, exit 0 */
	char *err;         /* where tender_args_parse writes a refusal */
	size_t errlen;
	unsigned gdb_port; /* --gdb[=PORT]: 0 off, else the stub's port (gdb.c) */
};

/* Parse the command line into a (which keeps pointers into argv). 0 on
 * success (a->help: --help was asked, nothing else is set), or -1 with a
 * one-line reason in err[0..errlen). Never exits. */
int tender_args_parse(struct tender_args *a, int argc, char **argv, char *err, size_t errlen);
/* The --help text. */
extern const char tender_usage_text[];

/* --- The image (elf.c) --------------------------------------------------------- */
struct tender_image {
	int fd;
	uint64_t entry;
	uint64_t kernel_end;     /* page-rounded end of the file-backed segments */
	struct hvt_abi1_desc abi;
	Elf64_Phdr ph[TENDER_MAX_PHDRS]; /* as checked */
	unsigned phnum;
	/* The manifest as the image declares it, validated (manifest.c). */
	_Alignas(struct mft) unsigned char mft_buf[8 + MFT_MAX_ENTRIES * sizeof(struct mft_entry)];
	size_t mft_size;
};

/* Reads and checks the ELF header, program headers and both notes. Does not
 * touch guest memory. */
void tender_elf_open(struct tender_image *img, const char *path);
/* Copies the file-backed PT_LOAD segments into guest memory [mem, mem+size). */
void tender_elf_load(const struct tender_image *img, uint8_t *mem, uint64_t size);
/* Maps the image's segments without PF_W read-only on the host (as Solo5's
 * tender does: W^X for the guest's code) and records them in mem. After
 * tender_elf_load and the boot setup, which write guest memory. */
struct tender_mem;
void tender_elf_protect(const struct tender_image *img, struct tender_mem *mem);

/* --- Manifest and devices (manifest.c) -------------------------------------- */
/* Checks the manifest's structure (hvt-abi.md section 2). Dies if it is bad. */
void tender_mft_validate(const void *buf, size_t size, const char *image);
/* Attaches every declared device from the command line; fills in the entries
 * (mac/mtu, capacity/block_size, attached, the monitor's private field). */
void tender_mft_attach(struct mft *m, struct tender_args *a);

/* --- Guest memory -------------------------------------------------------------- */
struct tender_mem {
	uint8_t *base;
	uint64_t size;
	/* The image's read-only segments [ro_start, ro_end) (page-aligned):
	 * mapped read-only on the host (tender_elf_protect), so a guest write
	 * there ends the run (KVM_RUN fails with EFAULT, run.c), and the
	 * tender writes there for no hypercall (tender_gpa_w). */
	uint64_t ro_start[TENDER_MAX_PHDRS], ro_end[TENDER_MAX_PHDRS];
	unsigned nro;
};

/* True if all of guest range [gpa, gpa+len) is in guest RAM. Overflow-safe:
 * gpa + len is never computed before both are bounded. */
static inline bool tender_gpa_in_ram(const struct tender_mem *m, uint64_t gpa, uint64_t len)
{
	return gpa <= m->size && len <= m->size - gpa;
}

/* THE check for every guest-supplied address and length: returns the host
 * address of guest range [gpa, gpa+len), or ends the guest (status 255) with
 * a one-line error naming `what` if any byte of it is outside guest RAM. */
static inline void *tender_gpa(const struct tender_mem *m, uint64_t gpa, uint64_t len,
			       const char *what)
{
	if (!tender_gpa_in_ram(m, gpa, len))
		tender_guest_fault("guest fault: %s at 0x%llx, length %llu, is outside guest memory "
				   "(%llu bytes)", what, (unsigned long long)gpa,
				   (unsigned long long)len, (unsigned long long)m->size);
	return m->base + gpa;
}

/* tender_gpa() for a range the tender writes into (a read buffer, a
 * hypercall's result): also ends the guest if any byte of it is in the
 * image's read-only memory, which the host may not write either. */
static inline void *tender_gpa_w(const struct tender_mem *m, uint64_t gpa, uint64_t len,
				 const char *what)
{
	void *p = tender_gpa(m, gpa, len, what);
	for (unsigned i = 0; i < m->nro; i++)
		if (gpa < m->ro_end[i] && gpa + len > m->ro_start[i] && len > 0)
			tender_guest_fault("guest fault: %s at 0x%llx, length %llu, is in the "
					   "image's read-only memory (0x%llx-0x%llx)", what,
					   (unsigned long long)gpa, (unsigned long long)len,
					   (unsigned long long)m->ro_start[i],
					   (unsigned long long)m->ro_end[i]);
	return p;
}

/* --- The VM (vm.c, boot.c) ------------------------------------------------------ */
struct tender_vm {
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	uint64_t run_size; /* bytes mapped at run */
	struct tender_mem mem;
	uint64_t tsc_hz;
};

/* Opens /dev/kvm, creates the VM, maps and registers guest memory, creates
 * the vcpu and reads its TSC frequency. */
void tender_vm_create(struct tender_vm *vm, uint64_t mem_size);
/* Gives the vcpu the CPUID KVM supports (cpuid.c). */
void tender_cpuid_setup(const struct tender_vm *vm);
/* Writes page tables, GDT, boot info, manifest copy and command line into
 * guest memory, and sets the vcpu's registers for entry at `entry`. */
void tender_boot_setup(struct tender_vm *vm, const struct tender_image *img,
		       const struct mft *m, size_t mft_size, const struct tender_args *a);

/* --- The gdb stub (gdb.c) ------------------------------------------------------------ */
/* The connection to gdb, -1 without --gdb (seccomp.c allows calls on it). */
extern int tender_gdb_fd;
/* Listen on 127.0.0.1:a->gdb_port, wait for gdb, serve it until it resumes. */
void tender_gdb_start(struct tender_vm *vm, const struct tender_args *a);
/* A KVM_EXIT_DEBUG (breakpoint or step): report it and serve gdb. */
void tender_gdb_stop(struct tender_vm *vm);
/* The guest halted with status: tell gdb (W), if attached. */
void tender_gdb_exited(int status);

/* --- Confinement (seccomp.c) ------------------------------------------------------ */
void tender_seccomp(const struct tender_vm *vm, const struct mft *m);

/* --- Running (run.c, hypercall.c, block.c, net.c) -------------------------------------- */
/* Runs the guest until it halts or faults; never returns. */
__attribute__((noreturn)) void tender_run(struct tender_vm *vm, struct mft *m);

/* Handles the hypercall `nr` whose argument struct is at guest address
 * `gpa`. Returns only if the guest is to be resumed. */
void tender_hypercall(struct tender_vm *vm, struct mft *m, unsigned nr, uint32_t gpa);

/* Opens path for block device e with sectors of block_size bytes (a power
 * of two): dies with one line unless its size is a multiple of it. */
/* --- Core files (dumpcore.c) ------------------------------------------------- */
/* With --dumpcore=DIR: opens DIR and an unnamed file in it (dies with one
 * line if it cannot). Before confinement. */
void tender_dumpcore_setup(const struct tender_args *a, const struct tender_vm *vm);
/* Writes the guest's core to DIR/core.tender.PID and says so on stderr;
 * cookie: the HALT's (a guest trap frame), or 0. Nothing without
 * --dumpcore; at most once. */
void tender_dumpcore(uint64_t cookie);

int tender_block_attach(struct mft_entry *e, const char *path, unsigned block_size);
void tender_hc_block(struct tender_vm *vm, struct mft *m, struct hvt_hc_block_io *io, bool write);

#endif
