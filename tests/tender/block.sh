#!/usr/bin/env bash
# block.sh: a file as a block device: a block written is read back; a
# misaligned, out-of-range, multi-block or wrong-handle request gets EINVAL
# (fixtures/block.S).
. "$(dirname "$0")/common.inc"
need_built "$TENDER" "$FIX/hello.hvt" "$FIX/block.hvt"
if ! kvm_usable; then
	skip "block device" "$KVM_WHY"
	finish
fi

truncate -s 64K "$TMP/disk"
run_tender --block:storage="$TMP/disk" "$FIX/block.hvt" r
if [ "$rc" -eq 0 ] && [ "$out" = "block: ok" ]; then
	pass "block write/read round trip, EINVAL for misaligned, out-of-range, 2-block, bad handle"
else
	fail "block round trip and EINVAL checks" "status $rc (10+k: check k failed), stdout '$out', stderr '$err'"
fi
want=$(head -c 512 /dev/zero | tr '\0' x | sed 's/x\{8\}/kiln-blk/g')
got=$(dd if="$TMP/disk" bs=512 skip=1 count=1 2>/dev/null)
if [ "$got" = "$want" ]; then
	pass "the written block is in the file at offset 512"
else
	fail "the written block is in the file at offset 512" "file holds '${got:0:32}...'"
fi

truncate -s 1000 "$TMP/odd"
expect_error "a file whose size is not a multiple of 512" 1 'Backing storage size must be block aligned .512 bytes' \
	--block:storage="$TMP/odd" "$FIX/block.hvt" r
finish
