#!/usr/bin/env bash
# tests/netdev/forward.sh: user-mode networking (libslirp, hostnet/) end to
# end through `kiln run`, on the unix target and on hvt (the tender): the
# appliance boots with its net device on user-mode networking (no root, no
# tap), its ARP request is answered, UDP datagrams sent to the forwarded
# port on 127.0.0.1 arrive as frames, the tender runs confined (seccomp) while
# libslirp serves them, and --pcap writes a capture tshark reads. Also the
# tender's errors for bad network options. Test appliance:
# tests/kiln/fixtures/netprobe (N = frames to wait for).
AREA=netdev
. "$(dirname "$0")/../lib.sh"
[ -x "$KILN" ] || { fail "setup" "$KILN is not built (make tools)"; finish; }
tmp=$(tmpdir_new)
cp -r "$KILN_ROOT/tests/kiln/fixtures/netprobe" "$tmp/" && rm -rf "$tmp/netprobe/_build"
cd "$tmp" || exit 1
# A host port of our own: parallel runs must not collide.
port=$((30000 + $$ % 20000))

# send_when_ready FILE PORT: once FILE shows "sent", two UDP datagrams to PORT.
send_when_ready() {
	wait_for 30 grep -q '^sent' "$1" || return
	sleep 0.5 # the guest is in its first yield: frames queue for it anyway
	python3 - "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(2):
    s.sendto(b"kiln%d" % i, ("127.0.0.1", int(sys.argv[1])))
PY
}

# run_forward TARGET: kiln run with a forward; the appliance waits for 3 frames.
run_forward() {
	local t=$1 out=$tmp/$1.out err=$tmp/$1.err
	timeout 300 "$KILN" run -t "$t" --port-forward=udp:$port:7 --pcap="$tmp/$t.pcap" netprobe -- 3 \
		>"$out" 2>"$err" &
	local pid=$!
	send_when_ready "$out" $port
	wait $pid
	local rc=$?
	if [ $rc -eq 0 ] && grep -qE '^received [0-9]+ bytes, type 0806$' "$out" &&
		grep -qx "udp payload 'kiln0'" "$out" && grep -qx "udp payload 'kiln1'" "$out" &&
		grep -qx "kiln: netprobe is reachable at udp 127.0.0.1:$port -> port 7 (user-mode networking on net device 'service'; no root needed)" "$err"; then
		pass "$t: kiln run on user-mode networking: ARP answered, UDP to 127.0.0.1:$port arrives at port 7"
	else
		fail "$t: user-mode networking through kiln run" "status $rc: $(tr '\n' '|' <"$out") $(grep -v '^cc \|^ar \|^	' "$err" | tail -n 3 | tr '\n' ' ')"
	fi
	if ! command -v tshark >/dev/null; then
		skip "$t: --pcap" "tshark is not installed"
	elif tshark -r "$tmp/$t.pcap" -T fields -e udp.dstport -e arp.opcode >"$tmp/$t.ts" 2>"$tmp/$t.tserr" &&
		[ "$(grep -c '^7' "$tmp/$t.ts")" -eq 2 ] && grep -qP '^\t1$' "$tmp/$t.ts" && grep -qP '^\t2$' "$tmp/$t.ts"; then
		pass "$t: --pcap: tshark reads the ARP request and reply and both datagrams"
	else
		fail "$t: --pcap" "$(tr '\n\t' '| ' <"$tmp/$t.ts") $(head -n 2 "$tmp/$t.tserr")"
	fi
}

# impair_check TARGET CMD...: CMD (given --net-impair=dup:100) duplicates
# every frame: the one ARP request gets two answers.
impair_check() {
	local t=$1; shift
	timeout 120 "$@" >"$tmp/i.out" 2>"$tmp/i.err"
	local rc=$?
	if [ $rc -eq 0 ] && [ "$(grep -c 'type 0806$' "$tmp/i.out")" -eq 2 ]; then
		pass "$t: --net-impair=dup:100: the ARP answer arrives twice"
	else
		fail "$t: --net-impair" "status $rc: $(tr '\n' '|' <"$tmp/i.out") $(cat "$tmp/i.err")"
	fi
}

run_forward unix
impair_check unix "$tmp/netprobe/_build/unix/netprobe.unix" --net:service=user \
	--net-impair=dup:100,seed:7 -- 2

# --- hvt ----------------------------------------------------------------------
if ! kvm_usable; then
	skip "hvt" "/dev/kvm is missing or not usable by $(id -un)"
	finish
fi
if [ ! -x "$TENDER" ]; then
	fail "hvt" "$TENDER is not built (make tools)"
	finish
fi
run_forward hvt

img=$("$KILN" build -t hvt netprobe 2>/dev/null | tail -n 1)
impair_check hvt "$TENDER" --mem=32 --net:service=user --net-impair=dup:100,seed:7 -- "$img" 2
# Confined: Seccomp 2 while libslirp serves a datagram for the guest.
timeout 300 "$TENDER" --mem=32 --net:service=user --port-forward=udp:$port:7 -- "$img" 3 >"$tmp/s.out" 2>"$tmp/s.err" &
pid=$!
wait_for 30 grep -q '^sent' "$tmp/s.out"
# The tender is timeout's child (it exec'd tender-slirp in place).
tpid=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null | awk '{print $1}')
mode=$(awk '/^Seccomp:/ {print $2}' "/proc/${tpid:-none}/status" 2>/dev/null)
exe=$(readlink "/proc/${tpid:-none}/exe")
send_when_ready "$tmp/s.out" $port
wait $pid
rc=$?
if [ $rc -eq 0 ] && [ "$mode" = 2 ] && [ "${exe##*/}" = tender-slirp ] && [ "$(grep -c '^udp payload' "$tmp/s.out")" -eq 2 ]; then
	pass "hvt: tender-slirp serves user-mode networking confined (Seccomp: 2)"
else
	fail "hvt: user-mode networking under seccomp" "status $rc, Seccomp '$mode', exe '$exe': $(tr '\n' '|' <"$tmp/s.out") $(cat "$tmp/s.err")"
fi

# Bad values: one line, exit 1, no guest run.
tender_error() { # what, expected line part, args...
	local what=$1 want=$2; shift 2
	timeout 60 "$TENDER" "$@" >"$tmp/e.out" 2>"$tmp/e.err"; local rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/e.err")" -eq 1 ] && grep -qF -- "$want" "$tmp/e.err" && [ ! -s "$tmp/e.out" ]; then
		pass "hvt: tender error: $what"
	else
		fail "hvt: tender error: $what" "status $rc: $(cat "$tmp/e.err")"
	fi
}
tender_error "bad port forward" "tender: --port-forward=udp:0:53: expected [udp:|tcp:]HOSTPORT:GUESTPORT, ports 1-65535" \
	--net:service=user --port-forward=udp:0:53 "$img"
tender_error "forward without a user-mode device" "tender: --port-forward=8080:80: forwards go to user-mode networking" \
	--net:service=lo --port-forward=8080:80 "$img"
tender_error "bad impair spec" "tender: --net-impair=loss:x: expected" --net:service=user --net-impair=loss:x "$img"
tender_error "pcap that cannot be written" "tender: --pcap=/nonexistent/x.pcap: No such file or directory" \
	--net:service=user --pcap=/nonexistent/x.pcap "$img"
tender_error "pcap given twice" "--pcap given twice" --net:service=user --pcap=a --pcap=b "$img"
tender_error "bad MAC" "tender: --net-mac:service=ff:00:00:00:00:01: expected six hex pairs like 02:00:00:00:00:01, not a multicast address" \
	--net:service=user --net-mac:service=ff:00:00:00:00:01 "$img"
tender_error "MAC for an undeclared device" "tender: --net-mac:other=02:00:00:00:00:01: the image declares no net device other" \
	--net:service=user --net-mac:other=02:00:00:00:00:01 "$img"
# The MAC: the same at every boot (a DHCP server then gives the lease again),
# or the one --net-mac gives.
m1=$(timeout 60 "$TENDER" --mem=32 --net:service=user "$img" 2>/dev/null | grep '^mac ' | cut -d' ' -f2)
m2=$(timeout 60 "$TENDER" --mem=32 --net:service=user "$img" 2>/dev/null | grep '^mac ' | cut -d' ' -f2)
m3=$(timeout 60 "$TENDER" --mem=32 --net:service=user --net-mac:service=02:42:00:00:00:2a "$img" 2>/dev/null | grep '^mac ' | cut -d' ' -f2)
if [ -n "$m1" ] && [ "$m1" = "$m2" ] && [ "$m3" = 02:42:00:00:00:2a ]; then
	pass "hvt: the MAC is the same at every boot ($m1); --net-mac:service=MAC sets it"
else
	fail "hvt: stable MAC" "first '$m1', second '$m2', with --net-mac '$m3'"
fi
hello=$("$KILN" build -t hvt "$KILN_ROOT/examples/hello" 2>/dev/null | tail -n 1)
tender_error "pcap for an image without a net device" "tender: --pcap: the image declares no net device" \
	--pcap="$tmp/h.pcap" "$hello"
"$TENDER" --help >"$tmp/h.out" 2>&1
if grep -q -- '--net:NAME=user' "$tmp/h.out" && grep -q -- '--port-forward=' "$tmp/h.out" &&
	grep -q -- '--pcap=FILE' "$tmp/h.out" && grep -q -- '--net-impair=' "$tmp/h.out" &&
	grep -q -- '--net-mac:NAME=MAC' "$tmp/h.out"; then
	pass "hvt: tender --help lists --net:NAME=user, --port-forward, --pcap, --net-impair and --net-mac"
else
	fail "hvt: tender --help" "$(tr '\n' '|' <"$tmp/h.out")"
fi
finish
