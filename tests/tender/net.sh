#!/usr/bin/env bash
# net.sh: a tap device as a net device, inside a network namespace this test
# creates and deletes: NET_READ with nothing waiting gives AGAIN; POLL wakes
# with the device's bit when a frame arrives, NET_READ returns it, NET_WRITE
# sends it back; a NET_READ buffer outside guest RAM is a guest fault
# (fixtures/net.S).
. "$(dirname "$0")/common.inc"
need_built "$TENDER" "$FIX/hello.hvt" "$FIX/net.hvt"
if ! kvm_usable; then
	skip "tap net device" "$KVM_WHY"
	finish
fi
if [ "$(id -u)" -ne 0 ]; then
	skip "tap net device" "needs root for a network namespace and a tap"
	finish
fi
NS=kiln-tender-$$
TAP=ktnd$$
cleanup() { ip netns del "$NS" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
in_ns() { ip netns exec "$NS" "$@"; }
if ! ip netns add "$NS" 2>"$TMP/err"; then
	skip "tap net device" "cannot create a network namespace: $(cat "$TMP/err")"
	finish
fi
# No IPv6: the kernel's own router solicitations would be the guest's first frames.
in_ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
if ! in_ns ip tuntap add dev "$TAP" mode tap 2>"$TMP/err"; then
	skip "tap net device" "cannot create a tap device: $(cat "$TMP/err")"
	finish
fi
in_ns ip addr add 10.199.0.1/24 dev "$TAP"
in_ns ip link set dev "$TAP" up

in_ns timeout 60 "$TENDER" --net:service="$TAP" "$FIX/net.hvt" a >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "net: again" ]; then
	pass "NET_READ with no frame waiting gives AGAIN"
else
	fail "NET_READ with no frame waiting gives AGAIN" "status $rc, stdout '$(cat "$TMP/out")', stderr '$(cat "$TMP/err")'"
fi

# The guest polls; the frame is the ARP request the kernel sends to resolve
# 10.199.0.2 when bash sends it a UDP datagram (no other tool needed).
in_ns timeout 60 "$TENDER" --net:service="$TAP" "$FIX/net.hvt" p >"$TMP/out" 2>"$TMP/err" &
pid=$!
# Sent every 0.5 s until the guest has echoed one and exited (bounded: 60
# sends), so a tender slow to open the tap on a loaded machine is not missed.
in_ns bash -c 'for i in $(seq 60); do kill -0 '"$pid"' 2>/dev/null || break; echo x 2>/dev/null >/dev/udp/10.199.0.2/9; sleep 0.5; done' &
send_pid=$!
wait "$pid"
rc=$?
wait "$send_pid"
if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "net: echoed a frame" ]; then
	pass "POLL ready bit = device handle, NET_READ gets the frame, NET_WRITE sends it"
else
	fail "POLL, NET_READ and NET_WRITE on a tap" "status $rc (20+k: check k failed), stdout '$(cat "$TMP/out")', stderr '$(cat "$TMP/err")'"
fi

in_ns timeout 60 "$TENDER" --net:service="$TAP" "$FIX/net.hvt" r >"$TMP/out" 2>"$TMP/err"
rc=$? err=$(cat "$TMP/err")
if [ "$rc" -eq 255 ] && [ "$(printf '%s' "$err" | grep -c '')" -eq 1 ] &&
	printf '%s' "$err" | grep -q 'guest fault: NET_READ buffer at 0x7f0000000000, length 1514, is outside guest memory'; then
	pass "NET_READ buffer beyond RAM ($err)"
else
	fail "NET_READ buffer beyond RAM" "status $rc, stderr '$err'"
fi
finish
