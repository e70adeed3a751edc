#!/bin/bash
# tests/www/slowloris.sh: 2,000 slowloris connections (each sends half a
# request head, then one byte every 2 s, and reconnects when closed) against
# the unix appliance with --max-conns=1024, while a legitimate client fetches
# / every 0.5 s: every legitimate request must be answered within 1 s. What
# makes it so: the oldest idle or slowest connections are shed for a new
# one at max_conns or max_active, and a head must be complete within
# head_timeout. Bounded: 16 s of load.
AREA=www; . "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/www_lib.sh"

SLOW=2000 SECS=16

# slow_clients IP N SECS: the attack; prints "opened X" at the end.
slow_clients() {
	in_ns timeout $(($3 + 10)) python3 - "$@" <<'PY'
import socket, sys, time, selectors, errno
ip, n, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
head = b"GET / HTTP/1.1\r\nHost: slow\r\n"
socks, opened, end = {}, 0, time.time() + secs
def open_one(i):
    global opened
    s = socket.socket(); s.setblocking(False)
    try:
        s.connect((ip, 80))
    except BlockingIOError:
        pass
    socks[i] = [s, 0, time.time()]   # sock, bytes sent of head, next send
    opened += 1
for i in range(n):
    open_one(i)
    if i % 100 == 99:
        time.sleep(0.02)
while time.time() < end:
    now = time.time()
    for i, st in list(socks.items()):
        s, k, nxt = st
        if now < nxt:
            continue
        try:
            # the first bytes at once, then one byte every 2 s
            chunk = head[:k + 20] if k == 0 else b"X"
            s.send(chunk)
            st[1] += len(chunk); st[2] = now + 2
        except BlockingIOError:
            st[2] = now + 0.1
        except OSError as e:
            if e.errno in (errno.ENOTCONN, errno.EAGAIN):
                st[2] = now + 0.1
                continue
            s.close(); open_one(i)           # shed: come back, as attackers do
    time.sleep(0.05)
print("opened %d" % opened)
PY
}

if need_root "unix over tap"; then
	if ! www_build unix; then fail "unix: build" "see above"
	elif ! www_start_unix --max-conns=1024; then fail "unix: start on a tap" "$(tail -n 1 "$WWW_LOG")"
	else
		ulimit -n 8192
		out=$(tmpdir_new)
		slow_clients "$WWW_IP" $SLOW $SECS >"$out/slow" 2>&1 &
		slow_pid=$!
		sleep 4 # the attack is in place: every slot has been taken
		worst=0 bad=0 n=0
		for i in $(seq 1 20); do
			t=$(in_ns curl -s -m 5 -o /dev/null -w '%{http_code} %{time_total}' "http://$WWW_IP/")
			n=$((n + 1)); echo "  legit $i: $t" >&2
			case $t in 200\ *) ;; *) bad=$((bad + 1)) ;; esac
			ms=$(awk -v x="${t#* }" 'BEGIN { printf "%d", x * 1000 }')
			[ "$ms" -gt "$worst" ] && worst=$ms
			[ "$ms" -ge 1000 ] && bad=$((bad + 1))
			sleep 0.5
		done
		wait $slow_pid
		st=$(in_ns curl -s -m 5 "http://$WWW_IP/stats" | tr '\n' ' ')
		echo "  $(cat "$out/slow"); legit worst ${worst} ms; stats: $st" >&2
		[ $bad = 0 ] && pass "unix: $SLOW slowloris connections: $n of $n legitimate requests answered, worst ${worst} ms (< 1 s)" ||
			fail "unix: legitimate requests under $SLOW slowloris connections" "$bad of $n failed or took >= 1 s (worst ${worst} ms)"
	fi
fi
finish
