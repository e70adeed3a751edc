#!/usr/bin/env bash
# tests/hvt/devices.sh: the guest's block and net calls through the tender: a
# block written and read back (and seen in the host file), a frame sent out of
# a tap and one received after kiln_yield (docs/hvt-guest.md).
AREA=hvt
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/guest-lib.bash"

need_kvm "devices" || exit 0
if [ ! -x "$TENDER" ]; then
	skip "devices" "build/bin/tender is not built (make tools)"
	exit 0
fi
tmp=$(tmpdir_new)

# --- block ------------------------------------------------------------------
if img=$(hvt_build "$GUESTS/blockdev"); then
	disk=$tmp/disk.img
	head -c 65536 /dev/zero >"$disk"
	printf 'host wrote this.' | dd of="$disk" conv=notrunc status=none
	hvt_run --block:disk="$disk" "$img"
	want=$(python3 -c 'import sys; sys.stdout.write(bytes((i * 7 + 1) & 255 for i in range(512)).hex())')
	got=$(dd if="$disk" bs=512 skip=3 count=1 status=none | od -An -v -tx1 | tr -d ' \n')
	if [ $RUN_STATUS -eq 0 ] && grep -q "^blockdev: 0 wrong" <<<"$RUN_OUT" &&
	   grep -q "^capacity 65536 block_size 512 handle 1" <<<"$RUN_OUT" &&
	   grep -q "^block0 host wrote this." <<<"$RUN_OUT" && [ "$got" = "$want" ]; then
		pass "block: acquire, write/read back (in the host file too), EINVAL for bad handle/offset/size"
	else
		fail "block" "status $RUN_STATUS: $(grep -v '^ok' <<<"$RUN_OUT" | tr '\n' '|')"
	fi
else
	fail "build guest blockdev"
fi

# --- net --------------------------------------------------------------------
if ! need_root "net"; then
	finish
fi
if img=$(hvt_build "$GUESTS/netdev"); then
	ns=$(netns_new)
	tap_new "$ns" tapkiln0 10.77.0.1/24
	log=$tmp/netdev.log
	bg_start ip netns exec "$ns" timeout 60 "$TENDER" --mem=32 ${HVT_TENDER_OPTS:-} \
		--net:service=tapkiln0 -- "$img" >"$log" 2>&1
	pid=$BG_PID
	wait_for 20 grep -q "write a frame" "$log"
	# ARP requests for an address behind the tap: broadcast frames to the guest
	# (the kernel may send IPv6 solicitations first; any frame will do).
	ip netns exec "$ns" ping -c 3 -i 0.3 -W 1 10.77.0.2 >/dev/null 2>&1
	wait "$pid"
	status=$?
	rx=$(ip -n "$ns" -s -j link show tapkiln0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])')
	out=$(cat "$log")
	if [ $status -eq 0 ] && grep -q "^netdev: 0 wrong" <<<"$out" &&
	   grep -q "^received [0-9]* bytes" <<<"$out" && [ "${rx:-0}" -ge 1 ]; then
		pass "net: acquire (mac, mtu), a frame out of the tap, kiln_yield wakes for a frame from the host"
	else
		fail "net" "status $status, tap rx ${rx:-?}: $(grep -v '^ok' <<<"$out" | tr '\n' '|')"
	fi
else
	fail "build guest netdev"
fi
finish
