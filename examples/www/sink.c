/* sink.c: the www appliance's checksum service (port 81): reads a stream to its end and answers with its POSIX cksum (CRC-32 per IEEE 1003.1 cksum), so a test can send 256 MiB and compare with `cksum`; and a discard service (port 9, RFC 863, answering the length) that a benchmark can send to as fast as TCP goes. */
#include <kiln/fiber.h>
#include <stdio.h>

#include "www.h"

/* Reading stalls for no longer than this before the connection is dropped. */
#define SINK_IO_TIMEOUT_NS (60ull * 1000000000ull)

static uint32_t crc_table[256];

/* MSB-first CRC-32, polynomial 0x04C11DB7, as cksum computes it. */
static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i << 24;
		for (int k = 0; k < 8; k++)
			c = c & 0x80000000u ? (c << 1) ^ 0x04C11DB7u : c << 1;
		crc_table[i] = c;
	}
}

static uint32_t crc_update(uint32_t crc, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		crc = (crc << 8) ^ crc_table[(crc >> 24) ^ p[i]];
	return crc;
}

/* cksum appends the length, least significant byte first, as few bytes as
 * it takes, then complements. */
static uint32_t crc_finish(uint32_t crc, uint64_t len)
{
	for (; len; len >>= 8) {
		uint8_t b = (uint8_t)len;
		crc = crc_update(crc, &b, 1);
	}
	return ~crc;
}

/* Read c to its end, with the checksum or not; then answer "CRC LENGTH\n"
 * (checksum) or "LENGTH\n" (discard) and close. */
static void sink_serve(struct tcp_conn *c, bool checksum)
{
	struct view v;
	uint32_t crc = 0;
	uint64_t total = 0;
	long n;
	char line[48];
	int len;

	/* In place in TCP's receive buffer: no copy of what arrives. */
	while ((n = tcp_peek(c, &v, kiln_clock_monotonic() + SINK_IO_TIMEOUT_NS)) > 0) {
		if (checksum)
			crc = crc_update(crc, v.data, v.len);
		total += (uint64_t)n;
		tcp_consume(c, (size_t)n);
	}
	if (n == 0) {
		if (checksum)
			len = snprintf(line, sizeof(line), "%u %llu\n", crc_finish(crc, total),
				       (unsigned long long)total);
		else
			len = snprintf(line, sizeof(line), "%llu\n", (unsigned long long)total);
		tcp_write(c, line, (size_t)len, kiln_clock_monotonic() + SINK_IO_TIMEOUT_NS);
	}
	tcp_close(c);
}

static void sink_conn(void *arg) { sink_serve(arg, true); }
static void discard_conn(void *arg) { sink_serve(arg, false); }

struct sink_service {
	struct tcp_listener *l;
	void (*conn)(void *arg);
};

static void sink_accept(void *arg)
{
	struct sink_service *svc = arg;
	for (;;) {
		struct tcp_conn *c = tcp_accept(svc->l, KILN_TIME_NEVER);
		if (c && !fiber_spawn(svc->conn, c, WWW_STACK))
			tcp_abort(c);
	}
}

static int sink_listen(struct tcp_stack *tcp, uint16_t port, struct sink_service *svc)
{
	if (tcp_listen(tcp, port, 16, &svc->l) != 0 || !fiber_spawn(sink_accept, svc, 0)) {
		printf("www: cannot listen on port %u\n", port);
		return -1;
	}
	return 0;
}

int www_sink_start(struct tcp_stack *tcp, uint16_t port)
{
	static struct sink_service svc = {NULL, sink_conn};
	crc_init();
	return sink_listen(tcp, port, &svc);
}

int www_discard_start(struct tcp_stack *tcp, uint16_t port)
{
	static struct sink_service svc = {NULL, discard_conn};
	return sink_listen(tcp, port, &svc);
}
