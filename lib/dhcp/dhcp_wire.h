/* dhcp_wire.h: the DHCP message format (RFC 2131 2, options RFC 2132). */
#ifndef KILN_DHCP_WIRE_H
#define KILN_DHCP_WIRE_H

#include <kiln/dhcp.h>

#define DHCP_OP_REQUEST 1
#define DHCP_OP_REPLY 2
#define DHCP_FIXED_LEN 236 /* op .. file, before the magic cookie */
#define DHCP_MAGIC 0x63825363u
#define DHCP_FLAG_BROADCAST 0x8000

enum dhcp_msg_type {
	DHCPDISCOVER = 1, DHCPOFFER, DHCPREQUEST, DHCPDECLINE,
	DHCPACK, DHCPNAK, DHCPRELEASE, DHCPINFORM,
};

enum dhcp_option {
	OPT_PAD = 0, OPT_SUBNET_MASK = 1, OPT_ROUTER = 3, OPT_DNS = 6, OPT_HOSTNAME = 12,
	OPT_REQUESTED_ADDR = 50, OPT_LEASE_TIME = 51, OPT_OVERLOAD = 52, OPT_MSG_TYPE = 53,
	OPT_SERVER_ID = 54, OPT_PARAM_LIST = 55, OPT_MAX_SIZE = 57, OPT_T1 = 58, OPT_T2 = 59,
	OPT_CLIENT_ID = 61, OPT_END = 255,
};

/* What the client needs of a received message. Fields absent from the
 * message are 0 (and the has_ flags false). */
struct dhcp_msg {
	uint8_t op;
	uint32_t xid;
	uint32_t ciaddr, yiaddr, siaddr;
	uint8_t chaddr[6];
	uint8_t type;
	uint32_t server_id;
	uint32_t lease_secs, t1_secs, t2_secs;
	bool has_lease, has_t1, has_t2, has_mask;
	uint32_t mask;
	uint32_t router;
	uint32_t dns[DHCP_MAX_DNS];
	unsigned dns_count;
};

enum dhcp_decode_error {
	DHCP_DECODE_OK, DHCP_DECODE_TRUNCATED, DHCP_DECODE_BAD_COOKIE, DHCP_DECODE_BAD_OPTION,
};

/* Decode msg; on error m is partly filled and must not be used. */
enum dhcp_decode_error dhcp_decode(struct view msg, struct dhcp_msg *m);

/* What the client sends. */
struct dhcp_out {
	uint8_t type;
	uint32_t xid;
	uint16_t secs;
	bool broadcast;
	uint32_t ciaddr;
	const uint8_t *chaddr;  /* 6 bytes */
	uint32_t requested;     /* option 50 if not 0 */
	uint32_t server_id;     /* option 54 if not 0 */
	const char *hostname;   /* option 12 if not NULL */
};

/* Encode into a new pbuf (NULL if out of memory). */
struct pbuf *dhcp_encode(const struct dhcp_out *o);

#endif
