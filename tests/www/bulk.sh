#!/bin/bash
# tests/www/bulk.sh: a large transfer each way between the unix appliance and
# Linux (curl down, nc up) over a tap, intact (sha256 / cksum), over a clean
# link and again with the appliance's own seeded impairment
# (--net-impair=loss:5,reorder:10,dup:1,seed:1, docs/hostnet.md).
#   WWW_BULK_MIB (default 256): the size each way, and from Linux to the
#   appliance on the impaired link; WWW_BULK_IMPAIRED_DOWN_MIB (default 256):
#   from the appliance to Linux on the impaired link (~6 s here with lib/tcp's
#   RACK-TLP, ~1 timeout; Linux as the sender ~5 s; docs/tcp.md, "Loss
#   recovery as a sender").
AREA=www; . "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/www_lib.sh"

MIB=${WWW_BULK_MIB:-256}
BYTES=$((MIB * 1024 * 1024))
IMP_DOWN_MIB=${WWW_BULK_IMPAIRED_DOWN_MIB:-256}
need_root "bulk" || finish
www_build unix || { fail "build" "see above"; finish; }
tmp=$(tmpdir_new)
head -c $BYTES /dev/urandom >"$tmp/up.bin"
up_sum=$(cksum <"$tmp/up.bin")

run() { # LABEL DOWN_MIB [IMPAIR]
	local label=$1 down=$2 t0 t1 got want
	WWW_NET_OPTS=()
	[ -n "${3:-}" ] && WWW_NET_OPTS=("--net-impair=$3")
	www_start_unix || { fail "$label: start" "$(tail -n 1 "$WWW_LOG")"; return; }
	want=$(pattern $((down * 1048576)) | sha256sum | cut -d' ' -f1)
	t0=$(date +%s.%N)
	got=$(in_ns timeout 300 curl -s -m 290 "http://$WWW_IP/bytes/$((down * 1048576))" | sha256sum | cut -d' ' -f1)
	t1=$(date +%s.%N)
	if [ "$got" = "$want" ]; then
		pass "$label: $down MiB appliance -> Linux intact (sha256) in $(echo "$t1 - $t0" | bc | cut -c1-5) s"
	else fail "$label: $down MiB appliance -> Linux" "sha256 differs"; fi
	t0=$(date +%s.%N)
	got=$(in_ns timeout 300 nc -N -w 60 "$WWW_IP" 81 <"$tmp/up.bin")
	t1=$(date +%s.%N)
	if [ "$got" = "$up_sum" ]; then
		pass "$label: $MIB MiB Linux -> appliance intact (cksum $got) in $(echo "$t1 - $t0" | bc | cut -c1-5) s"
	else fail "$label: $MIB MiB Linux -> appliance" "cksum '$got', want '$up_sum'"; fi
	local stats tso frames
	stats=$(in_ns curl -s -m 10 "http://$WWW_IP/stats")
	echo "  $label: appliance TCP: $(echo "$stats" | grep -E "^tcp_(retr|rto|fast|sack)" | tr '\n' ' ')"
	tso=$(echo "$stats" | awk '$1 == "tcp_tso_sends" { print $2 }')
	frames=$(echo "$stats" | awk '$1 == "net_rx_frames" { print $2 }')
	# Offloads (docs/offload.md): on a clean tap the appliance sends TCP
	# super-segments and receives Linux's whole (far fewer frames than
	# 1448-byte segments); on an impaired link neither, faults hit frames.
	if [ -z "${3:-}" ]; then
		if [ "${tso:-0}" -gt 0 ] && [ "${frames:-0}" -gt 0 ] &&
			[ "$frames" -lt $((BYTES / 1448 / 4)) ]; then
			pass "$label: offloads in use ($tso super-segments sent, $frames frames received for $MIB MiB)"
		else fail "$label: offloads" "tcp_tso_sends '$tso', net_rx_frames '$frames' (want > 0 and < $((BYTES / 1448 / 4)))"; fi
	elif [ "${tso:-1}" -eq 0 ] && [ "${frames:-0}" -gt $((BYTES / 1500)) ]; then
		pass "$label: no offloads with --net-impair (frames of a wire's size)"
	else fail "$label: offloads with --net-impair" "tcp_tso_sends '$tso', net_rx_frames '$frames'"; fi
	if [ -z "${3:-}" ]; then # the discard service (port 9), what bench/www sends to
		got=$(in_ns timeout 60 nc -N -w 30 "$WWW_IP" 9 <"$tmp/up.bin")
		if [ "$got" = "$BYTES" ]; then pass "$label: discard port 9 took $MIB MiB"
		else fail "$label: discard port 9" "answered '$got', want $BYTES"; fi
	fi
	kill "$WWW_PID" 2>/dev/null; wait "$WWW_PID" 2>/dev/null
	[ -n "${3:-}" ] && grep -i "impair" "$WWW_LOG" | head -n 2 | sed 's/^/  /'
}
run "clean link" "$MIB"
run "impaired link (loss 5%, reorder 10%, dup 1%)" "$IMP_DOWN_MIB" "loss:5,reorder:10,dup:1,seed:1"
finish
