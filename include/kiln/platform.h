/* platform.h: the one boundary between kiln and what runs it.
 *
 * Everything kiln needs from a target is declared here: a console, two clocks,
 * a way to wait for work, network and block devices, entropy, and an end. Each
 * target (platform/unix: a Linux process; platform/hvt: a KVM guest run by the
 * tender) implements all of it; the build picks one at link time. Nothing above
 * this header knows which target it runs on, and application code never names
 * a target.
 *
 * The model is Solo5's: one core, no interrupts, no threads. The appliance runs
 * until it has nothing to do, then calls kiln_yield() to sleep until a device
 * has input or a deadline passes.
 *
 * Devices are declared at build time in the appliance's kiln.conf (see
 * docs/config.md); the target attaches each one at start (a tap device, a
 * user-mode network, a file) and refuses to start if one is missing, so
 * kiln_net_acquire() of a declared name does not fail at run time.
 */
#ifndef KILN_PLATFORM_H
#define KILN_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* Results of the device calls. The values equal the hvt ABI's (hvt-abi.md 5). */
enum kiln_result {
	KILN_OK = 0,     /* done */
	KILN_AGAIN = 1,  /* nothing to read now (net) */
	KILN_EINVAL = 2, /* bad handle, size, offset or alignment */
	KILN_EUNSPEC = 3 /* the host failed; the device may still work later */
};

/* Nanoseconds. Monotonic time starts near 0 at boot; wall time counts from
 * 1970-01-01 UTC. Both are 64-bit: no overflow for 584 years. */
typedef uint64_t kiln_time_t;

/* A device handle, and a set of handles as a bit mask (bit i = handle i).
 * Handles are small integers below 64. */
typedef uint64_t kiln_handle_t;
typedef uint64_t kiln_handle_set_t;

/* --- The appliance ------------------------------------------------------- */

/* Provided by the appliance: its main. argv[0] is the appliance's name and
 * argv[1..argc-1] are its boot arguments: on hvt the words of the guest
 * command line, on unix what follows the target's own options (or `--`).
 * Its return value is the appliance's exit status, as with kiln_exit(). */
int kiln_main(int argc, char **argv);

/* End the appliance with an exit status (0..255), which becomes the status of
 * the tender or of the unix process. Console output is flushed first. */
void kiln_exit(int status) __attribute__((noreturn));

/* End the appliance after a fatal error: flushes the console and exits with
 * status 255, as a Solo5 guest does. */
void kiln_abort(void) __attribute__((noreturn));

/* --- Console ------------------------------------------------------------- */

/* Write len bytes to the console (stdout of the unix process or of the
 * tender). Output may be held in a buffer until it fills, the appliance
 * yields, or it ends: on hvt every flush is a VM exit, so kiln batches.
 * Never fails. */
void kiln_console_write(const char *buf, size_t len);

/* Push out anything kiln_console_write() has buffered. */
void kiln_console_flush(void);

/* --- Time ---------------------------------------------------------------- */

/* Monotonic time in ns since an arbitrary point near boot. Never goes back. */
kiln_time_t kiln_clock_monotonic(void);

/* Wall-clock time in ns since the Unix epoch, as the host sees it. */
kiln_time_t kiln_clock_wall(void);

/* Sleep until one of the appliance's network devices has a frame to read or
 * the monotonic clock reaches deadline, whichever comes first. On return
 * *ready_set (if not NULL) holds the handles with input waiting (0 when the
 * deadline passed). A deadline in the past polls without sleeping. Flushes
 * the console first. */
void kiln_yield(kiln_time_t deadline, kiln_handle_set_t *ready_set);

/* --- Network devices ----------------------------------------------------- */

struct kiln_net_info {
	uint8_t mac_address[6]; /* the device's Ethernet address */
	size_t mtu;             /* largest payload; a frame is at most mtu + 14 bytes */
	unsigned offloads;      /* KILN_NET_OFFLOAD_* the device takes; 0 on most */
};

/* Work a device may do for the stack on frames it sends, as a NIC or a
 * virtio device does (what kiln_net_write_offload() may ask for):
 *   CSUM: a TCP or UDP checksum left partial is completed by the device;
 *   TSO4: a TCP/IPv4 frame of up to KILN_NET_TSO_MAX_FRAME bytes is cut by
 *         the device into segments of a given payload size, each with its
 *         own headers (sequence numbers, IPv4 identification and lengths,
 *         checksums; FIN and PSH on the last only). Needs CSUM.
 * One write per 64 KiB instead of per 1.5 KiB is what lets an appliance on
 * a Linux tap keep up with Linux (docs/offload.md). */
#define KILN_NET_OFFLOAD_CSUM 1u
#define KILN_NET_OFFLOAD_TSO4 2u
/* And on frames it receives:
 *   LRO: the device may hand over TCP/IPv4 frames of up to
 *        KILN_NET_TSO_MAX_FRAME bytes (segments the host merged, or never
 *        cut), checksums complete: read into a buffer that large. */
#define KILN_NET_OFFLOAD_LRO 4u
#define KILN_NET_TSO_MAX_FRAME (14 + 65535) /* Ethernet + the largest IPv4 packet */

/* What a frame asks of the device (all zero: nothing, as kiln_net_write()). */
struct kiln_net_offload {
	/* Checksum: over the bytes from csum_start (from the frame's first
	 * byte) to the end, stored at csum_start + csum_offset, where the
	 * sender left the pseudo-header's sum (folded, not complemented).
	 * csum_start 0: the frame's checksums are complete. */
	uint16_t csum_start, csum_offset;
	/* Segmentation (TSO4): payload bytes per segment, 0 for none, and the
	 * length of the Ethernet, IPv4 and TCP headers every segment repeats. */
	uint16_t seg_size, hdr_len;
};

/* kiln_net_write() with offloads: o may ask only for what info.offloads
 * offered, and a frame may exceed mtu + 14 (up to KILN_NET_TSO_MAX_FRAME)
 * only when it asks for segmentation; KILN_EINVAL otherwise, or if o's
 * offsets fall outside the frame. */
enum kiln_result kiln_net_write_offload(kiln_handle_t handle, const struct kiln_net_offload *o,
					const uint8_t *buf, size_t size);

/* Look up a network device declared in kiln.conf by name. Returns KILN_EINVAL
 * for a name the appliance did not declare. */
enum kiln_result kiln_net_acquire(const char *name, kiln_handle_t *handle,
				  struct kiln_net_info *info);

/* Send one Ethernet frame (header included, no FCS) of size bytes; at most
 * mtu + 14. KILN_EINVAL for a bad handle or an oversize frame. A frame the
 * host cannot take now is dropped, as a wire would. */
enum kiln_result kiln_net_write(kiln_handle_t handle, const uint8_t *buf, size_t size);

/* Receive one frame into buf (size bytes; give mtu + 14, or
 * KILN_NET_TSO_MAX_FRAME if info.offloads has KILN_NET_OFFLOAD_LRO). Does not block:
 * KILN_AGAIN when none is waiting. On KILN_OK *read_size is the frame's size.
 * A frame larger than size is dropped and KILN_EINVAL returned. */
enum kiln_result kiln_net_read(kiln_handle_t handle, uint8_t *buf, size_t size,
			       size_t *read_size);

/* What the device says of a frame it hands over (kiln_net_read_offload). */
/* Its TCP or UDP checksum needs no check: the host's own stack made the
 * data, or checked it, and may have left only the pseudo-header's sum in
 * the field, so the stack must not verify it (virtio's NEEDS_CSUM and
 * DATA_VALID). Only a device with KILN_NET_OFFLOAD_LRO says so. */
#define KILN_NET_RX_CSUM_OK 1u

/* kiln_net_read() that also says, in *rx_flags, what the device did
 * (KILN_NET_RX_*; 0 on a device without offloads). */
enum kiln_result kiln_net_read_offload(kiln_handle_t handle, uint8_t *buf, size_t size,
				       size_t *read_size, unsigned *rx_flags);

/* --- Block devices ------------------------------------------------------- */

struct kiln_block_info {
	uint64_t capacity;   /* bytes */
	uint64_t block_size; /* bytes; every I/O is one block at a block-aligned offset */
};

/* Look up a block device declared in kiln.conf by name; KILN_EINVAL if none. */
enum kiln_result kiln_block_acquire(const char *name, kiln_handle_t *handle,
				    struct kiln_block_info *info);

/* Write or read exactly one block (size == block_size) at offset, a multiple
 * of block_size below capacity. KILN_EINVAL otherwise; KILN_EUNSPEC if the
 * host I/O failed. A write that returned KILN_OK has reached the host; it is
 * durable only after kiln_block_flush(). A write of one block is never torn
 * by kiln, but nothing promises that two writes land together: a store that
 * must update several blocks atomically writes them, flushes, then writes
 * the one block that makes them current (docs/hvt-abi.md, "Durability"). */
enum kiln_result kiln_block_write(kiln_handle_t handle, uint64_t offset,
				  const uint8_t *buf, size_t size);
enum kiln_result kiln_block_read(kiln_handle_t handle, uint64_t offset,
				 uint8_t *buf, size_t size);

/* A write barrier: when it returns KILN_OK, every block written to handle
 * before the call is on the host's stable storage and survives the
 * appliance, its monitor and the host being killed (as far as the host's
 * disk honours a sync). KILN_EINVAL for a bad handle; KILN_EUNSPEC if the
 * host could not sync: treat the device as failed, since writes since the
 * last good flush may be lost. A store acknowledges a write to its user only
 * after a flush that covers it.
 *   unix: fdatasync(2) of the file.
 *   hvt:  kiln's tender opens block files with O_DSYNC, so every
 *         BLOCK_WRITE is durable before the hypercall returns and the flush
 *         costs no VM exit. A stock solo5-hvt does not sync (the Solo5 ABI
 *         has no flush): there kiln_block_flush() cannot promise more than
 *         "reached the host". */
enum kiln_result kiln_block_flush(kiln_handle_t handle);

/* --- Memory -------------------------------------------------------------- */

/* Bytes of heap (malloc) handed out and not yet freed, for statistics pages
 * and tests that check memory returns to where it started. On hvt kiln's
 * allocator counts exactly (payload and headers); on unix it is glibc's
 * mallinfo2() (in-use arena bytes plus mmapped blocks). Compare values from
 * one target only. */
size_t kiln_heap_used(void);

/* --- Entropy ------------------------------------------------------------- */

/* Fill buf with len bytes from the best source the target has (getrandom on
 * unix; RDRAND/RDSEED when the CPU offers them on hvt, else a hash of TSC
 * jitter). Used to seed kiln's own generator (lib/core), not per packet. */
void kiln_entropy(void *buf, size_t len);

#endif
