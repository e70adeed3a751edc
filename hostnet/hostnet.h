/* hostnet.h: the host side of an appliance's network device.
 *
 * Both host programs that run appliances, the tender (hvt) and the unix
 * target's platform layer, attach each declared network device to a backend
 * chosen on their command line with the same spelling:
 *
 *   --net:NAME=TAPDEV    a Linux tap device (needs it to exist, and usually root)
 *   --net:NAME=user      user-mode networking through Debian's libslirp: no root,
 *                        no tap; the appliance is 10.0.2.15/24 behind a NAT
 *                        with gateway 10.0.2.2 and DNS 10.0.2.3, and
 *                        --port-forward=[udp:|tcp:]HOSTPORT:GUESTPORT exposes
 *                        a guest port on 127.0.0.1 (both protocols if neither
 *                        is named)
 *   --pcap=FILE          every frame in and out of every device, in pcap format
 *   --net-impair=loss:P,reorder:P,dup:P,seed:N
 *                        seeded, reproducible faults on every device, both
 *                        directions: P percent of frames dropped, held back
 *                        behind the next frame, or delivered twice (P may
 *                        have one decimal: 0.5). This machine's kernel has no
 *                        netem; kiln brings its own, and it is useful to
 *                        anyone testing an appliance on a bad link.
 *
 * This module opens backends from such specs, moves frames, and waits for
 * any of them with one call, hostnet_wait(), which is what the tender's POLL
 * hypercall and the unix target's kiln_yield() both are. Everything here is
 * host code (glibc, libslirp); nothing of it is linked into a guest.
 */
#ifndef KILN_HOSTNET_H
#define KILN_HOSTNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define HOSTNET_MTU 1500
#define HOSTNET_MAX_FRAME (HOSTNET_MTU + 14)
/* Port forwards per user-mode device: a few services per appliance. */
#define HOSTNET_MAX_FORWARDS 16
/* Frames user-mode networking may queue towards the appliance before it
 * reads them; past this they are dropped (and counted), as a full NIC ring
 * would. 256 frames = 384 KiB, a TCP window's worth. */
#define HOSTNET_USER_QUEUE 256
/* Devices one process attaches (the hvt manifest allows 63 in all). */
#define HOSTNET_MAX_DEVICES 63

struct hostnet_forward {
	bool udp, tcp;
	uint16_t host_port;  /* on 127.0.0.1 */
	uint16_t guest_port; /* on the guest's address */
};

/* Fault injection, in tenths of a percent (permille). */
struct hostnet_impair {
	unsigned loss, reorder, dup;
	uint64_t seed;
};

/* Options shared by every device of a process. */
struct hostnet_options {
	struct hostnet_forward forwards[HOSTNET_MAX_FORWARDS];
	unsigned forward_count;
	FILE *pcap; /* NULL: no capture; written by every device */
	struct hostnet_impair impair; /* all zero: a clean link */
	/* Offer offloads (hostnet_offloads): the unix target takes them; the
	 * tender's guests speak the Solo5 ABI, which has none, so it does not
	 * ask and its taps carry MTU-sized frames only. */
	bool offload;
	/* For messages only: the appliance's and the device's names. A
	 * user-mode device says where its forwards are reachable, on stderr,
	 * once their host sockets are bound (hostnet_open), and a forward that
	 * cannot be bound names the device, the reason (errno's words) and
	 * another port to try. NULL: "appliance", "?". */
	const char *appliance, *device;
};

struct hostnet;

/* The Ethernet address a device gets unless --net-mac:NAME=MAC says
 * otherwise: derived from the appliance (its name or image), the device's
 * name and its backend spec, so that a restarted appliance keeps its
 * address, as a machine keeps its NIC's, and a DHCP server gives it its
 * lease again; different devices or taps get different addresses. Locally
 * administered, unicast. */
void hostnet_default_mac(const char *appliance, const char *device, const char *spec,
			 uint8_t mac[6]);

/* Parse a MAC written as six hex pairs separated by ':'; false if malformed
 * or multicast. */
bool hostnet_parse_mac(const char *text, uint8_t mac[6]);

/* Parse one --port-forward value into opts; false with a message in err. */
bool hostnet_parse_forward(const char *value, struct hostnet_options *opts,
			   char *err, size_t errlen);

/* Parse a --net-impair value into opts; false with a message in err. */
bool hostnet_parse_impair(const char *value, struct hostnet_options *opts,
			  char *err, size_t errlen);

/* Open a pcap file for writing (global header written); NULL with err set. */
FILE *hostnet_pcap_open(const char *path, char *err, size_t errlen);

/* Open the backend named by spec ("user" or a tap device name) for a device
 * whose guest MAC is mac. NULL with a one-line reason in err. Compiled with
 * -DHOSTNET_NO_USER, hostnet links no libslirp and "user" is such an error. */
struct hostnet *hostnet_open(const char *spec, const uint8_t mac[6],
			     const struct hostnet_options *opts, char *err, size_t errlen);
void hostnet_close(struct hostnet *net);

/* The device's MTU: a tap's own (read when it is opened; up to
 * HOSTNET_MAX_MTU, a jumbo MTU included), HOSTNET_MTU for user-mode
 * networking. */
#define HOSTNET_MAX_MTU 65535 /* frames up to HOSTNET_TSO_MAX_FRAME */
unsigned hostnet_mtu(const struct hostnet *net);

/* The longest plain frame the device carries either way: its MTU + 14. */
size_t hostnet_max_frame(const struct hostnet *net);

/* A short description for messages: "tap kiln0" or "user-mode (10.0.2.15)". */
const char *hostnet_describe(const struct hostnet *net);

/* Send one frame (14 to hostnet_max_frame() bytes, else -EINVAL) from the
 * appliance to the network. Returns 0, or -errno
 * (a frame the host cannot take now is dropped, as a wire would: 0). */
int hostnet_write(struct hostnet *net, const uint8_t *frame, size_t len);

/* Offloads (platform.h's KILN_NET_OFFLOAD_*, the same bits): what a device
 * does for the appliance's frames. A tap completes checksums and cuts TCP
 * super-frames into segments (the kernel does, through the virtio-net
 * header of IFF_VNET_HDR), unless --pcap or --net-impair is on: a capture
 * should show the frames a wire would carry, and faults hit single frames.
 * User-mode networking offers none. */
#define HOSTNET_OFFLOAD_CSUM 1u
#define HOSTNET_OFFLOAD_TSO4 2u
/* Receive: TCP/IPv4 frames up to HOSTNET_TSO_MAX_FRAME (what Linux sends
 * the tap unsegmented), handed over with their checksums completed. */
#define HOSTNET_OFFLOAD_LRO 4u
#define HOSTNET_TSO_MAX_FRAME (14 + 65535)
unsigned hostnet_offloads(const struct hostnet *net);

/* What an offloaded frame asks (platform.h's struct kiln_net_offload). */
struct hostnet_offload {
	uint16_t csum_start, csum_offset; /* csum_start 0: none */
	uint16_t seg_size, hdr_len;       /* seg_size 0: no segmentation */
};

/* hostnet_write() of a frame asking for offloads the device offered. A
 * frame may be up to HOSTNET_TSO_MAX_FRAME bytes when it asks for
 * segmentation. -EINVAL for what the device did not offer or offsets
 * outside the frame; else as hostnet_write(). */
int hostnet_write_offload(struct hostnet *net, const struct hostnet_offload *o,
			  const uint8_t *frame, size_t len);

/* Receive one frame for the appliance (cap: HOSTNET_TSO_MAX_FRAME to take
 * what HOSTNET_OFFLOAD_LRO may bring): its length, -EAGAIN if none waits,
 * -EMSGSIZE if it did not fit in cap (the frame is dropped), other -errno. */
ssize_t hostnet_read(struct hostnet *net, uint8_t *buf, size_t cap);

/* hostnet_read() that may leave a frame's checksum to the caller: with
 * receive offload on, a frame the host's stack made or checked comes as it
 * is, perhaps with only the pseudo-header's sum in its checksum field, and
 * *rx_flags says HOSTNET_RX_CSUM_OK (platform.h's KILN_NET_RX_CSUM_OK):
 * one pass over the data less for a stack that trusts it. Otherwise 0, and
 * the frame is as hostnet_read() gives it. */
#define HOSTNET_RX_CSUM_OK 1u
ssize_t hostnet_read_offload(struct hostnet *net, uint8_t *buf, size_t cap, unsigned *rx_flags);

/* Wait until one of nets[0..n-1] has a frame to read or timeout_ns passes
 * (0: just poll; negative, or too far to hold as a deadline: forever), servicing user-mode networking's
 * sockets and timers meanwhile (that alone does not end the wait).
 * Returns a mask of the readable ones (bit i = nets[i]), 0 on timeout.
 * EINTR counts as a timeout. */
uint64_t hostnet_wait(struct hostnet *const *nets, unsigned n, int64_t timeout_ns);

/* The file descriptors the backend may wait on, for a seccomp policy or a
 * caller's own poll: returns how many it stored in fds (at most max). */
unsigned hostnet_fds(const struct hostnet *net, int *fds, unsigned max);

/* Counters: frames each way, and frames dropped because the queue was full. */
struct hostnet_stats {
	uint64_t tx_frames, rx_frames, rx_dropped;
	uint64_t tx_offloaded; /* frames that left work to the host (of tx_frames) */
	uint64_t tx_dropped; /* user-mode: more frames written between two waits than its queue holds */
	uint64_t impair_lost, impair_reordered, impair_duplicated;
	/* Frames --net-impair would have held back or repeated but that were
	 * longer than its buffer (HOSTNET_TSO_MAX_FRAME): passed on as they are. */
	uint64_t impair_too_long;
};
struct hostnet_stats hostnet_stats(const struct hostnet *net);

#endif
