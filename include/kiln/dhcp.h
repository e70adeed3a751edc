/* dhcp.h: a DHCP client (RFC 2131, options RFC 2132) as an engine.
 *
 * The engine owns no socket and no timer. It is handed received DHCP
 * messages (UDP payloads from port 67 to port 68) and the time, and calls
 * back to send a message or to report a lease won or lost. lib/net wires it
 * to UDP and the event loop; tests drive it directly.
 *
 *   DISCOVER -> OFFER -> REQUEST -> ACK: bound to a lease
 *   at T1 (default half the lease): unicast REQUEST to the server (RENEWING)
 *   at T2 (default 7/8): broadcast REQUEST to any server (REBINDING)
 *   at expiry, or on NAK: the lease is lost; start again
 *
 * A client that was bound before (struct dhcp_client.lease kept across a
 * restart, or dhcp_client_start_with()) first asks for its old address
 * (INIT-REBOOT, RFC 2131 3.2), so an appliance that reboots keeps its address.
 *
 * Retransmission follows RFC 2131 4.1: 4, 8, 16, 32, 64 s (the cap), each
 * +-1 s of jitter; while renewing or rebinding, half the time left (60 s at
 * least), as RFC 2131 4.4.5 says. Time is passed in, so tests need no waiting.
 *
 * Bad input (truncated, wrong op, wrong xid, bad magic cookie, an option
 * running past the end, an offer without a server id) is dropped and counted
 * in struct dhcp_counters.
 */
#ifndef KILN_DHCP_H
#define KILN_DHCP_H

#include <kiln/pbuf.h>
#include <kiln/platform.h>

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
/* DNS servers kept from a lease; RFC 2132 allows more, three is what a
 * resolver tries in practice (glibc's MAXNS is 3). */
#define DHCP_MAX_DNS 3
/* The fixed BOOTP part (236 bytes) + cookie + the options we send; servers
 * must accept 576-byte messages (RFC 2131 2). */
#define DHCP_MAX_MESSAGE 576

enum dhcp_state {
	DHCP_STOPPED,
	DHCP_INIT_REBOOT, /* asking for the previous lease's address */
	DHCP_SELECTING,   /* DISCOVER sent, waiting for an offer */
	DHCP_REQUESTING,  /* REQUEST for an offer sent, waiting for ACK */
	DHCP_BOUND,
	DHCP_RENEWING,    /* T1 passed: asking the leasing server */
	DHCP_REBINDING,   /* T2 passed: asking any server */
};

struct dhcp_lease {
	uint32_t addr;     /* host byte order, as all addresses here */
	uint8_t prefix_len;
	uint32_t router;   /* 0 if none */
	uint32_t dns[DHCP_MAX_DNS];
	unsigned dns_count;
	uint32_t server_id;
	uint32_t lease_secs; /* 0xffffffff: infinite */
	kiln_time_t t1, t2, expiry; /* monotonic deadlines */
};

struct dhcp_counters {
	uint64_t rx_truncated, rx_not_reply, rx_bad_xid, rx_bad_cookie,
		rx_bad_option, rx_unexpected, rx_nak, tx_messages, leases;
};

struct dhcp_client;

struct dhcp_ops {
	/* Send msg (a pbuf holding the DHCP message; ownership passes) from
	 * port 68 to port 67 of dst: the server's address when renewing, else
	 * 255.255.255.255. The source address is ciaddr (0 before a lease). */
	void (*send)(void *ctx, struct pbuf *msg, uint32_t dst);
	/* A lease was won or renewed: configure the interface. */
	void (*bound)(void *ctx, const struct dhcp_lease *lease);
	/* The lease expired or was refused: unconfigure the interface. */
	void (*lost)(void *ctx);
};

struct dhcp_client {
	enum dhcp_state state;
	uint8_t mac[6];
	uint32_t xid;
	uint64_t rng;          /* xorshift state for xids and jitter */
	unsigned tries;        /* retransmissions of the current message */
	kiln_time_t started;   /* when this exchange began (the secs field) */
	kiln_time_t next_send; /* the next retransmission, or KILN_TIME_NEVER */
	uint32_t offered_addr, offered_server;
	struct dhcp_lease lease; /* valid in BOUND, RENEWING, REBINDING */
	const char *hostname;    /* sent as option 12 if not NULL */
	const struct dhcp_ops *ops;
	void *ctx;
	struct dhcp_counters counters;
};

/* Prepare c for the interface with Ethernet address mac. seed feeds the
 * transaction ids (pass bytes from kiln_entropy). */
void dhcp_client_init(struct dhcp_client *c, const uint8_t mac[6], uint64_t seed,
		      const struct dhcp_ops *ops, void *ctx);

/* Begin: DISCOVER, or INIT-REBOOT for previous_addr if it is not 0. */
void dhcp_client_start(struct dhcp_client *c, uint32_t previous_addr, kiln_time_t now);

/* A DHCP message arrived on port 68. */
void dhcp_client_input(struct dhcp_client *c, struct view msg, kiln_time_t now);

/* When dhcp_client_tick must next run (KILN_TIME_NEVER if stopped). */
kiln_time_t dhcp_client_next_deadline(const struct dhcp_client *c);
void dhcp_client_tick(struct dhcp_client *c, kiln_time_t now);

/* Let the lease go: sends DHCPRELEASE if bound, then stops. */
void dhcp_client_release(struct dhcp_client *c, kiln_time_t now);

const char *dhcp_state_name(enum dhcp_state s);

/* --- On a kiln stack (dhcp_net.c) ----------------------------------------
 *
 * The engine above, bound to a struct net (net.h): a UDP socket on port 68,
 * a loop source for its deadlines, and net_set_ipv4() on every lease won or
 * lost. Each lease is announced on the console, one line:
 *     net0: DHCP lease 10.0.2.15/24 gateway 10.0.2.2 dns 10.0.2.3 (86400 s)
 */
#include <kiln/loop.h>
#include <kiln/wait.h>

struct net;
struct udp_socket;

struct dhcp_net {
	struct dhcp_client client;
	struct net *net;
	struct udp_socket *sock;
	struct loop_source src;
	struct waitq bound; /* woken on every lease */
};

/* Start DHCP on n (its device open, no address needed). 0, or -1 after
 * printing why (port 68 taken, no memory). */
int dhcp_net_start(struct dhcp_net *d, struct net *n);

/* Wait until a lease is held or the monotonic deadline passes; true if bound. */
bool dhcp_net_wait(struct dhcp_net *d, kiln_time_t deadline);

/* Release the lease (DHCPRELEASE) and stop. */
void dhcp_net_stop(struct dhcp_net *d);

/* How long dhcp_net_up() waits for a first lease: a server that answers at
 * all answers within the first retransmissions (4 + 8 + 16 s). */
#define DHCP_UP_TIMEOUT_SECS 30

/* Bring a device up the way most appliances want: open the device declared
 * as name in kiln.conf, then take its address from the --ipv4=ADDR/PREFIX
 * [--ipv4-gateway=ADDR] boot arguments, or else from DHCP, waiting up to
 * DHCP_UP_TIMEOUT_SECS. 0, or -1 after printing one line saying why. */
int dhcp_net_up(struct net *n, struct dhcp_net *d, const char *name, int argc, char **argv);

#endif
