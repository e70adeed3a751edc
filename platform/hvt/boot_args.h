/* boot_args.h: splitting the hvt command line into kiln_main's argv
 * (boot_args.c; docs/hvt-guest.md). Apart from boot.c so that a host fuzz
 * harness (platform/hvt/fuzz/boot_args.c) reaches it. */
#ifndef KILN_HVT_BOOT_ARGS_H
#define KILN_HVT_BOOT_ARGS_H

#include <stddef.h>

/* Copy src (NULL: no arguments) into buf[0..cap) and split the copy at
 * spaces, tabs and newlines into argv[1..]; argv[0] = name. At most cap - 1
 * bytes of src are read. buf and argv must be all zero (bss at boot), and
 * argv must hold cap / 2 + 2 entries (one word per two bytes, name, NULL).
 * Returns argc; argv[argc] stays NULL. */
int hvt_split_args(const char *src, const char *name, char *buf, size_t cap, char **argv);

#endif
