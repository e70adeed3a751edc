/* net_attach.c: attaches a declared net device from its --net:NAME=VALUE
 * option (manifest.h names this function in every KILN_NET entry, so only
 * appliances that declare a net device link it and the tap code). */
#include <stdio.h>
#include <string.h>

#include "unix.h"

int kiln_unix_net_attach(const struct kiln_device *mdev, unsigned handle,
			 const char *value, char *err, size_t errlen)
{
	struct unix_device *d = &unix_devices[handle];

	d->name = mdev->name;
	d->type = KILN_DEVICE_NET;
	if (strcmp(value, "user") == 0) {
		/* Reserved for user-mode networking through libslirp (issue 3). */
		snprintf(err, errlen, "--net:%s=user: user-mode networking is not "
			 "available on the unix target yet; give a tap device",
			 mdev->name);
		return -1;
	}
	if (unix_tap_open(d, value, err, errlen) < 0)
		return -1;
	d->attached = true;
	return 0;
}
