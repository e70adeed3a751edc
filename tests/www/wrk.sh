#!/bin/bash
# tests/www/wrk.sh: wrk, bounded (2 s, 16 connections, 2 threads), against the
# unix appliance over a tap: zero socket errors and zero non-2xx responses, on
# a page and on /bytes/N; the appliance holds no connection afterwards.
AREA=www; . "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/www_lib.sh"

need_root "wrk" || finish
command -v wrk >/dev/null || { skip "wrk" "wrk is not installed (scripts/deps)"; finish; }
www_build unix || { fail "build" "see above"; finish; }
www_start_unix || { fail "start on a tap" "$(tail -n 1 "$WWW_LOG")"; finish; }
for path in / /css/site.css /bytes/20000; do
	out=$(in_ns timeout 20 wrk -t2 -c16 -d2s "http://$WWW_IP$path" 2>&1)
	reqs=$(echo "$out" | awk '/requests in/ { print $1 }')
	rps=$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')
	if [ -z "$reqs" ] || [ "$reqs" -lt 100 ]; then
		fail "wrk $path" "only ${reqs:-no} requests: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
	elif echo "$out" | grep -q "Socket errors"; then
		fail "wrk $path: zero socket errors" "$(echo "$out" | grep "Socket errors")"
	elif echo "$out" | grep -q "Non-2xx"; then
		fail "wrk $path: zero non-2xx" "$(echo "$out" | grep "Non-2xx")"
	else
		pass "wrk -t2 -c16 -d2s $path: $reqs requests ($rps/s), no socket errors, all 2xx"
	fi
done
# The appliance closes its side as wrk's FINs arrive: wait for the count.
for _ in $(seq 50); do
	open=$(www_stat httpd_open)
	[ "$open" = 1 ] && break
	sleep 0.1
done
# The /stats request itself is the one connection open.
[ "$open" = 1 ] && pass "no connection left after wrk" || fail "no connection left after wrk" "httpd_open $open"
finish
