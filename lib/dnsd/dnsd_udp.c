/* dnsd_udp.c: the authoritative server on UDP (RFC 1035 4.2.1): answered in
 * place, during input. See include/kiln/dnsd.h. */
#include <kiln/dnsd.h>

#include <stdio.h>
#include <string.h>

static void on_query(void *ctx, struct udp_socket *s, uint32_t from_addr, uint16_t from_port,
		     struct view data, kiln_time_t now)
{
	struct dnsd *d = ctx;
	(void)now;

	d->stats.udp_queries++;
	size_t n = dns_server_answer(d->server, data, false, d->udp_out, sizeof(d->udp_out));
	if (n == 0) {
		d->stats.udp_unanswered++;
		return;
	}
	if (udp_send(s, from_addr, from_port, d->udp_out, n) < 0)
		d->stats.udp_send_failed++;
	else
		d->stats.udp_answers++;
}

int dnsd_udp_start(struct dnsd *d, const struct dns_server *s, const struct dnsd_config *cfg,
		   struct udp *u, uint16_t port)
{
	d->server = s;
	if (cfg)
		d->cfg = *cfg;
	if (!d->cfg.tcp_conns)
		d->cfg.tcp_conns = DNSD_TCP_CONNS_DEFAULT;
	if (!d->cfg.tcp_idle)
		d->cfg.tcp_idle = DNSD_TCP_IDLE_DEFAULT;
	d->udp = udp_open(u, port);
	if (!d->udp) {
		printf("dnsd: cannot open udp port %u\n", (unsigned)port);
		return -1;
	}
	udp_on_receive(d->udp, on_query, d);
	return 0;
}

#define STAT(name) printf("dnsd.%s %llu\n", #name, (unsigned long long)d->stats.name)

void dnsd_print_stats(const struct dnsd *d)
{
	STAT(udp_queries);
	STAT(udp_answers);
	STAT(udp_unanswered);
	STAT(udp_send_failed);
	STAT(tcp_accepted);
	STAT(tcp_refused);
	STAT(tcp_queries);
	STAT(tcp_answers);
	STAT(tcp_idle_closed);
	STAT(tcp_too_long);
	STAT(tcp_empty);
	STAT(tcp_errors);
}
