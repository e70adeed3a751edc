#!/usr/bin/env bash
# tests/kiln/crash.sh: a unix appliance that crashes reports it. The
# fixture tests/kiln/fixtures/crasher prints a line, then faults (NULL
# write, abort(), division by zero) with stdout a pipe: the line still
# arrives, stderr has the signal, the address, a backtrace naming the
# faulting function and its source line, and the status is 255. Under
# --sanitize the handler stays out of the way of ASan's own report. And
# `kiln run --gdb` runs it under gdb.
AREA=kiln
. "$(dirname "$0")/../lib.sh"
[ -x "$KILN" ] || { fail "setup" "$KILN is not built (make tools)"; finish; }
tmp=$(tmpdir_new)
cp -r "$KILN_ROOT/tests/kiln/fixtures/crasher" "$tmp/" && rm -rf "$tmp/crasher/_build"
cd "$tmp" || exit 1
if ! "$KILN" build -t unix crasher >"$tmp/b.out" 2>&1; then
	fail "build crasher" "$(tail -n 3 "$tmp/b.out")"
	# kiln run --gdb: gdb runs the appliance (commands from stdin) and stops at the fault.
if ! command -v gdb >/dev/null; then
	skip "kiln run --gdb" "gdb is not installed"
else
	printf 'run\nbt\nquit\n' | timeout 120 "$KILN" run -t unix --gdb crasher >"$tmp/g.out" 2>"$tmp/g.err"
	rc=$?
	if [ $rc -eq 0 ] && grep -q "Program received signal SIGSEGV" "$tmp/g.out" &&
		grep -qE "poke \(p=0x0\) at .*crasher\.c:[0-9]+" "$tmp/g.out" && grep -q "in kiln_main" "$tmp/g.out"; then
		pass "kiln run --gdb: the unix target under gdb, stopped in poke at the NULL write, backtrace to kiln_main"
	else
		fail "kiln run --gdb" "status $rc: $(tail -n 8 "$tmp/g.out" | tr '\n' '|') $(tail -n 2 "$tmp/g.err" | tr '\n' '|')"
	fi
fi
finish
fi
bin=crasher/_build/unix/crasher.unix

crash() { # HOW, expected signal words, expected innermost function
	timeout 30 "$bin" -- "$1" 2>"$tmp/$1.err" | cat >"$tmp/$1.out"
	local rc=${PIPESTATUS[0]}
	if [ "$rc" = 255 ] && grep -qx "before the crash ($1)" "$tmp/$1.out" &&
		grep -qF "crasher: crashed: $2" "$tmp/$1.err" &&
		grep -q '^backtrace (innermost first):' "$tmp/$1.err" &&
		grep -qE "^$3 at .*crasher\.c:[0-9]+" "$tmp/$1.err" &&
		grep -qE "^kiln_main at .*crasher\.c:[0-9]+" "$tmp/$1.err"; then
		pass "crash ($1) into a pipe: the printf line, '$2', a backtrace with $3 and kiln_main, status 255"
	else
		fail "crash ($1)" "status $rc, out '$(tr '\n' '|' <"$tmp/$1.out")', err: $(tr '\n' '|' <"$tmp/$1.err")"
	fi
}
crash null "SIGSEGV (invalid memory access) at address 0x0" poke
crash abort "SIGABRT (abort() or a failed assertion)" kiln_main
crash fpe "SIGFPE (arithmetic error, e.g. division by zero) at instruction 0x" kiln_main

# To a file, not a pipe: the line is there too.
timeout 30 "$bin" >"$tmp/f.out" 2>/dev/null; rc=$?
if [ $rc = 255 ] && grep -qx "before the crash (null)" "$tmp/f.out"; then
	pass "crash with stdout a file: the printf line is in the file, status 255"
else
	fail "crash with stdout a file" "status $rc, '$(cat "$tmp/f.out")'"
fi

# Under ASan+UBSan the sanitizers report, not the handler.
timeout 120 "$KILN" run -t unix --sanitize crasher >"$tmp/s.out" 2>"$tmp/s.err"; rc=$?
if [ $rc -ne 0 ] && grep -qE 'AddressSanitizer|runtime error: store to null pointer' "$tmp/s.err" && ! grep -q 'crashed:' "$tmp/s.err"; then
	pass "--sanitize: the sanitizers report the NULL write, the crash handler is not installed"
else
	fail "--sanitize crash" "status $rc: $(grep -v '^cc \|^ar \|^	' "$tmp/s.err" | head -n 5 | tr '\n' '|')"
fi
# kiln run --gdb: gdb runs the appliance (commands from stdin) and stops at the fault.
if ! command -v gdb >/dev/null; then
	skip "kiln run --gdb" "gdb is not installed"
else
	printf 'run\nbt\nquit\n' | timeout 120 "$KILN" run -t unix --gdb crasher >"$tmp/g.out" 2>"$tmp/g.err"
	rc=$?
	if [ $rc -eq 0 ] && grep -q "Program received signal SIGSEGV" "$tmp/g.out" &&
		grep -qE "poke \(p=0x0\) at .*crasher\.c:[0-9]+" "$tmp/g.out" && grep -q "in kiln_main" "$tmp/g.out"; then
		pass "kiln run --gdb: the unix target under gdb, stopped in poke at the NULL write, backtrace to kiln_main"
	else
		fail "kiln run --gdb" "status $rc: $(tail -n 8 "$tmp/g.out" | tr '\n' '|') $(tail -n 2 "$tmp/g.err" | tr '\n' '|')"
	fi
fi
finish
