/* link.h: two lib/tcp stacks joined by an in-memory link driven by the event loop and the fake platform's clock, for lib/httpd's tests (the idea of lib/tcp/tests/pair.h). */
#ifndef KILN_HTTPD_TESTS_LINK_H
#define KILN_HTTPD_TESTS_LINK_H

#include <kiln/loop.h>
#include <kiln/pbuf.h>
#include <kiln/tcp.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/tests/fake_platform.h"

#define CLIENT_ADDR 0x0a000001u
#define SERVER_ADDR 0x0a000002u
#define MSEC 1000000ull
#define SECS (1000 * MSEC)

struct lpkt {
	struct lpkt *next;
	kiln_time_t at;
	uint32_t src, dst;
	struct pbuf *pb;
};

/* FIFO: every segment takes the same delay, so arrival order is send order. */
static struct {
	struct tcp_stack *client, *server;
	struct lpkt *head, *tail;
	long live;
	unsigned drop_every; /* drop every Nth segment (0: none) */
	unsigned long sent, dropped;
	struct loop_source src;
	struct tcp_ip_ops ops;
} L;

static void link_output(void *ctx, uint32_t src, uint32_t dst, struct pbuf *pb)
{
	(void)ctx;
	L.sent++;
	if (L.drop_every && L.sent % L.drop_every == 0) {
		L.dropped++;
		pbuf_free(pb);
		return;
	}
	struct lpkt *k = calloc(1, sizeof(*k));
	k->at = fake_now + 100000; /* 100 us one way */
	k->src = src;
	k->dst = dst;
	k->pb = pb;
	if (L.tail)
		L.tail->next = k;
	else
		L.head = k;
	L.tail = k;
	L.live++;
}

static kiln_time_t link_clock(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static kiln_time_t link_deadline(struct loop_source *s)
{
	(void)s;
	kiln_time_t next = L.head ? L.head->at : KILN_TIME_NEVER;
	kiln_time_t d = tcp_next_deadline(L.client);
	if (d < next)
		next = d;
	d = tcp_next_deadline(L.server);
	return d < next ? d : next;
}

static void link_time(struct loop_source *s, kiln_time_t now)
{
	(void)s;
	/* Deliver what is due, including what the deliveries send back if it is
	 * due too (it is not: it takes 100 us); bounded. */
	for (int i = 0; i < 100000 && L.head && L.head->at <= now; i++) {
		struct lpkt *k = L.head;
		L.head = k->next;
		if (!L.head)
			L.tail = NULL;
		tcp_input(k->dst == SERVER_ADDR ? L.server : L.client, k->src, k->dst,
			  pbuf_view(k->pb), now);
		pbuf_free(k->pb);
		free(k);
		L.live--;
	}
	tcp_tick(L.client, now);
	tcp_tick(L.server, now);
}

static void link_open(const struct tcp_config *server_cfg)
{
	struct tcp_config cc = {0}, sc = {0};

	memset(&L, 0, sizeof(L));
	fake_reset();
	fake_now = 1000 * SECS;
	if (server_cfg)
		sc = *server_cfg;
	L.ops.output = link_output;
	cc.ip = sc.ip = &L.ops;
	cc.clock = sc.clock = link_clock;
	memcpy(cc.secret, "httpd-test-clnt!", 16);
	memcpy(sc.secret, "httpd-test-srvr!", 16);
	cc.msl = sc.msl = 1 * SECS; /* short TIME_WAIT */
	cc.max_conns = sc.max_conns ? sc.max_conns : 4096;
	if (!sc.max_conns)
		sc.max_conns = 4096;
	cc.syn_queue = sc.syn_queue = 1024;
	L.client = tcp_stack_new(&cc);
	L.server = tcp_stack_new(&sc);
	L.src.name = "link";
	L.src.next_deadline = link_deadline;
	L.src.on_time = link_time;
	loop_add(&L.src);
}

/* Turn the loop (and so the fibers) in 1 ms steps until cond or max steps. */
#define LINK_RUN_UNTIL(cond, max_steps)                                        \
	do {                                                                   \
		for (long lr_i_ = 0; lr_i_ < (long)(max_steps) && !(cond); lr_i_++) { \
			fake_now += MSEC;                                      \
			loop_step(0);                                          \
		}                                                              \
	} while (0)

static void link_close(void)
{
	loop_remove(&L.src);
	while (L.head) {
		struct lpkt *k = L.head;
		L.head = k->next;
		pbuf_free(k->pb);
		free(k);
	}
	L.tail = NULL;
	tcp_stack_free(L.client);
	tcp_stack_free(L.server);
}

#endif
