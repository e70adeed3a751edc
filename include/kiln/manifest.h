/* manifest.h: the devices an appliance declares, as the kiln tool writes them.
 *
 * From kiln.conf (docs/config.md) the kiln tool generates, for each build,
 * _build/<target>/manifest.c of this form:
 *
 *   #include <kiln/manifest.h>
 *   KILN_MANIFEST(2,
 *       KILN_NET("service"),
 *       KILN_BLOCK("storage"));
 *
 * (KILN_MANIFEST(0); for an appliance with no devices.) The first argument is
 * the number of devices. What it expands to is the target's business:
 *   hvt   the MFT1 ELF note of hvt-abi.md section 2, which the monitor reads,
 *         attaches and hands back in the boot info (platform/hvt/manifest.h);
 *   unix  the table below, which platform/unix reads to know which
 *         --net:NAME= and --block:NAME= options it must be given.
 * Application code never includes this header.
 */
#ifndef KILN_MANIFEST_H
#define KILN_MANIFEST_H

#if defined(KILN_TARGET_HVT)
#include <kiln/hvt_manifest.h>
#else

#include <stddef.h>
#include <stdint.h>

#define KILN_MAX_DEVICES 63

enum kiln_device_type { KILN_DEVICE_BLOCK = 1, KILN_DEVICE_NET = 2 };

/* platform/unix's start-up code for one device type: attaches dev from its
 * command-line value (a tap name, a file), or writes a one-line reason to err
 * and returns -1. Naming it in each entry is what links a device type's code
 * into an appliance only when the appliance declares such a device (a hello
 * image carries no tap code). See platform/unix/unix.h. */
struct kiln_device;
typedef int kiln_unix_attach_fn(const struct kiln_device *dev, unsigned handle,
				const char *value, char *err, size_t errlen);
extern kiln_unix_attach_fn kiln_unix_net_attach, kiln_unix_block_attach;

struct kiln_device {
	const char *name;
	enum kiln_device_type type;
	kiln_unix_attach_fn *attach;
};

struct kiln_manifest {
	unsigned count;
	struct kiln_device dev[KILN_MAX_DEVICES];
};

/* Defined by the generated manifest.c, read by platform/unix. */
extern const struct kiln_manifest kiln_manifest;

#define KILN_NET(name_)                                                        \
	{.name = (name_), .type = KILN_DEVICE_NET, .attach = kiln_unix_net_attach}
#define KILN_BLOCK(name_)                                                      \
	{.name = (name_), .type = KILN_DEVICE_BLOCK, .attach = kiln_unix_block_attach}
#define KILN_MANIFEST(n, ...)                                                  \
	const struct kiln_manifest kiln_manifest = {.count = (n), .dev = {__VA_ARGS__}}

#endif
#endif
