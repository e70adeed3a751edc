/* run.c: the vcpu loop: every KVM exit either resumes the guest or ends the
 * tender with one line (docs/hvt-abi.md sections 3 and 5). */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "tender.h"

static unsigned long long guest_rip(const struct tender_vm *vm)
{
	struct kvm_regs r;
	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) < 0)
		return 0;
	return r.rip;
}

/* " (bytes 66 0f ef c0 ...)": the instruction at rip, for a message. The
 * guest's page tables are its own, so rip is read as a physical address
 * (true of every hvt guest, which identity-maps RAM) and only if in RAM. */
static void insn_bytes(const struct tender_vm *vm, unsigned long long rip, char *out, size_t len)
{
	out[0] = '\0';
	if (!tender_gpa_in_ram(&vm->mem, rip, 8) || len < 8 * 3 + 11)
		return;
	size_t n = (size_t)snprintf(out, len, " (bytes");
	for (int i = 0; i < 8 && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, " %02x", vm->mem.base[rip + (unsigned)i]);
	if (n < len)
		snprintf(out + n, len - n, ")");
}

static void io_exit(struct tender_vm *vm, struct mft *m)
{
	const struct kvm_run *run = vm->run;
	unsigned port = run->io.port;
	if (port <= HVT_HYPERCALL_PIO_BASE || port >= HVT_HYPERCALL_PIO_BASE + HVT_HYPERCALL_MAX)
		tender_guest_fault("guest fault: access to unknown I/O port 0x%x at rip 0x%llx",
				   port, guest_rip(vm));
	if (run->io.direction != KVM_EXIT_IO_OUT || run->io.size != 4 || run->io.count != 1)
		tender_guest_fault("guest fault: hypercall port 0x%x used with a %s of %u bytes "
				   "(expected one 4-byte out) at rip 0x%llx", port,
				   run->io.direction == KVM_EXIT_IO_OUT ? "write" : "read",
				   run->io.size, guest_rip(vm));
	/* data_offset comes from the kernel, but is checked all the same. */
	if (run->io.data_offset > vm->run_size - 4)
		tender_die("KVM reported I/O data at offset %llu", run->io.data_offset);
	uint32_t gpa;
	memcpy(&gpa, (const char *)run + run->io.data_offset, 4);
	tender_hypercall(vm, m, port - HVT_HYPERCALL_PIO_BASE, gpa);
}

static bool in_ro(const struct tender_mem *m, uint64_t gpa)
{
	for (unsigned i = 0; i < m->nro; i++)
		if (gpa >= m->ro_start[i] && gpa < m->ro_end[i])
			return true;
	return false;
}

/* A guest write to memory the host maps read-only, the image's code or
 * read-only data (tender_elf_protect): KVM_RUN fails with EFAULT, or (on
 * kernels that treat it so) exits as MMIO at that address. Status 1 and
 * Solo5's words, as solo5-hvt ends it. */
__attribute__((noreturn)) static void ro_write_fault(const struct tender_vm *vm,
						     const uint64_t *gpa)
{
	char at[48] = "";
	if (gpa)
		snprintf(at, sizeof at, " at 0x%llx", (unsigned long long)*gpa);
	tender_dumpcore(0);
	tender_die("guest fault: KVM: host/guest translation fault: rip=0x%llx (a write%s to "
		   "the image's read-only code or data)", guest_rip(vm), at);
}

void tender_run(struct tender_vm *vm, struct mft *m)
{
	for (;;) {
		if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			/* A write to memory the host maps read-only: the image's
			 * code or read-only data (tender_elf_protect). Status 1
			 * and Solo5's words, as solo5-hvt ends it. */
			if (errno == EFAULT)
				ro_write_fault(vm, NULL);
			tender_die("KVM_RUN: %s", strerror(errno));
		}
		struct kvm_run *run = vm->run;
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			io_exit(vm, m);
			break;
		case KVM_EXIT_DEBUG:
			tender_gdb_stop(vm);
			break;
		case KVM_EXIT_HLT:
			tender_guest_fault("guest fault: guest executed hlt at rip 0x%llx (an hvt "
					   "guest ends with the HALT hypercall)", guest_rip(vm));
		case KVM_EXIT_SHUTDOWN:
			tender_guest_fault("guest fault: triple fault (an exception the guest could "
					   "not handle, e.g. before it installed an IDT) at rip 0x%llx",
					   guest_rip(vm));
		case KVM_EXIT_MMIO:
			if (run->mmio.is_write && in_ro(&vm->mem, run->mmio.phys_addr)) {
				uint64_t a = run->mmio.phys_addr;
				ro_write_fault(vm, &a);
			}
			tender_guest_fault("guest fault: %s of %u bytes at unbacked address 0x%llx "
					   "(MMIO) at rip 0x%llx",
					   run->mmio.is_write ? "write" : "read", run->mmio.len,
					   (unsigned long long)run->mmio.phys_addr, guest_rip(vm));
		case KVM_EXIT_FAIL_ENTRY:
			tender_guest_fault("guest fault: KVM could not enter the guest (hardware "
					   "reason 0x%llx) at rip 0x%llx",
					   (unsigned long long)
						   run->fail_entry.hardware_entry_failure_reason,
					   guest_rip(vm));
		case KVM_EXIT_INTERNAL_ERROR: {
			unsigned long long rip = guest_rip(vm);
			char bytes[40];
			insn_bytes(vm, rip, bytes, sizeof bytes);
			tender_guest_fault("guest fault: KVM internal error (suberror %u%s) at rip "
					   "0x%llx%s", run->internal.suberror,
					   run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
						   ? ": an instruction KVM cannot emulate, e.g. "
						     "SSE/x87 arithmetic here"
						   : "",
					   rip, bytes);
		}
		default:
			tender_guest_fault("guest fault: unexpected KVM exit reason %u at rip 0x%llx",
					   run->exit_reason, guest_rip(vm));
		}
	}
}
