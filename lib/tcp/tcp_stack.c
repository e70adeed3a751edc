/* tcp_stack.c: a TCP stack's lifetime, its memory accounting and counters (see include/kiln/tcp.h). */
#include "tcp_priv.h"

#include <stdlib.h>
#include <string.h>

#define MS 1000000ull
#define SEC (1000 * MS)

static void apply_defaults(struct tcp_config *c)
{
#define DEF(f, v) if (!c->f) c->f = (v)
	DEF(mss, 1460);
	DEF(sndbuf, 64u << 10);
	DEF(rcvbuf, 64u << 10);
	DEF(max_conns, 1024);
	DEF(mem_max, (size_t)64 << 20);
	DEF(syn_queue, 128);
	DEF(msl, 30 * SEC);
	DEF(delack, 40 * MS);
	DEF(rto_initial, 1 * SEC);
	DEF(rto_min, 200 * MS);
	DEF(rto_max, 60 * SEC);
	DEF(max_retries, 12);
	DEF(syn_retries, 5);
	DEF(keep_idle, 7200 * SEC);
	DEF(keep_intvl, 75 * SEC);
	DEF(keep_cnt, 9);
	DEF(fin_wait2_timeout, 60 * SEC);
	DEF(persist_max, 60 * SEC);
#undef DEF
	if (c->sndbuf > TCP_BUF_MAX)
		c->sndbuf = TCP_BUF_MAX;
	if (c->rcvbuf > TCP_BUF_MAX)
		c->rcvbuf = TCP_BUF_MAX;
	if (c->mss < 64)
		c->mss = 64; /* RFC 9293 3.7.1: IPv4 needs 576-40; below 64 is absurd */
	if (c->rto_min < MS)
		c->rto_min = MS;
}

struct tcp_stack *tcp_stack_new(const struct tcp_config *cfg)
{
	struct tcp_stack *s;
	uint32_t buckets = 64;

	if (!cfg || !cfg->ip || !cfg->ip->output || !cfg->clock)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cfg = *cfg;
	apply_defaults(&s->cfg);
	/* One bucket per connection on average, a power of two. */
	while (buckets < s->cfg.max_conns && buckets < (1u << 24))
		buckets <<= 1;
	s->table = calloc(buckets, sizeof(*s->table));
	s->heap_cap = s->cfg.max_conns;
	s->heap = calloc(s->heap_cap, sizeof(*s->heap));
	if (!s->table || !s->heap) {
		free(s->table);
		free(s->heap);
		free(s);
		return NULL;
	}
	s->table_mask = buckets - 1;
	for (int i = 0; i < 8; i++) {
		s->hash_key[0] = s->hash_key[0] << 8 | cfg->secret[i];
		s->hash_key[1] = s->hash_key[1] << 8 | cfg->secret[8 + i];
	}
	s->port_seq = (uint32_t)tcp_siphash(s->hash_key, "port", 4);
	return s;
}

void tcp_stack_free(struct tcp_stack *s)
{
	if (!s)
		return;
	if (s->in_loop)
		s->loop_remove(&s->src);
	/* Every connection, whatever its state and whoever holds it. */
	while (s->all)
		tcp_conn_free(s->all);
	while (s->listeners) {
		struct tcp_listener *l = s->listeners;
		s->listeners = l->next;
		tcp_mem_free(s, l, sizeof(*l));
	}
	free(s->table);
	free(s->heap);
	free(s);
}

void *tcp_mem_alloc(struct tcp_stack *s, size_t n)
{
	void *p;
	if (n > s->cfg.mem_max - s->mem || s->mem > s->cfg.mem_max)
		return NULL;
	p = malloc(n);
	if (p)
		s->mem += n;
	return p;
}

void tcp_mem_free(struct tcp_stack *s, void *p, size_t n)
{
	if (!p)
		return;
	s->mem -= n;
	free(p);
}

kiln_time_t tcp_now(struct tcp_stack *s) { return s->cfg.clock(s->cfg.clock_ctx); }

void tcp_wake(struct tcp_stack *s, struct waitq *q)
{
	/* Only the blocking calls ever wait, and they install the wake
	 * function: the engine itself needs nothing from wait.c. */
	if (s->wake && q->head)
		s->wake(q);
}

void tcp_stack_info(const struct tcp_stack *s, struct tcp_stack_info *out)
{
	out->conns = s->nconns;
	out->listeners = s->nlisteners;
	out->mem = s->mem;
	out->conn_size = sizeof(struct tcp_conn);
}

const struct tcp_stats *tcp_stack_stats(const struct tcp_stack *s) { return &s->st; }

const char *tcp_state_name(enum tcp_state st)
{
	static const char *const names[] = {
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
		"FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"};
	return (unsigned)st < sizeof(names) / sizeof(names[0]) ? names[st] : "?";
}
