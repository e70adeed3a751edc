#!/usr/bin/env bash
# tests/fiber/fiber.sh: lib/fiber in real appliances (tests/fiber/fibdemo) on
# the unix target and on hvt: the same switch.S, scheduler and wait queues
# on both; an overrun stack ends the appliance with status 255 and the
# fiber's name (the canary on both; the guard page on unix). Unit tests are
# in lib/fiber/tests; this checks the targets.
set -u
AREA=fiber
source "$(dirname "$0")/../kiln/lib.bash"
cd "$ROOT"

cp -r tests/fiber/fibdemo "$tmp/fibdemo" && rm -rf "$tmp/fibdemo/_build"

run_target() { # TARGET
	local t=$1 rc
	timeout 300 "$KILN" run -t "$t" "$tmp/fibdemo" >"$tmp/$t.out" 2>"$tmp/$t.err"
	rc=$?
	if [ $rc -eq 0 ] && grep -q '^fibdemo: trace abababswt woken 1 timeout 1' "$tmp/$t.out"; then
		pass "$t: yield order, sleep, wake and timeout ($(grep -o '[0-9]* ns per yield' "$tmp/$t.out"))"
	else
		fail "$t: fibers" "status $rc: $(tail -n 3 "$tmp/$t.out" "$tmp/$t.err" | tr '\n' ' ' | head -c 400)"
	fi
	timeout 300 "$KILN" run -t "$t" "$tmp/fibdemo" -- --overflow >"$tmp/$t.ov" 2>&1
	rc=$?
	if [ $rc -eq 255 ] && grep -q 'fiber "smasher" .* overflowed its' "$tmp/$t.ov" &&
		! grep -q survived "$tmp/$t.ov"; then
		pass "$t: an overrun stack aborts with status 255 naming the fiber"
	else
		fail "$t: overflow" "status $rc: $(head -c 300 "$tmp/$t.ov" | tr '\n' ' ')"
	fi
}

run_target unix
# in an inner shell, so that its "Segmentation fault" notice goes with it
rc=$(bash -c 'timeout 300 "$1" run -t unix "$2" -- --deep >"$3" 2>&1; echo $?' \
	_ "$KILN" "$tmp/fibdemo" "$tmp/deep.out" 2>/dev/null)
if [ "$rc" = 255 ] && grep -q 'fiber "digger" .* overflowed its .*(guard page)' "$tmp/deep.out" &&
	! grep -q survived "$tmp/deep.out"; then
	pass "unix: the guard page stops runaway recursion, reported with the fiber's name"
else
	fail "unix: guard page" "status $rc (expected 255): $(head -c 300 "$tmp/deep.out" | tr '\n' ' ')"
fi
# valgrind follows the switches (registered stacks) and finds nothing
if ! command -v valgrind >/dev/null; then
	skip "unix: valgrind" "valgrind is not installed"
elif img=$(ls "$tmp"/fibdemo/_build/unix/*.unix 2>/dev/null | head -n 1) && [ -n "$img" ]; then
	timeout 300 valgrind -q --error-exitcode=99 "$img" >"$tmp/vg.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && ! grep -q '^==' "$tmp/vg.out"; then
		pass "unix: fibdemo runs clean under valgrind memcheck"
	else
		fail "unix: valgrind" "status $rc: $(grep -m 3 '^==' "$tmp/vg.out" | tr '\n' ' ')"
	fi
else
	fail "unix: valgrind" "no unix image was built"
fi

if hvt_ready; then
	run_target hvt
	# switch.S saves MXCSR and the x87 control word on unix only: the hvt
	# image must hold no SSE/x87 instruction (hvt-abi.md section 7).
	img=$(ls "$tmp"/fibdemo/_build/hvt/*.hvt 2>/dev/null | head -n 1)
	if [ -z "$img" ]; then
		fail "hvt: check-sse" "no hvt image was built"
	elif out=$(scripts/check-sse "$img" 2>&1); then
		pass "hvt: the fibdemo image has no SSE/x87 instructions (scripts/check-sse)"
	else
		fail "hvt: check-sse" "$(echo "$out" | head -n 3 | tr '\n' '|')"
	fi
else
	skip "hvt" "$hvt_why"
fi
finish
