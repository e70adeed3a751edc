/* impair.h: seeded fault injection on one direction of a device (impair.c). */
#ifndef KILN_HOSTNET_IMPAIR_H
#define KILN_HOSTNET_IMPAIR_H

#include "hostnet.h"

/* One direction's state: a frame held back (reordered) or to repeat (dup).
 * The buffer takes the longest frame any backend carries (a tap's receive
 * super-frame, a jumbo MTU's frame); a longer one is never held (impair_hold). */
struct impair_dir {
	uint64_t rng;
	uint8_t held[HOSTNET_TSO_MAX_FRAME];
	size_t held_len;  /* 0: nothing held */
	bool release_next; /* receive side: hand the held frame out next */
};

enum impair_verdict { IMPAIR_PASS, IMPAIR_DROP, IMPAIR_HOLD, IMPAIR_DUP };

void impair_init(struct impair_dir *d, uint64_t seed);

/* What to do with the next frame, drawn from the seeded generator. */
enum impair_verdict impair_decide(struct impair_dir *d, const struct hostnet_impair *cfg);

/* Hold frame (len bytes) back in d: false, nothing held, if it is longer
 * than the buffer (the caller passes it on and counts it). */
bool impair_hold(struct impair_dir *d, const uint8_t *frame, size_t len);

#endif
