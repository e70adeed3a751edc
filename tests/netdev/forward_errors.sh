#!/usr/bin/env bash
# tests/netdev/forward_errors.sh: a port forward tells the truth. The line
# "NAME is reachable at ..." appears only once the host socket is bound; a
# forward that cannot be bound (port in use; a port below 1024 for a user
# who is not root) exits with the errno's own words, the device's name and
# another port to try, and no "reachable" line. And the forward's listen
# backlog takes a browser's burst: 64 parallel GETs to examples/www over
# the forward are all answered within 2 s (libslirp's own backlog of 1
# dropped SYNs: seconds of retransmission).
AREA=netdev
. "$(dirname "$0")/../lib.sh"
[ -x "$KILN" ] || { fail "setup" "$KILN is not built (make tools)"; finish; }
tmp=$(tmpdir_new)
chmod 755 "$tmp"
cp -r "$KILN_ROOT/tests/kiln/fixtures/netprobe" "$KILN_ROOT/examples/www" "$tmp/"
rm -rf "$tmp/netprobe/_build" "$tmp/www/_build"
cd "$tmp" || exit 1
port=$((30000 + $$ % 20000))

# A TCP listener of our own holds $port while kiln tries to forward it.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
print("bound", flush=True); time.sleep(120)' $port >"$tmp/holder.out" &
holder=$!
_BG_PIDS+=("$holder")
wait_for 10 grep -q bound "$tmp/holder.out" || fail "setup" "could not bind 127.0.0.1:$port"

in_use() { # TARGET
	timeout 300 "$KILN" run -t "$1" --port-forward=tcp:$port:7 netprobe -- 1 >"$tmp/u.out" 2>"$tmp/u.err"
	local rc=$?
	local want="cannot listen on 127.0.0.1:$port for net device 'service': Address already in use; pick another host port, e.g. --port-forward=tcp:$((port + 1)):7"
	if [ $rc -ne 0 ] && grep -qF -- "$want" "$tmp/u.err" && ! grep -q 'reachable at' "$tmp/u.err" &&
		! grep -q -- '--port-forward:' "$tmp/u.err"; then
		pass "$1: a forward to a port in use: errno's words, the device, another port; no 'reachable' line"
	else
		fail "$1: forward to a port in use" "status $rc: $(grep -v '^cc \|^ar \|^	' "$tmp/u.err" | tr '\n' '|')"
	fi
}
in_use unix
if kvm_usable && [ -x "$TENDER" ]; then in_use hvt; else skip "hvt: port in use" "/dev/kvm or the tender is missing"; fi
kill "$holder" 2>/dev/null

# Below 1024 as a user who is not root: Permission denied, and a port to use.
bin="$tmp/netprobe/_build/unix/netprobe.unix"
low=1023
if [ "$(id -u)" != 0 ]; then
	skip "unix: port below 1024" "needs root to drop to nobody with setpriv"
elif ! command -v setpriv >/dev/null; then
	skip "unix: port below 1024" "setpriv is not installed"
elif [ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 1024)" -le $low ]; then
	skip "unix: port below 1024" "net.ipv4.ip_unprivileged_port_start lets anyone bind $low"
else
	chmod -R a+rX "$tmp/netprobe"
	timeout 60 setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		"$bin" --net:service=user --port-forward=tcp:$low:80 -- 1 >"$tmp/p.out" 2>"$tmp/p.err"
	rc=$?
	want="cannot listen on 127.0.0.1:$low for net device 'service': Permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE); pick another host port, e.g. --port-forward=tcp:$((low + 8000)):80"
	if [ $rc -ne 0 ] && grep -qF -- "$want" "$tmp/p.err" && ! grep -q 'in use' "$tmp/p.err" &&
		! grep -q 'reachable at' "$tmp/p.err"; then
		pass "unix: port $low as nobody: Permission denied, not 'in use', and a port to use"
	else
		fail "unix: port below 1024 as nobody" "status $rc: $(tr '\n' '|' <"$tmp/p.err")"
	fi
fi

# The burst: 64 parallel connections, each a GET, all answered within 2 s.
wport=$((port + 1))
# Both of www's forwards on ports of our own (a --port-forward replaces only
# kiln.conf's line for its guest port).
bg_start timeout 300 "$KILN" run -t unix --port-forward=tcp:$wport:80 --port-forward=tcp:$((wport + 1)):81 \
	www >"$tmp/w.out" 2>"$tmp/w.err"
if ! wait_for 240 grep -q "reachable at .*tcp 127.0.0.1:$wport -> port 80" "$tmp/w.err"; then
	fail "unix: www over the forward" "no 'reachable' line: $(tail -n 3 "$tmp/w.err" | tr '\n' '|')"
	finish
fi
if grep -qx "kiln: http://127.0.0.1:$wport/" "$tmp/w.err"; then
	pass "unix: the 'reachable' line and the URL once the socket is bound"
else
	fail "unix: the URL line" "$(tr '\n' '|' <"$tmp/w.err")"
fi
python3 - $wport >"$tmp/burst.out" 2>&1 <<'PY'
import socket, sys, threading, time
port = int(sys.argv[1])
# One warm-up: the appliance may still be asking for its address.
for _ in range(100):
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        c.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
        if c.recv(12).startswith(b"HTTP/1."):
            break
    except OSError:
        pass
    time.sleep(0.1)
N, results = 64, []
lock = threading.Lock()
go = threading.Barrier(N)
def one():
    go.wait()
    t0 = time.monotonic()
    ok = False
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=10)
        c.settimeout(10)
        c.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
        ok = c.recv(12).startswith(b"HTTP/1.")
    except OSError:
        pass
    with lock:
        results.append((ok, time.monotonic() - t0))
ts = [threading.Thread(target=one) for _ in range(N)]
for t in ts: t.start()
for t in ts: t.join()
answered = sum(1 for ok, _ in results if ok)
worst = max(t for _, t in results)
print("answered %d of %d, slowest %.2f s" % (answered, N, worst))
sys.exit(0 if answered == N and worst < 2.0 else 1)
PY
if [ $? -eq 0 ]; then
	pass "unix: 64 parallel GETs over the forward: $(cat "$tmp/burst.out")"
else
	fail "unix: 64 parallel GETs over the forward (all within 2 s)" "$(tr '\n' '|' <"$tmp/burst.out")"
fi
finish
