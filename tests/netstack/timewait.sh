#!/bin/bash
# tests/netstack/timewait.sh: TIME_WAIT never stalls a server that closes
# first. examples/www (unix, on a tap in a namespace) with a small connection
# limit (--max-conns=64: lib/tcp's max_conns 144) serves
# TIMEWAIT_CONNS (default 20000) requests in a row from Linux, each on its own
# connection with "Connection: close", so the appliance closes first and keeps
# each in TIME_WAIT for 60 s: far more than the limit within one 2*MSL. Each
# request must complete within 2 s (a stalled handshake would not: the client
# believes itself connected and waits), all of them within a bound.
AREA=netstack; . "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../www/www_lib.sh"

N=${TIMEWAIT_CONNS:-20000}
need_root "timewait" || finish
www_build unix || { fail "build" "see above"; finish; }
www_start_unix --max-conns=64 || { fail "start" "$(tail -n 1 "$WWW_LOG")"; finish; }
out=$(in_ns timeout 600 python3 - "$WWW_IP" "$N" <<'PY'
import socket, sys, time
ip, n = sys.argv[1], int(sys.argv[2])
req = b"GET /bytes/100 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
worst, t0, done = 0.0, time.monotonic(), 0
for i in range(n):
    t = time.monotonic()
    try:
        s = socket.create_connection((ip, 80), timeout=2)
        s.settimeout(2)
        s.sendall(req)
        got = b""
        while True:
            b = s.recv(4096)
            if not b:
                break
            got += b
        s.close()
    except OSError as e:
        print(f"connection {i}: {e}")
        break
    if not got.startswith(b"HTTP/1.1 200") or len(got) < 100:
        print(f"connection {i}: bad answer {got[:40]!r}")
        break
    worst = max(worst, time.monotonic() - t)
    done += 1
print(f"{done} {time.monotonic() - t0:.2f} {worst * 1000:.1f}")
PY
)
read -r done secs worst_ms <<<"$(echo "$out" | tail -n 1)"
if [ "$done" = "$N" ]; then
	pass "$N server-closed connections in a row in $secs s (slowest ${worst_ms} ms)"
else fail "$N server-closed connections" "$(echo "$out" | head -n 1)"; fi
# TIME_WAIT stays bounded by the limit (the oldest made room for each new one).
conns=$(www_stat tcp_conns)
if [ -n "$conns" ] && [ "$conns" -le 144 ]; then pass "connections held after the run: $conns (limit 144)"
else fail "connections held" "tcp_conns '$conns', want <= 144"; fi
kill "$WWW_PID" 2>/dev/null; wait "$WWW_PID" 2>/dev/null
finish
