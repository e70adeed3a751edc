#!/usr/bin/env bash
# tests/hvt/printf.sh: kiln libc's printf on hvt against glibc's on the unix
# target, byte for byte: the same guest (tests/hvt/guests/printf) prints
# formats and strings at every alignment, ~190 KB, through the 4 KiB console
# buffer that printf formats into 8 bytes a step (docs/libc.md, printf).
AREA=hvt
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/guest-lib.bash"

need_kvm "printf" || exit 0
if [ ! -x "$TENDER" ] || [ ! -x "$KILN" ]; then
	skip "printf" "build/bin/tender or build/bin/kiln is not built (make tools)"
	exit 0
fi
tmpdir_new tmp

if ! hvt=$(hvt_build "$GUESTS/printf"); then
	fail "printf: build the hvt guest"
	finish
fi
unix=$("$KILN" build -t unix "$GUESTS/printf" 2>"$tmp/unix.err" | tail -n 1)
if [ -z "$unix" ] || [ ! -x "$unix" ]; then
	fail "printf: build the unix guest" "$(tail -n 2 "$tmp/unix.err" | tr '\n' ' ')"
	finish
fi

timeout 60 "$unix" >"$tmp/unix.out" 2>"$tmp/unix.err"
ust=$?
timeout 60 "$TENDER" --mem=32 ${HVT_TENDER_OPTS:-} "$hvt" >"$tmp/hvt.out" 2>"$tmp/hvt.err"
hst=$?
size=$(stat -c %s "$tmp/hvt.out")
if [ $ust -ne 0 ] || [ $hst -ne 0 ]; then
	fail "printf: same output as glibc" "exit status unix $ust, hvt $hst: $(tail -n 2 "$tmp/hvt.err" | tr '\n' ' ')"
elif [ "$size" -lt 100000 ] || ! tail -n 1 "$tmp/hvt.out" | grep -q '^1728 printf calls$'; then
	fail "printf: same output as glibc" "hvt printed $size bytes, ending '$(tail -c 80 "$tmp/hvt.out" | tr '\n' '|')'"
elif ! cmp -s "$tmp/unix.out" "$tmp/hvt.out"; then
	fail "printf: same output as glibc" "$(cmp "$tmp/unix.out" "$tmp/hvt.out" 2>&1 | head -n 1)"
else
	pass "printf: $size bytes of formats at every alignment, same on hvt (kiln libc) as on unix (glibc)"
fi
finish
