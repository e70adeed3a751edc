/* options.c: libFuzzer harness for hostnet's option parsers (hostnet.h):
 * --net-mac values (hostnet_parse_mac), --port-forward values
 * (hostnet_parse_forward, repeated into one set of options so the
 * HOSTNET_MAX_FORWARDS bound is reached) and --net-impair values
 * (hostnet_parse_impair), and hostnet_default_mac() over arbitrary names.
 *
 * Input: records of [kind][text up to a NUL]. An accepted value must give
 * what the backends rely on: a unicast MAC, forwards within the array with
 * ports 1..65535 and a protocol, probabilities within 0..1000 per mille. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hostnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[65536 + 1];
	struct hostnet_options o;
	char err[256];
	uint8_t mac[6];

	if (size > sizeof buf - 1)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	memset(&o, 0, sizeof o);
	for (size_t i = 0; i < size;) {
		uint8_t kind = (uint8_t)buf[i++];
		char *s = buf + i;
		i += strlen(s) + 1;
		switch (kind % 4) {
		case 0:
			if (hostnet_parse_mac(s, mac) && (mac[0] & 1))
				abort();
			break;
		case 1: {
			unsigned before = o.forward_count;
			err[0] = '\0';
			bool ok = hostnet_parse_forward(s, &o, err, sizeof err);
			if (o.forward_count > HOSTNET_MAX_FORWARDS ||
			    o.forward_count != before + (ok ? 1u : 0u) || (!ok && !err[0]))
				abort();
			if (ok) {
				const struct hostnet_forward *f = &o.forwards[before];
				if (!f->host_port || !f->guest_port || (!f->udp && !f->tcp))
					abort();
			}
			break;
		}
		case 2: {
			struct hostnet_options fresh = {0};
			err[0] = '\0';
			if (hostnet_parse_impair(s, &fresh, err, sizeof err)) {
				const struct hostnet_impair *m = &fresh.impair;
				if (m->loss > 1000 || m->reorder > 1000 || m->dup > 1000)
					abort();
			} else if (!err[0]) {
				abort();
			}
			break;
		}
		default:
			hostnet_default_mac(s, s, s, mac);
			if (mac[0] & 1)
				abort();
			break;
		}
	}
	return 0;
}
