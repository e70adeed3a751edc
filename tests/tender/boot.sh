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

# A console whose reader is gone: PUTS loses its text, the tender lives on
# and still exits with the guest's status (no SIGPIPE death).
exec 4> >(true)
reader=$!
for _ in $(seq 100); do kill -0 "$reader" 2>/dev/null || break; sleep 0.05; done
timeout 60 "$TENDER" "$FIX/hello.hvt" >&4 2>"$TMP/err"
rc=$?
exec 4>&-
if [ "$rc" -eq 7 ]; then
	pass "a closed console (EPIPE) does not kill the tender"
else
	fail "a closed console (EPIPE) does not kill the tender" "status $rc, stderr '$(cat "$TMP/err")'"
fi

# CPUID: what KVM supports is passed through (hvt-abi.md section 3), whether
# computed or read from the tender's per-boot cache (docs/tender.md).
vendor=$(awk -F': ' '/^vendor_id/ {print $2; exit}' /proc/cpuinfo)
run_tender "$FIX/hostile.hvt" v
if [ "$rc" -eq 0 ] && [ -n "$vendor" ] && [ "$out" = "$vendor" ]; then
	pass "guest CPUID is the host's KVM CPUID (vendor $out)"
else
	fail "guest CPUID" "status $rc, guest saw '$out', host is '$vendor', stderr '$err'"
fi
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
	skip "CPUID cache" "needs root and unshare(1) for a private /run"
else
	# A private, empty /run: first boot fills the cache, second uses it, a
	# corrupted cache is recomputed and rewritten.
	timeout 60 unshare -m sh -c "
		mount -t tmpfs kiln-run /run || exit 99
		$TENDER $FIX/hostile.hvt v || exit 1
		[ \$(stat -c %s /run/kiln/cpuid) -gt 100 ] || exit 2
		[ \$(stat -c %a /run/kiln/cpuid) = 600 ] || exit 3
		$TENDER $FIX/hostile.hvt v || exit 4
		echo garbage >/run/kiln/cpuid
		$TENDER $FIX/hostile.hvt v || exit 5
		[ \$(stat -c %s /run/kiln/cpuid) -gt 100 ] || exit 6" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$(printf '%s\n%s\n%s' "$vendor" "$vendor" "$vendor")" ]; then
		pass "CPUID cache: written 0600 on first boot, used, a corrupted one replaced"
	else
		fail "CPUID cache" "step $rc failed; output '$(cat "$TMP/out")', stderr '$(cat "$TMP/err")'"
	fi
fi
finish
