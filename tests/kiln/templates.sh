#!/usr/bin/env bash
# tests/kiln/templates.sh: kiln new --template http|udp: each template builds,
# runs on user-mode networking with its kiln.conf forward (host port
# replaced by a free one) and answers (curl / nc); kiln new prints a
# command the user can type.
set -u
AREA=kiln-templates
source "$(dirname "$0")/lib.bash"
cd "$tmp"

# --- the command printed ------------------------------------------------------------
"$KILN" new --template http web >"$tmp/new.out" 2>&1; rc=$?
grep -qx "run it: $KILN run web" "$tmp/new.out" &&
	pass "kiln new prints the path kiln was invoked by when it is not on PATH" ||
	fail "new: command" "status $rc: $(cat "$tmp/new.out")"
mkdir -p bin && ln -s "$KILN" bin/kiln
PATH=$tmp/bin:$PATH kiln new p1 >"$tmp/new.out" 2>&1
grep -qx "run it: kiln run p1" "$tmp/new.out" &&
	pass "kiln new prints 'kiln run DIR' when this kiln is the one on PATH" ||
	fail "new: PATH" "$(cat "$tmp/new.out")"
"$KILN" new --template ftp x >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q "unknown template 'ftp' (templates: plain, http, udp)" "$tmp/e" &&
	pass "an unknown template is an error naming the templates" || fail "bad template" "$rc $(cat "$tmp/e")"
grep -qx 'forward = tcp:8080:80' web/kiln.conf && pass "the http template forwards 127.0.0.1:8080 to port 80" ||
	fail "http forward" "$(cat web/kiln.conf)"

# run_template DIR SPEC-PREFIX GUEST: starts it with a free host port; sets port, rpid.
run_template() {
	for _ in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 20000))
		"$KILN" run -t unix --port-forward="$2:$port:$3" "$1" >"$tmp/$1.out" 2>"$tmp/$1.err" &
		rpid=$!
		for _ in $(seq 200); do
			grep -q 'serving\|echoing' "$tmp/$1.out" && return 0
			kill -0 $rpid 2>/dev/null || break
			sleep 0.05
		done
		kill $rpid 2>/dev/null; wait $rpid 2>/dev/null
	done
	return 1
}

# --- http ---------------------------------------------------------------------------
if ! command -v curl >/dev/null; then
	skip "http template" "curl is not installed"
elif run_template web tcp 80; then
	body=$(curl -s -m 5 "http://127.0.0.1:$port/"); rc=$?
	[ $rc -eq 0 ] && [ "$body" = "Hello from web!" ] &&
		pass "the http template builds, runs and answers GET / over user-mode networking" ||
		fail "http template" "curl $rc '$body': $(tail -c 300 "$tmp/web.err")"
	kill $rpid; wait $rpid 2>/dev/null
else
	fail "http template" "did not start: $(tail -c 500 "$tmp/web.err" "$tmp/web.out")"
fi

# --- udp ----------------------------------------------------------------------------
"$KILN" new --template udp echoer >/dev/null 2>&1
grep -qx 'forward = udp:7007:7' echoer/kiln.conf && pass "the udp template forwards udp 127.0.0.1:7007 to port 7" ||
	fail "udp forward" "$(cat echoer/kiln.conf)"
if ! command -v nc >/dev/null; then
	skip "udp template" "nc is not installed"
elif run_template echoer udp 7; then
	got=""
	for _ in 1 2 3; do
		got=$(echo "ping-$$" | timeout 3 nc -u -w1 127.0.0.1 "$port")
		[ -n "$got" ] && break
	done
	[ "$got" = "ping-$$" ] && pass "the udp template builds, runs and echoes a datagram over user-mode networking" ||
		fail "udp template" "got '$got': $(tail -c 300 "$tmp/echoer.err")"
	kill $rpid; wait $rpid 2>/dev/null
else
	fail "udp template" "did not start: $(tail -c 500 "$tmp/echoer.err" "$tmp/echoer.out")"
fi
finish
