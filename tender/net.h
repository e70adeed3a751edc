/* net.h: the tender's net devices on hostnet (hostnet/hostnet.h): a tap or
 * user-mode networking (libslirp) per device, --port-forward, --pcap and
 * --net-impair, behind the NET_READ, NET_WRITE and POLL hypercalls
 * (docs/hvt-abi.md section 5; docs/tender.md "Net devices").
 *
 * A manifest net entry's private field holds its struct hostnet. The plain
 * tender is linked statically and without libslirp (GLib's loading would
 * cost every boot); when a device is to be user-mode it execs its twin
 * tender-slirp, the same monitor linked with libslirp.
 */
#ifndef TENDER_NET_H
#define TENDER_NET_H

#include <seccomp.h>
#include <stdbool.h>

#include "hostnet.h"
#include "tender.h"

/* If a --net:NAME=user is given and this tender has no libslirp, execs
 * tender-slirp beside it with the same arguments; dies if it cannot. Runs
 * before the options are parsed. */
void tender_net_reexec(int argc, char **argv);

/* Checks --port-forward, --net-impair and --pcap (one line and exit 1 on a
 * bad value, or if the image declares no net device, or none a --net-mac
 * names) and opens the capture.
 * Before any device is attached. */
void tender_net_options(const struct tender_args *a, const struct mft *m);

/* Attaches net device devname to spec (a tap's name or "user") with the
 * MAC its --net-mac gives, else one derived from the image's file name, the
 * device and spec (hostnet_default_mac: the same at every boot), which it
 * stores in mac. Dies with one line if it cannot. */
struct hostnet *tender_net_attach(const struct tender_args *a, const char *spec,
				  const char *devname, uint8_t mac[6]);

/* The hypercalls. */
void tender_hc_net(struct tender_vm *vm, struct mft *m, struct hvt_hc_net_io *io, bool write);
void tender_hc_poll(struct mft *m, struct hvt_hc_poll *p);

/* Adds to f what the net devices need after setup: a tap's descriptor, the
 * capture's, and for user-mode networking the socket calls libslirp makes. */
/* Filter-building helpers for seccomp.c and this file's own rules: allow
 * system call sys (with optional argument conditions) or end the tender
 * with one line; FD_IS(fd) limits a call to one descriptor. Users include
 * tender.h (tender_die) and <string.h>. */
#define ALLOW(f, sys, ...)                                                             \
	do {                                                                           \
		int r_ = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(sys), __VA_ARGS__); \
		if (r_ < 0)                                                            \
			tender_die("seccomp: cannot allow %s: %s", #sys, strerror(-r_)); \
	} while (0)
#define FD_IS(fd) SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)(fd))

void tender_net_seccomp(scmp_filter_ctx f, const struct mft *m);

/* What --dumpcore adds to the filter (dumpcore.c): writes to its file,
 * the vcpu's segment registers, linking the file into its directory. */
void tender_dumpcore_seccomp(scmp_filter_ctx f);

#endif
