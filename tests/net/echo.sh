#!/usr/bin/env bash
# tests/net/echo.sh: examples/echo answers real, unmodified peers (issue 3):
#   - over a tap in a test namespace (root): ping, a 5,000-packet flood ping
#     with 0% loss (unix), nc -u echoes, on the unix target and on hvt;
#   - over user-mode networking (no root, no tap): a datagram sent to the
#     forwarded port on 127.0.0.1 is echoed, on both targets.
AREA=net . "$(dirname "$0")/../lib.sh"

app=$KILN_ROOT/examples/echo
unix_img=$("$KILN" build -t unix "$app" 2>/dev/null | tail -n 1)
[ -x "$unix_img" ] || { fail "build echo for unix"; finish; }
hvt_img=""
kvm_usable && [ -x "$TENDER" ] && hvt_img=$("$KILN" build -t hvt "$app" 2>/dev/null | tail -n 1)

# echo_over_nc ADDR PORT [NETNS]: send one datagram with nc, print the answer.
echo_over_nc() {
	local run=()
	[ -n "${3:-}" ] && run=(ip netns exec "$3")
	printf 'kiln-%s' "$$" | timeout 10 "${run[@]}" nc -u -w2 "$1" "$2" 2>/dev/null | head -c 64
}

# --- user-mode networking: no root, no tap ----------------------------------
free_udp_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

user_mode() { # TARGET
	local port out dir log; port=$(free_udp_port); tmpdir_new dir; log=$dir/log
	bg_start timeout 120 "$KILN" run -t "$1" --port-forward="udp:$port:7" "$app" -- --count=1 >"$log" 2>&1
	if ! wait_for 60 grep -q "serving udp port 7" "$log"; then
		fail "$1: user-mode echo" "the appliance did not come up: $(tail -n 1 "$log")"; return
	fi
	out=$(echo_over_nc 127.0.0.1 "$port")
	if [ "$out" = "kiln-$$" ]; then pass "$1: user-mode echo through 127.0.0.1:$port"
	else fail "$1: user-mode echo through 127.0.0.1:$port" "got '$out'"; fi
}
user_mode unix
if [ -n "$hvt_img" ]; then user_mode hvt; else skip "hvt: user-mode echo" "/dev/kvm or the tender is not usable"; fi

# --- a tap in a test namespace ------------------------------------------------
need_root "tap tests" || finish

tap_run() { # TARGET IMAGE NETNS TAP ADDR
	local dir log; tmpdir_new dir; log=$dir/log
	if [ "$1" = unix ]; then
		bg_start ip netns exec "$3" timeout 300 "$2" --net:service="$4" -- --ipv4="$5/24"
	else
		bg_start ip netns exec "$3" timeout 300 "$TENDER" --mem=16 --net:service="$4" "$2" --ipv4="$5/24"
	fi >"$log" 2>&1
	wait_for 60 grep -q "serving udp port 7" "$log" || { fail "$1: echo came up on a tap" "$(tail -n 1 "$log")"; return 1; }
	pass "$1: echo came up on a tap with --ipv4"
}

netns_new ns || { fail "make a namespace"; finish; }
tap_new "$ns" kt$$u 10.77.0.1/24
if tap_run unix "$unix_img" "$ns" kt$$u 10.77.0.2; then
	check "unix: ping gets 5 replies" ip netns exec "$ns" ping -c 5 -i 0.2 -W 2 10.77.0.2
	flood=$(ip netns exec "$ns" timeout 60 ping -f -c 5000 -W 1 10.77.0.2 2>&1)
	if echo "$flood" | grep -q " 0% packet loss"; then pass "unix: flood ping, 5000 packets, 0% loss"
	else fail "unix: flood ping, 5000 packets, 0% loss" "$(echo "$flood" | grep -E 'packet loss|rtt')"; fi
	out=$(echo_over_nc 10.77.0.2 7 "$ns")
	[ "$out" = "kiln-$$" ] && pass "unix: nc -u is echoed" || fail "unix: nc -u is echoed" "got '$out'"
	# A closed port answers ICMP port unreachable: nc reports the refusal.
	if printf x | ip netns exec "$ns" timeout 5 nc -u -w1 10.77.0.2 9 2>&1 | grep -qi refused ||
	   ip netns exec "$ns" timeout 5 python3 -c '
import socket,sys
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.settimeout(2); s.connect(("10.77.0.2",9))
s.send(b"x")
try: s.recv(10)
except ConnectionRefusedError: sys.exit(0)
except Exception: sys.exit(1)
sys.exit(1)'; then pass "unix: a closed port answers port unreachable"
	else fail "unix: a closed port answers port unreachable"; fi
	kill "$BG_PID" 2>/dev/null
fi

if [ -n "$hvt_img" ]; then
	netns_new ns2
	tap_new "$ns2" kt$$h 10.77.1.1/24
	if tap_run hvt "$hvt_img" "$ns2" kt$$h 10.77.1.2; then
		check "hvt: ping gets 3 replies" ip netns exec "$ns2" ping -c 3 -i 0.3 -W 5 10.77.1.2
		out=$(echo_over_nc 10.77.1.2 7 "$ns2")
		[ "$out" = "kiln-$$" ] && pass "hvt: nc -u is echoed" || fail "hvt: nc -u is echoed" "got '$out'"
	fi
else
	skip "hvt: echo over a tap" "/dev/kvm or the tender is not usable"
fi
finish
