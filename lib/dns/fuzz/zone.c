/* zone.c: fuzz harness for the master-file parser (RFC 1035 5): parse the
 * input as a zone for "example.test."; on success print it and look every
 * node up again. */
#include <kiln/dns_zone.h>

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_zone *z;
	char err[256];
	if (dns_zone_parse("fuzz.zone", view_make(data, size), "example.test", &z, err,
			   sizeof err) != 0)
		return 0;
	size_t n = dns_zone_to_text(z, NULL, 0);
	char *text = malloc(n + 1);
	if (text) {
		dns_zone_to_text(z, text, n + 1);
		free(text);
	}
	for (size_t i = 0; i < z->nnodes; i++) {
		struct dns_name name;
		dns_node_name(z, &z->nodes[i], &name);
		if (dns_zone_find(z, &name) != &z->nodes[i])
			__builtin_trap(); /* the index is not in canonical order */
	}
	dns_zone_free(z);
	return 0;
}
