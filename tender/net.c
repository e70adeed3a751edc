/* net.c: picks a net backend for --net:NAME=VALUE (docs/tender.md "Net
 * backends"). Today VALUE is a tap device name; a user-mode backend
 * (libslirp) would claim its own VALUE form here. */
#include <stdlib.h>

#include "net.h"
#include "tender.h"

struct tender_net *tender_net_attach(const char *spec, const char *devname)
{
	const struct tender_net_ops *ops = &tender_net_tap_ops;
	struct tender_net *n = calloc(1, sizeof *n);
	if (!n)
		tender_die("out of memory");
	n->ops = ops;
	n->fd = -1;
	ops->open(n, spec, devname);
	return n;
}
