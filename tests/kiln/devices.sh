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
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q "tap device name 'waytoolongtapname0' must be 1-15 characters" "$tmp/e" &&
	pass "a tap name too long is one clear error" || fail "long tap name" "status $rc: $(cat "$tmp/e")"
"$nimg" >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] && grep -q "net device 'service' is declared in kiln.conf but not given: add --net:service=TAPDEV|user" "$tmp/e" &&
	pass "a missing net device is one clear error" || fail "missing net device" "status $rc: $(cat "$tmp/e")"

# --- net, on user-mode networking (libslirp): no root, no tap -----------------
# netprobe's ARP request for 10.0.2.2 is answered by user-mode networking.
timeout 30 "$nimg" --net:service=user --pcap="$tmp/u.pcap" --port-forward=udp:$((40000 + $$ % 20000)):7 \
	>"$tmp/u.out" 2>"$tmp/u.err"; rc=$?
if [ $rc -eq 0 ] && grep -qE '^mac .[26ae]:..:..:..:..:.. mtu 1500 handle 1$' "$tmp/u.out" &&
	grep -qE '^received [0-9]+ bytes, type 0806$' "$tmp/u.out"; then
	pass "--net:service=user: boots, mtu 1500, the ARP request for the gateway is answered"
else
	fail "net user" "status $rc: $(tr '\n' '|' <"$tmp/u.out") $(cat "$tmp/u.err")"
fi
# The MAC address: the same at every start (a DHCP server then gives the
# lease again), or the one --net-mac gives.
m1=$(grep '^mac ' "$tmp/u.out" | cut -d' ' -f2)
m2=$(timeout 30 "$nimg" --net:service=user 2>/dev/null | grep '^mac ' | cut -d' ' -f2)
m3=$(timeout 30 "$nimg" --net:service=user --net-mac:service=02:42:00:00:00:2a 2>/dev/null | grep '^mac ' | cut -d' ' -f2)
if [ -n "$m1" ] && [ "$m1" = "$m2" ] && [ "$m3" = 02:42:00:00:00:2a ]; then
	pass "the MAC is the same at every start ($m1); --net-mac:service=MAC sets it"
else
	fail "stable MAC" "first '$m1', second '$m2', with --net-mac '$m3'"
fi
if ! command -v tshark >/dev/null; then
	skip "--pcap read by tshark" "tshark is not installed (scripts/deps test)"
elif tshark -r "$tmp/u.pcap" -T fields -e arp.opcode >"$tmp/u.ts" 2>"$tmp/u.tserr" &&
	[ "$(grep -c '^1$' "$tmp/u.ts")" -ge 1 ] && [ "$(grep -c '^2$' "$tmp/u.ts")" -ge 1 ]; then
	pass "--pcap=FILE: tshark reads the capture: the ARP request out and the reply in"
else
	fail "--pcap read by tshark" "$(tr '\n' ' ' <"$tmp/u.ts") $(head -n 2 "$tmp/u.tserr")"
fi
# Through kiln run, under ASan+UBSan: user-mode is the default.
timeout 60 "$KILN" run -t unix --sanitize netprobe >"$tmp/us.out" 2>"$tmp/us.err"; rc=$?
if [ $rc -eq 0 ] && grep -qE '^received [0-9]+ bytes, type 0806$' "$tmp/us.out" &&
	grep -q "^kiln: netprobe: net device 'service' uses user-mode networking" "$tmp/us.err" &&
	! grep -qE 'AddressSanitizer|runtime error' "$tmp/us.err"; then
	pass "kiln run --sanitize picks user-mode networking by default; ARP answered under ASan+UBSan"
else
	fail "kiln run user-mode default" "status $rc: $(tr '\n' '|' <"$tmp/us.out") $(tail -n 4 "$tmp/us.err" | tr '\n' ' ')"
fi

# kiln run: forwards from kiln.conf, replaced by --port-forward; --dry-run shows all.
cp -r netprobe netfwd && rm -rf netfwd/_build
printf 'forward = udp:15353:53\nforward = tcp:18080:80\n' >>netfwd/kiln.conf
"$KILN" run -t unix --dry-run --pcap=c.pcap netfwd >"$tmp/d.out" 2>"$tmp/d.err"; rc=$?
if [ $rc -eq 0 ] && [ "$(tail -n 1 "$tmp/d.out")" = "netfwd/_build/unix/netprobe.unix --net:service=user --port-forward=udp:15353:53 --port-forward=tcp:18080:80 --pcap=c.pcap" ] &&
	! grep -q "reachable" "$tmp/d.err"; then
	pass "kiln run --dry-run: user-mode by default, kiln.conf's forwards, --pcap; nothing claimed reachable (nothing is bound)"
else
	fail "kiln run forwards from kiln.conf" "status $rc: $(tail -n 1 "$tmp/d.out") / $(grep reachable "$tmp/d.err")"
fi
"$KILN" run -t unix --dry-run --port-forward=udp:25353:53 netfwd >"$tmp/d.out" 2>"$tmp/d.err"; rc=$?
if [ $rc -eq 0 ] && [ "$(tail -n 1 "$tmp/d.out")" = "netfwd/_build/unix/netprobe.unix --net:service=user --port-forward=tcp:18080:80 --port-forward=udp:25353:53" ] &&
	! grep -q "reachable" "$tmp/d.err"; then
	pass "kiln run --port-forward replaces only kiln.conf's forward for that guest port (--dry-run claims nothing)"
else
	fail "kiln run --port-forward override" "status $rc: $(tail -n 1 "$tmp/d.out")"
fi
# A forward for a new guest port is added; one for the udp half of an
# unprefixed (udp+tcp) line leaves its tcp half.
cp -r netfwd netfwd2
printf 'forward = 5300:53\n' >>netfwd2/kiln.conf
sed -i '/forward = udp:15353:53/d' netfwd2/kiln.conf
"$KILN" run -t unix --dry-run --port-forward=udp:25353:53 --port-forward=tcp:18090:90 netfwd2 \
	>"$tmp/d.out" 2>"$tmp/d.err"; rc=$?
want="netfwd2/_build/unix/netprobe.unix --net:service=user --port-forward=tcp:18080:80 --port-forward=tcp:5300:53 --port-forward=udp:25353:53 --port-forward=tcp:18090:90"
[ $rc -eq 0 ] && [ "$(tail -n 1 "$tmp/d.out")" = "$want" ] &&
	pass "--port-forward adds a new guest port's forward and keeps the other protocol of an udp+tcp line" ||
	fail "--port-forward merge" "status $rc: '$(tail -n 1 "$tmp/d.out")', expected '$want'"
"$KILN" run -t unix --dry-run --net:service=tap0 --pcap=c.pcap netprobe >"$tmp/d.out" 2>"$tmp/d.err"; rc=$?
if [ $rc -eq 0 ] && [ "$(tail -n 1 "$tmp/d.out")" = "netprobe/_build/unix/netprobe.unix --net:service=tap0 --pcap=c.pcap" ] &&
	! grep -q "user-mode" "$tmp/d.err"; then
	pass "kiln run: a net device given a tap stays on it"
else
	fail "kiln run with a tap" "status $rc: $(tail -n 1 "$tmp/d.out")"
fi
run_error() { # what, expected status, expected line, args...
	local what=$1 st=$2 want=$3; shift 3
	"$KILN" run -t unix --dry-run "$@" >"$tmp/r.out" 2>"$tmp/r.err"; local rc=$?
	if [ $rc -eq "$st" ] && [ "$(grep -c '^kiln: ' "$tmp/r.err")" -ge 1 ] && [ "$(tail -n 1 "$tmp/r.err")" = "$want" ] && [ ! -s "$tmp/r.out" ]; then
		pass "kiln run error: $what"
	else
		fail "kiln run error: $what" "status $rc: $(tail -n 1 "$tmp/r.err")"
	fi
}
run_error "bad --port-forward" 2 "kiln: --port-forward=udp:1:0: expected [udp:|tcp:]HOSTPORT:GUESTPORT, ports 1 to 65535" --port-forward=udp:1:0 netprobe
run_error "--port-forward with only taps" 2 "kiln: --port-forward=8080:80: forwards go to user-mode networking, and every net device is given a tap" --net:service=tap0 --port-forward=8080:80 netprobe
run_error "--port-forward without a net device" 2 "kiln: --port-forward=8080:80: the appliance declares no net device" --block:disk=disk.img --port-forward=8080:80 blockprobe
cp -r netprobe badfwd && rm -rf badfwd/_build && echo 'forward = udp:5353' >>badfwd/kiln.conf
run_error "bad forward in kiln.conf" 1 "kiln: badfwd/kiln.conf:4: bad forward 'udp:5353': expected [udp:|tcp:]HOSTPORT:GUESTPORT, ports 1 to 65535" badfwd

# Bad network option values: one clear line, exit 1, the appliance never runs.
net_error() { # what, expected message part, args...
	local what=$1 want=$2; shift 2
	timeout 10 "$nimg" "$@" >"$tmp/o.out" 2>"$tmp/o.err"; local rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/o.err")" -eq 1 ] && grep -qF -- "$want" "$tmp/o.err" && ! grep -q '^mac' "$tmp/o.out"; then
		pass "unix net option error: $what"
	else
		fail "unix net option error: $what" "status $rc, stderr: $(cat "$tmp/o.err")"
	fi
}
net_error "port out of range" "netprobe: --port-forward=udp:99999:53: expected [udp:|tcp:]HOSTPORT:GUESTPORT, ports 1-65535" \
	--net:service=user --port-forward=udp:99999:53
net_error "forward without a port" "--port-forward=8080: expected [udp:|tcp:]HOSTPORT:GUESTPORT" --net:service=user --port-forward=8080
net_error "forward on a tap" "--port-forward=8080:80: forwards go to user-mode networking; give a net device as --net:NAME=user" \
	--net:service=tap0 --port-forward=8080:80
net_error "bad impair spec" "--net-impair=loss:abc" --net:service=user --net-impair=loss:abc
net_error "pcap in a missing directory" "--pcap=/nonexistent/x.pcap: No such file or directory" --net:service=user --pcap=/nonexistent/x.pcap
net_error "pcap given twice" "--pcap=b: given twice" --net:service=user --pcap=a --pcap=b
net_error "bad MAC" "netprobe: --net-mac:service=01:00:00:00:00:01: expected six hex pairs like 02:00:00:00:00:01, not a multicast address" \
	--net:service=user --net-mac:service=01:00:00:00:00:01
busy=$((41000 + $$ % 20000))
# The holder says "bound" once it holds the port (python takes its time to
# start on a loaded machine): waited for, with a bound, not slept on.
python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",int(sys.argv[1]))); print("bound", flush=True); time.sleep(30)' $busy >"$tmp/busy.out" &
busy_pid=$!
for _ in $(seq 200); do grep -q '^bound' "$tmp/busy.out" && break; sleep 0.1; done
grep -q '^bound' "$tmp/busy.out" || fail "host port in use: setup" "python3 did not bind 127.0.0.1:$busy/udp in 20 s"
net_error "host port in use" "netprobe: cannot listen on 127.0.0.1:$busy for net device 'service': Address already in use; pick another host port, e.g. --port-forward=udp:$((busy + 1)):7" \
	--net:service=user --port-forward=udp:$busy:7
kill $busy_pid 2>/dev/null; wait $busy_pid 2>/dev/null
if "$img" --block:disk=disk.img --pcap=x.pcap >/dev/null 2>"$tmp/e"; then
	fail "pcap without a net device" "accepted"
else
	grep -q "blockprobe: --pcap: the appliance declares no net device" "$tmp/e" &&
		pass "unix net option error: --pcap on an appliance without a net device" ||
		fail "pcap without a net device" "$(cat "$tmp/e")"
fi
"$nimg" --help >"$tmp/h.out" 2>&1
if grep -q -- '--net:NAME=user' "$tmp/h.out" && grep -q -- '--port-forward=' "$tmp/h.out" &&
	grep -q -- '--pcap=FILE' "$tmp/h.out" && grep -q -- '--net-impair=' "$tmp/h.out" &&
	grep -q -- '--net-mac:NAME=MAC' "$tmp/h.out"; then
	pass "--help lists --net:NAME=user, --port-forward, --pcap, --net-impair and --net-mac"
else
	fail "--help" "$(tr '\n' '|' <"$tmp/h.out")"
fi

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
