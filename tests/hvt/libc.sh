#!/usr/bin/env bash
# tests/hvt/libc.sh: what a typical C service takes from its C library (time,
# gmtime_r/localtime_r, timegm/mktime, strftime, strto*, qsort/bsearch, ctype,
# strdup/strndup, strcasecmp, snprintf) behaves the same on hvt (kiln libc)
# as on the unix target (glibc): guest tests/hvt/guests/libcgaps, output
# compared byte for byte.
AREA=hvt
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/guest-lib.bash"

need_kvm "libc" || exit 0
if [ ! -x "$TENDER" ] || [ ! -x "$KILN" ]; then
	skip "libc" "build/bin/tender or build/bin/kiln is not built (make tools)"
	exit 0
fi
tmpdir_new tmp
cp -r "$GUESTS/libcgaps" "$tmp/" && rm -rf "$tmp/libcgaps/_build"

if ! hvt=$(hvt_build "$tmp/libcgaps" 2>"$tmp/hvt.build"); then
	fail "libc: build the hvt guest" "$(tail -n 3 "$tmp/hvt.build" | tr '\n' ' ')"
	finish
fi
unix=$("$KILN" build -t unix "$tmp/libcgaps" 2>"$tmp/unix.err" | tail -n 1)
if [ -z "$unix" ] || [ ! -x "$unix" ]; then
	fail "libc: build the unix guest" "$(tail -n 2 "$tmp/unix.err" | tr '\n' ' ')"
	finish
fi
TZ=UTC timeout 60 "$unix" >"$tmp/unix.out" 2>"$tmp/unix.err"
ust=$?
timeout 60 "$TENDER" --mem=32 ${HVT_TENDER_OPTS:-} "$hvt" >"$tmp/hvt.out" 2>"$tmp/hvt.err"
hst=$?
if [ $ust -ne 0 ] || [ $hst -ne 0 ]; then
	fail "libc: same output as glibc" "exit status unix $ust, hvt $hst: $(tail -n 2 "$tmp/hvt.err" | tr '\n' ' ')"
elif ! grep -qx 'time() after 2020: yes' "$tmp/hvt.out" ||
	! grep -qx 'http date: Tue, 14 Nov 2023 22:13:20 GMT' "$tmp/hvt.out"; then
	fail "libc: hvt output" "$(head -n 3 "$tmp/hvt.out" | tr '\n' '|')"
elif ! diff "$tmp/unix.out" "$tmp/hvt.out" >"$tmp/diff"; then
	fail "libc: same output as glibc" "$(head -n 6 "$tmp/diff" | tr '\n' '|')"
else
	pass "libc: time, strftime, timegm, strto*, qsort, ctype, strdup: $(wc -l <"$tmp/hvt.out") lines, same on hvt as on unix (glibc)"
fi
finish
