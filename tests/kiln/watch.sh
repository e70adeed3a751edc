#!/usr/bin/env bash
# tests/kiln/watch.sh: `kiln run --watch`, on unix and (where /dev/kvm is
# usable) hvt: an atomic save (write a temporary
# file, rename it) of a running HTTP appliance's source rebuilds and restarts
# it, and a client polling the forwarded port throughout never sees a
# refused (or failed) connection; a broken edit keeps the old answer; the
# edit triggers one build; Ctrl-C ends kiln and the appliance.
set -u
AREA=kiln-watch
source "$(dirname "$0")/lib.bash"
cd "$tmp"

if ! command -v curl >/dev/null; then
	skip "watch" "curl is not installed"
	finish
fi
watch_target() {
	T=$1
	rm -rf "$tmp/app" "$tmp/stop"
	"$KILN" new --template http "$tmp/app" >"$tmp/new.out" 2>&1 ||
		{ fail "kiln new --template http ($T)" "$(cat "$tmp/new.out")"; return; }
	# A host port of our own: random, high, retried if taken.
	start_watch() {
		for _ in 1 2 3 4 5; do
			port=$((20000 + RANDOM % 20000))
			"$KILN" run -t "$T" --watch --port-forward=tcp:$port:80 app >"$tmp/run.out" 2>"$tmp/run.err" &
			kpid=$!
			for _ in $(seq 100); do
				grep -q 'stays open across restarts' "$tmp/run.err" && return 0
				kill -0 $kpid 2>/dev/null || break
				sleep 0.05
			done
			kill $kpid 2>/dev/null; wait $kpid 2>/dev/null
		done
		return 1
	}
	if ! start_watch; then
		fail "start ($T)" "kiln run --watch did not start: $(tail -c 500 "$tmp/run.err")"
		return
	fi
	get() { curl -s -m 5 "http://127.0.0.1:$port/"; }
	# The first answer (the instance may still be coming up: the relay holds
	# the connection until it accepts).
	first=$(get); rc=$?
	[ $rc -eq 0 ] && [ "$first" = "Hello from app!" ] && pass "the appliance answers through kiln's held port ($T)" ||
		fail "first answer ($T)" "curl $rc, '$first': $(tail -c 500 "$tmp/run.err")"

	# A poller for the whole test: one line per request, "ok BODY" or "err N".
	(
		while [ ! -e "$tmp/stop" ]; do
			if body=$(curl -s -m 5 "http://127.0.0.1:$port/"); then echo "ok $body"; else echo "err $?"; fi
		done
	) >"$tmp/poll.log" &
	ppid=$!

	save() { # atomic save of app/main.c: sed into a temporary file, rename it
		sed "$1" app/main.c >app/main.c.tmp.$$ && mv app/main.c.tmp.$$ app/main.c
	}
	builds_before=$(grep -c '^kiln: building' "$tmp/run.err")
	save 's/Hello from app!/Hello edited!/'
	ok=0
	for _ in $(seq 200); do
		[ "$(get)" = "Hello edited!" ] && { ok=1; break; }
		sleep 0.05
	done
	[ $ok -eq 1 ] && pass "an atomic save of main.c rebuilds and restarts: the new answer is served ($T)" ||
		fail "edit ($T)" "no new answer: $(tail -c 800 "$tmp/run.err")"
	sleep 0.3
	builds=$(( $(grep -c '^kiln: building' "$tmp/run.err") - builds_before ))
	[ "$builds" -eq 1 ] && pass "one atomic save makes one build ($T)" ||
		fail "one build per save ($T)" "$builds builds"

	# A broken edit: the compiler's output is printed, the old instance serves on.
	save 's/return 0;$/return 0 +;/'
	ok=0
	for _ in $(seq 200); do
		grep -q 'the build failed' "$tmp/run.err" && { ok=1; break; }
		sleep 0.05
	done
	body=$(get)
	if [ $ok -eq 1 ] && grep -q 'error:' "$tmp/run.err" && [ "$body" = "Hello edited!" ]; then
		pass "a broken edit prints the compiler's error and keeps the old instance serving ($T)"
	else
		fail "broken edit ($T)" "answer '$body': $(tail -c 800 "$tmp/run.err")"
	fi
	save 's/return 0 +;$/return 0;/'
	save 's/Hello edited!/Hello fixed!/'
	ok=0
	for _ in $(seq 200); do
		[ "$(get)" = "Hello fixed!" ] && { ok=1; break; }
		sleep 0.05
	done
	[ $ok -eq 1 ] && pass "the fix after a broken edit is served ($T)" || fail "fix ($T)" "$(tail -c 500 "$tmp/run.err")"

	# Let the poller see the last answer too, then stop it.
	for _ in $(seq 200); do
		grep -q 'ok Hello fixed!' "$tmp/poll.log" && break
		sleep 0.05
	done
	touch "$tmp/stop"
	wait $ppid
	total=$(wc -l <"$tmp/poll.log")
	errs=$(grep -c '^err' "$tmp/poll.log")
	seen=$(sort -u "$tmp/poll.log" | tr '\n' '|')
	# It spanned the restarts: an answer from before (the first or the edited
	# version; under heavy load the edited one may live too briefly to be
	# seen) and the fixed one.
	if [ "$errs" -eq 0 ] && grep -qE 'ok Hello (from app|edited)!' "$tmp/poll.log" &&
		grep -q 'ok Hello fixed!' "$tmp/poll.log"; then
		pass "a client polling throughout ($total requests, answers: $seen) saw no failed connection ($T)"
	else
		fail "poller ($T)" "$errs of $total requests failed: $seen"
	fi

	# Ctrl-C (SIGINT) ends kiln and the appliance.
	kill -INT $kpid
	ok=0
	for _ in $(seq 100); do
		kill -0 $kpid 2>/dev/null || { ok=1; break; }
		sleep 0.05
	done
	wait $kpid 2>/dev/null
	left=""
	for p in $(pgrep -f 'app/_build/$T/app.$T'); do
		[ "$(readlink "/proc/$p/cwd")" = "$tmp" ] && left="$left $p"
	done
	if [ $ok -eq 1 ] && [ -z "$left" ] && ! get >/dev/null; then
		pass "SIGINT ends kiln, the appliance and the held port ($T)"
	else
		fail "SIGINT ($T)" "still running or port open"
		kill -9 $kpid 2>/dev/null
	fi
}

watch_target unix
if hvt_ready; then
	watch_target hvt
else
	skip "watch (hvt)" "$hvt_why"
fi
finish
