#!/usr/bin/env bash
# dumpcore.sh: --dumpcore=DIR: a kiln-built guest (tests/hvt/guests/fault)
# that takes a page fault aborts with status 255 and leaves
# DIR/core.tender.PID, an ELF core that gdb reads: `gdb -batch -ex bt IMAGE
# CORE` shows the guest's stack down from the faulting function; a guest
# that ends normally leaves no file; a directory that cannot be used is
# refused with status 1 and one line. The seccomp filter (the tender runs
# confined here) lets the dump through.
AREA=tender
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../hvt/guest-lib.bash"

need_kvm "dumpcore" || exit 0
[ -x "$TENDER" ] || { fail "setup" "build/bin/tender is not built (make tools)"; finish; }
command -v gdb >/dev/null || { skip "dumpcore" "no gdb (scripts/deps test)"; finish; }
img=$(hvt_build "$GUESTS/fault") || { fail "build guest fault"; finish; }
tmp=$(tmpdir_new)

mkdir "$tmp/cores"
hvt_run --dumpcore="$tmp/cores" "$img" write0
core=$(grep -o 'core\.tender\.[0-9]*$' <<<"$RUN_OUT")
if [ $RUN_STATUS -eq 255 ] && [ -n "$core" ] && [ -f "$tmp/cores/$core" ]; then
	pass "a page fault with --dumpcore: status 255, $core written"
	bt=$(gdb -batch -ex bt "$img" "$tmp/cores/$core" 2>&1)
	if grep -q '^#0 ' <<<"$bt" && grep -Eq '^#[0-9]+ .* in (fault|kiln_main) ' <<<"$bt"; then
		pass "gdb -batch -ex bt IMAGE CORE: the guest's stack ($(grep -c '^#' <<<"$bt") frames, through fault/kiln_main)"
	else
		fail "gdb reads the core" "$(tr '\n' '|' <<<"$bt")"
	fi
	if [ "$(readelf -h "$tmp/cores/$core" | awk '/Type:/ { print $2 }')" = CORE ] &&
	   readelf -n "$tmp/cores/$core" | grep -q NT_PRSTATUS; then
		pass "the core is an ELF ET_CORE with an NT_PRSTATUS note"
	else
		fail "ELF core layout" "$(readelf -hn "$tmp/cores/$core" 2>&1 | tr '\n' '|')"
	fi
else
	fail "a page fault with --dumpcore" "status $RUN_STATUS: $(tr '\n' '|' <<<"$RUN_OUT"); $(ls "$tmp/cores")"
fi

mkdir "$tmp/clean"
hvt_run --dumpcore="$tmp/clean" "$img" nothing
if [ $RUN_STATUS -eq 0 ] && [ -z "$(ls -A "$tmp/clean")" ]; then
	pass "a guest that ends normally leaves no core"
else
	fail "no core on a normal end" "status $RUN_STATUS, files: $(ls -A "$tmp/clean")"
fi

hvt_run --dumpcore="$tmp/nonexistent" "$img" nothing
if [ $RUN_STATUS -eq 1 ] && grep -q "^tender: --dumpcore=.*: cannot open the directory" <<<"$RUN_OUT" &&
   [ "$(wc -l <<<"$RUN_OUT")" -eq 1 ]; then
	pass "a missing directory: status 1, one line"
else
	fail "a missing directory" "status $RUN_STATUS: $RUN_OUT"
fi
finish
