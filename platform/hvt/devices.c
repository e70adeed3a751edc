/* devices.c: the manifest the monitor filled in, by handle and by name (hvt-abi.md section 2).
 * A handle is the index of the device's entry; e[0] is the reserved entry. */
#include <string.h>

#include "hvt.h"

static const struct mft *manifest(void)
{
	const struct mft *m = (const struct mft *)(uintptr_t)hvt_bi->mft;

	/* The monitor is trusted, but a bound on entries costs nothing. */
	if (m == NULL || m->version != MFT_VERSION || m->entries > MFT_MAX_ENTRIES)
		return NULL;
	return m;
}

const struct mft_entry *hvt_device(uint64_t handle, enum mft_type type)
{
	const struct mft *m = manifest();

	if (m == NULL || handle == 0 || handle >= m->entries)
		return NULL;
	if (m->e[handle].type != (uint32_t)type || !m->e[handle].attached)
		return NULL;
	return &m->e[handle];
}

int hvt_device_find(const char *name, enum mft_type type)
{
	const struct mft *m = manifest();

	if (m == NULL || name == NULL)
		return -1;
	for (uint32_t i = 1; i < m->entries; i++)
		if (strncmp(m->e[i].name, name, MFT_NAME_SIZE) == 0)
			return hvt_device(i, type) != NULL ? (int)i : -1;
	return -1;
}
