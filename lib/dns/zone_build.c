/* zone_build.c: from parsed records to the sorted zone: canonical order
 * (RFC 4034 6.1), RRsets and duplicate merging (RFC 2181 5), empty
 * non-terminals, SOA and CNAME rules (RFC 1035 5.2, RFC 2181 10.1). */
#include "zone_int.h"

#include "name_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Name references into the blob, for nodes (owners and their ancestors). */
struct nref {
	uint32_t off;
	uint8_t len;
};

struct sort_ctx {
	const struct zone_builder *b;
	const struct nref *names;
};

typedef int (*cmp_fn)(const struct sort_ctx *c, uint32_t x, uint32_t y);

/* Stable bottom-up merge sort of n indices (qsort is neither stable nor
 * given a context in every libc). */
static bool msort(uint32_t *a, size_t n, cmp_fn cmp, const struct sort_ctx *c)
{
	uint32_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
	if (!tmp)
		return false;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = cmp(c, a[j], a[i]) < 0 ? a[j++] : a[i++];
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
		}
		memcpy(a, tmp, n * sizeof *a);
	}
	free(tmp);
	return true;
}

static int owner_cmp(const struct zone_builder *b, const struct zone_rec *x, const struct zone_rec *y)
{
	return dns_wire_name_compare(b->blob + x->owner_off, x->owner_len, b->blob + y->owner_off,
				     y->owner_len);
}

static int rec_cmp(const struct sort_ctx *c, uint32_t i, uint32_t j)
{
	const struct zone_rec *x = &c->b->recs[i], *y = &c->b->recs[j];
	int d = owner_cmp(c->b, x, y);
	if (d)
		return d;
	if (x->type != y->type)
		return (int)x->type - (int)y->type;
	size_t n = x->rd_len < y->rd_len ? x->rd_len : y->rd_len;
	d = memcmp(c->b->blob + x->rd_off, c->b->blob + y->rd_off, n);
	return d ? d : (int)x->rd_len - (int)y->rd_len;
}

static int name_cmp(const struct sort_ctx *c, uint32_t i, uint32_t j)
{
	const struct nref *x = &c->names[i], *y = &c->names[j];
	return dns_wire_name_compare(c->b->blob + x->off, x->len, c->b->blob + y->off, y->len);
}

static int fail_at(struct zone_builder *b, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_at(struct zone_builder *b, uint32_t line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line)
		snprintf(b->err, b->errlen, "%s:%u: %s", b->file, line, msg);
	else
		snprintf(b->err, b->errlen, "%s: %s", b->file, msg);
	return -1;
}

static const char *owner_text(const struct zone_builder *b, const struct zone_rec *r, char *buf)
{
	struct dns_name n;
	n.len = r->owner_len;
	memcpy(n.wire, b->blob + r->owner_off, n.len);
	dns_name_to_text(&n, buf, DNS_NAME_TEXT_MAX);
	return buf;
}

int zone_build(struct zone_builder *b, struct dns_zone **out)
{
	struct sort_ctx c = {b, NULL};
	struct dns_zone *z = calloc(1, sizeof *z);
	uint32_t *idx = malloc((b->nrecs ? b->nrecs : 1) * sizeof *idx);
	struct nref *names = NULL;
	uint32_t *nidx = NULL;
	size_t nnames = 0;
	char tb[DNS_NAME_TEXT_MAX];
	int rc = -1;

	if (!z || !idx)
		goto nomem;
	z->origin = b->apex;
	for (size_t i = 0; i < b->nrecs; i++)
		idx[i] = (uint32_t)i;
	if (!msort(idx, b->nrecs, rec_cmp, &c))
		goto nomem;

	/* Nodes: every owner and each of its ancestors down to the apex; an
	 * ancestor's wire form is a suffix of its owner's, so all are refs
	 * into the blob. */
	size_t maxnames = 0;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1 && !(names = malloc((maxnames ? maxnames : 1) * sizeof *names)))
			goto nomem;
		for (size_t i = 0; i < b->nrecs; i++) {
			const struct zone_rec *r = &b->recs[idx[i]];
			if (i > 0 && owner_cmp(b, r, &b->recs[idx[i - 1]]) == 0)
				continue;
			for (size_t skip = 0; skip + b->apex.len <= r->owner_len;) {
				if (pass == 0)
					maxnames++;
				else
					names[nnames++] = (struct nref){r->owner_off + (uint32_t)skip,
									(uint8_t)(r->owner_len - skip)};
				skip += b->blob[r->owner_off + skip] + 1u;
			}
		}
	}
	nidx = malloc((nnames ? nnames : 1) * sizeof *nidx);
	if (!nidx)
		goto nomem;
	for (size_t i = 0; i < nnames; i++)
		nidx[i] = (uint32_t)i;
	c.names = names;
	if (!msort(nidx, nnames, name_cmp, &c))
		goto nomem;

	z->nodes = calloc(nnames ? nnames : 1, sizeof *z->nodes);
	z->sets = calloc(b->nrecs ? b->nrecs : 1, sizeof *z->sets);
	z->rdata = calloc(b->nrecs ? b->nrecs : 1, sizeof *z->rdata);
	if (!z->nodes || !z->sets || !z->rdata)
		goto nomem;

	size_t ri = 0, nsoa = 0;
	for (size_t k = 0; k < nnames; k++) {
		if (k > 0 && name_cmp(&c, nidx[k], nidx[k - 1]) == 0)
			continue;
		const struct nref *nm = &names[nidx[k]];
		struct dns_node *node = &z->nodes[z->nnodes++];
		node->name_off = nm->off;
		node->name_len = nm->len;
		node->first_set = (uint32_t)z->nsets;
		const struct zone_rec *cname = NULL;
		bool other = false;
		while (ri < b->nrecs) {
			const struct zone_rec *r = &b->recs[idx[ri]];
			if (dns_wire_name_compare(b->blob + r->owner_off, r->owner_len,
						  b->blob + nm->off, nm->len) != 0)
				break;
			struct dns_rrset *set = &z->sets[z->nsets];
			if (node->nsets == 0 || set[-1].type != r->type) {
				set->type = r->type;
				set->first = (uint32_t)z->nrdata;
				set->order = idx[ri];
				set->ttl = r->ttl;
				node->nsets++;
				z->nsets++;
			} else {
				set = &set[-1];
				if (rec_cmp(&c, idx[ri], idx[ri - 1]) == 0) {
					ri++; /* an identical record: merged */
					continue;
				}
				if (idx[ri] < set->order) { /* earlier in the file */
					set->order = idx[ri];
					set->ttl = r->ttl;
				}
			}
			set->count++;
			z->rdata[z->nrdata++] = (struct dns_rdata_ref){r->rd_off, r->rd_len};
			if (r->type == DNS_TYPE_SOA) {
				if (nsoa++ > 0) {
					fail_at(b, r->line, "a second SOA record");
					goto out;
				}
				if (r->owner_len != b->apex.len) {
					fail_at(b, r->line, "SOA at %s, not at the zone apex",
						owner_text(b, r, tb));
					goto out;
				}
				uint32_t min;
				view_be32(view_make(b->blob + r->rd_off, r->rd_len), r->rd_len - 4u, &min);
				z->neg_ttl = r->ttl < min ? r->ttl : min;
			}
			if (r->type == DNS_TYPE_CNAME) {
				if (cname) {
					fail_at(b, r->line, "more than one CNAME at %s", owner_text(b, r, tb));
					goto out;
				}
				cname = r;
			} else if (r->type != DNS_TYPE_RRSIG && r->type != DNS_TYPE_NSEC) {
				other = true;
			}
			ri++;
		}
		if (cname && other) {
			fail_at(b, cname->line, "CNAME beside other data at %s", owner_text(b, cname, tb));
			goto out;
		}
	}
	if (nsoa == 0) {
		fail_at(b, 0, "no SOA record at the zone apex %s",
			(dns_name_to_text(&b->apex, tb, sizeof tb), tb));
		goto out;
	}
	for (size_t k = 0; k < z->nnodes; k++) { /* sort keys for dns_zone_find */
		uint8_t key[DNS_NAME_KEY_MAX];
		struct dns_node *node = &z->nodes[k];
		size_t klen = dns_name_key(b->blob + node->name_off, node->name_len, key);
		long off = zone_blob_add(b, key, klen);
		if (off < 0)
			goto nomem;
		node->key_off = (uint32_t)off;
		node->key_len = (uint16_t)klen;
	}
	z->blob = b->blob;
	z->bloblen = b->bloblen;
	b->blob = NULL;
	*out = z;
	z = NULL;
	rc = 0;
	goto out;
nomem:
	snprintf(b->err, b->errlen, "%s: out of memory", b->file);
out:
	dns_zone_free(z);
	free(idx);
	free(names);
	free(nidx);
	return rc;
}
