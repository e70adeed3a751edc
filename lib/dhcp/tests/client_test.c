/* client_test.c: the DHCP client against a scripted server, with a fake clock. */
#include "harness.h"

#include "../dhcp_wire.h"

#include <kiln/loop.h>
#include <stdlib.h>

#define SEC 1000000000ull
#define SERVER 0x0a000001u /* 10.0.0.1 */
#define OFFER 0x0a000064u  /* 10.0.0.100 */

static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

/* What the client did, as the test sees it. */
static struct sent {
	uint8_t bytes[DHCP_MAX_MESSAGE];
	size_t len;
	uint32_t dst;
} sent[16];
static int nsent, nbound, nlost;
static struct dhcp_lease last_lease;

static void fake_send(void *ctx, struct pbuf *msg, uint32_t dst)
{
	(void)ctx;
	if (nsent < 16) {
		memcpy(sent[nsent].bytes, msg->data, msg->len);
		sent[nsent].len = msg->len;
		sent[nsent].dst = dst;
	}
	nsent++;
	pbuf_free(msg);
}
static void fake_bound(void *ctx, const struct dhcp_lease *l) { (void)ctx; nbound++; last_lease = *l; }
static void fake_lost(void *ctx) { (void)ctx; nlost++; }
static const struct dhcp_ops ops = {fake_send, fake_bound, fake_lost};

static void reset(struct dhcp_client *c)
{
	nsent = nbound = nlost = 0;
	dhcp_client_init(c, mac, 42, &ops, NULL);
}

/* Find option code in a sent message; returns its view (len 0 if absent). */
static struct view sent_option(int i, uint8_t code)
{
	struct reader r = reader_make(view_make(sent[i].bytes, sent[i].len));
	reader_skip(&r, DHCP_FIXED_LEN + 4);
	while (reader_left(&r) > 0) {
		uint8_t c = reader_u8(&r);
		if (c == OPT_END)
			break;
		if (c == OPT_PAD)
			continue;
		struct view v = reader_view(&r, reader_u8(&r));
		if (c == code)
			return v;
	}
	return view_make(NULL, 0);
}

static uint8_t sent_type(int i)
{
	struct view v = sent_option(i, OPT_MSG_TYPE);
	return v.len == 1 ? v.data[0] : 0;
}

static uint32_t sent_xid(int i)
{
	uint32_t x = 0;
	view_be32(view_make(sent[i].bytes, sent[i].len), 4, &x);
	return x;
}

/* Build a server reply of type to the client's current transaction. */
static size_t reply(uint8_t *buf, const struct dhcp_client *c, uint8_t type, uint32_t lease)
{
	struct writer w = writer_make(buf, DHCP_MAX_MESSAGE);
	writer_u8(&w, DHCP_OP_REPLY);
	writer_u8(&w, 1);
	writer_u8(&w, 6);
	writer_u8(&w, 0);
	writer_be32(&w, c->xid);
	writer_zeros(&w, 8);
	writer_be32(&w, type == DHCPNAK ? 0 : OFFER); /* yiaddr */
	writer_zeros(&w, 8);
	writer_bytes(&w, mac, 6);
	writer_zeros(&w, 10 + 64 + 128);
	writer_be32(&w, DHCP_MAGIC);
	uint8_t opts[] = {OPT_MSG_TYPE, 1, type, OPT_SERVER_ID, 4, 10, 0, 0, 1,
			  OPT_SUBNET_MASK, 4, 255, 255, 255, 0, OPT_ROUTER, 4, 10, 0, 0, 1,
			  OPT_DNS, 8, 10, 0, 0, 53, 10, 0, 0, 54, OPT_LEASE_TIME, 4,
			  (uint8_t)(lease >> 24), (uint8_t)(lease >> 16), (uint8_t)(lease >> 8),
			  (uint8_t)lease, OPT_END};
	writer_bytes(&w, opts, sizeof(opts));
	return w.len;
}

static void deliver(struct dhcp_client *c, uint8_t type, uint32_t lease, kiln_time_t now)
{
	uint8_t buf[DHCP_MAX_MESSAGE];
	size_t n = reply(buf, c, type, lease);
	dhcp_client_input(c, view_make(buf, n), now);
}

TEST(discover_offer_request_ack)
{
	struct dhcp_client c;
	reset(&c);
	dhcp_client_start(&c, 0, 1 * SEC);
	CHECK_EQ(nsent, 1);
	CHECK_EQ(sent_type(0), DHCPDISCOVER);
	CHECK_EQ(sent[0].dst, 0xffffffff);
	CHECK(sent[0].len >= 300);
	CHECK_EQ(sent_option(0, OPT_PARAM_LIST).len, 6);
	CHECK_EQ(c.state, DHCP_SELECTING);

	deliver(&c, DHCPOFFER, 3600, 2 * SEC);
	CHECK_EQ(nsent, 2);
	CHECK_EQ(sent_type(1), DHCPREQUEST);
	CHECK_EQ(sent_xid(1), sent_xid(0)); /* RFC 2131 4.4.1: the same xid */
	struct view req = sent_option(1, OPT_REQUESTED_ADDR), sid = sent_option(1, OPT_SERVER_ID);
	uint32_t a = 0, s = 0;
	CHECK(view_be32(req, 0, &a) && view_be32(sid, 0, &s));
	CHECK_EQ(a, OFFER);
	CHECK_EQ(s, SERVER);

	deliver(&c, DHCPACK, 3600, 3 * SEC);
	CHECK_EQ(nbound, 1);
	CHECK_EQ(c.state, DHCP_BOUND);
	CHECK_EQ(last_lease.addr, OFFER);
	CHECK_EQ(last_lease.prefix_len, 24);
	CHECK_EQ(last_lease.router, SERVER);
	CHECK_EQ(last_lease.dns_count, 2);
	CHECK_EQ(last_lease.dns[1], 0x0a000036u);
	CHECK_EQ(last_lease.t1, 3 * SEC + 1800 * SEC);
	CHECK_EQ(last_lease.expiry, 3 * SEC + 3600 * SEC);
	CHECK_EQ(dhcp_client_next_deadline(&c), last_lease.t1);
}

TEST(discover_retransmits_with_backoff)
{
	struct dhcp_client c;
	reset(&c);
	dhcp_client_start(&c, 0, 0);
	kiln_time_t prev = 0, expect = 4 * SEC;
	for (int i = 1; i <= 6; i++) {
		kiln_time_t d = dhcp_client_next_deadline(&c);
		/* 4, 8, 16, 32, 64, 64 s after the previous send, +-1 s */
		CHECK(d - prev >= expect - SEC && d - prev <= expect + SEC);
		dhcp_client_tick(&c, d - 1); /* early: nothing */
		CHECK_EQ(nsent, i);
		dhcp_client_tick(&c, d);
		CHECK_EQ(nsent, i + 1);
		CHECK_EQ(sent_type(i), DHCPDISCOVER);
		prev = d;
		if (expect < 64 * SEC)
			expect *= 2;
	}
}

TEST(renew_rebind_expire)
{
	struct dhcp_client c;
	reset(&c);
	dhcp_client_start(&c, 0, 0);
	deliver(&c, DHCPOFFER, 1000, 0);
	deliver(&c, DHCPACK, 1000, 0);
	CHECK_EQ(c.state, DHCP_BOUND);

	dhcp_client_tick(&c, 500 * SEC); /* T1 */
	CHECK_EQ(c.state, DHCP_RENEWING);
	CHECK_EQ(sent_type(nsent - 1), DHCPREQUEST);
	CHECK_EQ(sent[nsent - 1].dst, SERVER); /* unicast to the leasing server */
	CHECK(sent_option(nsent - 1, OPT_REQUESTED_ADDR).len == 0); /* ciaddr instead */

	dhcp_client_tick(&c, 875 * SEC); /* T2 */
	CHECK_EQ(c.state, DHCP_REBINDING);
	CHECK_EQ(sent[nsent - 1].dst, 0xffffffff);

	dhcp_client_tick(&c, 1000 * SEC); /* expiry */
	CHECK_EQ(nlost, 1);
	CHECK_EQ(c.state, DHCP_SELECTING);
	CHECK_EQ(sent_type(nsent - 1), DHCPDISCOVER);
}

TEST(renewal_ack_extends_the_lease)
{
	struct dhcp_client c;
	reset(&c);
	dhcp_client_start(&c, 0, 0);
	deliver(&c, DHCPOFFER, 1000, 0);
	deliver(&c, DHCPACK, 1000, 0);
	dhcp_client_tick(&c, 500 * SEC);
	deliver(&c, DHCPACK, 1000, 501 * SEC);
	CHECK_EQ(c.state, DHCP_BOUND);
	CHECK_EQ(nbound, 2);
	CHECK_EQ(c.lease.expiry, 1501 * SEC);
}

TEST(nak_starts_over)
{
	struct dhcp_client c;
	reset(&c);
	dhcp_client_start(&c, 0, 0);
	deliver(&c, DHCPOFFER, 1000, 0);
	deliver(&c, DHCPNAK, 0, SEC);
	CHECK_EQ(c.counters.rx_nak, 1);
	CHECK_EQ(c.state, DHCP_SELECTING);
	CHECK_EQ(nlost, 0); /* never had a lease */
	CHECK_EQ(sent_type(nsent - 1), DHCPDISCOVER);
}

TEST(reboot_asks_for_the_old_address)
{
	struct dhcp_client c;
	reset(&c);
	dhcp_client_start(&c, OFFER, 0);
	CHECK_EQ(c.state, DHCP_INIT_REBOOT);
	CHECK_EQ(sent_type(0), DHCPREQUEST);
	uint32_t a = 0;
	CHECK(view_be32(sent_option(0, OPT_REQUESTED_ADDR), 0, &a));
	CHECK_EQ(a, OFFER);
	CHECK_EQ(sent_option(0, OPT_SERVER_ID).len, 0); /* RFC 2131 4.3.2 */
	deliver(&c, DHCPACK, 600, SEC);
	CHECK_EQ(c.state, DHCP_BOUND);
	CHECK_EQ(last_lease.addr, OFFER);
}

TEST(reboot_without_answer_falls_back_to_discover)
{
	struct dhcp_client c;
	reset(&c);
	dhcp_client_start(&c, OFFER, 0);
	for (int i = 0; i < 3 && c.state == DHCP_INIT_REBOOT; i++)
		dhcp_client_tick(&c, dhcp_client_next_deadline(&c));
	CHECK_EQ(c.state, DHCP_SELECTING);
	CHECK_EQ(sent_type(nsent - 1), DHCPDISCOVER);
}

TEST(bad_replies_are_dropped_and_counted)
{
	struct dhcp_client c;
	uint8_t buf[DHCP_MAX_MESSAGE];
	reset(&c);
	dhcp_client_start(&c, 0, 0);
	size_t n = reply(buf, &c, DHCPOFFER, 100);

	dhcp_client_input(&c, view_make(buf, 100), 0); /* truncated */
	CHECK_EQ(c.counters.rx_truncated, 1);
	buf[236] ^= 1; /* magic cookie */
	dhcp_client_input(&c, view_make(buf, n), 0);
	CHECK_EQ(c.counters.rx_bad_cookie, 1);
	buf[236] ^= 1;
	buf[4] ^= 1; /* xid */
	dhcp_client_input(&c, view_make(buf, n), 0);
	CHECK_EQ(c.counters.rx_bad_xid, 1);
	buf[4] ^= 1;
	buf[n - 1] = OPT_DNS; /* END replaced by an option with no length */
	dhcp_client_input(&c, view_make(buf, n), 0);
	CHECK_EQ(c.counters.rx_bad_option, 1);
	buf[n - 1] = OPT_END;
	buf[0] = DHCP_OP_REQUEST;
	dhcp_client_input(&c, view_make(buf, n), 0);
	CHECK_EQ(c.counters.rx_not_reply, 1);
	CHECK_EQ(c.state, DHCP_SELECTING);
	CHECK_EQ(nsent, 1);
	buf[0] = DHCP_OP_REPLY;
	dhcp_client_input(&c, view_make(buf, n), 0); /* now good */
	CHECK_EQ(c.state, DHCP_REQUESTING);
}

TEST(release_sends_to_server_and_stops)
{
	struct dhcp_client c;
	reset(&c);
	dhcp_client_start(&c, 0, 0);
	deliver(&c, DHCPOFFER, 1000, 0);
	deliver(&c, DHCPACK, 1000, 0);
	dhcp_client_release(&c, SEC);
	CHECK_EQ(sent_type(nsent - 1), DHCPRELEASE);
	CHECK_EQ(sent[nsent - 1].dst, SERVER);
	CHECK_EQ(c.state, DHCP_STOPPED);
	CHECK_EQ(dhcp_client_next_deadline(&c), KILN_TIME_NEVER);
}
