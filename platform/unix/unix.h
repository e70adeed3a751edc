/* unix.h: platform/unix's private interfaces: the device table, the net
 * backend's calls (hostnet, reached through a pointer), and start-up.
 * The public contract is include/kiln/platform.h; the options are in
 * docs/config.md ("Running a unix appliance").
 */
#ifndef KILN_PLATFORM_UNIX_H
#define KILN_PLATFORM_UNIX_H

#include <stdbool.h>
#include <stddef.h>
#include <kiln/manifest.h>
#include <kiln/platform.h>

/* Handles are manifest index + 1, as on hvt where e[0] is reserved
 * (hvt-abi.md 2): the same appliance sees the same handles on both targets. */
#define UNIX_MAX_HANDLE KILN_MAX_DEVICES

struct unix_device;
struct hostnet; /* hostnet/hostnet.h: the host side of a net device */

/* The net device calls, set by net_attach.c when it attaches the first net
 * device (NULL before): reached through this pointer, not called directly,
 * so that only an appliance that declares a net device links hostnet and
 * libslirp, even if it links a network library (net.c). */
struct unix_net_backend {
	/* rx_flags: NULL, or where KILN_NET_RX_* go (kiln_net_read_offload). */
	enum kiln_result (*read)(struct unix_device *dev, uint8_t *buf, size_t size,
				 size_t *read_size, unsigned *rx_flags);
	enum kiln_result (*write)(struct unix_device *dev, const uint8_t *buf, size_t size);
	enum kiln_result (*write_offload)(struct unix_device *dev,
					  const struct kiln_net_offload *o, const uint8_t *buf,
					  size_t size);
};
extern const struct unix_net_backend *unix_net;

/* What kiln_yield() waits on when devices that can become ready are
 * attached (net_attach.c sets it to hostnet_wait() over the net devices):
 * waits until one has input or deadline passes and returns their handles.
 * NULL: nothing to wait for, kiln_yield() sleeps. yield.c is in every
 * appliance that runs the event loop, hello included; this keeps it free
 * of any device's code. */
/* Install the crash report (crash.c): a fault prints the signal, its
 * address and a backtrace on stderr and exits 255. */
void unix_crash_init(void);

extern kiln_handle_set_t (*unix_wait_devices)(kiln_time_t deadline);

struct unix_device {
	const char *name; /* from the manifest */
	enum kiln_device_type type;
	bool attached;
	int fd;
	/* net */
	struct hostnet *hostnet; /* its backend: a tap or user-mode networking */
	struct kiln_net_info net_info;
	/* block */
	struct kiln_block_info block_info;
};

/* Indexed by handle; [0] unused. Filled by start-up, before kiln_main(). */
extern struct unix_device unix_devices[UNIX_MAX_HANDLE + 1];
/* The name in front of run-time messages: the appliance's, once started. */
extern const char *unix_program;

/* The device behind handle h if it is attached and of type t, else NULL. */
struct unix_device *unix_device_get(kiln_handle_t h, enum kiln_device_type t);
/* The attached device of type t named name, else NULL. */
struct unix_device *unix_device_find(const char *name, enum kiln_device_type t);

/* CLOCK_MONOTONIC's reading that kiln_clock_monotonic() counts from. */
kiln_time_t unix_clock_base(void);

/* --- Start-up (options.c, start.c) -------------------------------------- */

/* One --net:NAME=VALUE or --block:NAME=VALUE given on the command line. */
struct unix_option_dev {
	enum kiln_device_type type;
	const char *name;  /* points into argv */
	size_t name_len;
	const char *value; /* points into argv */
};

/* --port-forward options one appliance takes (hostnet.h's HOSTNET_MAX_FORWARDS). */
#define UNIX_MAX_FORWARDS 16

struct unix_options {
	struct unix_option_dev dev[UNIX_MAX_HANDLE];
	unsigned ndev;
	/* The network options (docs/hostnet.md), as given; checked and applied
	 * by net_attach.c, so that options.c links no network code. */
	const char *forward[UNIX_MAX_FORWARDS]; /* --port-forward=VALUE */
	unsigned nforward;
	const char *pcap;   /* --pcap=FILE */
	const char *impair; /* --net-impair=SPEC */
	bool no_offload;    /* --net-no-offload */
	struct unix_option_dev mac[UNIX_MAX_HANDLE]; /* --net-mac:NAME=MAC */
	unsigned nmac;
	bool help;
	int first_arg; /* argv index of the first boot argument */
};

/* Parses the platform's own options from argv[1..] and checks them against
 * the manifest m: every declared device given once, no other. Returns 0, or
 * -1 with a one-line reason in err. Touches no device. */
int unix_options_parse(int argc, char **argv, const struct kiln_manifest *m,
		       struct unix_options *opts, char *err, size_t errlen);

/* The options start-up parsed, for net_attach.c; NULL before (unit tests
 * that attach devices directly run with no network options). */
extern const struct unix_options *unix_opts;

/* The platform options, for --help. */
extern const char unix_options_help[];

/* The appliance's name, written by the kiln tool (_build/unix/appliance.c). */
extern const char kiln_appliance_name[];

/* main(): parse, attach, run kiln_main(), exit with its status. */
int kiln_unix_start(int argc, char **argv);

#endif
