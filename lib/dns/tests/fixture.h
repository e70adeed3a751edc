/* fixture.h: the dns tests' server on one of lib/dns/tests/zones/, parsed
 * once per test program. */
#ifndef KILN_DNS_TESTS_FIXTURE_H
#define KILN_DNS_TESTS_FIXTURE_H

#include <kiln/dns_server.h>

#include <stdio.h>

/* Parse lib/dns/tests/zones/<origin>.zone into *zone and serve it from
 * *srv (stats, if not NULL, counted there). True on success; a parse
 * error is printed. Done once: later calls only say whether it worked. */
static inline bool fixture_serve(const char *origin, struct dns_zone **zone,
				 struct dns_server *srv, struct dns_server_stats *stats)
{
	static char text[1 << 16];
	char path[128], name[64], err[256];
	size_t len;
	FILE *f;

	if (*zone)
		return true;
	snprintf(name, sizeof name, "%s.zone", origin);
	snprintf(path, sizeof path, "lib/dns/tests/zones/%s", name);
	if (!(f = fopen(path, "rb")))
		return false;
	len = fread(text, 1, sizeof text, f);
	fclose(f);
	if (dns_zone_parse(name, view_make(text, len), origin, zone, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return false;
	}
	dns_server_init(srv);
	srv->stats = stats;
	return dns_server_add_zone(srv, *zone) == 0;
}

#endif
