/* conf.c: libFuzzer harness for the kiln.conf parser (tools/kiln/config.c,
 * docs/config.md): any bytes as a whole kiln.conf, and as a port forward.
 * The parser must return 0 or -1 with a message, never crash or overrun,
 * and what it accepts must hold its documented limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kiln.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kiln_conf c;
	static char text[1 << 16];
	char err[KILN_ERR_MAX];
	struct conf_forward f;

	if (size >= sizeof text)
		size = sizeof text - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	if (conf_parse(&c, "fuzz/kiln.conf", text, err, sizeof err) == 0) {
		if (c.name[0] == '\0' || strlen(c.name) > KILN_NAME_MAX ||
		    c.ndev > KILN_CONF_MAX_DEVICES || c.nlib > KILN_MAX_LIBS ||
		    c.nforward > KILN_MAX_FORWARDS || c.mem_mib < KILN_MEM_MIN ||
		    c.mem_mib > KILN_MEM_MAX || strlen(c.cflags) >= KILN_FLAGS_MAX ||
		    strpbrk(c.cflags, "$\\\"'`") || strpbrk(c.sources, "$\\\"'`:%"))
			abort();
	} else if (err[0] == '\0')
		abort(); /* a failure always says why */
	if (conf_parse_forward(text, &f, err, sizeof err) == 0 &&
	    (f.host_port < 1 || f.host_port > 65535 || f.guest_port < 1 || f.guest_port > 65535 ||
	     !(f.udp || f.tcp)))
		abort();
	return 0;
}
