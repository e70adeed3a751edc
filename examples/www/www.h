/* www.h: the www appliance's parts shared between its files (www.c, sink.c, pattern.c). */
#ifndef WWW_H
#define WWW_H

#include <stddef.h>
#include <stdint.h>
#include <kiln/tcp.h>

/* Fiber stacks. On unix a device write can run libslirp's whole receive
 * path (user-mode networking) on the sending fiber's stack, deeper than
 * FIBER_STACK_DEFAULT's 16 KiB; only touched pages become resident there,
 * so 256 KiB costs nothing more (measured: 64 KiB overflowed inside
 * libslirp). On hvt the default (8 KiB) fits. */
#if defined(KILN_TARGET_HVT)
#define WWW_STACK 0
#else
#define WWW_STACK (256u * 1024)
#endif

/* The /bytes/N content from offset off: byte i is '\n' when i % 64 == 63,
 * else 'a' + i % 26 (a period of 832 bytes, easy to make again in a test). */
void www_pattern(uint8_t *buf, uint64_t off, size_t len);

/* The checksum service: every connection to port gets back "CRC LENGTH\n",
 * the POSIX cksum (CRC-32, polynomial 0x04C11DB7) of what it sent before
 * shutting down its writing side. 0, or -1 after printing why. */
int www_sink_start(struct tcp_stack *tcp, uint16_t port);

#endif
