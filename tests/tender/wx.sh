#!/usr/bin/env bash
# wx.sh: the image's code and read-only data are read-only (W^X, as Solo5's
# tender maps them): the kiln-built tests/hvt/guests/fault writing to its
# own code, or to a const array, is ended by the tender with status 1 and
# Solo5's "host/guest translation fault" line naming an address inside a
# read-only segment; its other memory stays writable (a plain run ends 0).
# Its data is not executable: a call into a data array is a page fault on
# the instruction fetch (the guest's report, status 255). A BLOCK_READ into
# its code (tests/hvt/guests/blockdev) is a guest fault, status 255, not a
# tender crash: the tender does not write read-only memory for it either.
AREA=tender
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../hvt/guest-lib.bash"

need_kvm "W^X" || exit 0
[ -x "$TENDER" ] || { fail "setup" "build/bin/tender is not built (make tools)"; finish; }
img=$(hvt_build "$GUESTS/fault") || { fail "build guest fault"; finish; }

# The read-only PT_LOAD segments, "start end" per line, from the image.
ro=$(readelf -lW "$img" | while read -r type _ _ paddr _ memsz rest; do
	[ "$type" = LOAD ] && [[ "$rest" != *W* ]] && echo "$((paddr)) $((paddr + memsz))"
done)
in_ro() {
	local lo hi
	while read -r lo hi; do
		[ -n "$lo" ] && [ "$1" -ge "$lo" ] && [ "$1" -lt "$hi" ] && return 0
	done <<<"$ro"
	return 1
}
for how in writetext writerodata; do
	hvt_run "$img" "$how"
	addr=$(grep -o 'a write at 0x[0-9a-f]*' <<<"$RUN_OUT" | grep -o '0x[0-9a-f]*')
	if [ $RUN_STATUS -eq 1 ] &&
	   grep -q "^tender: guest fault: KVM: host/guest translation fault: rip=0x" <<<"$RUN_OUT" &&
	   ! grep -q "still running" <<<"$RUN_OUT" && [ -n "$addr" ] && in_ro $((addr)); then
		pass "$how: status 1, host/guest translation fault at $addr, in a read-only segment"
	else
		fail "$how" "status $RUN_STATUS: $(tr '\n' '|' <<<"$RUN_OUT") (read-only: $ro)"
	fi
done
hvt_run "$img" execdata
if [ $RUN_STATUS -eq 255 ] && grep -q "CPU exception 14: page fault.*error code 0x0011" <<<"$RUN_OUT" &&
   ! grep -q "still running" <<<"$RUN_OUT"; then
	pass "execdata: a call into .data is a page fault on the fetch (NX), status 255"
else
	fail "execdata" "status $RUN_STATUS: $(tr '\n' '|' <<<"$RUN_OUT")"
fi
if blk=$(hvt_build "$GUESTS/blockdev"); then
	tmp=$(tmpdir_new)
	head -c 65536 /dev/zero >"$tmp/disk"
	hvt_run --block:disk="$tmp/disk" "$blk" readintotext
	if [ $RUN_STATUS -eq 255 ] &&
	   grep -q "^tender: guest fault: BLOCK_READ buffer at 0x[0-9a-f]*, length 512, is in the image's read-only memory" <<<"$RUN_OUT" &&
	   ! grep -q "returned" <<<"$RUN_OUT"; then
		pass "a BLOCK_READ into the guest's code: guest fault, status 255"
	else
		fail "BLOCK_READ into code" "status $RUN_STATUS: $(tr '\n' '|' <<<"$RUN_OUT")"
	fi
else
	fail "build guest blockdev"
fi
hvt_run "$img" nothing
if [ $RUN_STATUS -eq 0 ] && grep -q "still running" <<<"$RUN_OUT"; then
	pass "no write to read-only memory: runs to the end"
else
	fail "a plain run" "status $RUN_STATUS: $(tr '\n' '|' <<<"$RUN_OUT")"
fi
finish
