#!/usr/bin/env bash
# tests/kiln/durable.sh: kiln_block_flush() reaches stable storage: on unix
# it is an fdatasync of the device's file after the write; on hvt the tender
# opens block files O_DSYNC (platform.h, docs/hvt-abi.md "Durability").
AREA=kiln . "$(dirname "$0")/../lib.sh"
command -v strace >/dev/null || { skip all "strace is not installed (scripts/deps test)"; exit 0; }
tmp=$(tmpdir_new)
cp -r "$KILN_ROOT/tests/kiln/fixtures/blockprobe" "$tmp/"
rm -rf "$tmp/blockprobe/_build"
cd "$tmp"
truncate -s 8192 disk.img
img=$("$KILN" build -t unix blockprobe 2>build.err | tail -n 1)
[ -x "$img" ] || { fail "blockprobe build" "$(tail -n 3 build.err | tr '\n' ' ')"; finish; }
strace -f -e trace=openat,pwrite64,fdatasync -o trace.txt "$img" --block:disk=disk.img >out.txt 2>&1
rc=$?
fd=$(sed -n 's/.*openat(.*"disk.img", O_RDWR[^)]*) = \([0-9]*\)$/\1/p' trace.txt | head -n 1)
# The first write, then an fdatasync of the same file after it.
if [ $rc -eq 0 ] && [ -n "$fd" ] && grep -q 'blockprobe: ok' out.txt &&
	awk -v fd="$fd" '$0 ~ "pwrite64\\(" fd "," {w=1} w && $0 ~ "fdatasync\\(" fd "\\) *= 0" {ok=1} END {exit !ok}' trace.txt; then
	pass "unix: kiln_block_flush is an fdatasync of the disk after its write"
else
	fail "unix: kiln_block_flush" "status $rc, fd '$fd': $(grep -E 'disk.img|fdatasync|pwrite' trace.txt | head -n 4 | tr '\n' ' ')"
fi
if kvm_usable && [ -x "$TENDER" ]; then
	img=$("$KILN" build -t hvt blockprobe 2>build.err | tail -n 1)
	strace -f -e trace=openat -o htrace.txt timeout 300 "$TENDER" --block:disk=disk.img -- "$img" >hout.txt 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q 'blockprobe: ok' hout.txt && grep -q '"disk.img", O_RDWR|O_DSYNC' htrace.txt; then
		pass "hvt: the tender opens the block file O_DSYNC; flush in the guest succeeds"
	else
		fail "hvt: durable block device" "status $rc: $(grep disk.img htrace.txt | head -n 2 | tr '\n' ' ') $(tail -n 2 hout.txt | tr '\n' ' ')"
	fi
else
	skip "hvt durable block device" "/dev/kvm is missing or the tender is not built"
fi
finish
