/* peek_test.c: reading without a copy (tcp_peek_nb, tcp_consume): the views
 * give the stream in order across the ring's wrap, consuming opens the
 * window, and the end of the stream and errors come as from tcp_read_nb. */
#include "pair.h"

TEST(peek_and_consume_give_the_stream_in_order)
{
	struct tcp_config cfg = {.rcvbuf = 16384};
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct stream gen;
	struct view v;
	static uint8_t chunk[3000];
	uint64_t want_hash = 0, got_hash = 0xcbf29ce484222325ull, got = 0, sent = 0;
	size_t pending_len = 0, pending_off = 0;
	const uint64_t total = 200000;
	unsigned wrapped = 0;
	long n;

	pair_init(&p, &cfg, &cfg, 51);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	CHECK_EQ(tcp_peek_nb(cb, &v), -TCP_EAGAIN);
	stream_init(&gen, 7);
	for (int iter = 0; iter < 100000 && got < total; iter++) {
		/* Write the stream a chunk at a time, the rest of a chunk the
		 * stack did not take first. */
		if (pending_off == pending_len && sent < total) {
			pending_len = total - sent < sizeof(chunk) ? (size_t)(total - sent) : sizeof(chunk);
			stream_fill(&gen, chunk, pending_len);
			pending_off = 0;
			sent += pending_len;
		}
		if (pending_off < pending_len) {
			long w = tcp_write_nb(ca, chunk + pending_off, pending_len - pending_off);
			if (w > 0)
				pending_off += (size_t)w;
		}
		PAIR_RUN_UNTIL(&p, false, 20);
		/* Consume in odd amounts so that views start anywhere. */
		while ((n = tcp_peek_nb(cb, &v)) > 0) {
			size_t take = (size_t)n > 1234 ? 1234 : (size_t)n;
			struct tcp_conn_info i;
			CHECK_EQ((size_t)n, v.len);
			tcp_conn_info(cb, &i);
			if (v.len < i.readable)
				wrapped++; /* less than waits: the ring wraps here */
			stream_hash(&got_hash, v.data, take);
			tcp_consume(cb, take);
			got += take;
		}
	}
	want_hash = gen.hash;
	CHECK_EQ(got, total);
	CHECK_EQ(got_hash, want_hash);
	CHECK(wrapped > 0);
	/* More than waits is clamped, not a crash; then the end of the stream. */
	tcp_consume(cb, 100);
	CHECK_EQ(tcp_shutdown_write(ca), 0);
	PAIR_RUN_UNTIL(&p, tcp_peek_nb(cb, &v) == 0, 10000);
	CHECK_EQ(tcp_peek_nb(cb, &v), 0);
	CHECK_EQ(v.len, 0u);
	PAIR_END(&p, l, ca, cb);
}

TEST(peek_after_reset_returns_the_error)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct view v;

	pair_init(&p, NULL, NULL, 52);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	tcp_abort(ca);
	PAIR_RUN_UNTIL(&p, tcp_peek_nb(cb, &v) != -TCP_EAGAIN, 10000);
	CHECK_EQ(tcp_peek_nb(cb, &v), -TCP_ECONNRESET);
	tcp_close(cb);
	tcp_listener_close(l);
	pair_run_for(&p, 120 * SECS);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}
