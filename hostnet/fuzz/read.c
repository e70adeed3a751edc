/* read.c: libFuzzer harness for hostnet's read path: a tap's frames (behind
 * their virtio-net header, hostnet/tap.c) of every length up to 64 KiB and
 * past it, read with buffers of every size, plain or with receive offloads,
 * through --net-impair's hold-back and repeat buffers (hostnet.c, impair.c).
 *
 * tap.c is compiled into the harness, so its reader runs on a descriptor:
 * one end of an AF_UNIX SOCK_SEQPACKET pair, which keeps each frame whole,
 * as a tap does. The input is a configuration byte, then records of
 *   flags(1) length(2, little-endian) cap(2) virtio-net header fields(6)
 * each one frame of length + 65536 * (flags & 1) bytes, filled from the
 * input itself, so that short inputs reach every length. ASan catches a
 * frame copied past a buffer; the harness checks what every read returns
 * against what was sent. */
#include "../tap.c"

#include <stdlib.h>

#define MAX_WIRE (HOSTNET_TSO_MAX_FRAME + 4096)

static int pair[2] = {-1, -1};
static struct tap fuzz_tap;

static void setup(void)
{
	if (pair[0] >= 0)
		return;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, pair) < 0)
		abort();
	int size = 4 * MAX_WIRE;
	setsockopt(pair[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	setsockopt(pair[0], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	fuzz_tap.fd = pair[0];
}

static void drain(void)
{
	static uint8_t sink[MAX_WIRE + 64];
	while (recv(pair[0], sink, sizeof sink, MSG_DONTWAIT) >= 0)
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t wire[MAX_WIRE + sizeof(struct virtio_net_hdr)];
	static uint8_t buf[MAX_WIRE];
	static struct impair_dir tx, rx;
	struct hostnet net;

	if (size < 1)
		return 0;
	setup();
	memset(&net, 0, sizeof net);
	net.b = &tap_backend;
	net.state = &fuzz_tap;
	net.mtu = (data[0] & 0x10) ? 9000 : 0;
	net.offloads = (data[0] & 0x20) ? HOSTNET_OFFLOAD_CSUM | HOSTNET_OFFLOAD_TSO4 |
						  HOSTNET_OFFLOAD_LRO
					: 0;
	if (data[0] & 0x0f) {
		/* Faults on: reorder and repeat often, so frames are held. */
		net.impair.reorder = (data[0] & 3) * 300u;
		net.impair.dup = ((data[0] >> 2) & 3) * 100u;
		net.tx = &tx;
		net.rx = &rx;
		impair_init(&tx, data[0]);
		impair_init(&rx, data[0] + 1u);
	}
	const uint8_t *p = data + 1, *end = data + size;
	while (end - p >= 11) {
		unsigned flags = p[0];
		size_t len = (size_t)(p[1] | p[2] << 8) + ((flags & 1) ? 65536u : 0);
		size_t cap = (size_t)(p[3] | p[4] << 8) + ((flags & 2) ? 65536u : 0);
		struct virtio_net_hdr h = {
			.flags = p[5], .gso_type = p[6],
			.csum_start = (uint16_t)(p[7] | p[8] << 8),
			.csum_offset = (uint16_t)(p[9] | p[10] << 8),
		};
		p += 11;
		if (len > MAX_WIRE)
			len = MAX_WIRE;
		if (cap > sizeof buf)
			cap = sizeof buf;
		memcpy(wire, &h, sizeof h);
		for (size_t i = 0; i < len; i++) /* the rest of the input, cycled */
			wire[sizeof h + i] = end > p ? p[i % (size_t)(end - p)] : (uint8_t)i;
		if (flags & 4) {
			/* The send side too: a frame of the same length. */
			int rc = hostnet_write(&net, wire + sizeof h, len);
			if (rc != 0 && rc != -EINVAL)
				abort();
			if (rc == 0 && (len < 14 || len > hostnet_max_frame(&net)))
				abort();
			continue;
		}
		if (send(pair[1], wire, sizeof h + len, MSG_DONTWAIT) < 0)
			continue; /* the socket's buffer is full: the next read empties it */
		fuzz_tap.ready = true;
		unsigned rx_flags = 0;
		ssize_t n = (flags & 8) ? hostnet_read_offload(&net, buf, cap, &rx_flags)
					: hostnet_read(&net, buf, cap);
		if (n > 0 && (size_t)n > cap)
			abort();
		if (n > (ssize_t)MAX_WIRE)
			abort();
		if (n < 0 && n != -EAGAIN && n != -EMSGSIZE && n != -EIO)
			abort();
	}
	/* What is still held comes out in one piece. */
	for (int i = 0; i < 4; i++) {
		ssize_t n = hostnet_read(&net, buf, sizeof buf);
		if (n > (ssize_t)sizeof buf)
			abort();
	}
	drain();
	if (net.tx)
		net.tx->held_len = 0;
	return 0;
}
