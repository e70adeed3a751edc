/* cpuid_cache.h: the layout of the tender's CPUID cache file and its
 * parser (cpuid_cache.c, used by cpuid.c; docs/tender.md "Boot cost"),
 * apart so that the fuzz harness (tender/fuzz/cpuid.c) reaches the parser
 * without KVM or files. */
#ifndef TENDER_CPUID_CACHE_H
#define TENDER_CPUID_CACHE_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* KVM_GET_SUPPORTED_CPUID fills at most this many leaves; real hosts report
 * 40-80, and E2BIG (more than this) is an error, not a retry loop. */
#define TENDER_MAX_CPUID 256

/* The file: this key, then nent struct kvm_cpuid_entry2, nothing more. */
struct cpuid_key {
	char magic[8];    /* "KTCPUID1": the layout of this file */
	char boot_id[40]; /* /proc/sys/kernel/random/boot_id */
	uint64_t kvm_dev, kvm_ino, kvm_ctime_sec, kvm_ctime_nsec;
	uint32_t nent, reserved;
};

/* The n bytes of a cache file at buf: true, with *nent and entries[]
 * (room for TENDER_MAX_CPUID) filled, if its key matches want up to nent
 * and it holds exactly 1..TENDER_MAX_CPUID entries; false otherwise (the
 * tender then asks KVM again). */
bool tender_cpuid_cache_parse(const void *buf, size_t n, const struct cpuid_key *want,
			      uint32_t *nent, struct kvm_cpuid_entry2 *entries);

#endif
