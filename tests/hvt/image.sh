#!/usr/bin/env bash
# tests/hvt/image.sh: the shape of hvt images (hvt-abi.md sections 1-2): ELF
# layout, the two notes in their own PT_NOTEs, the manifest from kiln.conf;
# and hello's size (goal <= 24 KB stripped) with no network or block code.
AREA=hvt
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/guest-lib.bash"
tmp=$(tmpdir_new)
ELFCHECK=$KILN_ROOT/tests/hvt/elfcheck.py

mkdir -p "$tmp/hello" && cp "$KILN_ROOT"/examples/hello/*.c "$KILN_ROOT"/examples/hello/kiln.conf "$tmp/hello/"
if hello=$(hvt_build "$tmp/hello"); then
	if out=$(python3 "$ELFCHECK" "$hello"); then
		[ -z "$out" ] && pass "hello: ELF layout, ABI1 and MFT1 notes (no devices) as hvt-abi.md says" ||
			fail "hello manifest" "devices '$out', want none"
	else
		fail "hello: ELF layout" "$(tr '\n' '|' <<<"$out")"
	fi
	strip -o "$tmp/hello.stripped" "$hello"
	size=$(stat -c %s "$tmp/hello.stripped")
	if [ "$size" -le 24576 ]; then
		pass "hello image is $size bytes stripped (goal <= 24576)"
	else
		fail "hello image size" "$size bytes stripped, goal <= 24576"
	fi
	netsyms=$(nm "$hello" | grep -E ' (kiln_net_|kiln_block_|hvt_device)' | awk '{print $3}' | tr '\n' ' ')
	if [ -z "$netsyms" ]; then
		pass "hello image holds no network or block code"
	else
		fail "hello image holds device code" "$netsyms"
	fi
else
	fail "build hello"
fi

for g in netdev:service:net blockdev:disk:block; do
	IFS=: read -r name dev type <<<"$g"
	if img=$(hvt_build "$GUESTS/$name") && out=$(python3 "$ELFCHECK" "$img"); then
		[ "$out" = "$dev:$type" ] && pass "$name: manifest holds e[0] reserved, then $type device '$dev'" ||
			fail "$name manifest" "devices '$out'"
	else
		fail "$name image" "$(tr '\n' '|' <<<"${out:-build failed}")"
	fi
done
finish
