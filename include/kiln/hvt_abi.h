/* hvt_abi.h: the hvt boot and hypercall ABI, shared by the guest side
 * (platform/hvt) and the monitor (tender). Solo5-compatible, ABI version 2;
 * the specification is docs/hvt-abi.md (a copy of shared/hvt-abi.md).
 *
 * Every layout below is checked with _Static_assert: a change that moves a
 * field breaks the build, not a guest.
 */
#ifndef KILN_HVT_ABI_H
#define KILN_HVT_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- ELF notes (section 1) ----------------------------------------------- */
#define HVT_NOTE_NAME "Solo5"
#define HVT_NOTE_NAMESZ 6 /* "Solo5\0" */
#define HVT_NOTE_TYPE_ABI1 0x31494241u /* "ABI1" */
#define HVT_NOTE_TYPE_MFT1 0x3154464du /* "MFT1" */
#define HVT_ABI_TARGET 1
#define HVT_ABI_VERSION 2

struct hvt_abi1_desc {
	uint32_t abi_target;
	uint32_t abi_version;
	uint32_t reserved0;
	uint32_t reserved1;
};
_Static_assert(sizeof(struct hvt_abi1_desc) == 16, "ABI1 descriptor is 16 bytes");

/* --- The manifest (section 2) --------------------------------------------- */
#define MFT_VERSION 1
#define MFT_NAME_SIZE 68 /* with the NUL; names are 1..67 alphanumerics */
#define MFT_MAX_ENTRIES 64

enum mft_type {
	MFT_DEV_BLOCK_BASIC = 1,
	MFT_DEV_NET_BASIC = 2,
	MFT_RESERVED_FIRST = 1u << 30,
};

struct mft_block_basic {
	uint64_t capacity;
	uint16_t block_size;
};

struct mft_net_basic {
	uint8_t mac[6];
	uint16_t mtu;
};

struct mft_entry {
	char name[MFT_NAME_SIZE];
	uint32_t type;
	union {
		struct mft_block_basic block_basic;
		struct mft_net_basic net_basic;
	} u;
	uint64_t b; /* private to the monitor: a host fd or pointer */
	bool attached;
};
_Static_assert(sizeof(struct mft_entry) == 104, "mft_entry is 104 bytes");
_Static_assert(offsetof(struct mft_entry, type) == 68, "mft_entry.type at 68");
_Static_assert(offsetof(struct mft_entry, u) == 72, "mft_entry.u at 72");
_Static_assert(offsetof(struct mft_entry, b) == 88, "mft_entry.b at 88");
_Static_assert(offsetof(struct mft_entry, attached) == 96, "mft_entry.attached at 96");

struct mft {
	uint32_t version;
	uint32_t entries;
	struct mft_entry e[];
};
_Static_assert(offsetof(struct mft, e) == 8, "mft entries at 8");

/* --- Guest memory layout (section 3) --------------------------------------- */
#define HVT_GDT_BASE 0x1000
#define HVT_PML4_BASE 0x2000
#define HVT_PDPT_BASE 0x3000
#define HVT_PD_BASE 0x4000 /* 4 pages: up to 4 GiB in 2 MiB pages */
#define HVT_PT_BASE 0x8000 /* 4 KiB pages for the first 2 MiB */
#define HVT_BOOT_INFO_BASE 0x10000
#define HVT_IMAGE_BASE 0x100000
#define HVT_DEFAULT_MEM (512ull << 20)
#define HVT_MAX_MEM (4ull << 30)
#define HVT_CMDLINE_SIZE 8192

/* --- Boot info, at HVT_BOOT_INFO_BASE (section 4) --------------------------- */
struct hvt_boot_info {
	uint64_t mem_size;       /* usable RAM in bytes */
	uint64_t kernel_end;     /* end of the file-backed image segments */
	uint64_t cpu_cycle_freq; /* TSC Hz */
	uint64_t cmdline;        /* guest address of the NUL-terminated command line */
	uint64_t mft;            /* guest address of the filled-in manifest */
	uint32_t host_features;
	uint32_t guest_features;
	uint64_t net_ring;
};
_Static_assert(sizeof(struct hvt_boot_info) == 56, "boot info is 56 bytes");
_Static_assert(offsetof(struct hvt_boot_info, host_features) == 40, "host_features at 40");
_Static_assert(offsetof(struct hvt_boot_info, net_ring) == 48, "net_ring at 48");

/* --- Hypercalls (section 5): outl of the struct's guest address to 0x500+nr */
#define HVT_HYPERCALL_PIO_BASE 0x500

enum hvt_hypercall {
	HVT_HYPERCALL_WALLTIME = 1,
	HVT_HYPERCALL_PUTS = 2,
	HVT_HYPERCALL_POLL = 3,
	HVT_HYPERCALL_BLOCK_WRITE = 4,
	HVT_HYPERCALL_BLOCK_READ = 5,
	HVT_HYPERCALL_NET_WRITE = 6,
	HVT_HYPERCALL_NET_READ = 7,
	HVT_HYPERCALL_HALT = 8,
	HVT_HYPERCALL_MAX = 9,
};

/* Results in the ret fields. */
enum hvt_ret { HVT_OK = 0, HVT_AGAIN = 1, HVT_EINVAL = 2, HVT_EUNSPEC = 3 };

struct hvt_hc_walltime { uint64_t nsecs; };
struct hvt_hc_puts { uint64_t data; uint64_t len; };
struct hvt_hc_poll { uint64_t timeout_nsecs; uint64_t ready_set; int32_t ret; };
struct hvt_hc_block_io { uint64_t handle; uint64_t offset; uint64_t data; uint64_t len; int32_t ret; };
struct hvt_hc_net_io { uint64_t handle; uint64_t data; uint64_t len; int32_t ret; };
struct hvt_hc_halt { uint64_t cookie; int32_t exit_status; };

_Static_assert(sizeof(struct hvt_hc_walltime) == 8, "walltime is 8 bytes");
_Static_assert(sizeof(struct hvt_hc_puts) == 16, "puts is 16 bytes");
_Static_assert(sizeof(struct hvt_hc_poll) == 24, "poll is 24 bytes");
_Static_assert(offsetof(struct hvt_hc_poll, ret) == 16, "poll.ret at 16");
_Static_assert(sizeof(struct hvt_hc_block_io) == 40, "block io is 40 bytes");
_Static_assert(offsetof(struct hvt_hc_block_io, ret) == 32, "block.ret at 32");
_Static_assert(sizeof(struct hvt_hc_net_io) == 32, "net io is 32 bytes");
_Static_assert(offsetof(struct hvt_hc_net_io, ret) == 24, "net.ret at 24");
_Static_assert(sizeof(struct hvt_hc_halt) == 16, "halt is 16 bytes");
_Static_assert(offsetof(struct hvt_hc_halt, exit_status) == 8, "halt.exit_status at 8");

#endif
