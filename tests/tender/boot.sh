#!/usr/bin/env bash
# boot.sh: the hand-written minimal hvt image (fixtures/hello.S) boots on the
# tender: its output, its command line and its exit status come through.
. "$(dirname "$0")/common.inc"
need_built "$TENDER" "$FIX/hello.hvt" "$FIX/hostile.hvt"

run_tender --help
if [ "$rc" -eq 0 ] && printf '%s' "$out" | grep -q '^usage: tender'; then
	pass "--help prints the usage"
else
	fail "--help prints the usage" "status $rc, output: $out"
fi

if ! kvm_usable; then
	skip "boot the hand-written hvt image" "$KVM_WHY"
	finish
fi

run_tender "$FIX/hello.hvt"
if [ "$rc" -eq 7 ] && [ "$out" = "hello from a hand-written hvt image: " ]; then
	pass "hand-written image boots, prints, halts with its status (7)"
else
	fail "hand-written image boots" "status $rc, stdout '$out', stderr '$err'"
fi

run_tender -- "$FIX/hello.hvt" one "two three" --four
if [ "$rc" -eq 7 ] && [ "$out" = "hello from a hand-written hvt image: one two three --four" ]; then
	pass "guest command line is the arguments after the image, joined with spaces"
else
	fail "guest command line" "status $rc, stdout '$out', stderr '$err'"
fi

for mem in 2 3 64 4096; do
	run_tender --mem=$mem "$FIX/hello.hvt" m$mem
	if [ "$rc" -eq 7 ] && [ "$out" = "hello from a hand-written hvt image: m$mem" ]; then
		pass "boots with --mem=$mem"
	else
		fail "boots with --mem=$mem" "status $rc, stdout '$out', stderr '$err'"
	fi
done

long=$(head -c 8191 /dev/zero | tr '\0' x)
run_tender "$FIX/hello.hvt" "$long"
if [ "$rc" -eq 7 ] && [ "${#out}" -eq $((37 + 8191)) ]; then
	pass "an 8191-byte command line reaches the guest whole"
else
	fail "an 8191-byte command line" "status $rc, ${#out} bytes of output, stderr '$err'"
fi
expect_error "an 8192-byte command line is refused" 1 'command line is too long' \
	"$FIX/hello.hvt" "${long}x"

run_tender "$FIX/hostile.hvt" w
if [ "$rc" -eq 0 ] && [ "$out" = "hostile: ok" ]; then
	pass "WALLTIME gives the host's realtime clock"
else
	fail "WALLTIME" "status $rc, stdout '$out', stderr '$err'"
fi
finish
