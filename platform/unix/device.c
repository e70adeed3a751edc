/* device.c: the unix target's table of attached devices (unix.h). */
#include <string.h>

#include "unix.h"

struct unix_device unix_devices[UNIX_MAX_HANDLE + 1];
const char *unix_program = "kiln";
const struct unix_options *unix_opts;

struct unix_device *unix_device_get(kiln_handle_t h, enum kiln_device_type t)
{
	if (h == 0 || h > UNIX_MAX_HANDLE)
		return NULL;
	struct unix_device *d = &unix_devices[h];
	return d->attached && d->type == t ? d : NULL;
}

struct unix_device *unix_device_find(const char *name, enum kiln_device_type t)
{
	if (name == NULL)
		return NULL;
	for (unsigned h = 1; h <= UNIX_MAX_HANDLE; h++) {
		struct unix_device *d = &unix_devices[h];
		if (d->attached && d->type == t && strcmp(d->name, name) == 0)
			return d;
	}
	return NULL;
}
