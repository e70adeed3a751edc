/* impair_test.c: --net-impair drops, reorders and duplicates at the asked
 * rates, loses nothing else, and is reproducible from its seed; offloads are
 * offered only on a clean link, and only requests that fit their frame. */
#include "harness.h"

#include "backend.h"

#include <errno.h>
#include <stdlib.h>

#define FRAMES 10000

/* An in-memory backend: writes are recorded; reads come from a script. */
static uint32_t written[3 * FRAMES], to_read[FRAMES];
static unsigned nwritten, nto_read, read_pos;
/* Frames read are this long (a jumbo tap's, a super-frame), 60 if 0. */
static size_t read_len;
static size_t written_len[3 * FRAMES];

static int mem_write(struct hostnet *n, const uint8_t *f, size_t len)
{
	(void)n;
	written_len[nwritten] = len;
	memcpy(&written[nwritten++], f + 14, 4);
	return 0;
}
static ssize_t mem_read(struct hostnet *n, uint8_t *buf, size_t cap)
{
	size_t len = read_len ? read_len : 60;
	(void)n;
	if (read_pos == nto_read)
		return -EAGAIN;
	if (len > cap)
		return -EMSGSIZE;
	memset(buf, 0xa5, len);
	memcpy(buf + 14, &to_read[read_pos++], 4);
	return (ssize_t)len;
}
static void mem_prepare(struct hostnet *n, struct pollset *p, int64_t *t) { (void)n; (void)p; (void)t; }
static void mem_dispatch(struct hostnet *n, struct pollset *p, bool f) { (void)n; (void)p; (void)f; }
static bool mem_readable(struct hostnet *n) { (void)n; return read_pos < nto_read; }
static unsigned mem_fds(const struct hostnet *n, int *f, unsigned m) { (void)n; (void)f; (void)m; return 0; }
static void mem_close(struct hostnet *n) { (void)n; }
static struct hostnet_offload last_offload;
static unsigned noffloaded;
static int mem_write_offload(struct hostnet *n, const struct hostnet_offload *o,
			     const uint8_t *f, size_t len)
{
	(void)n; (void)f; (void)len;
	last_offload = *o;
	noffloaded++;
	return 0;
}
static const struct backend mem = {mem_write, mem_read, mem_prepare, mem_dispatch,
				   mem_readable, mem_fds, mem_close, NULL, NULL, mem_write_offload};

static struct hostnet *mem_net(const char *impair)
{
	static struct hostnet net;
	static struct impair_dir tx, rx;
	struct hostnet_options o = {0};
	char err[200];
	memset(&net, 0, sizeof(net));
	if (!hostnet_parse_impair(impair, &o, err, sizeof(err)))
		return NULL;
	net.b = &mem;
	net.impair = o.impair;
	net.tx = &tx;
	net.rx = &rx;
	impair_init(&tx, o.impair.seed * 2);
	impair_init(&rx, o.impair.seed * 2 + 1);
	nwritten = nto_read = read_pos = 0;
	read_len = 0;
	return &net;
}

static void send_all(struct hostnet *net)
{
	uint8_t f[60] = {0};
	for (uint32_t i = 0; i < FRAMES; i++) {
		memcpy(f + 14, &i, 4);
		hostnet_write(net, f, sizeof(f));
	}
	hostnet_wait(&net, 1, 0); /* releases a frame still held */
}

/* Every frame arrives once or twice unless dropped; count displacements. */
static int check_stream(const uint32_t *got, unsigned n, struct hostnet_stats st,
			unsigned *out_of_order)
{
	static unsigned seen[FRAMES];
	memset(seen, 0, sizeof(seen));
	*out_of_order = 0;
	for (unsigned i = 0; i < n; i++) {
		if (got[i] >= FRAMES)
			return -1;
		seen[got[i]]++;
		if (i > 0 && got[i] < got[i - 1])
			(*out_of_order)++;
	}
	unsigned missing = 0, twice = 0;
	for (unsigned i = 0; i < FRAMES; i++) {
		if (seen[i] == 0)
			missing++;
		if (seen[i] == 2)
			twice++;
		if (seen[i] > 2)
			return -2;
	}
	if (missing != st.impair_lost || twice != st.impair_duplicated)
		return -3;
	return 0;
}

TEST(send_side_rates_and_integrity)
{
	struct hostnet *net = mem_net("loss:5,reorder:10,dup:1,seed:42");
	unsigned ooo;
	CHECK(net != NULL);
	send_all(net);
	struct hostnet_stats st = net->stats;
	CHECK_EQ(check_stream(written, nwritten, st, &ooo), 0);
	CHECK(st.impair_lost > 400 && st.impair_lost < 600);     /* 5% of 10000 */
	CHECK(st.impair_reordered > 800 && st.impair_reordered < 1200);
	CHECK(st.impair_duplicated > 50 && st.impair_duplicated < 150);
	CHECK(ooo > 500);
}

TEST(receive_side_rates_and_integrity)
{
	struct hostnet *net = mem_net("loss:5,reorder:10,dup:1,seed:7");
	static uint32_t got[3 * FRAMES];
	unsigned n = 0, ooo;
	uint8_t buf[HOSTNET_MAX_FRAME];
	CHECK(net != NULL);
	for (uint32_t i = 0; i < FRAMES; i++)
		to_read[nto_read++] = i;
	while (hostnet_read(net, buf, sizeof(buf)) > 0 && n < 3 * FRAMES)
		memcpy(&got[n++], buf + 14, 4);
	struct hostnet_stats st = net->stats;
	CHECK_EQ(check_stream(got, n, st, &ooo), 0);
	CHECK(st.impair_lost > 400 && st.impair_lost < 600);
	CHECK(st.impair_reordered > 700);
	CHECK(ooo > 500);
}

TEST(same_seed_same_faults)
{
	static uint32_t first[3 * FRAMES];
	unsigned n1;
	send_all(mem_net("loss:5,reorder:10,dup:1,seed:9"));
	n1 = nwritten;
	memcpy(first, written, n1 * sizeof(uint32_t));
	send_all(mem_net("loss:5,reorder:10,dup:1,seed:9"));
	CHECK_EQ(nwritten, n1);
	CHECK_MEM(written, first, n1 * sizeof(uint32_t));
	send_all(mem_net("loss:5,reorder:10,dup:1,seed:10"));
	CHECK(nwritten != n1 || memcmp(written, first, n1 * sizeof(uint32_t)) != 0);
}

TEST(impair_values)
{
	struct hostnet_options o = {0};
	char err[200];
	CHECK(hostnet_parse_impair("loss:0.5,seed:3", &o, err, sizeof(err)));
	CHECK_EQ(o.impair.loss, 5);
	CHECK_EQ(o.impair.seed, 3);
	CHECK(!hostnet_parse_impair("loss:101", &o, err, sizeof(err)));
	CHECK(!hostnet_parse_impair("loss:60,dup:50", &o, err, sizeof(err)));
	CHECK(strstr(err, "exceed 100%") != NULL);
	CHECK(!hostnet_parse_impair("jitter:5", &o, err, sizeof(err)));
	CHECK(!hostnet_parse_impair("loss:5.55", &o, err, sizeof(err)));
	CHECK(!hostnet_parse_impair("loss", &o, err, sizeof(err)));
	CHECK(!hostnet_parse_impair("seed:x", &o, err, sizeof(err)));
}

/* Offloads: offered on a clean link only (faults and captures act on the
 * frames a wire would carry), and a request must fit its frame. */
TEST(offload_only_on_a_clean_link)
{
	static struct hostnet clean;
	static uint8_t frame[HOSTNET_TSO_MAX_FRAME];
	struct hostnet_offload tso = {34, 16, 1448, 66};
	struct hostnet_options asked = {.offload = true}, not_asked = {0};
	struct hostnet *impaired = mem_net("loss:1,seed:1");

	CHECK(impaired != NULL);
	CHECK(!hostnet_may_offload(impaired, &asked));
	CHECK_EQ(hostnet_offloads(impaired), 0u);
	CHECK_EQ(hostnet_write_offload(impaired, &tso, frame, 20000), -EINVAL);
	memset(&clean, 0, sizeof(clean));
	clean.b = &mem;
	CHECK(hostnet_may_offload(&clean, &asked));
	CHECK(!hostnet_may_offload(&clean, &not_asked));
	CHECK(!hostnet_may_offload(&clean, NULL));
	clean.pcap = stderr; /* any capture */
	CHECK(!hostnet_may_offload(&clean, &asked));
	clean.pcap = NULL;
	clean.offloads = HOSTNET_OFFLOAD_CSUM | HOSTNET_OFFLOAD_TSO4;
	noffloaded = 0;
	CHECK_EQ(hostnet_write_offload(&clean, &tso, frame, 20000), 0);
	CHECK_EQ(noffloaded, 1u);
	CHECK_EQ(last_offload.seg_size, 1448);
	CHECK_EQ(hostnet_stats(&clean).tx_offloaded, 1u);
}

TEST(offload_request_must_fit_the_frame)
{
	static struct hostnet clean;
	static uint8_t frame[HOSTNET_TSO_MAX_FRAME + 1];
	struct hostnet_offload csum_past_end = {34, 16, 0, 0};
	struct hostnet_offload tso_no_csum = {0, 0, 1448, 66};
	struct hostnet_offload hdr_past_end = {34, 16, 1448, 200};
	struct hostnet_offload tso = {34, 16, 1448, 66};

	memset(&clean, 0, sizeof(clean));
	clean.b = &mem;
	clean.offloads = HOSTNET_OFFLOAD_CSUM | HOSTNET_OFFLOAD_TSO4;
	noffloaded = 0;
	CHECK_EQ(hostnet_write_offload(&clean, &csum_past_end, frame, 40), -EINVAL);
	CHECK_EQ(hostnet_write_offload(&clean, &tso_no_csum, frame, 20000), -EINVAL);
	CHECK_EQ(hostnet_write_offload(&clean, &hdr_past_end, frame, 100), -EINVAL);
	CHECK_EQ(hostnet_write_offload(&clean, &tso, frame, HOSTNET_TSO_MAX_FRAME + 1), -EINVAL);
	CHECK_EQ(hostnet_write_offload(&clean, &csum_past_end, frame, 20000), -EINVAL);
	CHECK_EQ(noffloaded, 0u);
	/* Without segmentation a frame is one MTU at most. */
	csum_past_end.csum_offset = 6;
	CHECK_EQ(hostnet_write_offload(&clean, &csum_past_end, frame, HOSTNET_MAX_FRAME), 0);
	CHECK_EQ(hostnet_write_offload(&clean, &csum_past_end, frame, HOSTNET_MAX_FRAME + 1), -EINVAL);
	CHECK_EQ(noffloaded, 1u);
}

/* A frame held back for reordering may be as long as the reader's buffer
 * allows (a tap with a 9000-byte MTU, a receive super-frame): it is held
 * whole and handed out intact, and one longer than any frame a device
 * carries is passed on unheld and counted. It used to be copied into a
 * 1,514-byte buffer (a heap overflow under ASan). */
TEST(long_frames_held_whole)
{
	static uint8_t buf[HOSTNET_TSO_MAX_FRAME + 1000];
	size_t lens[] = {9014, HOSTNET_TSO_MAX_FRAME, HOSTNET_TSO_MAX_FRAME + 1000};
	for (unsigned k = 0; k < 3; k++) {
		struct hostnet *net = mem_net("reorder:100,seed:1");
		CHECK(net != NULL);
		read_len = lens[k];
		to_read[nto_read++] = 1;
		to_read[nto_read++] = 2;
		uint32_t first = 0, second = 0;
		ssize_t n1 = hostnet_read(net, buf, sizeof(buf));
		CHECK_EQ(n1, (ssize_t)lens[k]);
		memcpy(&first, buf + 14, 4);
		CHECK_EQ(buf[n1 - 1], 0xa5);
		ssize_t n2 = hostnet_read(net, buf, sizeof(buf));
		CHECK_EQ(n2, (ssize_t)lens[k]);
		memcpy(&second, buf + 14, 4);
		CHECK_EQ(buf[n2 - 1], 0xa5);
		if (lens[k] <= HOSTNET_TSO_MAX_FRAME) {
			CHECK_EQ(first, 2u); /* 1 was held behind 2 */
			CHECK_EQ(second, 1u);
			CHECK_EQ(net->stats.impair_too_long, 0u);
		} else {
			CHECK_EQ(first, 1u); /* too long to hold: in order */
			CHECK_EQ(net->stats.impair_too_long, 2u);
		}
	}
}

/* The send side takes frames up to the device's MTU + 14, and holds them
 * whole: a jumbo MTU's frame goes out intact after the next one. */
TEST(jumbo_mtu_frames_sent_and_held)
{
	static uint8_t frame[9015];
	struct hostnet *net = mem_net("reorder:100,seed:1");
	CHECK(net != NULL);
	net->mtu = 9000;
	CHECK_EQ(hostnet_max_frame(net), 9014u);
	uint32_t id = 1;
	memcpy(frame + 14, &id, 4);
	CHECK_EQ(hostnet_write(net, frame, 9014), 0);
	CHECK_EQ(nwritten, 0u);
	CHECK_EQ(hostnet_write(net, frame, 9015), -EINVAL);
	hostnet_wait(&net, 1, 0);
	CHECK_EQ(nwritten, 1u);
	CHECK_EQ(written_len[0], 9014u);
	CHECK_EQ(written[0], 1u);
	net->mtu = 0;
	CHECK_EQ(hostnet_max_frame(net), (size_t)HOSTNET_MAX_FRAME);
}
