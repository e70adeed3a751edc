/* cpuid.c: the guest's CPUID: what KVM supports, passed through
 * (docs/hvt-abi.md section 3), kept in a per-host-boot cache
 * (docs/tender.md "Boot cost").
 *
 * KVM_GET_SUPPORTED_CPUID costs ~270 us on this machine's nested KVM, a
 * fifth of the whole boot-to-exit floor, and its answer is fixed for as long
 * as the host kernel and its KVM device live. So the answer is saved in
 * /run/kiln/cpuid (root) or $XDG_RUNTIME_DIR/kiln/cpuid, keyed by the host's
 * boot id and the /dev/kvm node's identity (a reloaded kvm module recreates
 * the node), and a later boot reads ~3 KB instead. The cache is trusted only
 * if it is a regular file owned by this user and writable by no one else; a
 * missing, stale or malformed cache is simply recomputed. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpuid_cache.h"
#include "tender.h"

static struct {
	struct kvm_cpuid2 h;
	struct kvm_cpuid_entry2 e[TENDER_MAX_CPUID];
} cpuid;

static bool make_key(int kvm_fd, struct cpuid_key *k)
{
	memset(k, 0, sizeof *k);
	memcpy(k->magic, "KTCPUID1", 8);
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, k->boot_id, sizeof k->boot_id - 1);
	close(fd);
	struct stat st;
	if (n < 32 || fstat(kvm_fd, &st) < 0)
		return false;
	k->kvm_dev = st.st_rdev;
	k->kvm_ino = st.st_ino;
	k->kvm_ctime_sec = (uint64_t)st.st_ctim.tv_sec;
	k->kvm_ctime_nsec = (uint64_t)st.st_ctim.tv_nsec;
	return true;
}

/* The cache directory, or NULL when this user has none. */
static const char *cache_dir(char *buf, size_t len)
{
	if (geteuid() == 0)
		return "/run/kiln";
	const char *x = getenv("XDG_RUNTIME_DIR");
	if (!x || x[0] != '/' || (size_t)snprintf(buf, len, "%s/kiln", x) >= len)
		return NULL;
	return buf;
}

static bool cache_read(const char *path, const struct cpuid_key *want)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	/* One byte more than the largest valid file, so that a longer one is
	 * seen as such rather than read as its valid-looking start. */
	static uint8_t f[sizeof(struct cpuid_key) +
			 TENDER_MAX_CPUID * sizeof(struct kvm_cpuid_entry2) + 1];
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
		  !(st.st_mode & 022);
	ssize_t n = ok ? read(fd, f, sizeof f) : -1;
	close(fd);
	return n >= 0 && tender_cpuid_cache_parse(f, (size_t)n, want, &cpuid.h.nent, cpuid.e);
}

/* Best effort: a cache that cannot be written costs the next boot 270 us. */
static void cache_write(const char *dir, const char *path, struct cpuid_key *k)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return;
	char tmp[4200];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.%d", path, (int)getpid()) >= sizeof tmp)
		return;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	k->nent = cpuid.h.nent;
	size_t n = cpuid.h.nent * sizeof cpuid.e[0];
	bool ok = write(fd, k, sizeof *k) == (ssize_t)sizeof *k && write(fd, cpuid.e, n) == (ssize_t)n;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) < 0)
		unlink(tmp);
}

void tender_cpuid_setup(const struct tender_vm *vm)
{
	char dbuf[4096], path[4200];
	struct cpuid_key key;
	const char *dir = cache_dir(dbuf, sizeof dbuf);
	bool cacheable = dir && make_key(vm->kvm_fd, &key) &&
			 (size_t)snprintf(path, sizeof path, "%s/cpuid", dir) < sizeof path;
	if (!cacheable || !cache_read(path, &key)) {
		cpuid.h.nent = TENDER_MAX_CPUID;
		int r;
		do
			r = ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, &cpuid);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			tender_die("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		if (cacheable)
			cache_write(dir, path, &key);
	}
	if (ioctl(vm->vcpu_fd, KVM_SET_CPUID2, &cpuid) < 0)
		tender_die("KVM_SET_CPUID2: %s", strerror(errno));
}
