/* dnsd_zones.c: the server's zones read from a key-value store at boot
 * (kv.h; master files parsed per RFC 1035 5 by dns_zone_parse). See
 * include/kiln/dnsd.h. */
#include <kiln/dnsd.h>
#include <kiln/dns_zone.h>

#include <stdio.h>
#include <string.h>

#define ZONE_SUFFIX ".zone"

struct load {
	struct dns_server *s;
	const struct kv_store *store;
	int loaded;
	bool failed;
};

/* Parse the value of key as the zone origin (both NUL-terminated). */
static bool load_one(struct load *l, const char *key, const char *origin)
{
	struct view value;
	struct dns_zone *z;
	char err[256];

	if (kv_get(l->store, kv_key(key), &value, NULL) != KV_OK) {
		printf("dnsd: %s: no such key in the image's files\n", key);
		return false;
	}
	if (dns_zone_parse(key, value, origin, &z, err, sizeof(err)) < 0) {
		printf("dnsd: %s\n", err);
		return false;
	}
	if (dns_server_add_zone(l->s, z) < 0) {
		printf("dnsd: %s: zone %s is served already, or %d zones are the most\n", key,
		       origin, DNS_SERVER_ZONES_MAX);
		dns_zone_free(z);
		return false;
	}
	l->loaded++;
	return true;
}

/* "dir/example.test.zone" -> origin "example.test" in buf; false if key
 * does not end in .zone or the origin does not fit. */
static bool origin_of(struct view key, char *buf, size_t cap)
{
	size_t sl = strlen(ZONE_SUFFIX), start = 0;
	if (key.len <= sl || memcmp(key.data + key.len - sl, ZONE_SUFFIX, sl) != 0)
		return false;
	for (size_t i = 0; i < key.len - sl; i++)
		if (key.data[i] == '/')
			start = i + 1;
	size_t n = key.len - sl - start;
	if (n == 0 || n >= cap)
		return false;
	memcpy(buf, key.data + start, n);
	buf[n] = '\0';
	return true;
}

static int visit(void *arg, struct view key, const struct kv_meta *meta)
{
	struct load *l = arg;
	char origin[DNS_NAME_MAX + 2], k[KV_MAX_KEY + 1];
	(void)meta;

	if (!origin_of(key, origin, sizeof(origin)) || key.len > KV_MAX_KEY)
		return 0;
	memcpy(k, key.data, key.len);
	k[key.len] = '\0';
	if (!load_one(l, k, origin)) {
		l->failed = true;
		return 1;
	}
	return 0;
}

int dnsd_load_zones(struct dns_server *s, const struct kv_store *store, int argc, char **argv)
{
	struct load l = {s, store, 0, false};
	int given = 0;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--zone=", 7) != 0)
			continue;
		char key[KV_MAX_KEY + 1], origin[DNS_NAME_MAX + 2];
		const char *arg = argv[i] + 7, *colon = strchr(arg, ':');
		size_t klen = colon ? (size_t)(colon - arg) : strlen(arg);
		if (klen == 0 || klen > KV_MAX_KEY || ++given > DNSD_ZONE_ARGS_MAX) {
			printf("dnsd: bad --zone=KEY[:ORIGIN] argument (at most %d, keys up to %d bytes)\n",
			       DNSD_ZONE_ARGS_MAX, KV_MAX_KEY);
			return -1;
		}
		memcpy(key, arg, klen);
		key[klen] = '\0';
		if (colon) {
			if (strlen(colon + 1) == 0 || strlen(colon + 1) >= sizeof(origin)) {
				printf("dnsd: --zone=%s: bad origin\n", key);
				return -1;
			}
			strcpy(origin, colon + 1);
		} else if (!origin_of(kv_key(key), origin, sizeof(origin))) {
			printf("dnsd: --zone=%s: give the origin (KEY:ORIGIN) or name the key ORIGIN.zone\n",
			       key);
			return -1;
		}
		if (!load_one(&l, key, origin))
			return -1;
	}
	if (given)
		return l.loaded;
	int r = kv_list(store, view_make("", 0), visit, &l);
	if (l.failed)
		return -1;
	if (r < 0) {
		printf("dnsd: cannot list the image's files (error %d)\n", r);
		return -1;
	}
	if (l.loaded == 0) {
		printf("dnsd: no zone: the image's files hold no key ending in " ZONE_SUFFIX "\n");
		return -1;
	}
	return l.loaded;
}
