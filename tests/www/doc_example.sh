#!/usr/bin/env bash
# tests/www/doc_example.sh: docs/http.md's "A complete appliance" is a real
# program. Its kiln.conf and hello_http.c are cut out of the page (the code
# blocks after each "<!-- doc-example: FILE -->" marker), built for unix
# (and hvt where /dev/kvm is usable) and run with `kiln run` on user-mode
# networking: GET / and GET /hello/x over the forward get their answers.
AREA=www
. "$(dirname "$0")/../lib.sh"
[ -x "$KILN" ] || { fail "setup" "$KILN is not built (make tools)"; finish; }
tmp=$(tmpdir_new)
app=$tmp/hello-http
mkdir -p "$app"
# extract FILE: the first fenced block after its marker.
extract() {
	awk -v want="<!-- doc-example: $1 -->" '
		$0 == want { found = 1; next }
		found == 1 && /^```/ { found = 2; next }
		found == 2 && /^```/ { exit }
		found == 2 { print }' "$KILN_ROOT/docs/http.md" >"$app/$1"
	[ -s "$app/$1" ]
}
if ! extract kiln.conf || ! extract hello_http.c; then
	fail "extract the example from docs/http.md" "a doc-example marker or its code block is missing"
	finish
fi
port=$((30000 + ($$ + 7) % 20000))

run_example() { # TARGET
	local t=$1
	bg_start timeout 300 "$KILN" run -t "$t" --port-forward=tcp:$port:80 "$app" >"$tmp/$t.out" 2>"$tmp/$t.err"
	local pid=$BG_PID
	if ! wait_for 240 grep -q "reachable at tcp 127.0.0.1:$port -> port 80" "$tmp/$t.err"; then
		fail "$t: the doc's example builds and starts" "$(grep -v '^cc \|^ar \|^	' "$tmp/$t.err" | tail -n 5 | tr '\n' '|')"
		kill "$pid" 2>/dev/null
		return
	fi
	local a b
	a=$(curl -s --retry 20 --retry-delay 1 --retry-all-errors --max-time 10 "http://127.0.0.1:$port/")
	b=$(curl -s --max-time 10 "http://127.0.0.1:$port/hello/kiln")
	if [ "$a" = "hello from kiln" ] && [ "$b" = "hello, kiln" ]; then
		pass "$t: docs/http.md's complete appliance builds, runs and answers / and /hello/kiln"
	else
		fail "$t: the doc's example answers" "'$a' / '$b'; $(tr '\n' '|' <"$tmp/$t.out")"
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}
run_example unix
if kvm_usable && [ -x "$TENDER" ]; then
	port=$((port + 1))
	run_example hvt
else
	skip "hvt: the doc's example" "/dev/kvm is missing or not usable by $(id -un)"
fi
finish
