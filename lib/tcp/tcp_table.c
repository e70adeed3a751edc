/* tcp_table.c: the connection table, a keyed hash on the 4-tuple with chaining (RFC 9293 3.10.7: "lookup"). */
#include "tcp_priv.h"

static uint32_t bucket(struct tcp_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
		       uint16_t rport)
{
	/* Keyed, so a peer cannot choose ports that pile into one chain. */
	uint8_t b[12];
	store_be32(b, laddr);
	store_be32(b + 4, raddr);
	store_be16(b + 8, lport);
	store_be16(b + 10, rport);
	return (uint32_t)tcp_siphash(s->hash_key, b, sizeof(b)) & s->table_mask;
}

struct tcp_conn *tcp_table_find(struct tcp_stack *s, uint32_t laddr, uint16_t lport,
				uint32_t raddr, uint16_t rport)
{
	/* Chains are short (load <= 1, keyed hash); max_conns bounds them. */
	for (struct tcp_conn *c = s->table[bucket(s, laddr, lport, raddr, rport)]; c;
	     c = c->hnext)
		if (c->lport == lport && c->rport == rport && c->laddr == laddr &&
		    c->raddr == raddr)
			return c;
	return NULL;
}

void tcp_table_insert(struct tcp_stack *s, struct tcp_conn *c)
{
	uint32_t b = bucket(s, c->laddr, c->lport, c->raddr, c->rport);
	c->hnext = s->table[b];
	s->table[b] = c;
	c->flags |= TF_IN_TABLE;
}

void tcp_table_remove(struct tcp_stack *s, struct tcp_conn *c)
{
	if (!(c->flags & TF_IN_TABLE))
		return;
	for (struct tcp_conn **p = &s->table[bucket(s, c->laddr, c->lport, c->raddr, c->rport)];
	     *p; p = &(*p)->hnext)
		if (*p == c) {
			*p = c->hnext;
			break;
		}
	c->flags &= ~TF_IN_TABLE;
	c->hnext = NULL;
}

struct tcp_listener *tcp_listener_find(struct tcp_stack *s, uint16_t port)
{
	for (struct tcp_listener *l = s->listeners; l; l = l->next)
		if (l->port == port)
			return l;
	return NULL;
}
