#!/usr/bin/env bash
# tests/netdev/echo.sh: examples/echo on user-mode networking (libslirp), no
# root and no tap, on the unix target and on hvt, started by `kiln run`: a
# UDP datagram sent to the forwarded port on 127.0.0.1 is echoed, through
# the appliance's own stack (DHCP from libslirp, ARP, IPv4, UDP).
AREA=netdev-echo
. "$(dirname "$0")/../lib.sh"
[ -x "$KILN" ] || { fail "setup" "$KILN is not built (make tools)"; finish; }
[ -d "$KILN_ROOT/examples/echo" ] || { skip "all" "examples/echo is not in the tree"; finish; }
tmp=$(tmpdir_new)
cp -r "$KILN_ROOT/examples/echo" "$tmp/" && rm -rf "$tmp/echo/_build"
cd "$tmp" || exit 1

# echo_check TARGET PORT: kiln run with a forward; three datagrams echoed.
echo_check() {
	local t=$1 port=$2 out=$tmp/$1.out err=$tmp/$1.err
	timeout 300 "$KILN" run -t "$t" --port-forward=udp:$port:7 echo -- --count=3 >"$out" 2>"$err" &
	local pid=$!
	if ! wait_for 240 grep -q '^echo: serving udp port 7' "$out"; then
		fail "$t: echo starts" "$(tr '\n' '|' <"$out") $(grep -v '^cc \|^ar \|^	' "$err" | tail -n 3 | tr '\n' ' ')"
		kill $pid 2>/dev/null; wait $pid 2>/dev/null
		return
	fi
	# Each datagram is sent until its echo comes back (at most 5 tries of
	# 3 s): UDP may lose one, the check is that each is echoed intact.
	python3 - "$port" >"$tmp/$t.py" 2>&1 <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
for i in range(3):
    msg = b"kiln echo %d" % i
    for attempt in range(5):
        t0 = time.monotonic()
        s.sendto(msg, ("127.0.0.1", int(sys.argv[1])))
        try:
            data, _ = s.recvfrom(2048)
        except socket.timeout:
            continue
        if data != msg:
            print("wrong echo %r for %r" % (data, msg)); sys.exit(1)
        print("echoed %d in %.1f ms" % (i, (time.monotonic() - t0) * 1000))
        break
    else:
        print("no echo for %r" % msg); sys.exit(1)
PY
	local py=$?
	wait $pid
	local rc=$?
	if [ $py -eq 0 ] && [ $rc -eq 0 ] && grep -q '^echo: served 3 datagrams' "$out" &&
		grep -qx "kiln: echo is reachable at udp 127.0.0.1:$port -> port 7 (user-mode networking on net device 'service'; no root needed)" "$err"; then
		pass "$t: a UDP datagram sent to the forwarded port on 127.0.0.1 is echoed ($(tr '\n' ';' <"$tmp/$t.py"))"
	else
		fail "$t: UDP echo through user-mode networking" "client: $(tr '\n' ' ' <"$tmp/$t.py"), status $rc: $(tr '\n' '|' <"$out" | head -c 400)"
	fi
}

port=$((30000 + $$ % 20000))
echo_check unix $port
if ! kvm_usable; then
	skip "hvt: UDP echo" "/dev/kvm is missing or not usable by $(id -un)"
elif [ ! -x "$TENDER" ]; then
	fail "hvt: UDP echo" "$TENDER is not built (make tools)"
else
	echo_check hvt $((port + 1))
fi
finish
