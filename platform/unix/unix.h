/* unix.h: platform/unix's private interfaces: the device table, the net
 * backend operations, the poll set kiln_yield() fills, and start-up.
 * The public contract is include/kiln/platform.h; the options are in
 * docs/config.md ("Running a unix appliance").
 */
#ifndef KILN_PLATFORM_UNIX_H
#define KILN_PLATFORM_UNIX_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <kiln/manifest.h>
#include <kiln/platform.h>

/* Handles are manifest index + 1, as on hvt where e[0] is reserved
 * (hvt-abi.md 2): the same appliance sees the same handles on both targets. */
#define UNIX_MAX_HANDLE KILN_MAX_DEVICES

/* Descriptors one yield may poll: one per tap, and room for a user-mode
 * network backend (libslirp registers a handful of sockets per connection). */
#define UNIX_POLL_MAX 256

struct unix_device;

struct unix_pollset {
	struct pollfd fds[UNIX_POLL_MAX];
	unsigned n;
	kiln_time_t deadline; /* a backend may bring it forward */
};

/* One way of carrying frames for a net device. tap is the only one today;
 * user-mode networking (libslirp) and a pcap tee wrap or add to these. */
struct unix_net_ops {
	const char *kind;
	/* Add the descriptors to wait on; may lower ps->deadline. */
	void (*poll_prepare)(struct unix_device *dev, struct unix_pollset *ps);
	/* After the wait: true if a frame is ready to read. */
	bool (*poll_ready)(struct unix_device *dev, const struct unix_pollset *ps);
	enum kiln_result (*read)(struct unix_device *dev, uint8_t *buf, size_t size,
				 size_t *read_size);
	enum kiln_result (*write)(struct unix_device *dev, const uint8_t *buf,
				  size_t size);
};

struct unix_device {
	const char *name; /* from the manifest */
	enum kiln_device_type type;
	bool attached;
	int fd;
	/* net */
	const struct unix_net_ops *net_ops;
	struct kiln_net_info net_info;
	unsigned poll_first, poll_count; /* this device's slots in the poll set */
	bool net_failed; /* the host side broke (tap deleted): no longer polled */
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

/* Appends fd to ps for events; false when the set is full. */
bool unix_pollset_add(struct unix_pollset *ps, int fd, short events);

/* The tap backend (net_tap.c): opens TAPDEV into dev. */
int unix_tap_open(struct unix_device *dev, const char *ifname, char *err, size_t errlen);

/* --- Start-up (options.c, start.c) -------------------------------------- */

/* One --net:NAME=VALUE or --block:NAME=VALUE given on the command line. */
struct unix_option_dev {
	enum kiln_device_type type;
	const char *name;  /* points into argv */
	size_t name_len;
	const char *value; /* points into argv */
};

struct unix_options {
	struct unix_option_dev dev[UNIX_MAX_HANDLE];
	unsigned ndev;
	bool help;
	int first_arg; /* argv index of the first boot argument */
};

/* Parses the platform's own options from argv[1..] and checks them against
 * the manifest m: every declared device given once, no other. Returns 0, or
 * -1 with a one-line reason in err. Touches no device. */
int unix_options_parse(int argc, char **argv, const struct kiln_manifest *m,
		       struct unix_options *opts, char *err, size_t errlen);

/* The platform options, for --help. */
extern const char unix_options_help[];

/* The appliance's name, written by the kiln tool (_build/unix/appliance.c). */
extern const char kiln_appliance_name[];

/* main(): parse, attach, run kiln_main(), exit with its status. */
int kiln_unix_start(int argc, char **argv);

#endif
