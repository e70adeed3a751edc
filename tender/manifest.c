/* manifest.c: checks an image's MFT1 manifest and attaches the devices it
 * declares (docs/hvt-abi.md section 2). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "net.h"
#include "tender.h"

void tender_mft_validate(const void *buf, size_t size, const char *image)
{
	const struct mft *m = buf;
	if (size < sizeof *m)
		tender_die("%s: bad manifest: %zu bytes", image, size);
	if (m->version != MFT_VERSION)
		tender_die("%s: bad manifest: version %u, expected 1", image, m->version);
	if (m->entries < 1 || m->entries > MFT_MAX_ENTRIES)
		tender_die("%s: bad manifest: %u entries (1 to 64)", image, m->entries);
	if (size != sizeof *m + m->entries * sizeof m->e[0])
		tender_die("%s: bad manifest: %zu bytes for %u entries", image, size, m->entries);
	const struct mft_entry *e0 = &m->e[0];
	if (e0->type != MFT_RESERVED_FIRST || e0->name[0] != '\0')
		tender_die("%s: bad manifest: entry 0 is not the reserved empty entry", image);
	for (unsigned i = 0; i < m->entries; i++) {
		const struct mft_entry *e = &m->e[i];
		/* Read as a byte: the image may hold any value where a bool goes. */
		uint8_t attached;
		memcpy(&attached, (const char *)e + offsetof(struct mft_entry, attached), 1);
		if (attached != 0)
			tender_die("%s: bad manifest: entry %u is already attached", image, i);
		if (i == 0)
			continue;
		size_t n = strnlen(e->name, MFT_NAME_SIZE);
		if (n == 0 || n == MFT_NAME_SIZE)
			tender_die("%s: bad manifest: entry %u has an empty or unterminated name",
				   image, i);
		for (size_t k = 0; k < n; k++) {
			char c = e->name[k];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9')))
				tender_die("%s: bad manifest: entry %u: name is not alphanumeric",
					   image, i);
		}
		if (e->type != MFT_DEV_BLOCK_BASIC && e->type != MFT_DEV_NET_BASIC)
			tender_die("%s: bad manifest: entry %u (%s) has unknown type %u", image, i,
				   e->name, e->type);
		for (unsigned j = 1; j < i; j++)
			if (strcmp(m->e[j].name, e->name) == 0)
				tender_die("%s: bad manifest: device %s declared twice", image, e->name);
	}
}

static void net_fill(struct mft_entry *e, struct tender_dev_arg *d, const struct tender_args *a)
{
	uint8_t mac[6];
	struct hostnet *n = tender_net_attach(a, d->path, e->name, mac);
	memcpy(e->u.net_basic.mac, mac, 6);
	/* A tap's own MTU (a jumbo 9000 too), 1500 on user-mode networking. */
	e->u.net_basic.mtu = hostnet_mtu(n);
	e->b = (uint64_t)(uintptr_t)n;
}

void tender_mft_attach(struct mft *m, struct tender_args *a)
{
	/* Match first, attach after: a usage error opens nothing. */
	struct tender_dev_arg *match[MFT_MAX_ENTRIES] = {0};
	for (unsigned i = 1; i < m->entries; i++) {
		struct mft_entry *e = &m->e[i];
		const char *opt = e->type == MFT_DEV_NET_BASIC ? "net" : "block";
		for (unsigned k = 0; k < a->ndev; k++)
			if (strcmp(a->dev[k].name, e->name) == 0)
				match[i] = &a->dev[k];
		struct tender_dev_arg *d = match[i];
		if (!d)
			tender_die("the image needs %s device %s: give --%s:%s=%s", opt, e->name, opt,
				   e->name, e->type == MFT_DEV_NET_BASIC ? "TAPDEV|user" : "FILE");
		if ((uint32_t)d->kind != e->type)
			tender_die("device %s is a %s device in the image, given as --%s:%s",
				   e->name, opt, d->kind == TENDER_DEV_NET ? "net" : "block", e->name);
		d->used = true;
	}
	for (unsigned k = 0; k < a->ndev; k++)
		if (!a->dev[k].used)
			tender_die("the image declares no device %s (given as --%s:%s=%s)",
				   a->dev[k].name, a->dev[k].kind == TENDER_DEV_NET ? "net" : "block",
				   a->dev[k].name, a->dev[k].path);
	/* A sector size names a declared block device. */
	unsigned sector[MFT_MAX_ENTRIES];
	for (unsigned i = 1; i < m->entries; i++)
		sector[i] = TENDER_BLOCK_SIZE;
	for (unsigned k = 0; k < a->nsector; k++) {
		unsigned i = 1;
		while (i < m->entries && strcmp(m->e[i].name, a->sector[k].name) != 0)
			i++;
		if (i == m->entries || m->e[i].type != MFT_DEV_BLOCK_BASIC)
			tender_die("--block-sector-size:%s: the image declares no block device %s",
				   a->sector[k].name, a->sector[k].name);
		sector[i] = a->sector[k].size;
	}
	tender_net_options(a, m);
	for (unsigned i = 1; i < m->entries; i++) {
		struct mft_entry *e = &m->e[i];
		if (e->type == MFT_DEV_NET_BASIC)
			net_fill(e, match[i], a);
		else
			e->b = (uint64_t)tender_block_attach(e, match[i]->path, sector[i]);
		e->attached = true;
	}
}
