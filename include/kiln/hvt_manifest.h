/* hvt_manifest.h: KILN_MANIFEST for the hvt target: the MFT1 ELF note of
 * hvt-abi.md section 2, included by <kiln/manifest.h> under KILN_TARGET_HVT.
 *
 *   KILN_MANIFEST(2, KILN_NET("service"), KILN_BLOCK("storage"));
 *
 * expands to one const object in section .note.solo5.manifest, which
 * platform/hvt/hvt.ld puts in its own PT_NOTE segment: a note header (name
 * "Solo5", type MFT1), 4 bytes of padding so the manifest is 8-byte aligned
 * (counted in n_descsz, as Solo5 does), then struct mft with entries = n + 1:
 * e[0] the empty RESERVED_FIRST entry, e[1..n] the devices in the order given,
 * so the device declared i-th has handle i. Names are 1..67 alphanumerics
 * (the kiln tool checks them); attached is false until the monitor fills in
 * its copy. A count that does not match the devices given fails to compile.
 */
#ifndef KILN_HVT_MANIFEST_H
#define KILN_HVT_MANIFEST_H

#include <kiln/hvt_abi.h>

struct hvt_mft1_nhdr {
	uint32_t n_namesz;
	uint32_t n_descsz;
	uint32_t n_type;
	char n_name[8]; /* "Solo5\0" padded to 4 bytes */
};
_Static_assert(sizeof(struct hvt_mft1_nhdr) == 20, "MFT1 note header is 20 bytes");

#define KILN_NET(name_) {.name = name_, .type = MFT_DEV_NET_BASIC}
#define KILN_BLOCK(name_) {.name = name_, .type = MFT_DEV_BLOCK_BASIC}

#define KILN_MANIFEST(n, ...)                                                  \
	_Static_assert((n) >= 0 && (n) < MFT_MAX_ENTRIES, "at most 63 devices"); \
	_Static_assert(sizeof((struct mft_entry[]){{.name = ""}, ##__VA_ARGS__}) == \
			       ((n) + 1) * sizeof(struct mft_entry),           \
		       "KILN_MANIFEST: the count differs from the devices given"); \
	__attribute__((section(".note.solo5.manifest"), aligned(8), used))    \
	const struct {                                                         \
		struct hvt_mft1_nhdr h;                                        \
		uint32_t padding; /* aligns the manifest to 8 bytes */         \
		struct {                                                       \
			uint32_t version;                                      \
			uint32_t entries;                                      \
			struct mft_entry e[(n) + 1];                           \
		} m;                                                           \
	} kiln_hvt_mft1_note = {                                               \
		.h = {HVT_NOTE_NAMESZ,                                         \
		      4 + 8 + ((n) + 1) * sizeof(struct mft_entry),            \
		      HVT_NOTE_TYPE_MFT1, HVT_NOTE_NAME},                      \
		.m = {MFT_VERSION, (n) + 1,                                    \
		      {{.name = "", .type = MFT_RESERVED_FIRST}, ##__VA_ARGS__}}, \
	}

#endif
