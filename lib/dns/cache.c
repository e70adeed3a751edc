/* cache.c: the stub resolver's small TTL-respecting cache (RFC 1035 7.4,
 * RFC 2308 5 for negative entries). */
#include <kiln/dns_stub.h>

#include <string.h>

#define NS_PER_S 1000000000ull

void dns_cache_init(struct dns_cache *c) { memset(c, 0, sizeof *c); }

static struct dns_cache_entry *lookup(struct dns_cache *c, const struct dns_name *name,
				      uint16_t type)
{
	for (unsigned i = 0; i < DNS_CACHE_ENTRIES; i++)
		if (c->e[i].used && c->e[i].type == type && dns_name_equal(&c->e[i].name, name))
			return &c->e[i];
	return NULL;
}

void dns_cache_put(struct dns_cache *c, const struct dns_name *name, uint16_t type,
		   const struct dns_stub_result *r, uint64_t now)
{
	uint32_t ttl;
	if (r->status == DNS_STUB_OK) {
		ttl = DNS_CACHE_TTL_MAX;
		for (unsigned i = 0; i < r->naddrs; i++)
			if (r->addrs[i].ttl < ttl)
				ttl = r->addrs[i].ttl;
	} else if (r->status == DNS_STUB_NODATA || r->status == DNS_STUB_NXDOMAIN) {
		ttl = r->neg_ttl < DNS_CACHE_NEG_TTL_MAX ? r->neg_ttl : DNS_CACHE_NEG_TTL_MAX;
	} else {
		return;
	}
	if (ttl == 0)
		return;
	struct dns_cache_entry *e = lookup(c, name, type);
	for (unsigned i = 0; !e && i < DNS_CACHE_ENTRIES; i++)
		if (!c->e[i].used || c->e[i].expires <= now)
			e = &c->e[i]; /* a free or expired slot */
	if (!e) {
		e = &c->e[0]; /* else the least recently used */
		for (unsigned i = 1; i < DNS_CACHE_ENTRIES; i++)
			if (c->e[i].last_used < e->last_used)
				e = &c->e[i];
	}
	e->used = true;
	e->type = type;
	e->name = *name;
	dns_name_lower(&e->name);
	e->expires = now + (uint64_t)ttl * NS_PER_S;
	e->last_used = now;
	e->result = *r;
}

bool dns_cache_get(struct dns_cache *c, const struct dns_name *name, uint16_t type, uint64_t now,
		   struct dns_stub_result *r)
{
	struct dns_cache_entry *e = lookup(c, name, type);
	if (!e || e->expires <= now)
		return false;
	e->last_used = now;
	*r = e->result;
	uint32_t left = (uint32_t)((e->expires - now + NS_PER_S - 1) / NS_PER_S);
	for (unsigned i = 0; i < r->naddrs; i++)
		if (r->addrs[i].ttl > left)
			r->addrs[i].ttl = left;
	if (r->neg_ttl > left)
		r->neg_ttl = left;
	return true;
}
