#!/bin/bash
# tests/www/idle.sh: 10,000 concurrent keep-alive connections, each after one
# request, held idle against the unix appliance over a tap (opened by
# idleconns.c in the test namespace), then all closed: the appliance's heap,
# fibers and TCP state go back to where they started (its GET /stats).
#   WWW_IDLE_N (default 10000).
AREA=www; . "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/www_lib.sh"

N=${WWW_IDLE_N:-10000}
need_root "idle connections" || finish
tmp=$(tmpdir_new)
cc -O2 -Wall -Wextra -Werror -o "$tmp/idleconns" "$(dirname "$0")/idleconns.c" ||
	{ fail "build idleconns.c"; finish; }
www_build unix || { fail "build" "see above"; finish; }
# glibc's per-thread cache keeps freed chunks counted as in use by
# mallinfo2(), which /stats reads: off, so the heap figure is exact.
export GLIBC_TUNABLES=glibc.malloc.tcache_count=0
www_start_unix --max-conns=$((N + 100)) || { fail "start" "$(tail -n 1 "$WWW_LOG")"; finish; }

stats() { in_ns curl -s -m 10 "http://$WWW_IP/stats" | tr '\n' ' '; }
val() { echo "$1" | tr ' ' '\n' | awk -v k="$2" 'prev == k { print; exit } { prev = $0 }'; }
in_ns curl -s -o /dev/null "http://$WWW_IP/css/site.css" # warm up: the first request's allocations
s0=$(stats)
t0=$SECONDS
bg_start ip netns exec "$WWW_NS" "$tmp/idleconns" "$WWW_IP" 80 "$N" 120 >"$tmp/client.log" 2>&1
cpid=$BG_PID
wait_for 100 grep -q "^held" "$tmp/client.log"
sleep 0.5 # lib/tcp gives an idle connection's buffers back after 200 ms
s1=$(stats)
held=$(awk '/^held/ { print $2 }' "$tmp/client.log")
if [ "${held:-0}" = "$N" ] && [ "$(val "$s1" httpd_open)" = $((N + 1)) ]; then
	pass "$N idle keep-alive connections held (in $((SECONDS - t0)) s; httpd_open $(val "$s1" httpd_open) with /stats' own)"
else
	fail "$N idle connections held" "client: $(tail -n 1 "$tmp/client.log"); appliance: $s1"
fi
h0=$(val "$s0" heap_used) h1=$(val "$s1" heap_used)
echo "  idle: heap $h0 -> $h1 B ($(( (h1 - h0) / N )) B per idle connection), dormant fibers $(val "$s1" fibers_dormant), fiber stacks $(val "$s0" fiber_stack_bytes) -> $(val "$s1" fiber_stack_bytes) B, TCP $(val "$s1" tcp_mem) B"
[ "$(val "$s1" fiber_stack_bytes)" = "$(val "$s0" fiber_stack_bytes)" ] &&
	pass "idle connections hold no fiber stack" ||
	fail "idle connections hold no fiber stack" "$(val "$s0" fiber_stack_bytes) -> $(val "$s1" fiber_stack_bytes)"
kill -USR1 "$cpid"
wait_for 60 grep -q "^closed" "$tmp/client.log"
# The appliance closes its side as each FIN arrives; wait for the count.
for _ in $(seq 100); do
	s2=$(stats)
	[ "$(val "$s2" httpd_open)" = 1 ] && [ "$(val "$s2" tcp_conns)" = "$(val "$s0" tcp_conns)" ] && break
	sleep 0.2
done
ok=1
for k in heap_used fibers_live fibers_dormant fiber_stack_bytes tcp_conns tcp_mem httpd_open httpd_active; do
	[ "$(val "$s2" $k)" = "$(val "$s0" $k)" ] || { ok=0; echo "  $k: before $(val "$s0" $k), after $(val "$s2" $k)"; }
done
[ $ok = 1 ] && pass "all closed: heap ($(val "$s2" heap_used) B), fibers, TCP and httpd back to their starting level" ||
	fail "all closed: back to the starting level" "see above"
finish
