/* arp_impl.h: internals shared by lib/arp's files (not a public interface). */
#ifndef KILN_ARP_IMPL_H
#define KILN_ARP_IMPL_H

#include <kiln/arp.h>

struct arp_entry *arp_cache_find(struct arp *a, uint32_t ip);
/* A free entry for ip, reusing the resolved entry nearest expiry if none is
 * free; NULL if every entry is pending. */
struct arp_entry *arp_cache_alloc(struct arp *a, uint32_t ip);
/* Free the packets queued on e (counting them in *dropped) and free e. */
void arp_cache_release(struct arp *a, struct arp_entry *e, uint64_t *dropped);
/* e is now resolved to mac: send what was queued for it. */
void arp_cache_resolve(struct arp *a, struct arp_entry *e, const uint8_t mac[ETH_ADDR_LEN],
		       kiln_time_t now);
/* Send a request (op 1) for target from our address, to dst (NULL:
 * broadcast). */
void arp_send_request(struct arp *a, uint32_t target, const uint8_t dst[ETH_ADDR_LEN]);

#endif
