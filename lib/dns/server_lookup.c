/* server_lookup.c: what an authoritative server answers: zone choice,
 * referrals, CNAME chains, wildcards, negative answers, ANY,
 * additional-section processing (RFC 1034 4.3.2-4.3.3, RFC 4592, RFC 2308,
 * RFC 4035 3.1.4.1, RFC 8482). */
#include "server_int.h"

#include <string.h>

#include "name_int.h"
#include "rdata_fields.h"

/* The served zone with the longest origin at or above name. */
static const struct dns_zone *zone_for(const struct dns_server *s, const struct dns_name *name)
{
	const struct dns_zone *best = NULL;
	for (unsigned i = 0; i < s->nzones; i++)
		if (dns_name_is_below(name, &s->zones[i]->origin) &&
		    (!best || s->zones[i]->origin.len > best->origin.len))
			best = s->zones[i];
	return best;
}

/* The same RRset with the same owner: a node's own RRset is in a message
 * at most once, a wildcard's once per name it is synthesized for. That is
 * NSD's rule (its "already added" check keys on the RRset and the owner's
 * domain), including one quirk kept so that both answer alike: the
 * question's name is a domain of its own there, so a wildcard CNAME that
 * points back at the question's name ("*.l CNAME a.l", query a.l) is
 * written twice, once for the question and once for the target, before
 * the loop stops. */
static bool in_plan(const struct dns_plan *p, const struct dns_rrset *set, bool use_qname,
		    const uint8_t *synth, uint8_t synth_len)
{
	for (int sec = 0; sec < 3; sec++)
		for (unsigned i = 0; i < p->n[sec]; i++) {
			const struct plan_item *it = &p->items[sec][i];
			if (it->set != set || !it->synth != !synth ||
			    (synth && it->use_qname != use_qname))
				continue;
			if (!synth ||
			    dns_wire_name_compare(it->synth, it->synth_len, synth, synth_len) == 0)
				return true;
		}
	return false;
}

/* Add an RRset to a section unless it is already in the message. synth:
 * the owner of an RRset synthesized from a wildcard, else NULL. */
static bool add(struct dns_plan *p, int sec, const struct dns_zone *z, const struct dns_node *node,
		const struct dns_rrset *set, bool use_qname, uint8_t group, const uint8_t *synth,
		uint8_t synth_len)
{
	if (!set || in_plan(p, set, use_qname, synth, synth_len) || p->n[sec] >= DNS_SECTION_MAX)
		return false;
	p->items[sec][p->n[sec]++] =
		(struct plan_item){z, node, set, synth, set->ttl, use_qname, group, synth_len};
	return true;
}

/* Every name in a zone is at or below its apex, so the apex sorts first. */
static const struct dns_node *apex(const struct dns_zone *z) { return &z->nodes[0]; }

static void add_soa(struct dns_plan *p, const struct dns_zone *z, bool class_any)
{
	const struct dns_node *a = apex(z);
	if (class_any)
		return;
	if (add(p, SEC_AUTHORITY, z, a, dns_node_rrset(z, a, DNS_TYPE_SOA), false, GROUP_AUTHORITY,
		NULL, 0))
		p->items[SEC_AUTHORITY][p->n[SEC_AUTHORITY] - 1].ttl = z->neg_ttl;
}

/* Walk from the apex down to name, one binary search per label: the
 * highest node strictly below the apex that holds NS is a zone cut (a DS
 * query at the cut itself belongs to the parent, RFC 4035 3.1.4.1); else
 * *node is name's own node, or NULL if name does not exist (empty
 * non-terminals are nodes, so a missing ancestor means a missing name).
 * *ce is the last node found on the way: name's closest encloser when
 * name does not exist (RFC 4592 3.3.1), the cut when there is one. */
static const struct dns_node *walk(const struct dns_zone *z, const struct dns_name *name,
				   uint16_t qtype, bool cuts, const struct dns_node **node,
				   const struct dns_node **ce)
{
	uint8_t key[DNS_NAME_KEY_MAX];
	size_t klen = dns_name_key(name->wire, name->len, key);
	unsigned top = dns_name_labels(&z->origin), l = 0;
	*node = *ce = apex(z);
	/* Each 0 in the key ends a label (other octets are >= 1), and the
	 * prefix up to it is the key of that ancestor. */
	for (size_t i = 0; i < klen; i++) {
		if (key[i] != 0 || ++l <= top)
			continue;
		*node = dns_zone_find_key(z, key, i + 1);
		if (!*node)
			return NULL;
		*ce = *node;
		if (cuts && dns_node_rrset(z, *node, DNS_TYPE_NS) &&
		    !(i + 1 == klen && qtype == DNS_TYPE_DS))
			return *node;
	}
	return NULL;
}

static const struct dns_node *descend(const struct dns_zone *z, const struct dns_name *name,
				      uint16_t qtype, const struct dns_node **node,
				      const struct dns_node **ce)
{
	return walk(z, name, qtype, true, node, ce);
}

/* The source of synthesis for a name that does not exist and whose closest
 * encloser is ce: the node "*.<ce>" if there is one (RFC 4592 3.3.1). It
 * may be an empty non-terminal (only "x.*.<ce>" has data): a source that
 * holds no RRsets, so every type is NODATA (RFC 4592 4.9). The key
 * of "*" below ce is ce's key, the octet '*' and the label end. */
__attribute__((noinline)) /* its key buffer stays off the caller's frame */
static const struct dns_node *wildcard(const struct dns_zone *z, const struct dns_node *ce)
{
	uint8_t key[DNS_NAME_KEY_MAX + 2];
	memcpy(key, z->blob + ce->key_off, ce->key_len);
	key[ce->key_len] = '*';
	key[ce->key_len + 1] = 0;
	return dns_zone_find_key(z, key, ce->key_len + 2u);
}

/* The owner of an RRset synthesized for the name raw (a name in the zone's
 * RDATA): the question's name, byte for byte, when it is the same name in
 * another case. Names equal to the question's are written in its case,
 * like every record that answers it (and NSD, which compresses them to a
 * pointer at the question, writes them so too). */
static const uint8_t *synth_owner(const struct dns_name *qname, const uint8_t *raw, uint8_t len)
{
	return dns_wire_name_compare(raw, len, qname->wire, qname->len) == 0 ? qname->wire : raw;
}

/* The domain name inside record i of set (NS, CNAME, PTR, MX, SRV); *raw:
 * its wire form inside the zone's RDATA (uncompressed, so the same octets),
 * where a wildcard synthesized for it finds its owner. */
static bool target(const struct dns_zone *z, const struct dns_rrset *set, unsigned i,
		   struct dns_name *out, const uint8_t **raw)
{
	struct view rd = dns_rrset_rdata(z, set, i);
	struct dns_rd_iter it;
	struct dns_rd_field f;
	bool done;
	dns_rd_iter_init(&it, rd, 0, rd.len, set->type);
	while (dns_rd_next(&it, &f, &done) == DNS_OK && !done)
		if (f.kind == 'n' || f.kind == 'N') {
			*out = f.name;
			*raw = f.raw.data;
			return true;
		}
	return false;
}

/* A, then AAAA, records of the targets of NS, MX and SRV RRsets in the
 * answer and authority sections, from the zone being answered, in NSD's
 * order. Data at or below a zone cut (glue) is added only for a referral's
 * NS RRset: elsewhere it is not the zone's authoritative data (RFC 2181
 * 6.1), and NSD leaves it out too. A target that does not exist gets its
 * records from the wildcard of its closest encloser, owned by the target's
 * name (RFC 4592 3.3.1 applies to every lookup; NSD synthesizes here too).
 * Glue for a referral is looked up below the cut the same way, ignoring the
 * cut: a server name there that only an occluded wildcard matches gets the
 * wildcard's addresses, as NSD gives them (an occluded wildcard answers no
 * query, RFC 1034 4.3.2 step 3b, but NSD serves occluded data as glue). */
static void additional(struct dns_plan *p, const struct dns_name *qname)
{
	static const uint16_t types[2] = {DNS_TYPE_A, DNS_TYPE_AAAA};
	unsigned nans = p->n[SEC_ANSWER], nauth = p->n[SEC_AUTHORITY];
	for (int t = 0; t < 2; t++) {
		for (unsigned k = 0; k < nans + nauth; k++) {
			const struct plan_item *it = k < nans ? &p->items[SEC_ANSWER][k]
							      : &p->items[SEC_AUTHORITY][k - nans];
			uint16_t ty = it->set->type;
			if (ty != DNS_TYPE_NS && ty != DNS_TYPE_MX && ty != DNS_TYPE_SRV)
				continue;
			for (unsigned i = 0; i < it->set->count; i++) {
				struct dns_name tn;
				const uint8_t *raw, *synth = NULL;
				if (!target(it->z, it->set, i, &tn, &raw) ||
				    !dns_name_is_below(&tn, &it->z->origin))
					continue;
				bool referral = it->set->type == DNS_TYPE_NS && it->node != apex(it->z);
				const struct dns_node *n, *ce;
				if (descend(it->z, &tn, 0, &n, &ce)) {
					if (!referral)
						continue; /* glue, outside a referral */
					walk(it->z, &tn, 0, false, &n, &ce);
				}
				if (!n && (n = wildcard(it->z, ce)))
					synth = synth_owner(qname, raw, tn.len);
				if (n) {
					const struct dns_rrset *s = dns_node_rrset(it->z, n, types[t]);
					add(p, SEC_ADDITIONAL, it->z, n, s, false,
					    types[t] == DNS_TYPE_A ? GROUP_ADD_A : GROUP_ADD_AAAA, synth,
					    tn.len);
				}
			}
		}
	}
}

/* RFC 8482 4.1 as NSD does it: one RRset for ANY. */
static const struct dns_rrset *any_choice(const struct dns_zone *z, const struct dns_node *n)
{
	const struct dns_rrset *pref = NULL, *normal = NULL, *late = NULL;
	for (uint32_t i = 0; i < n->nsets; i++) {
		const struct dns_rrset *s = &z->sets[n->first_set + i];
		switch (s->type) {
		case DNS_TYPE_A:
		case DNS_TYPE_AAAA:
		case DNS_TYPE_SOA:
		case DNS_TYPE_MX:
		case DNS_TYPE_PTR:
			if (!pref || s->order < pref->order)
				pref = s;
			break;
		case DNS_TYPE_DNSKEY:
		case DNS_TYPE_RRSIG:
		case DNS_TYPE_NSEC:
			if (!late || s->order > late->order)
				late = s;
			break;
		default:
			if (!normal || s->order > normal->order)
				normal = s;
		}
	}
	return pref ? pref : normal ? normal : late;
}

bool dns_server_lookup(const struct dns_server *s, const struct dns_name *qname, uint16_t qtype,
		       bool class_any, struct dns_plan *p)
{
	struct dns_name name = *qname;
	/* The name being answered as it is written in the message: the
	 * question's, then each CNAME's target inside its RDATA; a wildcard's
	 * RRsets are synthesized with it as their owner (RFC 4592 3.3.1). */
	const uint8_t *owner = qname->wire;
	p->rcode = DNS_RCODE_NOERROR;
	p->aa = !class_any;
	p->referral = false;
	p->n[0] = p->n[1] = p->n[2] = 0;

	for (unsigned hop = 0;; hop++) {
		bool first = hop == 0;
		const struct dns_zone *z = zone_for(s, &name);
		if (!z)
			return !first; /* a CNAME out of our zones ends the answer */
		if (qtype == DNS_TYPE_DS && name.len == z->origin.len) {
			/* DS at a child's apex is the parent's (RFC 4035 3.1.4.1). */
			struct dns_name up;
			dns_name_parent(&name, 1, &up);
			const struct dns_zone *parent = name.len > 1 ? zone_for(s, &up) : NULL;
			if (parent)
				z = parent;
		}
		const struct dns_node *node, *ce;
		const struct dns_node *cut = descend(z, &name, qtype, &node, &ce);
		if (cut) {
			/* At or below a cut: a referral, whatever wildcards the
			 * zone has (RFC 1034 4.3.2: step 3b, the referral, comes
			 * before 3c, the wildcard; the walk meets the cut before
			 * any missing label below it). */
			if (first)
				p->aa = false;
			add(p, SEC_AUTHORITY, z, cut, dns_node_rrset(z, cut, DNS_TYPE_NS), false,
			    GROUP_AUTHORITY, NULL, 0);
			p->referral = true;
			break;
		}
		const uint8_t *synth = NULL;
		if (!node) {
			/* No node at all (an empty non-terminal is a node and
			 * blocks synthesis, RFC 4592 2.2.2): the wildcard child
			 * of the closest encloser answers, if there is one. */
			if (!(node = wildcard(z, ce))) {
				p->rcode = DNS_RCODE_NXDOMAIN;
				add_soa(p, z, class_any);
				return true;
			}
			synth = first ? owner : synth_owner(qname, owner, name.len);
		}
		const struct dns_rrset *set;
		if (qtype == DNS_TYPE_ANY) {
			set = any_choice(z, node);
			if (!set) {
				add_soa(p, z, class_any);
				return true;
			}
			add(p, SEC_ANSWER, z, node, set, first, GROUP_ANSWER, synth, name.len);
			break;
		}
		if ((set = dns_node_rrset(z, node, qtype))) {
			add(p, SEC_ANSWER, z, node, set, first, GROUP_ANSWER, synth, name.len);
			const struct dns_node *a = apex(z);
			if (!class_any)
				add(p, SEC_AUTHORITY, z, a, dns_node_rrset(z, a, DNS_TYPE_NS), false,
				    GROUP_AUTHORITY_OPT, NULL, 0);
			break;
		}
		if ((set = dns_node_rrset(z, node, DNS_TYPE_CNAME))) {
			if (!add(p, SEC_ANSWER, z, node, set, first, GROUP_ANSWER, synth, name.len))
				return true; /* a loop: the CNAME is already in */
			if (hop + 1 >= DNS_CNAME_CHAIN_MAX || !target(z, set, 0, &name, &owner))
				return true;
			continue;
		}
		add_soa(p, z, class_any); /* NODATA, an empty non-terminal included */
		return true;
	}
	additional(p, qname);
	return true;
}
