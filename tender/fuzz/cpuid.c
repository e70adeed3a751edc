/* cpuid.c: libFuzzer harness for the tender's CPUID cache file parser
 * (tender_cpuid_cache_parse, tender/cpuid.c).
 *
 * Input: [mode][file bytes]. Mode bit 0 makes the expected key equal to
 * the file's own (so the entry count and size checks are reached); else it
 * is a fixed key the file rarely matches. An accepted file must hold
 * exactly its key and 1..TENDER_MAX_CPUID entries, copied unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpuid_cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kvm_cpuid_entry2 e[TENDER_MAX_CPUID];
	uint32_t nent = 0;
	struct cpuid_key want = {.magic = "KTCPUID1", .boot_id = "0123456789abcdef", .kvm_dev = 1};

	if (size < 1)
		return 0;
	const uint8_t *file = data + 1;
	size_t n = size - 1;
	if ((data[0] & 1) && n >= sizeof want)
		memcpy(&want, file, sizeof want);
	/* An exact-size copy, so that ASan sees a read past the file. */
	uint8_t *copy = malloc(n ? n : 1);
	memcpy(copy, file, n);
	if (tender_cpuid_cache_parse(copy, n, &want, &nent, e)) {
		if (nent < 1 || nent > TENDER_MAX_CPUID || n != sizeof want + nent * sizeof e[0] ||
		    memcmp(e, copy + sizeof want, nent * sizeof e[0]) != 0)
			abort();
	}
	free(copy);
	return 0;
}
