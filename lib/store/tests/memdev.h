/* memdev.h: a block device in memory that can crash: writes land in a
 * volatile cache, a flush makes them durable, and a crash (after a chosen
 * number of operations) keeps the durable image plus a random subset of
 * the blocks written since the last flush, as a disk's write-back cache
 * may. Every operation after the crash fails. */
#ifndef KILN_STORE_MEMDEV_H
#define KILN_STORE_MEMDEV_H

#include <stdlib.h>
#include <string.h>

#include <kiln/store.h>

struct memdev {
	uint8_t *disk, *cache;
	bool *dirty;
	size_t blocks, bs;
	long ops_left; /* < 0: never crash */
	bool crashed;
	uint64_t seed;
	long writes, flushes;
};

static inline uint32_t memdev_rnd(struct memdev *m)
{
	m->seed ^= m->seed << 13;
	m->seed ^= m->seed >> 7;
	m->seed ^= m->seed << 17;
	return (uint32_t)m->seed;
}

/* Crash now: keep each unflushed block with probability 1/2. */
static inline void memdev_crash(struct memdev *m)
{
	for (size_t b = 0; b < m->blocks; b++)
		if (m->dirty[b]) {
			if (memdev_rnd(m) & 1)
				memcpy(m->disk + b * m->bs, m->cache + b * m->bs, m->bs);
			m->dirty[b] = false;
		}
	memcpy(m->cache, m->disk, m->blocks * m->bs);
	m->crashed = true;
}

static bool memdev_tick(struct memdev *m)
{
	if (m->crashed)
		return false;
	if (m->ops_left == 0) {
		memdev_crash(m);
		return false;
	}
	if (m->ops_left > 0)
		m->ops_left--;
	return true;
}

static int memdev_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct memdev *m = ctx;
	if (m->crashed || off % m->bs || len % m->bs || off + len > m->blocks * m->bs)
		return -1;
	memcpy(buf, m->cache + off, len);
	return 0;
}

static int memdev_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct memdev *m = ctx;
	if (off % m->bs || len % m->bs || off + len > m->blocks * m->bs)
		return -1;
	/* One block at a time, so a crash can fall inside a long write. */
	for (size_t i = 0; i < len; i += m->bs) {
		if (!memdev_tick(m))
			return -1;
		memcpy(m->cache + off + i, (const uint8_t *)buf + i, m->bs);
		m->dirty[(off + i) / m->bs] = true;
		m->writes++;
	}
	return 0;
}

static int memdev_flush(void *ctx)
{
	struct memdev *m = ctx;
	if (!memdev_tick(m))
		return -1;
	for (size_t b = 0; b < m->blocks; b++)
		if (m->dirty[b]) {
			memcpy(m->disk + b * m->bs, m->cache + b * m->bs, m->bs);
			m->dirty[b] = false;
		}
	m->flushes++;
	return 0;
}

static void memdev_init(struct memdev *m, size_t blocks, size_t bs)
{
	memset(m, 0, sizeof *m);
	m->blocks = blocks;
	m->bs = bs;
	m->disk = calloc(blocks, bs);
	m->cache = calloc(blocks, bs);
	m->dirty = calloc(blocks, sizeof *m->dirty);
	m->ops_left = -1;
	m->seed = 0x243f6a8885a308d3ull;
}

/* After a crash: the device works again, holding what survived. */
static inline void memdev_reboot(struct memdev *m)
{
	m->crashed = false;
	m->ops_left = -1;
}

static void memdev_free(struct memdev *m)
{
	free(m->disk);
	free(m->cache);
	free(m->dirty);
}

static struct store_dev memdev_dev(struct memdev *m)
{
	struct store_dev d = {(uint64_t)m->blocks * m->bs, (uint32_t)m->bs, memdev_read,
			      memdev_write, memdev_flush, m};
	return d;
}

#endif
