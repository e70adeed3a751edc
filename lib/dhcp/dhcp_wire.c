/* dhcp_wire.c: decode and encode DHCP messages (RFC 2131 2, RFC 2132). */
#include "dhcp_wire.h"

#include <string.h>

/* An address option's value: exactly 4 bytes (a list for routers: the first). */
static bool option_addr(struct view v, uint32_t *out)
{
	return v.len >= 4 && view_be32(v, 0, out);
}

static bool option_u32(struct view v, uint32_t *out)
{
	return v.len == 4 && view_be32(v, 0, out);
}

static bool decode_option(uint8_t code, struct view v, struct dhcp_msg *m)
{
	switch (code) {
	case OPT_MSG_TYPE:
		return v.len == 1 && view_u8(v, 0, &m->type);
	case OPT_SERVER_ID:
		return option_addr(v, &m->server_id);
	case OPT_LEASE_TIME:
		return (m->has_lease = option_u32(v, &m->lease_secs));
	case OPT_T1:
		return (m->has_t1 = option_u32(v, &m->t1_secs));
	case OPT_T2:
		return (m->has_t2 = option_u32(v, &m->t2_secs));
	case OPT_SUBNET_MASK:
		return (m->has_mask = option_u32(v, &m->mask));
	case OPT_ROUTER:
		return v.len % 4 == 0 && option_addr(v, &m->router);
	case OPT_DNS:
		if (v.len == 0 || v.len % 4)
			return false;
		for (size_t off = 0; off < v.len && m->dns_count < DHCP_MAX_DNS; off += 4)
			if (!view_be32(v, off, &m->dns[m->dns_count++]))
				return false;
		return true;
	default:
		return true; /* options we do not use are skipped */
	}
}

enum dhcp_decode_error dhcp_decode(struct view msg, struct dhcp_msg *m)
{
	struct reader r = reader_make(msg);

	memset(m, 0, sizeof(*m));
	m->op = reader_u8(&r);
	uint8_t htype = reader_u8(&r), hlen = reader_u8(&r);
	reader_skip(&r, 1); /* hops */
	m->xid = reader_be32(&r);
	reader_skip(&r, 4); /* secs, flags */
	m->ciaddr = reader_be32(&r);
	m->yiaddr = reader_be32(&r);
	m->siaddr = reader_be32(&r);
	reader_skip(&r, 4); /* giaddr */
	reader_copy(&r, m->chaddr, 6);
	reader_skip(&r, 10 + 64 + 128); /* rest of chaddr, sname, file */
	uint32_t cookie = reader_be32(&r);
	if (!reader_ok(&r))
		return DHCP_DECODE_TRUNCATED;
	if (cookie != DHCP_MAGIC || htype != 1 || hlen != 6)
		return DHCP_DECODE_BAD_COOKIE;

	/* Options: code, length, value; until END or the end of the message.
	 * The loop is bounded by the message: each turn consumes >= 1 byte.
	 * Option overload (52) into sname/file is not followed: servers use it
	 * only when options do not fit, and ours are few. */
	while (reader_left(&r) > 0) {
		uint8_t code = reader_u8(&r);
		if (code == OPT_END)
			break;
		if (code == OPT_PAD)
			continue;
		uint8_t len = reader_u8(&r);
		struct view value = reader_view(&r, len);
		if (!reader_ok(&r) || !decode_option(code, value, m))
			return DHCP_DECODE_BAD_OPTION;
	}
	return DHCP_DECODE_OK;
}

static void put_option_addr(struct writer *w, uint8_t code, uint32_t addr)
{
	writer_u8(w, code);
	writer_u8(w, 4);
	writer_be32(w, addr);
}

struct pbuf *dhcp_encode(const struct dhcp_out *o)
{
	static const uint8_t params[] = {OPT_SUBNET_MASK, OPT_ROUTER, OPT_DNS,
					 OPT_LEASE_TIME, OPT_T1, OPT_T2};
	struct pbuf *pb = pbuf_alloc(PBUF_HEADROOM, DHCP_MAX_MESSAGE);
	if (!pb)
		return NULL;
	struct writer w = writer_make(pb->data, pb->len);

	writer_u8(&w, DHCP_OP_REQUEST);
	writer_u8(&w, 1); /* Ethernet */
	writer_u8(&w, 6);
	writer_u8(&w, 0);
	writer_be32(&w, o->xid);
	writer_be16(&w, o->secs);
	writer_be16(&w, o->broadcast ? DHCP_FLAG_BROADCAST : 0);
	writer_be32(&w, o->ciaddr);
	writer_zeros(&w, 12); /* yiaddr, siaddr, giaddr */
	writer_bytes(&w, o->chaddr, 6);
	writer_zeros(&w, 10 + 64 + 128);
	writer_be32(&w, DHCP_MAGIC);

	writer_u8(&w, OPT_MSG_TYPE);
	writer_u8(&w, 1);
	writer_u8(&w, o->type);
	/* A client id of type 1 + the MAC, as most clients send: servers key
	 * leases on it, so a rebooted appliance with the same MAC is known. */
	writer_u8(&w, OPT_CLIENT_ID);
	writer_u8(&w, 7);
	writer_u8(&w, 1);
	writer_bytes(&w, o->chaddr, 6);
	if (o->requested)
		put_option_addr(&w, OPT_REQUESTED_ADDR, o->requested);
	if (o->server_id)
		put_option_addr(&w, OPT_SERVER_ID, o->server_id);
	if (o->type != DHCPRELEASE) {
		writer_u8(&w, OPT_MAX_SIZE);
		writer_u8(&w, 2);
		writer_be16(&w, DHCP_MAX_MESSAGE);
		writer_u8(&w, OPT_PARAM_LIST);
		writer_u8(&w, sizeof(params));
		writer_bytes(&w, params, sizeof(params));
	}
	if (o->hostname) {
		size_t n = strnlen(o->hostname, 63);
		writer_u8(&w, OPT_HOSTNAME);
		writer_u8(&w, (uint8_t)n);
		writer_bytes(&w, o->hostname, n);
	}
	writer_u8(&w, OPT_END);
	/* Pad to the BOOTP minimum of 300 bytes: some relays drop shorter. */
	if (w.len < 300)
		writer_zeros(&w, 300 - w.len);
	if (!writer_ok(&w)) {
		pbuf_free(pb);
		return NULL;
	}
	pbuf_trim(pb, w.len);
	return pb;
}
