#!/usr/bin/env bash
# tests/hvt/guest.sh: the guest side of hvt, booted on the tender: exception
# reports, the stack protector, clocks and yield, argv, the heap
# (docs/hvt-guest.md). Guests are tests/hvt/guests/*.
AREA=hvt
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/guest-lib.bash"

need_kvm "guests" || exit 0
if [ ! -x "$TENDER" ]; then
	skip "guests" "build/bin/tender is not built (make tools)"
	exit 0
fi

declare -A img
for g in fault canary clock args heap; do
	if img[$g]=$(hvt_build "$GUESTS/$g"); then :; else
		fail "build guest $g"; img[$g]=
	fi
done

# has TEXT: whether the last run printed TEXT.
has() { grep -qF -- "$1" <<<"$RUN_OUT"; }

# --- exceptions -----------------------------------------------------------
if [ -n "${img[fault]}" ]; then
	hvt_run "${img[fault]}" write0
	rip=$(sed -n 's/^rip=\([0-9a-f]*\).*/\1/p' <<<"$RUN_OUT")
	func=$( [ -n "$rip" ] && addr2line -f -e "${img[fault]}" "0x$rip" | head -n 1)
	if [ $RUN_STATUS -eq 255 ] && has "CPU exception 14: page fault" &&
	   has "cr2=0000000000000000 (write, page not present)" && has "rax=" && has "r15=" &&
	   has "stack (frame pointers):" && has "  #1 0x" && [ "${func%%.*}" = fault ]; then
		pass "write to address 0: page fault report (vector, cr2, registers, stack), status 255"
	else
		fail "write to address 0" "status $RUN_STATUS, rip in '${func:-?}': $(tail -n 3 <<<"$RUN_OUT" | tr '\n' '|')"
	fi
	hvt_run "${img[fault]}" ud2
	if [ $RUN_STATUS -eq 255 ] && has "CPU exception 6: invalid opcode (#UD)" && has "rip="; then
		pass "ud2: invalid opcode report, status 255"
	else
		fail "ud2" "status $RUN_STATUS: $(tail -n 2 <<<"$RUN_OUT" | tr '\n' '|')"
	fi
	hvt_run "${img[fault]}" div0
	if [ $RUN_STATUS -eq 255 ] && has "CPU exception 0: divide error (#DE)"; then
		pass "divide by zero: divide error report, status 255"
	else
		fail "divide by zero" "status $RUN_STATUS: $(tail -n 2 <<<"$RUN_OUT" | tr '\n' '|')"
	fi
	hvt_run "${img[fault]}" gp
	if [ $RUN_STATUS -eq 255 ] && has "CPU exception 13: general protection (#GP)"; then
		pass "non-canonical address: general protection report, status 255"
	else
		fail "general protection" "status $RUN_STATUS: $(tail -n 2 <<<"$RUN_OUT" | tr '\n' '|')"
	fi
	hvt_run "${img[fault]}" badstack
	if [ $RUN_STATUS -eq 255 ] && has "CPU exception 8: double fault (#DF)" && has "rsp=0000000000008000"; then
		pass "an exception with no usable stack: double fault reported from the IST stack, status 255"
	else
		fail "double fault" "status $RUN_STATUS: $(tail -n 2 <<<"$RUN_OUT" | tr '\n' '|')"
	fi
	hvt_run "${img[fault]}" none
	if [ $RUN_STATUS -eq 0 ] && has "fault: still running"; then
		pass "the fault guest runs normally without a fault"
	else
		fail "fault guest without a fault" "status $RUN_STATUS"
	fi
fi

# --- stack protector ---------------------------------------------------------
if [ -n "${img[canary]}" ]; then
	hvt_run "${img[canary]}" smash
	if [ $RUN_STATUS -eq 255 ] && has "stack smashing detected" && ! has "returned normally"; then
		pass "a stack buffer overflow is stopped by the canary, status 255"
	else
		fail "stack smashing" "status $RUN_STATUS: $(tail -n 2 <<<"$RUN_OUT" | tr '\n' '|')"
	fi
	hvt_run "${img[canary]}"
	if [ $RUN_STATUS -eq 0 ] && has "canary: returned normally"; then
		pass "an in-bounds copy passes the canary"
	else
		fail "canary without overflow" "status $RUN_STATUS: $(tail -n 2 <<<"$RUN_OUT" | tr '\n' '|')"
	fi
fi

# --- clocks, yield, entropy ------------------------------------------------------
if [ -n "${img[clock]}" ]; then
	hvt_run "${img[clock]}" 300
	val() { sed -n "s/^$1 //p" <<<"$RUN_OUT"; }
	now=$(date +%s) wall=$(val wall_s) ms=$(val yield_ms) adv=$(val mono_advanced)
	if [ $RUN_STATUS -eq 0 ] && [ "$adv" = 1 ] && [ -n "$wall" ] &&
	   [ $((wall > now ? wall - now : now - wall)) -le 60 ]; then
		pass "monotonic clock advances; wall clock within a minute of the host's"
	else
		fail "clocks" "status $RUN_STATUS, advanced '$adv', wall '$wall' vs host $now"
	fi
	if [ -n "$ms" ] && [ "$ms" -ge 280 ] && [ "$ms" -le 3000 ] && [ "$(val ready_set)" = 0 ]; then
		pass "kiln_yield with a 300 ms deadline returns after ${ms} ms, nothing ready"
	else
		fail "yield" "waited '${ms}' ms for a 300 ms deadline, ready set '$(val ready_set)'"
	fi
	e1=$(val entropy)
	hvt_run "${img[clock]}" 0
	e2=$(val entropy)
	if [[ $e1 =~ ^[0-9a-f]{32}$ ]] && [[ $e2 =~ ^[0-9a-f]{32}$ ]] && [ "$e1" != "$e2" ]; then
		pass "kiln_entropy gives different bytes on each boot"
	else
		fail "entropy" "'$e1' then '$e2'"
	fi
fi

# --- argv -----------------------------------------------------------------------
if [ -n "${img[args]}" ]; then
	hvt_run "${img[args]}" one "two  three" --flag=x
	want=$'argc 5\nargv[0] [args]\nargv[1] [one]\nargv[2] [two]\nargv[3] [three]\nargv[4] [--flag=x]'
	if [ $RUN_STATUS -eq 0 ] && [ "$(grep '^arg' <<<"$RUN_OUT")" = "$want" ]; then
		pass "the command line splits into argv, argv[0] is the appliance name"
	else
		fail "argv" "status $RUN_STATUS: $(grep '^arg' <<<"$RUN_OUT" | tr '\n' '|')"
	fi
	hvt_run "${img[args]}"
	if [ $RUN_STATUS -eq 0 ] && [ "$(grep '^arg' <<<"$RUN_OUT")" = $'argc 1\nargv[0] [args]' ]; then
		pass "no boot arguments: argc 1"
	else
		fail "no boot arguments" "status $RUN_STATUS: $(tr '\n' '|' <<<"$RUN_OUT")"
	fi
fi

# --- heap -----------------------------------------------------------------------
if [ -n "${img[heap]}" ]; then
	hvt_run "${img[heap]}"
	if [ $RUN_STATUS -eq 0 ] && has "heap: 2000 blocks, 0 bad bytes, big block ok"; then
		pass "2000 mallocs, contents intact, freed, then a 64 MiB block"
	else
		fail "heap" "status $RUN_STATUS: $(tail -n 2 <<<"$RUN_OUT" | tr '\n' '|')"
	fi
fi
finish
