#!/usr/bin/env bash
# sector.sh: --block-sector-size:NAME=SIZE: the guest (tests/hvt/guests/
# blockdev) sees the size, writes and reads whole blocks of it (at the
# block's offset in the host file), and gets EINVAL for a 512-byte part of a
# larger block; a size that is no power of two from 512 to 32768, a file not
# a multiple of it, or a name no block device has end the tender with status
# 1 and Solo5's words.
AREA=tender
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../hvt/guest-lib.bash"

need_kvm "sector size" || exit 0
[ -x "$TENDER" ] || { fail "setup" "build/bin/tender is not built (make tools)"; finish; }
tmp=$(tmpdir_new)
img=$(hvt_build "$GUESTS/blockdev") || { fail "build guest blockdev"; finish; }

for bs in 512 4096 32768; do
	disk=$tmp/disk$bs.img
	head -c $((16 * bs)) /dev/zero >"$disk"
	printf 'host wrote this.' | dd of="$disk" conv=notrunc status=none
	opt=(--block-sector-size:disk=$bs)
	[ $bs = 512 ] && opt=() # the default
	hvt_run --block:disk="$disk" "${opt[@]}" "$img"
	want=$(python3 -c "import sys; sys.stdout.write(bytes((i * 7 + 1) & 255 for i in range($bs)).hex())")
	got=$(dd if="$disk" bs=$bs skip=3 count=1 status=none | od -An -v -tx1 | tr -d ' \n')
	if [ $RUN_STATUS -eq 0 ] && grep -q "^blockdev: 0 wrong" <<<"$RUN_OUT" &&
	   grep -q "^capacity $((16 * bs)) block_size $bs handle 1" <<<"$RUN_OUT" &&
	   grep -q "^block0 host wrote this." <<<"$RUN_OUT" && [ "$got" = "$want" ]; then
		pass "sector size $bs: the guest sees it, block 3 is at $((3 * bs)) in the file, EINVAL for parts of a block"
	else
		fail "sector size $bs" "status $RUN_STATUS: $(grep -v '^ok' <<<"$RUN_OUT" | tr '\n' '|')"
	fi
done

# expect_refused WHAT STATUS TEXT ARGS...
expect_refused() {
	local what=$1 want=$2 text=$3; shift 3
	hvt_run "$@"
	if [ $RUN_STATUS -eq "$want" ] && grep -q "$text" <<<"$RUN_OUT" &&
	   [ "$(wc -l <<<"$RUN_OUT")" -eq 1 ]; then
		pass "$what: status $want, one line"
	else
		fail "$what" "status $RUN_STATUS: $RUN_OUT"
	fi
}
head -c 6144 /dev/zero >"$tmp/misaligned.img"
expect_refused "a 6 KiB file with 4096-byte sectors" 1 "Backing storage size must be block aligned" \
	--block:disk="$tmp/misaligned.img" --block-sector-size:disk=4096 "$img"
for bad in 521 256 65536 1000000000000 x ""; do
	expect_refused "sector size '$bad'" 1 "Block size must be a multiple of 2 greater than or equal 512\|SIZE is not a number\|expected --block-sector-size" \
		--block:disk="$tmp/disk512.img" --block-sector-size:disk=$bad "$img"
done
expect_refused "a sector size for an undeclared device" 1 "declares no block device nope" \
	--block:disk="$tmp/disk512.img" --block-sector-size:nope=4096 "$img"
expect_refused "a sector size given twice" 1 "given twice" \
	--block:disk="$tmp/disk512.img" --block-sector-size:disk=4096 --block-sector-size:disk=512 "$img"
finish
