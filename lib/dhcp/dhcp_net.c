/* dhcp_net.c: the DHCP client engine bound to a kiln stack (see dhcp.h). */
#include <kiln/dhcp.h>
#include <kiln/net.h>

#include <stdio.h>
#include <string.h>

#define SEC 1000000000ull

static void format_addr(char *buf, size_t len, uint32_t a)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

static void on_send(void *ctx, struct pbuf *msg, uint32_t dst)
{
	struct dhcp_net *d = ctx;
	/* udp_send copies; the engine's pbuf is ours to free. */
	udp_send(d->sock, dst, DHCP_SERVER_PORT, msg->data, msg->len);
	pbuf_free(msg);
}

static void on_bound(void *ctx, const struct dhcp_lease *l)
{
	struct dhcp_net *d = ctx;
	char addr[16], gw[16], dns[16] = "none";

	if (!net_set_ipv4(d->net, l->addr, l->prefix_len, l->router)) {
		/* A router off the offered subnet: use the address without it. */
		net_set_ipv4(d->net, l->addr, l->prefix_len, 0);
	}
	format_addr(addr, sizeof(addr), l->addr);
	format_addr(gw, sizeof(gw), l->router);
	if (l->dns_count)
		format_addr(dns, sizeof(dns), l->dns[0]);
	printf("%s: DHCP lease %s/%u gateway %s dns %s (%lu s)\n", d->net->name, addr,
	       l->prefix_len, l->router ? gw : "none", dns, (unsigned long)l->lease_secs);
	waitq_wake(&d->bound);
}

static void on_lost(void *ctx)
{
	struct dhcp_net *d = ctx;
	printf("%s: DHCP lease lost; asking again\n", d->net->name);
	net_set_ipv4(d->net, 0, 0, 0);
}

static const struct dhcp_ops ops = {on_send, on_bound, on_lost};

static void on_datagram(void *ctx, struct udp_socket *s, uint32_t from_addr, uint16_t from_port,
			struct view data, kiln_time_t now)
{
	struct dhcp_net *d = ctx;
	(void)s;
	(void)from_addr;
	if (from_port == DHCP_SERVER_PORT)
		dhcp_client_input(&d->client, data, now);
}

static kiln_time_t src_deadline(struct loop_source *src)
{
	struct dhcp_net *d = (struct dhcp_net *)((char *)src - offsetof(struct dhcp_net, src));
	return dhcp_client_next_deadline(&d->client);
}

static void src_time(struct loop_source *src, kiln_time_t now)
{
	struct dhcp_net *d = (struct dhcp_net *)((char *)src - offsetof(struct dhcp_net, src));
	dhcp_client_tick(&d->client, now);
}

int dhcp_net_start(struct dhcp_net *d, struct net *n)
{
	uint64_t seed;

	memset(d, 0, sizeof(*d));
	d->net = n;
	d->sock = udp_open(&n->udp, DHCP_CLIENT_PORT);
	if (!d->sock) {
		printf("%s: DHCP: cannot open UDP port %d\n", n->name, DHCP_CLIENT_PORT);
		return -1;
	}
	udp_on_receive(d->sock, on_datagram, d);
	kiln_entropy(&seed, sizeof(seed));
	dhcp_client_init(&d->client, n->eth.mac, seed, &ops, d);
	d->src.name = "dhcp";
	d->src.next_deadline = src_deadline;
	d->src.on_time = src_time;
	loop_add(&d->src);
	dhcp_client_start(&d->client, 0, kiln_clock_monotonic());
	return 0;
}

bool dhcp_net_wait(struct dhcp_net *d, kiln_time_t deadline)
{
	/* Bounded by the deadline: each wait returns by then at the latest. */
	while (d->client.state != DHCP_BOUND && d->client.state != DHCP_RENEWING &&
	       d->client.state != DHCP_REBINDING) {
		if (kiln_clock_monotonic() >= deadline)
			return false;
		wait_on(&d->bound, deadline);
	}
	return true;
}

void dhcp_net_stop(struct dhcp_net *d)
{
	dhcp_client_release(&d->client, kiln_clock_monotonic());
	loop_remove(&d->src);
	udp_close(d->sock);
	d->sock = NULL;
}

int dhcp_net_up(struct net *n, struct dhcp_net *d, const char *name, int argc, char **argv)
{
	struct net_config cfg;
	char err[160];

	if (net_config_from_args(argc, argv, &cfg, err, sizeof(err)) < 0) {
		printf("%s\n", err);
		return -1;
	}
	if (net_open(n, name) < 0)
		return -1;
	if (cfg.have_ipv4)
		return net_configure(n, &cfg);
	if (dhcp_net_start(d, n) < 0)
		return -1;
	/* Said at once: a wait of up to 30 s with no word looks like a hang. */
	printf("waiting for DHCP on %s (up to %d s)...\n", name, DHCP_UP_TIMEOUT_SECS);
	kiln_console_flush();
	if (!dhcp_net_wait(d, kiln_clock_monotonic() + DHCP_UP_TIMEOUT_SECS * SEC)) {
		printf("%s: no DHCP server answered in %d s. Either run one on the host side of "
		       "the device (a tap: e.g. dnsmasq --interface=TAP --dhcp-range=...), use "
		       "user-mode networking, which answers DHCP (--net:%s=user, kiln run's "
		       "default), or set the address by hand with the boot arguments "
		       "--ipv4=ADDR/PREFIX [--ipv4-gateway=ADDR]\n", name, DHCP_UP_TIMEOUT_SECS,
		       name);
		return -1;
	}
	return 0;
}
