/* args.h: reading an appliance's own boot arguments.
 *
 * kiln_main() gets its boot arguments as argv[1..argc-1]; libraries read the
 * ones they own (net_config_from_args() takes --ipv4=...), and the
 * application reads its own with these, spelled NAME=VALUE or as a bare
 * flag. The first occurrence wins; nothing is removed from argv.
 */
#ifndef KILN_ARGS_H
#define KILN_ARGS_H

#include <stdbool.h>

/* The VALUE of the first argument NAME=VALUE (e.g. name "--count"), or NULL
 * if there is none. Points into argv. */
const char *args_value(int argc, char **argv, const char *name);

/* args_value() read as a decimal number (strtoul: parsing stops at the first
 * non-digit), or dflt if the argument is absent. */
unsigned long args_ulong(int argc, char **argv, const char *name, unsigned long dflt);

/* True if flag appears as an argument by itself (e.g. "--aaaa"). */
bool args_flag(int argc, char **argv, const char *flag);

#endif
