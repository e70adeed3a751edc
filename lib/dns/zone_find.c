/* zone_find.c: reading a built zone: binary search in canonical order
 * (RFC 4034 6.1), RRsets, RDATA, and the zone as text. */
#include <kiln/dns_zone.h>

#include "name_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dns_zone_free(struct dns_zone *z)
{
	if (!z)
		return;
	free(z->nodes);
	free(z->sets);
	free(z->rdata);
	free(z->blob);
	free(z);
}

const struct dns_node *dns_zone_find_key(const struct dns_zone *z, const uint8_t *key,
					 size_t klen)
{
	size_t lo = 0, hi = z->nnodes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct dns_node *n = &z->nodes[mid];
		size_t m = n->key_len < klen ? n->key_len : klen;
		int d = memcmp(z->blob + n->key_off, key, m);
		if (d == 0)
			d = (int)n->key_len - (int)klen;
		if (d == 0)
			return n;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct dns_node *dns_zone_find(const struct dns_zone *z, const struct dns_name *name)
{
	uint8_t key[DNS_NAME_KEY_MAX];
	return dns_zone_find_key(z, key, dns_name_key(name->wire, name->len, key));
}

void dns_node_name(const struct dns_zone *z, const struct dns_node *n, struct dns_name *out)
{
	out->len = n->name_len;
	memcpy(out->wire, z->blob + n->name_off, n->name_len);
}

const struct dns_rrset *dns_node_rrset(const struct dns_zone *z, const struct dns_node *n,
				       uint16_t type)
{
	for (uint32_t i = 0; i < n->nsets; i++)
		if (z->sets[n->first_set + i].type == type)
			return &z->sets[n->first_set + i];
	return NULL;
}

struct view dns_rrset_rdata(const struct dns_zone *z, const struct dns_rrset *set, unsigned i)
{
	if (i >= set->count)
		return view_make(NULL, 0);
	const struct dns_rdata_ref *r = &z->rdata[set->first + i];
	return view_make(z->blob + r->off, r->len);
}

size_t dns_zone_to_text(const struct dns_zone *z, char *buf, size_t cap)
{
	size_t o = 0;
	for (size_t k = 0; k < z->nnodes; k++) {
		const struct dns_node *n = &z->nodes[k];
		struct dns_name name;
		char nt[DNS_NAME_TEXT_MAX];
		dns_node_name(z, n, &name);
		dns_name_to_text(&name, nt, sizeof nt);
		for (uint32_t s = 0; s < n->nsets; s++) {
			const struct dns_rrset *set = &z->sets[n->first_set + s];
			char tb[12];
			for (unsigned i = 0; i < set->count; i++) {
				char rd[1024];
				dns_rdata_to_text(set->type, dns_rrset_rdata(z, set, i), rd, sizeof rd);
				int w = snprintf(o < cap ? buf + o : NULL, o < cap ? cap - o : 0,
						 "%s %u IN %s %s\n", nt, set->ttl,
						 dns_type_name(set->type, tb), rd);
				o += (size_t)w;
			}
		}
	}
	if (cap && o >= cap)
		buf[cap - 1] = 0;
	return o;
}
