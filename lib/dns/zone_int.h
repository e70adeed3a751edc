/* zone_int.h: lib/dns private: the zone builder shared by the parser
 * (zone_parse.c) and the indexer (zone_build.c). */
#ifndef KILN_DNS_ZONE_INT_H
#define KILN_DNS_ZONE_INT_H

#include "zone_lex.h"

/* One record as parsed, in file order; names and RDATA live in the blob. */
struct zone_rec {
	uint32_t owner_off;
	uint8_t owner_len;
	uint16_t type;
	uint32_t ttl;
	uint32_t rd_off;
	uint16_t rd_len;
	uint32_t line;
};

struct zone_builder {
	const char *file;
	struct dns_name apex;
	struct zone_rec *recs;
	size_t nrecs, caprecs;
	uint8_t *blob;
	size_t bloblen, blobcap;
	char *err;
	size_t errlen;
};

/* Append n bytes to the blob; returns their offset, or -1 on no memory. */
long zone_blob_add(struct zone_builder *b, const void *p, size_t n);

/* Sort, merge, validate and index b's records into a new zone (taking over
 * b's blob). 0, or -1 with the message in b->err. */
int zone_build(struct zone_builder *b, struct dns_zone **out);

#endif
