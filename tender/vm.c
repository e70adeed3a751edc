/* vm.c: creates the KVM VM, its one memory region and its vcpu
 * (docs/hvt-abi.md section 3; docs/tender.md "Boot cost"). */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tender.h"

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;
	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r;
}

static void open_kvm(struct tender_vm *vm)
{
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0 && errno == ENOENT)
		tender_die("no /dev/kvm: this machine offers no KVM, which hvt images need "
			   "(use the unix target)");
	if (vm->kvm_fd < 0 && errno == EACCES)
		tender_die("cannot open /dev/kvm: Permission denied (add your user to its group: "
			   "sudo usermod -aG kvm $USER, then log in again; or use the unix "
			   "target)");
	if (vm->kvm_fd < 0)
		tender_die("cannot open /dev/kvm: %s", strerror(errno));
	int v = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (v != KVM_API_VERSION)
		tender_die("/dev/kvm is not a usable KVM device (API version %d, expected %d)", v,
			   KVM_API_VERSION);
}

void tender_vm_create(struct tender_vm *vm, uint64_t mem_size)
{
	open_kvm(vm);
	TENDER_PHASE("open /dev/kvm");
	do
		vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	while (vm->vm_fd < 0 && errno == EINTR);
	if (vm->vm_fd < 0)
		tender_die("cannot create a KVM VM: %s", strerror(errno));
	TENDER_PHASE("KVM_CREATE_VM");

	/* MAP_NORESERVE and no zeroing: the kernel hands out zeroed pages on
	 * first touch, so boot costs only the pages the image and tables use. */
	void *mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		tender_die("cannot map %llu MiB of guest memory: %s",
			   (unsigned long long)(mem_size >> 20), strerror(errno));
	vm->mem = (struct tender_mem){.base = mem, .size = mem_size};
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = mem_size,
		.userspace_addr = (uint64_t)(uintptr_t)mem,
	};
	if (xioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		tender_die("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
	TENDER_PHASE("guest memory");

	do
		vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	while (vm->vcpu_fd < 0 && errno == EINTR);
	if (vm->vcpu_fd < 0)
		tender_die("cannot create a KVM vcpu: %s", strerror(errno));
	int run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (int)sizeof(struct kvm_run))
		tender_die("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	vm->run_size = (uint64_t)run_size;
	vm->run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED)
		tender_die("cannot map the vcpu's kvm_run: %s", strerror(errno));
	TENDER_PHASE("vcpu");

	tender_cpuid_setup(vm);
	TENDER_PHASE("cpuid");

	/* The guest's monotonic clock is its TSC scaled by this frequency: an
	 * unknown frequency would make every guest timer wrong, so refuse. */
	int khz = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0);
	if (khz <= 0)
		tender_die("the host TSC frequency is unknown (KVM_GET_TSC_KHZ: %s); cannot give "
			   "the guest a clock", khz < 0 ? strerror(errno) : "0");
	vm->tsc_hz = (uint64_t)khz * 1000;
	TENDER_PHASE("tsc");
}
