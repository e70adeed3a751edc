#!/usr/bin/env bash
# tests/kiln/devices.sh: devices declared in kiln.conf on the unix target
# (platform/unix): the checks of the platform's options, a block device on a
# file, a net device on a tap inside a network namespace this test makes;
# and the same block appliance on hvt through kiln run.
set -u
AREA=kiln-devices
source "$(dirname "$0")/lib.bash"
cp -r "$ROOT/tests/kiln/fixtures/blockprobe" "$ROOT/tests/kiln/fixtures/netprobe" "$tmp/"
rm -rf "$tmp"/*/_build
cd "$tmp"

# --- block ------------------------------------------------------------------
img=$("$KILN" build -t unix blockprobe 2>"$tmp/b.err" | tail -n 1)
if [ ! -x "$img" ]; then
	fail "blockprobe build" "$(tail -n 3 "$tmp/b.err" | tr '\n' ' ')"
	finish
fi
opt_error() { # what, expected message part, args...
	local what=$1 want=$2; shift 2
	"$img" "$@" >"$tmp/o.out" 2>"$tmp/o.err"; local rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/o.err")" -eq 1 ] && grep -qF -- "$want" "$tmp/o.err" && ! grep -q 'blockprobe: ok' "$tmp/o.out"; then
		pass "unix option error: $what"
	else
		fail "unix option error: $what" "status $rc, stderr: $(cat "$tmp/o.err")"
	fi
}
truncate -s 4196 disk.img # 8 blocks and 100 bytes that are not part of the device
opt_error "declared device missing" "blockprobe: block device 'disk' is declared in kiln.conf but not given: add --block:disk=FILE"
opt_error "undeclared device" "--block:other=disk.img: the appliance declares no device 'other' (declared: disk (block))" --block:disk=disk.img --block:other=disk.img
opt_error "wrong device type" "--net:disk=tap0: 'disk' is a block device: give --block:disk=FILE" --net:disk=tap0
opt_error "device given twice" "device 'disk' is given twice" --block:disk=disk.img --block:disk=disk.img
opt_error "missing =" "--block:disk: expected --block:NAME=FILE" --block:disk
opt_error "file that cannot be opened" "--block:disk=/nonexistent/disk: cannot open: No such file or directory" --block:disk=/nonexistent/disk

"$img" --block:disk=disk.img >"$tmp/b.out" 2>&1; rc=$?
if [ $rc -eq 0 ] && grep -q '^capacity 4096 block 512$' "$tmp/b.out" && grep -q 'blockprobe: ok' "$tmp/b.out" &&
	[ "$(dd if=disk.img bs=1 skip=512 count=12 2>/dev/null)" = "kiln block 1" ]; then
	pass "block device on a file: capacity rounded down, write/read a block, EINVAL cases, data on disk"
else
	fail "block device" "status $rc: $(tr '\n' '|' <"$tmp/b.out")"
fi
# Through kiln run, under ASan+UBSan.
truncate -s 0 disk.img; truncate -s 8192 disk.img
"$KILN" run -t unix --sanitize --block:disk=disk.img blockprobe >"$tmp/bs.out" 2>"$tmp/bs.err"; rc=$?
if [ $rc -eq 0 ] && grep -q 'blockprobe: ok' "$tmp/bs.out" && ! grep -qE 'AddressSanitizer|runtime error' "$tmp/bs.err"; then
	pass "kiln run --sanitize --block:disk=FILE: block appliance passes under ASan+UBSan"
else
	fail "sanitized block run" "status $rc: $(tail -n 5 "$tmp/bs.err" | tr '\n' ' ')"
fi
if nm "$img" | grep -qE "$NET_SYMBOLS"; then
	fail "block appliance has no net code" "$(nm "$img" | grep -E "$NET_SYMBOLS" | head -n 3 | tr '\n' ' ')"
else
	pass "a block-only appliance links no network code"
fi
if hvt_ready; then
	truncate -s 0 disk.img; truncate -s 8192 disk.img
	timeout 300 "$KILN" run -t hvt --block:disk=disk.img blockprobe >"$tmp/bh.out" 2>"$tmp/bh.err"; rc=$?
	if [ $rc -eq 0 ] && grep -q 'blockprobe: ok' "$tmp/bh.out" &&
		[ "$(dd if=disk.img bs=1 skip=512 count=12 2>/dev/null)" = "kiln block 1" ]; then
		pass "kiln run -t hvt passes --block through to the tender; block appliance passes on hvt"
	else
		fail "hvt block run" "status $rc: $(tr '\n' '|' <"$tmp/bh.out") $(tail -n 3 "$tmp/bh.err" | tr '\n' ' ')"
	fi
else
	skip "hvt block run" "$hvt_why"
fi

# --- net, on a tap inside a namespace of our own ------------------------------
nimg=$("$KILN" build -t unix netprobe 2>"$tmp/n.err" | tail -n 1)
if [ ! -x "$nimg" ]; then
	fail "netprobe build" "$(tail -n 3 "$tmp/n.err" | tr '\n' ' ')"
	finish
fi
"$nimg" --net:service=waytoolongtapname0 >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] && grep -q "a tap name has 1 to 15 characters" "$tmp/e" && pass "a tap name too long is one clear error" ||
	fail "long tap name" "status $rc: $(cat "$tmp/e")"
"$nimg" >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] && grep -q "net device 'service' is declared in kiln.conf but not given: add --net:service=TAPDEV" "$tmp/e" &&
	pass "a missing net device is one clear error" || fail "missing net device" "status $rc: $(cat "$tmp/e")"

"$nimg" --net:service=user >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] && grep -q "user-mode networking is not available on the unix target yet" "$tmp/e" &&
	pass "--net:NAME=user (not yet on unix) is one clear error" || fail "net user" "status $rc: $(cat "$tmp/e")"

if [ "$(id -u)" != 0 ]; then
	skip "tap device" "needs root (a network namespace and a tap)"
	finish
fi
ns=kiln-unix-$$
tap=kut$$
cleanup_ns() { ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup_ns EXIT
if ! ip netns add "$ns" 2>"$tmp/e"; then
	skip "tap device" "cannot create a network namespace: $(cat "$tmp/e")"
	finish
fi
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$ns" tuntap add dev "$tap" mode tap &&
	ip -n "$ns" link set "$tap" mtu 1400 up &&
	ip -n "$ns" addr add 10.77.0.1/24 dev "$tap" || fail "tap setup" "ip commands failed"
ip netns exec "$ns" "$nimg" --net:service="$tap" >"$tmp/net.out" 2>"$tmp/net.err" &
pid=$!
for _ in $(seq 100); do grep -q '^sent' "$tmp/net.out" 2>/dev/null && break; sleep 0.1; done
rx=$(ip -n "$ns" -s -j link show "$tap" | grep -oE '"rx":\{"bytes":[0-9]+,"packets":[0-9]+' | grep -oE '[0-9]+$')
# The kernel's ARP request for 10.77.0.2 goes out of the tap to the appliance.
ip netns exec "$ns" ping -c 1 -W 1 10.77.0.2 >/dev/null 2>&1
for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then kill $pid; fi
wait $pid; rc=$?
if [ $rc -eq 0 ] && grep -qE '^mac .[26ae]:..:..:..:..:.. mtu 1400 handle 1$' "$tmp/net.out" &&
	grep -q '^received 42 bytes, type 0806$' "$tmp/net.out"; then
	pass "tap: mtu from the device, locally administered MAC, yield wakes on an ARP frame and reads it"
else
	fail "tap read" "status $rc: $(tr '\n' '|' <"$tmp/net.out") $(cat "$tmp/net.err")"
fi
[ "${rx:-0}" -ge 1 ] && pass "tap: the frame the appliance wrote reached the kernel (rx $rx)" ||
	fail "tap write" "the tap counted ${rx:-no} received frames"
finish
