/* tcp_stream.c: fuzz harness for the DNS-over-TCP glue's stream step
 * (dnsd_tcp_answer_stream, include/kiln/dnsd.h; RFC 7766 framing): any
 * bytes as what a connection received, answered as the connection fiber
 * does (one response per shared buffer, until no progress), against a
 * small zone. Every response must be framed with its own length and fit. */
#include <kiln/dnsd.h>
#include <kiln/dns_zone.h>

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char zone_text[] = "$TTL 300\n@ SOA ns1 h 1 2 3 4 60\n  NS ns1\n  MX 10 mail\n"
				"ns1 A 192.0.2.1\nmail A 192.0.2.2\nwww CNAME web\nweb A 192.0.2.3\n"
				"sub NS ns.sub\nns.sub A 192.0.2.4\nt TXT \"a\" \"b\"\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_server srv;
	static struct dns_zone *z;
	static uint8_t out[DNSD_TCP_OUT_MAX];
	uint64_t queries = 0, answers = 0;

	if (!z) {
		char err[256];
		if (dns_zone_parse("fuzz", view_make(zone_text, sizeof zone_text - 1), "example.test",
				   &z, err, sizeof err) != 0)
			__builtin_trap();
		dns_server_init(&srv);
		dns_server_add_zone(&srv, z);
	}
	size_t off = 0;
	/* Each round consumes at least 2 bytes or stops. */
	for (;;) {
		size_t used, olen;
		bool ok = dnsd_tcp_answer_stream(&srv, data + off, size - off, &used, out, sizeof out,
						 &olen, &queries, &answers);
		if (used > size - off || olen > sizeof out || (olen && olen < 2 + 12))
			__builtin_trap();
		if (olen && (size_t)(out[0] << 8 | out[1]) != olen - 2)
			__builtin_trap();
		if (used == 0 && olen)
			__builtin_trap();
		off += used;
		if (!ok || used == 0)
			break;
	}
	if (answers > queries)
		__builtin_trap();
	return 0;
}
