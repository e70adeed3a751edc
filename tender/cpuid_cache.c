/* cpuid_cache.c: checking a CPUID cache file's contents (cpuid_cache.h). */
#include <string.h>

#include "cpuid_cache.h"

bool tender_cpuid_cache_parse(const void *buf, size_t n, const struct cpuid_key *want,
			      uint32_t *nent, struct kvm_cpuid_entry2 *entries)
{
	struct cpuid_key k;
	if (n < sizeof k)
		return false;
	memcpy(&k, buf, sizeof k);
	if (memcmp(&k, want, offsetof(struct cpuid_key, nent)) != 0 || k.nent == 0 ||
	    k.nent > TENDER_MAX_CPUID || n != sizeof k + (size_t)k.nent * sizeof entries[0])
		return false;
	*nent = k.nent;
	memcpy(entries, (const uint8_t *)buf + sizeof k, k.nent * sizeof entries[0]);
	return true;
}
