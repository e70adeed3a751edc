#!/usr/bin/env bash
# tests/netstack/linux.sh: kiln's own network stack (lib/net) against Linux's,
# over a tap device inside a network namespace this test creates: the
# udpecho appliance (tests/netstack/fixtures/udpecho) on the unix target and,
# where /dev/kvm works, on hvt under the tender. Linux's ping gets replies
# (plain, fragmented, and a 5,000-packet flood on unix with 0% loss), nc -u
# gets its datagram echoed, an 8000-byte datagram comes back whole (fragmented
# both ways), a closed port answers port unreachable, a datagram with a bad
# checksum is counted, the appliance prints its counters on exit, and
# tshark, with every checksum check on, finds every frame kiln sent
# well-formed. KEEP_PCAP=PATH keeps the captures as PATH.unix and PATH.hvt.
AREA=netstack
. "$(dirname "$0")/../lib.sh"
need_root || finish
[ -x "$KILN" ] || { fail "setup" "$KILN is not built (make tools)"; finish; }
command -v ping >/dev/null || { skip "all" "ping is not installed"; finish; }
tmp=$(tmpdir_new)
cp -r "$KILN_ROOT/tests/netstack/fixtures/udpecho" "$tmp/" && rm -rf "$tmp/udpecho/_build"

# udp_checks NS ADDR: the UDP checks, from Python inside the namespace; prints
# one word per check that passed.
udp_checks() {
	ip netns exec "$1" python3 - "$2" <<'PY'
import socket, struct, sys
addr = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
data = bytes((i * 7 + i // 256) & 255 for i in range(8000))
s.sendto(data, (addr, 7))
try:
    r, _ = s.recvfrom(70000)
    if r == data: print("big")
except OSError: pass
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.settimeout(3)
c.connect((addr, 9))
c.send(b"anyone?")
try: c.recv(10)
except ConnectionRefusedError: print("refused")
except OSError: pass
# A datagram whose checksum is wrong: a raw socket writes our own UDP header.
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
raw.sendto(struct.pack(">HHHH", 40000, 7, 12, 0x1234) + b"bad!", (addr, 0))
s.sendto(b"quit", (addr, 7))
PY
}

# run_target TARGET: build, boot in a fresh namespace on a tap, check.
run_target() {
	local t=$1 img out=$tmp/$1.out ns tap=ktap$$
	if ! img=$("$KILN" build -t "$t" "$tmp/udpecho" 2>"$tmp/$t.build" | tail -n 1) || [ ! -x "$img" ]; then
		fail "$t: build udpecho" "$(tail -n 3 "$tmp/$t.build" | tr '\n' ' ')"
		return
	fi
	if [ "$t" = hvt ] && [ -x "$KILN_ROOT/scripts/check-sse" ]; then
		check "hvt: the stack's image has no SSE/x87 code" "$KILN_ROOT/scripts/check-sse" "$img"
	fi
	netns_new ns && tap_new "$ns" "$tap" 10.9.7.1/24 ||
		{ fail "$t: namespace and tap" "cannot create"; return; }
	local pcap=$tmp/$t.pcap
	local cmd=("$img" "--net:service=$tap" "--pcap=$pcap" --)
	[ "$t" = hvt ] && cmd=("$TENDER" --mem=32 "--net:service=$tap" "--pcap=$pcap" -- "$img")
	bg_start ip netns exec "$ns" timeout 150 "${cmd[@]}" --ipv4=10.9.7.2/24 >"$out" 2>&1
	local pid=$BG_PID
	if ! wait_for 60 grep -q '^udpecho: ready' "$out"; then
		fail "$t: appliance starts" "$(tail -n 3 "$out" | tr '\n' ' ')"
		return
	fi
	if ip netns exec "$ns" ping -c 3 -i 0.2 -W 5 10.9.7.2 >"$tmp/$t.ping" 2>&1; then
		pass "$t: ping 10.9.7.2 answered by kiln's stack (3/3)"
	else
		fail "$t: ping" "$(grep -E 'loss|rror' "$tmp/$t.ping" | tr '\n' ' ')"
	fi
	if ip netns exec "$ns" ping -c 2 -s 3000 -W 5 10.9.7.2 >"$tmp/$t.pingf" 2>&1; then
		pass "$t: 3000-byte ping answered (fragments reassembled and sent)"
	else
		fail "$t: fragmented ping" "$(grep -E 'loss|rror' "$tmp/$t.pingf" | tr '\n' ' ')"
	fi
	if [ "$t" = unix ]; then
		if ip netns exec "$ns" ping -f -c 5000 -w 60 10.9.7.2 >"$tmp/flood" 2>&1 &&
			grep -q ' 0% packet loss' "$tmp/flood"; then
			pass "$t: flood ping, 5000 packets, 0% loss ($(grep -o 'rtt.*' "$tmp/flood"))"
		else
			fail "$t: flood ping" "$(grep -E 'loss' "$tmp/flood")"
		fi
	fi
	local echoed
	echoed=$(echo "hello kiln" | ip netns exec "$ns" timeout 10 nc -u -w 2 10.9.7.2 7 2>&1)
	if [ "$echoed" = "hello kiln" ]; then
		pass "$t: nc -u gets its datagram echoed"
	else
		fail "$t: nc -u echo" "got '$echoed'"
	fi
	local words
	words=$(udp_checks "$ns" 10.9.7.2 2>&1 | tr '\n' ' ')
	case "$words" in *big*) pass "$t: 8000-byte UDP datagram echoed whole (fragmented both ways)" ;;
		*) fail "$t: 8000-byte UDP echo" "$words" ;; esac
	case "$words" in *refused*) pass "$t: closed UDP port answers ICMP port unreachable" ;;
		*) fail "$t: port unreachable" "$words" ;; esac
	if ! wait_for 30 grep -q '^udpecho: echoed' "$out"; then
		fail "$t: appliance ends on quit" "$(tail -n 3 "$out" | tr '\n' ' ')"
		return
	fi
	wait "$pid"
	if grep -q '^service: udp.rx_bad_checksum = 1 ' "$out"; then
		pass "$t: a datagram with a bad checksum is dropped and counted"
	else
		fail "$t: bad checksum counted" "$(grep udp "$out" | tr '\n' ' ')"
	fi
	if grep -q '^service: icmp.tx_echo_replies = ' "$out" && grep -q '^service: ipv4.reass_done = ' "$out"; then
		pass "$t: counters printed on exit"
	else
		fail "$t: counters printed" "$(tail -n 5 "$out" | tr '\n' ' ')"
	fi
	pcap_check "$t" "$pcap"
	[ -n "${KEEP_PCAP:-}" ] && cp "$pcap" "$KEEP_PCAP.$t"
}

# pcap_check TARGET FILE: Wireshark's dissectors, with every checksum check
# on, find nothing wrong in any frame kiln sent (ARP, ICMP, UDP, fragments).
pcap_check() {
	local t=$1 f=$2 ours='ip.src == 10.9.7.2 || arp.src.proto_ipv4 == 10.9.7.2'
	if ! command -v tshark >/dev/null; then
		skip "$t: frames checked by tshark" "tshark is not installed"
		return
	fi
	local opts=(-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE)
	local sent bad
	sent=$(tshark -r "$f" "${opts[@]}" -Y "$ours" 2>/dev/null | wc -l)
	bad=$(tshark -r "$f" "${opts[@]}" -Y "($ours) && (_ws.malformed || _ws.expert.severity >= warning || ip.checksum.status == \"Bad\" || udp.checksum.status == \"Bad\" || icmp.checksum.status == \"Bad\")" 2>/dev/null | head -n 3)
	if [ "$sent" -gt 10 ] && [ -z "$bad" ]; then
		pass "$t: tshark finds all $sent frames kiln sent well-formed, checksums right"
	else
		fail "$t: frames checked by tshark" "$sent frames; flagged: $(echo "$bad" | tr '\n' '|')"
	fi
}

run_target unix
if kvm_usable && [ -x "$TENDER" ]; then
	run_target hvt
else
	skip "hvt: ping and UDP echo" "/dev/kvm is missing or not usable, or the tender is not built"
fi
finish
