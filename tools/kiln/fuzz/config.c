/* config.c: libFuzzer harness for the kiln.conf parser (conf_parse,
 * tools/kiln/config.c; docs/config.md), through its public function only.
 *
 * The input is the file's text (cut at a NUL byte, as the tool reads
 * text). A refusal must come with one "PATH:LINE: problem" message; an
 * accepted file must give a name, counts within their arrays, strings
 * terminated inside their fields, and forwards with ports 1..65535 and a
 * protocol. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kiln.h"

#define TERMINATED(field) (memchr((field), '\0', sizeof(field)) != NULL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[1 << 20];
	static struct kiln_conf c;
	char err[1024];

	if (size >= sizeof text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(err, 0x55, sizeof err);
	if (conf_parse(&c, "kiln.conf", text, err, sizeof err) < 0) {
		if (!memchr(err, '\0', sizeof err) || strncmp(err, "kiln.conf:", 10) != 0)
			abort();
		return 0;
	}
	if (!TERMINATED(c.name) || c.name[0] == '\0' || c.ndev > KILN_CONF_MAX_DEVICES ||
	    c.nlib > KILN_MAX_LIBS || c.nforward > KILN_MAX_FORWARDS || !TERMINATED(c.files))
		abort();
	for (unsigned i = 0; i < c.ndev; i++)
		if (!TERMINATED(c.dev[i].name) || c.dev[i].name[0] == '\0')
			abort();
	for (unsigned i = 0; i < c.nlib; i++)
		if (!TERMINATED(c.lib[i].name) || c.lib[i].name[0] == '\0')
			abort();
	for (unsigned i = 0; i < c.nforward; i++) {
		const struct conf_forward *f = &c.forward[i];
		if (!TERMINATED(f->spec) || f->host_port < 1 || f->host_port > 65535 ||
		    f->guest_port < 1 || f->guest_port > 65535 || (!f->udp && !f->tcp))
			abort();
	}
	return 0;
}
