/* server.c: fuzz harness for the authoritative server's query path
 * (dns_server.h): any input as a query over UDP and over TCP, against a
 * small zone with a delegation, CNAMEs, wildcards (with MX, A, a CNAME
 * loop, an empty one, an occluded one) and a large RRset. The response
 * must fit the limits and decode. */
#include <kiln/dns_server.h>

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char zone_text[] =
	"$TTL 300\n"
	"@ SOA ns1 h 1 2 3 4 60\n"
	"  NS ns1\n  NS ns2.other.\n  MX 10 mail\n"
	"ns1 A 192.0.2.1\nns1 AAAA 2001:db8::1\nmail A 192.0.2.2\n"
	"www CNAME web\nweb A 192.0.2.3\nloop CNAME loop\n"
	"sub NS ns.sub\nns.sub A 192.0.2.4\n"
	"_s._tcp SRV 0 0 80 web\n"
	"t TXT \"a\" \"b\"\ngen TYPE999 \\# 2 0102\n"
	"* MX 10 m.w\n*.w A 192.0.2.9\n*.c CNAME a.c\nx.*.e TXT \"e\"\n*.sub A 192.0.2.5\n"
	"*.d CNAME q.w\nsub2 NS q.w\n"
	"big A 10.0.0.1\nbig A 10.0.0.2\nbig A 10.0.0.3\nbig A 10.0.0.4\nbig A 10.0.0.5\n"
	"big A 10.0.0.6\nbig A 10.0.0.7\nbig A 10.0.0.8\nbig A 10.0.0.9\nbig A 10.0.0.10\n"
	"big A 10.0.0.11\nbig A 10.0.0.12\nbig A 10.0.0.13\nbig A 10.0.0.14\nbig A 10.0.0.15\n"
	"big A 10.0.0.16\nbig A 10.0.0.17\nbig A 10.0.0.18\nbig A 10.0.0.19\nbig A 10.0.0.20\n"
	"big A 10.0.0.21\nbig A 10.0.0.22\nbig A 10.0.0.23\nbig A 10.0.0.24\nbig A 10.0.0.25\n"
	"big A 10.0.0.26\nbig A 10.0.0.27\nbig A 10.0.0.28\nbig A 10.0.0.29\nbig A 10.0.0.30\n"
	"big A 10.0.0.31\nbig A 10.0.0.32\nbig A 10.0.0.33\nbig A 10.0.0.34\nbig A 10.0.0.35\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_server srv;
	static struct dns_zone *z;
	static uint8_t out[65536];
	if (!z) {
		char err[256];
		if (dns_zone_parse("fuzz", view_make(zone_text, sizeof zone_text - 1), "example.test",
				   &z, err, sizeof err) != 0)
			__builtin_trap();
		dns_server_init(&srv);
		dns_server_add_zone(&srv, z);
	}
	for (int tcp = 0; tcp < 2; tcp++) {
		size_t cap = tcp ? sizeof out : 4096;
		size_t n = dns_server_answer(&srv, view_make(data, size), tcp, out, cap);
		struct dns_msg m;
		if (n == 0)
			continue;
		if (n > cap || (!tcp && n > DNS_SERVER_UDP_MAX))
			__builtin_trap();
		if (dns_msg_parse(view_make(out, n), &m) != DNS_OK || !(m.hdr.flags & DNS_FLAG_QR))
			__builtin_trap(); /* every response must itself decode */
	}
	return 0;
}
