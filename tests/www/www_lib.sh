# tests/www/www_lib.sh: helpers for the www tests (sourced after tests/lib.sh):
# build examples/www, run its unix image on a tap in a fresh namespace.
WWW_DIR=$KILN_ROOT/examples/www
WWW_SITE=$WWW_DIR/site

# www_build TARGET: builds examples/www; the image path in WWW_IMG.
www_build() {
	local out
	out=$("$KILN" build -t "$1" "$WWW_DIR" 2>&1) || { echo "$out" | tail -n 3 >&2; return 1; }
	WWW_IMG=$(echo "$out" | tail -n 1)
	case $WWW_IMG in /*) ;; *) WWW_IMG=$PWD/$WWW_IMG ;; esac
}

# www_start_unix [BOOT ARGS...]: the unix appliance on a tap in a new
# namespace: the host side 10.77.0.1/24, the appliance 10.77.0.2. Sets WWW_NS,
# WWW_IP, WWW_PID, WWW_LOG; waits until it serves (or returns 1).
www_start_unix() {
	WWW_NS=$(netns_new) || return 1
	tap_new "$WWW_NS" wwwtap0 10.77.0.1/24 || return 1
	WWW_IP=10.77.0.2
	WWW_LOG=$(tmpdir_new)/www.log
	bg_start ip netns exec "$WWW_NS" "$WWW_IMG" --net:service=wwwtap0 "${WWW_NET_OPTS[@]}" -- \
		--ipv4=10.77.0.2/24 "$@" >"$WWW_LOG" 2>&1
	WWW_PID=$BG_PID
	wait_for 20 grep -q "www: serving" "$WWW_LOG" || { tail -n 3 "$WWW_LOG" >&2; return 1; }
}

# in_ns CMD...: run CMD in the appliance's namespace.
in_ns() { ip netns exec "$WWW_NS" "$@"; }

# www_stat NAME: one counter of GET /stats.
www_stat() { in_ns curl -s -m 10 "http://$WWW_IP/stats" | awk -v k="$1" '$1 == k { print $2 }'; }

# pattern N: the /bytes/N content (examples/www/pattern.c), on stdout.
pattern() {
	python3 -c '
import sys
n = int(sys.argv[1])
blk = bytes(10 if i % 64 == 63 else 97 + i % 26 for i in range(832)) * 1260  # 1,048,320 B
out = sys.stdout.buffer
while n > 0:
    k = min(n, len(blk)); out.write(blk[:k]); n -= k' "$1"
}
