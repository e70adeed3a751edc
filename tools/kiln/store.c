/* store.c: `kiln store ...`, handed to kiln-store, the host tool beside this
 * program (tools/store; docs/store.md). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kiln.h"

int cmd_store(int argc, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0) {
		kiln_error("store: cannot find this program's place: %s", strerror(errno));
		return 1;
	}
	self[n] = 0;
	char *slash = strrchr(self, '/');
	*slash = 0;
	snprintf(path, sizeof path, "%s/kiln-store", self);
	argv[0] = "kiln store";
	(void)argc;
	execv(path, argv);
	kiln_error("store: cannot run %s: %s (is it built? make tools)", path, strerror(errno));
	return 1;
}
