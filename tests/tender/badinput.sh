#!/usr/bin/env bash
# badinput.sh: every kind of bad input the tender can be given gets one clear
# line and exit status 1 (docs/tender.md "Errors"): bad usage, a file that
# is not an hvt image, a bad manifest, devices missing or extra, a file or
# tap that cannot be opened, and a machine without /dev/kvm.
. "$(dirname "$0")/common.inc"
need_built "$TENDER" "$FIX/hello.hvt" "$FIX/block.hvt" "$FIX/net.hvt" \
	"$FIX/bad_abi.hvt" "$FIX/no_abi.hvt" "$FIX/bad_mft.hvt" "$FIX/bad_mft_name.hvt"

# Usage. These are refused before /dev/kvm is opened, so they run anywhere.
expect_error "no image" 1 'no IMAGE given' 
expect_error "unknown option" 1 'unknown option --frobnicate' --frobnicate "$FIX/hello.hvt"
expect_error "--mem not a number" 1 '--mem=abc: not a number' --mem=abc "$FIX/hello.hvt"
expect_error "--mem=0" 1 '--mem=0: at least 2 MiB' --mem=0 "$FIX/hello.hvt"
expect_error "--mem too large" 1 '--mem=4097: at most 4096' --mem=4097 "$FIX/hello.hvt"
expect_error "--mem with a unit" 1 '--mem=64M: not a number' --mem=64M "$FIX/hello.hvt"
expect_error "bad device name" 1 'device NAME is 1 to 67 letters' --block:a-b=x "$FIX/hello.hvt"
expect_error "device option without a value" 1 'expected NAME=VALUE' --net:service "$FIX/net.hvt"

# Images.
expect_error "image does not exist" 1 'cannot open image: No such file' "$TMP/nothing.hvt"
printf 'just text\n' >"$TMP/text"
expect_error "not an ELF" 1 'not an ELF file' "$TMP/text"
: >"$TMP/empty"
expect_error "empty file" 1 'not an ELF file' "$TMP/empty"
cp "$FIX/hello.hvt" "$TMP/pie.hvt"
printf '\003' | dd of="$TMP/pie.hvt" bs=1 seek=16 conv=notrunc 2>/dev/null # e_type = ET_DYN
expect_error "PIE (ET_DYN)" 1 'is position-independent \(ET_DYN, PIE\)' "$TMP/pie.hvt"
cp "$FIX/hello.hvt" "$TMP/arm.hvt"
printf '\267' | dd of="$TMP/arm.hvt" bs=1 seek=18 conv=notrunc 2>/dev/null # EM_AARCH64
expect_error "wrong machine" 1 'not an x86_64 image' "$TMP/arm.hvt"
head -c 100 "$FIX/hello.hvt" >"$TMP/short.hvt"
expect_error "truncated image" 1 'truncated image' "$TMP/short.hvt"
expect_error "wrong ABI note (version 1)" 1 'image is for ABI target 1 version 1' "$FIX/bad_abi.hvt"
expect_error "missing ABI note" 1 'no Solo5 ABI1 note' "$FIX/no_abi.hvt"
expect_error "bad manifest (version)" 1 'bad manifest: version 2' "$FIX/bad_mft.hvt"
expect_error "bad manifest (device name)" 1 'bad manifest: entry 1: name is not alphanumeric' "$FIX/bad_mft_name.hvt"
# A Solo5 note whose size does not fit (Solo5's tests/test_buggyelf: a
# 1-byte MFT1 descriptor; and one larger than its segment): Solo5's words.
patch_mft() { # OUT NEW_DESCSZ: hello.hvt with its MFT1 note's n_descsz replaced
	python3 - "$FIX/hello.hvt" "$1" "$2" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
phoff, = struct.unpack_from('<Q', d, 32)
phnum, = struct.unpack_from('<H', d, 56)
for i in range(phnum):
    typ, _, off = struct.unpack_from('<IIQ', d, phoff + 56 * i)
    namesz, descsz, ntype = struct.unpack_from('<III', d, off)
    if typ == 4 and d[off + 12:off + 18] == b'Solo5\0' and ntype == 0x3154464d:
        struct.pack_into('<I', d, off + 4, int(sys.argv[3]))
open(sys.argv[2], 'wb').write(d)
PY
}
patch_mft "$TMP/buggy.hvt" 1
expect_error "a 1-byte MFT1 note (Solo5's buggyelf)" 1 'bad manifest: phdr\[[0-9]+\] note does not fall within valid size' "$TMP/buggy.hvt"
patch_mft "$TMP/buggy2.hvt" 100000
expect_error "an MFT1 note larger than its segment" 1 'invalid executable: phdr\[[0-9]+\] note does not fall within valid size' "$TMP/buggy2.hvt"
expect_error "native Linux executable" 1 'no Solo5 ABI1 note|entry point .* below 0x100000|is position-independent' /bin/true

# Devices.
truncate -s 4096 "$TMP/disk"
expect_error "declared block device not given" 1 'the image needs block device storage: give --block:storage=FILE' "$FIX/block.hvt" r
expect_error "declared net device not given" 1 'the image needs net device service: give --net:service=TAPDEV' "$FIX/net.hvt" a
expect_error "undeclared device given" 1 'the image declares no device extra' --block:extra="$TMP/disk" "$FIX/hello.hvt"
expect_error "device given with the wrong kind" 1 'device storage is a block device in the image, given as --net:storage' \
	--net:storage=tap0 "$FIX/block.hvt" r
expect_error "block file cannot be opened" 1 'block device storage: cannot open .*: No such file' \
	--block:storage="$TMP/missing" "$FIX/block.hvt" r
expect_error "tap device does not exist" 1 'net device service: cannot open tap device kilnnotap0: no such interface' \
	--net:service=kilnnotap0 "$FIX/net.hvt" a

# No /dev/kvm: a private mount namespace where /dev is empty.
if [ "$(id -u)" -ne 0 ]; then
	skip "no /dev/kvm" "needs root for a private mount namespace"
elif ! command -v unshare >/dev/null; then
	skip "no /dev/kvm" "unshare(1) is not installed"
else
	timeout 30 unshare -m sh -c "mount -t tmpfs kiln-nokvm /dev && exec $TENDER $FIX/hello.hvt" \
		>"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$? err=$(cat "$TMP/err")
	if [ "$rc" -eq 1 ] && [ "$err" = "tender: no /dev/kvm: this machine offers no KVM, which hvt images need (use the unix target)" ]; then
		pass "no /dev/kvm ($err)"
	else
		fail "no /dev/kvm" "status $rc, stderr '$err'"
	fi
	: >"$TMP/fakekvm"
	timeout 30 unshare -m sh -c "mount -t tmpfs kiln-nokvm /dev && touch /dev/kvm && mount --bind $TMP/fakekvm /dev/kvm && exec $TENDER $FIX/hello.hvt" \
		>"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$? err=$(cat "$TMP/err")
	if [ "$rc" -eq 1 ] && printf '%s' "$err" | grep -q '/dev/kvm is not a usable KVM device'; then
		pass "/dev/kvm that is not KVM ($err)"
	else
		fail "/dev/kvm that is not KVM" "status $rc, stderr '$err'"
	fi
fi
finish
