/* dnsd_stream.c: one step of DNS over TCP without I/O: framed queries in,
 * framed responses out (RFC 1035 4.2.2, RFC 7766 6.2.1 pipelining). Its own
 * file so that the fuzz harness links no platform. See include/kiln/dnsd.h. */
#include <kiln/dnsd.h>

#define TCP_OUT_CAP DNSD_TCP_OUT_MAX

bool dnsd_tcp_answer_stream(const struct dns_server *s, const uint8_t *in, size_t len,
			    size_t *consumed, uint8_t *out, size_t cap, size_t *out_len,
			    uint64_t *queries, uint64_t *answers)
{
	size_t used = 0, written = 0;
	bool ok = true;

	/* Only while a largest response still fits: a smaller out_cap would
	 * make the server truncate (TC) an answer TCP must carry whole. Each
	 * round consumes at least the 2-byte prefix: bounded by len / 2. */
	while (cap - written >= TCP_OUT_CAP) {
		struct view rest = view_make(in + used, len - used), msg;
		size_t take;
		/* An empty frame holds no message (RFC 1035 4.2.2); NSD and
		 * Knot close the connection on it, as on an oversized one. */
		if (rest.len >= 2 && dnsd_tcp_frame_bad(rest.data)) {
			ok = false;
			break;
		}
		if (!dns_tcp_unframe(rest, &msg, &take))
			break;
		(*queries)++;
		used += take;
		size_t n = dns_server_answer(s, msg, true, out + written + 2, 65535);
		if (n) {
			store_be16(out + written, (uint16_t)n);
			written += 2 + n;
			(*answers)++;
		}
	}
	*consumed = used;
	*out_len = written;
	return ok;
}
