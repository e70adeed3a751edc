/* www.h: the www appliance's parts shared between its files (www.c, sink.c, pattern.c). */
#ifndef WWW_H
#define WWW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kiln/tcp.h>

/* Fiber stacks: the library default (FIBER_STACK_DEFAULT) on every target.
 * (Frames a fiber sends reach user-mode networking from the loop's stack,
 * not the fiber's: hostnet/user.c.) */
#define WWW_STACK 0

/* The /bytes/N content from offset off: byte i is '\n' when i % 64 == 63,
 * else 'a' + i % 26 (a period of 832 bytes, easy to make again in a test). */
#define WWW_PATTERN_PERIOD 832
void www_pattern(uint8_t *buf, uint64_t off, size_t len);

/* The checksum service: every connection to port gets back "CRC LENGTH\n",
 * the POSIX cksum (CRC-32, polynomial 0x04C11DB7) of what it sent before
 * shutting down its writing side. 0, or -1 after printing why. */
int www_sink_start(struct tcp_stack *tcp, uint16_t port);

/* The discard service (RFC 863, but answering "LENGTH\n" at the end, so a
 * sender knows all arrived): for measuring uploads. 0, or -1 after
 * printing why. */
int www_discard_start(struct tcp_stack *tcp, uint16_t port);

#endif
