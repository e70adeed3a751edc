#!/usr/bin/env bash
# seccomp.sh: the tender runs its guest confined by a seccomp filter
# (docs/tender.md "Confinement"): /proc/PID/status says "Seccomp: 2" while a
# guest waits in POLL, and the guest still completes under the filter.
. "$(dirname "$0")/common.inc"
need_built "$TENDER" "$FIX/hello.hvt" "$FIX/hostile.hvt"
if ! kvm_usable; then
	skip "seccomp" "$KVM_WHY"
	finish
fi

check() { # check WHAT EXPECTED-SECCOMP-MODE TENDER-ARGS...
	local what=$1 want=$2
	shift 2
	"$TENDER" "$@" "$FIX/hostile.hvt" p >"$TMP/out" 2>"$TMP/err" &
	local pid=$! mode="" m i
	# The guest polls for 1.5 s: look until the filter shows or it ends.
	for i in $(seq 1 300); do
		m=$(awk '/^Seccomp:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || break
		[ -n "$m" ] || break
		mode=$m
		[ "$mode" = 2 ] && break
		sleep 0.01
	done
	wait "$pid"
	local rc=$?
	if [ "$mode" = "$want" ] && [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "hostile: polled" ]; then
		pass "$what (Seccomp: $mode, guest finished)"
	else
		fail "$what" "Seccomp: '$mode', status $rc, stdout '$(cat "$TMP/out")', stderr '$(cat "$TMP/err")'"
	fi
}
check "guest runs under a seccomp filter" 2
check "--x-no-seccomp leaves the tender unconfined" 0 --x-no-seccomp
finish
