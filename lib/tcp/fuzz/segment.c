/* segment.c: libFuzzer harness: arbitrary segments, alone and in sequences, into a stack with a listener and an established connection. */
#include <kiln/tcp.h>
#include <kiln/pbuf.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_priv.h"

#define A_ADDR 0x0a000001u
#define B_ADDR 0x0a000002u
#define QMAX 256
/* Timer deadlines run after the records (see the end of the input). */
#define TIMER_ROUNDS 4

/* Input: records of [ctl u8][len u8][len bytes of segment]. ctl bits:
 *   0  aim at the listener (port 80) instead of the connection's ports
 *   1  rewrite the ports to the target's (else as given)
 *   2  sequence and ack relative to the connection's rcv_nxt / snd_una
 *   3  fix the checksum (else as given: mostly a checksum drop)
 *   4-7 advance the clock by n * 50 ms first (timers run) */
struct link {
	struct pbuf *q[QMAX];
	uint32_t src[QMAX], dst[QMAX];
	int n;
	kiln_time_t now;
};

static void out(void *ctx, uint32_t src, uint32_t dst, struct pbuf *pb)
{
	struct link *l = ctx;
	if (l->n == QMAX) {
		pbuf_free(pb);
		return;
	}
	l->q[l->n] = pb;
	l->src[l->n] = src;
	l->dst[l->n] = dst;
	l->n++;
}

static kiln_time_t clk(void *ctx) { return ((struct link *)ctx)->now; }

/* Deliver what is queued, a bounded number of rounds. */
static void drain(struct link *l, struct tcp_stack *a, struct tcp_stack *b)
{
	for (int round = 0; round < 8 && l->n; round++) {
		int n = l->n;
		struct pbuf *q[QMAX];
		uint32_t src[QMAX], dst[QMAX];
		memcpy(q, l->q, sizeof(q[0]) * n);
		memcpy(src, l->src, sizeof(src[0]) * n);
		memcpy(dst, l->dst, sizeof(dst[0]) * n);
		l->n = 0;
		for (int i = 0; i < n; i++) {
			if (dst[i] == A_ADDR || dst[i] == B_ADDR)
				tcp_input(dst[i] == A_ADDR ? a : b, src[i], dst[i], pbuf_view(q[i]), l->now);
			pbuf_free(q[i]);
		}
	}
	for (int i = 0; i < l->n; i++)
		pbuf_free(l->q[i]);
	l->n = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tcp_ip_ops ops = {out};
	struct link link = {.n = 0, .now = 1000000000000ull};
	struct tcp_config cfg = {.ip = &ops, .ip_ctx = &link, .clock = clk, .clock_ctx = &link,
				 .msl = 1000000000ull, .max_conns = 64, .syn_queue = 4};
	struct tcp_stack *a, *b;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb = NULL;
	size_t pos = 0;
	uint8_t seg[300];

	memcpy(cfg.secret, "fuzz-secret-0123", 16);
	a = tcp_stack_new(&cfg);
	b = tcp_stack_new(&cfg);
	if (tcp_listen(b, 80, 4, &l) != 0 || tcp_connect_nb(a, A_ADDR, B_ADDR, 80, &ca) != 0)
		abort();
	drain(&link, a, b);
	cb = tcp_accept_nb(l);
	if (!cb || tcp_conn_status(ca) != 0)
		abort(); /* the handshake must work before fuzzing it */
	tcp_write_nb(ca, "hello", 5);
	drain(&link, a, b);

	for (int rec = 0; rec < 64 && pos + 2 <= size; rec++) {
		uint8_t ctl = data[pos], len = data[pos + 1];
		struct tcp_conn *tgt = (cb && cb->state != TCP_CLOSED) ? cb : NULL;
		pos += 2;
		if (len > size - pos)
			len = (uint8_t)(size - pos);
		memcpy(seg, data + pos, len);
		pos += len;
		if (ctl >> 4) {
			link.now += (ctl >> 4) * 50000000ull;
			tcp_tick(a, link.now);
			tcp_tick(b, link.now);
		}
		if (len >= 20) {
			if (ctl & 2) {
				store_be16(seg, (ctl & 1) || !tgt ? 40000 : tgt->rport);
				store_be16(seg + 2, (ctl & 1) || !tgt ? 80 : tgt->lport);
			}
			if ((ctl & 4) && tgt) {
				store_be32(seg + 4, tgt->rcv_nxt + ((uint32_t)seg[4] << 24 | seg[5] << 16 | seg[6] << 8 | seg[7]) % 70000);
				store_be32(seg + 8, tgt->snd_una + ((uint32_t)seg[8] << 24 | seg[9] << 16 | seg[10] << 8 | seg[11]) % 70000);
			}
			if (ctl & 8)
				tcp_seg_checksum_set(seg, len, A_ADDR, B_ADDR);
		}
		tcp_input(b, A_ADDR, B_ADDR, view_make(seg, len), link.now);
		drain(&link, a, b);
		/* The application side keeps reading and writing. */
		if (cb) {
			char buf[512];
			long r = tcp_read_nb(cb, buf, sizeof(buf));
			if (r > 0)
				tcp_write_nb(cb, buf, (size_t)r);
			if (cb->state == TCP_CLOSED) {
				tcp_close(cb);
				cb = NULL;
			}
		}
		{
			struct tcp_conn *x = tcp_accept_nb(l);
			if (x)
				tcp_close(x);
		}
		drain(&link, a, b);
	}
	/* Run the next few timers (retransmission, probes, TIME_WAIT), then
	 * free it all: tcp_stack_free() frees every connection in any state,
	 * and LeakSanitizer checks. Not every timer to its end: that was two
	 * thirds of the segments each input exchanged (~42 of ~51, the same
	 * RTO back-off for every input) and most of the harness's time; the
	 * records reach later timers themselves (ctl bits 4-7 move the clock). */
	for (int i = 0; i < TIMER_ROUNDS && (tcp_next_deadline(a) != KILN_TIME_NEVER ||
				    tcp_next_deadline(b) != KILN_TIME_NEVER); i++) {
		kiln_time_t d = tcp_next_deadline(a);
		if (tcp_next_deadline(b) < d)
			d = tcp_next_deadline(b);
		if (d > link.now)
			link.now = d;
		tcp_tick(a, link.now);
		tcp_tick(b, link.now);
		drain(&link, a, b);
	}
	if (cb)
		tcp_close(cb);
	tcp_close(ca);
	tcp_listener_close(l);
	drain(&link, a, b);
	tcp_stack_free(a);
	tcp_stack_free(b);
	return 0;
}
