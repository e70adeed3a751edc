/* dhcp_client.c: the DHCP client state machine (RFC 2131 3.1, 3.2, 4.4). */
#include "dhcp_wire.h"

#include <kiln/loop.h>
#include <string.h>

#define SEC 1000000000ull
#define RETRY_FIRST (4 * SEC) /* RFC 2131 4.1: 4 s, doubling ... */
#define RETRY_CAP (64 * SEC)  /* ... up to 64 s */
#define RENEW_RETRY_MIN (60 * SEC) /* RFC 2131 4.4.5 */
#define REQUEST_TRIES 4       /* REQUESTs for one offer before starting over */
#define REBOOT_TRIES 2        /* INIT-REBOOT tries before a fresh DISCOVER */
#define DEFAULT_LEASE 3600    /* seconds, if an ACK omits option 51 */

static uint64_t rng_next(struct dhcp_client *c)
{
	/* xorshift64: ids and jitter need to be unpredictable to the casual
	 * observer, not cryptographic; the seed comes from kiln_entropy. */
	uint64_t x = c->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return c->rng = x;
}

const char *dhcp_state_name(enum dhcp_state s)
{
	static const char *const names[] = {"stopped", "init-reboot", "selecting",
					    "requesting", "bound", "renewing", "rebinding"};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

void dhcp_client_init(struct dhcp_client *c, const uint8_t mac[6], uint64_t seed,
		      const struct dhcp_ops *ops, void *ctx)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->mac, mac, 6);
	c->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
	c->ops = ops;
	c->ctx = ctx;
	c->state = DHCP_STOPPED;
	c->next_send = KILN_TIME_NEVER;
}

/* Exponential backoff with +-1 s jitter for the try-th retransmission. */
static kiln_time_t backoff(struct dhcp_client *c, unsigned try)
{
	kiln_time_t d = try >= 4 ? RETRY_CAP : RETRY_FIRST << try;
	return d - SEC + rng_next(c) % (2 * SEC);
}

static void send_message(struct dhcp_client *c, uint8_t type, kiln_time_t now)
{
	bool renewing = c->state == DHCP_RENEWING || c->state == DHCP_REBINDING;
	struct dhcp_out o = {
		.type = type,
		.xid = c->xid,
		.secs = (now - c->started) / SEC > 0xffff ? 0xffff : (uint16_t)((now - c->started) / SEC),
		/* Until configured, our stack cannot take unicast to an address
		 * it does not have: ask for replies by broadcast. */
		.broadcast = !renewing && type != DHCPRELEASE,
		.ciaddr = renewing || type == DHCPRELEASE ? c->lease.addr : 0,
		.chaddr = c->mac,
		.hostname = c->hostname,
	};
	uint32_t dst = 0xffffffff;

	if (c->state == DHCP_REQUESTING) {
		o.requested = c->offered_addr;
		o.server_id = c->offered_server;
	} else if (c->state == DHCP_INIT_REBOOT) {
		o.requested = c->offered_addr;
	} else if (type == DHCPRELEASE || c->state == DHCP_RENEWING) {
		dst = c->lease.server_id;
		if (type == DHCPRELEASE)
			o.server_id = c->lease.server_id;
	}
	struct pbuf *pb = dhcp_encode(&o);
	if (!pb)
		return; /* out of memory: the retransmission will try again */
	c->counters.tx_messages++;
	c->ops->send(c->ctx, pb, dst);
}

/* Enter state s with a fresh exchange and send its first message. */
static void begin(struct dhcp_client *c, enum dhcp_state s, kiln_time_t now)
{
	c->state = s;
	c->tries = 0;
	if (s != DHCP_REQUESTING) /* a REQUEST keeps its DISCOVER's xid */
		c->xid = (uint32_t)rng_next(c);
	if (s == DHCP_SELECTING || s == DHCP_INIT_REBOOT)
		c->started = now;
	send_message(c, s == DHCP_SELECTING ? DHCPDISCOVER : DHCPREQUEST, now);
	if (s == DHCP_RENEWING || s == DHCP_REBINDING) {
		kiln_time_t end = s == DHCP_RENEWING ? c->lease.t2 : c->lease.expiry;
		kiln_time_t wait = end > now ? (end - now) / 2 : 0;
		c->next_send = now + (wait < RENEW_RETRY_MIN ? RENEW_RETRY_MIN : wait);
	} else {
		c->next_send = now + backoff(c, 0);
	}
}

void dhcp_client_start(struct dhcp_client *c, uint32_t previous_addr, kiln_time_t now)
{
	c->offered_addr = previous_addr;
	begin(c, previous_addr ? DHCP_INIT_REBOOT : DHCP_SELECTING, now);
}

static void lose_lease(struct dhcp_client *c, kiln_time_t now)
{
	bool had = c->state == DHCP_BOUND || c->state == DHCP_RENEWING ||
		   c->state == DHCP_REBINDING;
	memset(&c->lease, 0, sizeof(c->lease));
	if (had)
		c->ops->lost(c->ctx);
	begin(c, DHCP_SELECTING, now);
}

static uint8_t prefix_of(uint32_t mask)
{
	uint8_t n = 0;
	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	return n;
}

static void bind_lease(struct dhcp_client *c, const struct dhcp_msg *m, kiln_time_t now)
{
	struct dhcp_lease *l = &c->lease;
	uint32_t secs = m->has_lease ? m->lease_secs : DEFAULT_LEASE;

	memset(l, 0, sizeof(*l));
	l->addr = m->yiaddr;
	/* Without option 1, assume a /24: what a home router would serve. */
	l->prefix_len = m->has_mask ? prefix_of(m->mask) : 24;
	l->router = m->router;
	l->dns_count = m->dns_count;
	memcpy(l->dns, m->dns, sizeof(l->dns));
	l->server_id = m->server_id ? m->server_id : c->offered_server;
	l->lease_secs = secs;
	if (secs == 0xffffffff) {
		l->t1 = l->t2 = l->expiry = KILN_TIME_NEVER;
	} else {
		uint64_t t1 = m->has_t1 ? m->t1_secs : secs / 2;
		uint64_t t2 = m->has_t2 ? m->t2_secs : (uint64_t)secs * 7 / 8;
		/* A server that sends T1 > T2 > lease gets the defaults. */
		if (t2 > secs || t1 > t2) {
			t1 = secs / 2;
			t2 = (uint64_t)secs * 7 / 8;
		}
		l->t1 = now + t1 * SEC;
		l->t2 = now + t2 * SEC;
		l->expiry = now + (uint64_t)secs * SEC;
	}
	c->state = DHCP_BOUND;
	c->next_send = KILN_TIME_NEVER;
	c->counters.leases++;
	c->ops->bound(c->ctx, l);
}

void dhcp_client_input(struct dhcp_client *c, struct view msg, kiln_time_t now)
{
	struct dhcp_msg m;

	switch (dhcp_decode(msg, &m)) {
	case DHCP_DECODE_OK:
		break;
	case DHCP_DECODE_TRUNCATED:
		c->counters.rx_truncated++;
		return;
	case DHCP_DECODE_BAD_COOKIE:
		c->counters.rx_bad_cookie++;
		return;
	case DHCP_DECODE_BAD_OPTION:
		c->counters.rx_bad_option++;
		return;
	}
	if (m.op != DHCP_OP_REPLY) {
		c->counters.rx_not_reply++;
		return;
	}
	if (m.xid != c->xid || memcmp(m.chaddr, c->mac, 6) != 0) {
		c->counters.rx_bad_xid++;
		return;
	}
	if (c->state == DHCP_SELECTING && m.type == DHCPOFFER && m.yiaddr && m.server_id) {
		c->offered_addr = m.yiaddr;
		c->offered_server = m.server_id;
		begin(c, DHCP_REQUESTING, now);
		return;
	}
	bool asking = c->state == DHCP_REQUESTING || c->state == DHCP_INIT_REBOOT ||
		      c->state == DHCP_RENEWING || c->state == DHCP_REBINDING;
	if (asking && m.type == DHCPACK && m.yiaddr) {
		bind_lease(c, &m, now);
		return;
	}
	if (asking && m.type == DHCPNAK) {
		c->counters.rx_nak++;
		lose_lease(c, now);
		return;
	}
	c->counters.rx_unexpected++;
}

kiln_time_t dhcp_client_next_deadline(const struct dhcp_client *c)
{
	switch (c->state) {
	case DHCP_STOPPED:
		return KILN_TIME_NEVER;
	case DHCP_BOUND:
		return c->lease.t1;
	case DHCP_RENEWING:
		return c->next_send < c->lease.t2 ? c->next_send : c->lease.t2;
	case DHCP_REBINDING:
		return c->next_send < c->lease.expiry ? c->next_send : c->lease.expiry;
	default:
		return c->next_send;
	}
}

void dhcp_client_tick(struct dhcp_client *c, kiln_time_t now)
{
	switch (c->state) {
	case DHCP_STOPPED:
		return;
	case DHCP_BOUND:
		if (now >= c->lease.t1)
			begin(c, DHCP_RENEWING, now);
		return;
	case DHCP_RENEWING:
		if (now >= c->lease.t2)
			begin(c, DHCP_REBINDING, now);
		else if (now >= c->next_send)
			begin(c, DHCP_RENEWING, now);
		return;
	case DHCP_REBINDING:
		if (now >= c->lease.expiry)
			lose_lease(c, now);
		else if (now >= c->next_send)
			begin(c, DHCP_REBINDING, now);
		return;
	default:
		break;
	}
	if (now < c->next_send)
		return;
	c->tries++;
	if (c->state == DHCP_REQUESTING && c->tries >= REQUEST_TRIES) {
		begin(c, DHCP_SELECTING, now);
	} else if (c->state == DHCP_INIT_REBOOT && c->tries >= REBOOT_TRIES) {
		begin(c, DHCP_SELECTING, now);
	} else {
		send_message(c, c->state == DHCP_SELECTING ? DHCPDISCOVER : DHCPREQUEST, now);
		c->next_send = now + backoff(c, c->tries);
	}
}

void dhcp_client_release(struct dhcp_client *c, kiln_time_t now)
{
	if (c->state == DHCP_BOUND || c->state == DHCP_RENEWING || c->state == DHCP_REBINDING)
		send_message(c, DHCPRELEASE, now);
	memset(&c->lease, 0, sizeof(c->lease));
	c->state = DHCP_STOPPED;
	c->next_send = KILN_TIME_NEVER;
}
