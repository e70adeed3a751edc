/* args.c: the tender's command line, as Solo5's solo5-hvt (docs/tender.md).
 * Errors are returned (a message in the caller's buffer), never exits: the
 * fuzz harness (tender/fuzz/args.c) drives it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tender.h"

const char tender_usage_text[] =
	"usage: tender [OPTIONS] [--] IMAGE [ARGS...]\n"
	"Boots an hvt (Solo5 ABI 2) unikernel IMAGE on KVM. ARGS, joined with spaces,\n"
	"are the guest's command line (at most 8191 bytes).\n"
	"\n"
	"  --mem=MiB              guest memory in MiB (default 512, rounded down to an\n"
	"                         even number, at most 4096)\n"
	"  --net:NAME=TAPDEV      attach the image's net device NAME to an existing tap\n"
	"                         device TAPDEV\n"
	"  --net:NAME=user        attach it to user-mode networking (libslirp): no root,\n"
	"                         no tap; the guest is 10.0.2.15, gateway 10.0.2.2\n"
	"  --port-forward=[udp:|tcp:]HOSTPORT:GUESTPORT\n"
	"                         127.0.0.1:HOSTPORT reaches the guest's GUESTPORT through\n"
	"                         the first user-mode device (both protocols if neither\n"
	"                         is named); repeatable, at most 16\n"
	"  --pcap=FILE            write every frame in and out of every net device to\n"
	"                         FILE in pcap format (tshark -r FILE)\n"
	"  --net-impair=loss:P,reorder:P,dup:P,seed:N\n"
	"                         seeded faults on every net device, both directions\n"
	"  --net-mac:NAME=MAC     net device NAME's Ethernet address; by default one\n"
	"                         derived from the image's name, the device and its\n"
	"                         backend, the same at every boot\n"
	"  --block:NAME=FILE      attach the image's block device NAME to FILE (its size\n"
	"                         a multiple of the sector size)\n"
	"  --block-sector-size:NAME=SIZE\n"
	"                         block device NAME's sector size: a power of two,\n"
	"                         512 (the default) to 32768\n"
	"  --dumpcore=DIR         when the guest aborts or faults, write its core to\n"
	"                         DIR/core.tender.PID (gdb IMAGE CORE)\n"
	"  --gdb[=PORT]           wait for gdb on 127.0.0.1:PORT (default 1234) before\n"
	"                         the guest runs (the stub: docs/tender.md)\n"
	"  --x-no-seccomp         do not confine the tender (debugging only)\n"
	"  --help                 this text\n"
	"\n"
	"Every device the image declares must be given, and no other. Exit status: the\n"
	"guest's own (HALT); 1 for bad usage, a bad image or a device that cannot be\n"
	"attached; 255 when the guest faults (bad hypercall, unknown port, hlt, triple\n"
	"fault). Each error is one line on stderr.\n";

/* Write the message into a->err (a->errlen) and return -1. */
__attribute__((format(printf, 2, 3)))
static int usage_err(struct tender_args *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->err, a->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A manifest name: 1..67 alphanumeric characters (hvt-abi.md section 2). */
static bool valid_name(const char *s, size_t n)
{
	if (n < 1 || n >= MFT_NAME_SIZE)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

static int parse_mem(struct tender_args *a, const char *v)
{
	char *end;
	if (*v < '0' || *v > '9')
		return usage_err(a, "--mem=%s: not a number of MiB", v);
	unsigned long long mib = strtoull(v, &end, 10);
	if (*end != '\0')
		return usage_err(a, "--mem=%s: not a number of MiB", v);
	if (mib > HVT_MAX_MEM >> 20)
		return usage_err(a, "--mem=%s: at most 4096 MiB", v);
	mib &= ~1ull; /* round down to 2 MiB */
	if (mib < TENDER_MIN_MEM_MIB)
		return usage_err(a, "--mem=%s: at least 2 MiB", v);
	a->mem_size = mib << 20;
	return 0;
}

/* --net:NAME=X or --block:NAME=X (opt points after "--net:"/"--block:"). */
static int parse_dev(struct tender_args *a, enum tender_dev_kind kind, char *opt, const char *whole)
{
	char *eq = strchr(opt, '=');
	if (!eq || eq[1] == '\0')
		return usage_err(a, "%s: expected NAME=VALUE", whole);
	if (!valid_name(opt, (size_t)(eq - opt)))
		return usage_err(a, "%s: a device NAME is 1 to 67 letters and digits", whole);
	*eq = '\0';
	for (unsigned i = 0; i < a->ndev; i++)
		if (strcmp(a->dev[i].name, opt) == 0)
			return usage_err(a, "%s: device name given twice", whole);
	if (a->ndev == TENDER_MAX_DEVICE_ARGS)
		return usage_err(a, "%s: too many devices (at most 63)", whole);
	a->dev[a->ndev++] = (struct tender_dev_arg){.kind = kind, .name = opt, .path = eq + 1};
	return 0;
}

/* --block-sector-size:NAME=SIZE (opt points after the colon). The messages
 * are Solo5's where the condition is the same. */
static int parse_sector_size(struct tender_args *a, char *opt, const char *whole)
{
	char *eq = strchr(opt, '='), *end;
	if (!eq || eq[1] == '\0')
		return usage_err(a, "%s: expected --block-sector-size:NAME=SIZE", whole);
	if (!valid_name(opt, (size_t)(eq - opt)))
		return usage_err(a, "%s: a device NAME is 1 to 67 letters and digits", whole);
	if (eq[1] < '0' || eq[1] > '9')
		return usage_err(a, "%s: SIZE is not a number", whole);
	unsigned long size = strtoul(eq + 1, &end, 10);
	if (*end != '\0')
		return usage_err(a, "%s: SIZE is not a number", whole);
	if (size < TENDER_BLOCK_SIZE || size > TENDER_BLOCK_SIZE_MAX || (size & (size - 1)))
		return usage_err(a, "%s: Block size must be a multiple of 2 greater than or equal 512 "
			   "(a power of two, 512 to %d)", whole, TENDER_BLOCK_SIZE_MAX);
	*eq = '\0';
	for (unsigned i = 0; i < a->nsector; i++)
		if (strcmp(a->sector[i].name, opt) == 0)
			return usage_err(a, "%s: sector size given twice", whole);
	if (a->nsector == TENDER_MAX_DEVICE_ARGS)
		return usage_err(a, "%s: too many --block-sector-size options", whole);
	a->sector[a->nsector++] = (struct tender_sector_arg){.name = opt, .size = (unsigned)size};
	return 0;
}

int tender_args_parse(struct tender_args *a, int argc, char **argv, char *err, size_t errlen)
{
	*a = (struct tender_args){.mem_size = HVT_DEFAULT_MEM, .err = err, .errlen = errlen};
	int i = 1;
	for (; i < argc; i++) {
		char *s = argv[i];
		if (strcmp(s, "--") == 0) {
			i++;
			break;
		}
		if (s[0] != '-' || s[1] != '-')
			break;
		if (strcmp(s, "--help") == 0) {
			a->help = true; /* the caller prints tender_usage_text */
			return 0;
		} else if (strncmp(s, "--mem=", 6) == 0) {
			if (parse_mem(a, s + 6) < 0)
				return -1;
		} else if (strncmp(s, "--net:", 6) == 0) {
			if (parse_dev(a, TENDER_DEV_NET, s + 6, s) < 0)
				return -1;
		} else if (strncmp(s, "--block-sector-size:", 20) == 0) {
			if (parse_sector_size(a, s + 20, s) < 0)
				return -1;
		} else if (strncmp(s, "--block:", 8) == 0) {
			if (parse_dev(a, TENDER_DEV_BLOCK, s + 8, s) < 0)
				return -1;
		} else if (strncmp(s, "--net-mac:", 10) == 0) {
			if (!strchr(s + 10, '=') || s[10] == '=')
				return usage_err(a, "%s: expected --net-mac:NAME=MAC", s);
			if (a->nmac == TENDER_MAX_DEVICE_ARGS)
				return usage_err(a, "%s: too many --net-mac options", s);
			a->mac[a->nmac++] = s + 10; /* NAME=MAC, checked by net.c */
		} else if (strncmp(s, "--port-forward=", 15) == 0) {
			if (a->nforward == TENDER_MAX_FORWARDS)
				return usage_err(a, "%s: at most %d port forwards", s, TENDER_MAX_FORWARDS);
			a->forward[a->nforward++] = s + 15;
		} else if (strncmp(s, "--pcap=", 7) == 0 || strncmp(s, "--net-impair=", 13) == 0) {
			const char **slot = s[2] == 'p' ? &a->pcap : &a->impair;
			const char *v = strchr(s, '=') + 1;
			if (*slot)
				return usage_err(a, "%s: %.*s given twice", s, (int)(v - 1 - s), s);
			if (*v == '\0')
				return usage_err(a, "%s: empty value", s);
			*slot = v;
		} else if (strncmp(s, "--dumpcore=", 11) == 0) {
			if (a->dumpcore)
				return usage_err(a, "%s: --dumpcore given twice", s);
			if (s[11] == '\0')
				return usage_err(a, "%s: expected --dumpcore=DIR", s);
			a->dumpcore = s + 11;
		} else if (strcmp(s, "--gdb") == 0) {
			a->gdb_port = 1234;
		} else if (strncmp(s, "--gdb=", 6) == 0) {
			char *end;
			unsigned long p = strtoul(s + 6, &end, 10);
			if (*end || p < 1 || p > 65535 || s[6] == '\0')
				return usage_err(a, "%s: expected --gdb or --gdb=PORT (1-65535)", s);
			a->gdb_port = (unsigned)p;
		} else if (strcmp(s, "--x-no-seccomp") == 0) {
			a->seccomp_off = true;
		} else {
			return usage_err(a, "unknown option %s", s);
		}
	}
	if (i >= argc)
		return usage_err(a, "no IMAGE given");
	a->image = argv[i++];
	a->guest_argv = argv + i;
	a->guest_argc = argc - i;
	return 0;
}
