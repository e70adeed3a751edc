#!/usr/bin/env bash
# tests/hello/hello.sh: the hello appliance (examples/hello) on the unix
# target, under ASan+UBSan, and on hvt: greeting, boot arguments, exit status,
# and no network code in its image.
set -u
AREA=hello
source "$(dirname "$0")/../kiln/lib.bash"
cd "$ROOT"

# --- unix -------------------------------------------------------------------
out=$("$KILN" build -t unix examples/hello 2>"$tmp/build.err")
rc=$?
image=$(printf '%s\n' "$out" | tail -n 1)
if [ $rc -ne 0 ]; then
	fail "unix build" "kiln build exited $rc: $(tail -n 3 "$tmp/build.err" | tr '\n' ' ')"
elif [ "$image" != "examples/hello/_build/unix/hello.unix" ] || [ ! -x "$image" ]; then
	fail "unix build" "last line '$image' is not the image"
else
	pass "unix build prints the image path last"
fi

"$KILN" run -t unix examples/hello -- first 'second arg' --exit=7 >"$tmp/run.out" 2>"$tmp/run.err"
rc=$?
expected="Hello from kiln! (appliance hello, 3 boot arguments)
  argv[1] = first
  argv[2] = second arg
  argv[3] = --exit=7"
if [ "$(cat "$tmp/run.out")" != "$expected" ]; then
	fail "unix run" "unexpected output: $(head -c 300 "$tmp/run.out" | tr '\n' '|')"
elif [ $rc -ne 7 ]; then
	fail "unix run" "exit status $rc, expected 7"
else
	pass "unix run prints the greeting and its arguments and exits 7"
fi

"$KILN" run -t unix examples/hello >"$tmp/run0.out" 2>/dev/null
rc=$?
if [ $rc -eq 0 ] && grep -q '^Hello from kiln!' "$tmp/run0.out"; then
	pass "unix run without arguments exits 0"
else
	fail "unix run without arguments" "status $rc, output $(head -c 200 "$tmp/run0.out")"
fi

"$KILN" run -t unix examples/hello -- --exit=300 >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && pass "a bad --exit value exits 2" || fail "bad --exit value" "status $rc, expected 2"

# The link holds only the libraries hello reaches: core and the platform.
cp -r examples/hello "$tmp/hello" && rm -rf "$tmp/hello/_build"
"$KILN" build -t unix "$tmp/hello" >/dev/null 2>"$tmp/link.err"
# make echoes the link recipe with its backslash-newline: join those first.
link=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$tmp/link.err" | grep -- '-o .*/hello.unix ')
libs=$(printf '%s\n' "$link" | grep -o 'libkiln_[a-z0-9_]*\.a' | sort -u | tr '\n' ' ')
if [ "$libs" = "libkiln_core.a libkiln_platform.a " ]; then
	pass "hello links only libkiln_core.a and libkiln_platform.a"
else
	fail "hello links only core" "archives on the link line: '$libs'"
fi

if [ -x "$image" ]; then
	syms=$(nm "$image" | grep -E "$NET_SYMBOLS")
	if [ -z "$syms" ]; then
		pass "the unix hello image has no network symbols (nm)"
	else
		fail "no network code (unix)" "nm shows: $(echo "$syms" | head -n 3 | tr '\n' ' ')"
	fi
	if readelf -d "$image" | grep -q 'NEEDED.*libslirp'; then
		fail "no libslirp (unix)" "hello's image needs libslirp"
	else
		pass "the unix hello image does not link libslirp"
	fi
fi
# Control: an appliance declaring a net device does carry that code, so the
# check above can fail.
cp -r tests/kiln/fixtures/netprobe "$tmp/netprobe"
np=$("$KILN" build -t unix "$tmp/netprobe" 2>/dev/null | tail -n 1)
if [ -x "$np" ] && nm "$np" | grep -qE 'kiln_net_write' && nm "$np" | grep -qE 'tap_open' &&
	nm "$np" | grep -qE 'hostnet_wait' && readelf -d "$np" | grep -q 'NEEDED.*libslirp'; then
	pass "control: a net appliance's image has kiln_net_write, hostnet's tap code and libslirp"
else
	fail "control: net appliance symbols" "netprobe image '$np' lacks kiln_net_write, tap_open, hostnet_wait or libslirp"
fi

# --- unix under ASan and UBSan ---------------------------------------------
san=$("$KILN" build -t unix --sanitize examples/hello 2>"$tmp/san.err" | tail -n 1)
if [ "$san" != "examples/hello/_build/unix-asan/hello.unix" ] || [ ! -x "$san" ]; then
	fail "sanitized build" "last line '$san': $(tail -n 3 "$tmp/san.err" | tr '\n' ' ')"
elif ! nm "$san" | grep -q '__asan_init' || ! nm "$san" | grep -q '__ubsan_handle'; then
	fail "sanitized build" "$san has no ASan/UBSan runtime symbols"
else
	pass "kiln build --sanitize links ASan and UBSan"
fi
KILN_SANITIZE=1 "$KILN" run -t unix examples/hello -- one --exit=7 >"$tmp/san.out" 2>"$tmp/san.run.err"
rc=$?
if [ $rc -eq 7 ] && grep -q '^Hello from kiln!' "$tmp/san.out" && grep -q 'argv\[1\] = one' "$tmp/san.out" &&
	! grep -qE 'AddressSanitizer|runtime error' "$tmp/san.run.err"; then
	pass "sanitized hello (KILN_SANITIZE=1) prints the greeting and exits 7, no sanitizer report"
else
	fail "sanitized hello" "status $rc; $(head -c 300 "$tmp/san.run.err" | tr '\n' ' ')"
fi

# --- hvt --------------------------------------------------------------------
if ! hvt_ready; then
	skip "hvt build and run" "$hvt_why"
else
	himg=$("$KILN" build -t hvt examples/hello 2>"$tmp/hvt.err" | tail -n 1)
	if [ "$himg" != "examples/hello/_build/hvt/hello.hvt" ] || [ ! -f "$himg" ]; then
		fail "hvt build" "$(grep -E 'error|kiln:' "$tmp/hvt.err" | head -n 3 | tr '\n' ' ')"
	else
		pass "hvt build prints the image path last ($(stat -c %s "$himg") bytes)"
		syms=$(nm "$himg" | grep -E "$NET_SYMBOLS")
		[ -z "$syms" ] && pass "the hvt hello image has no network symbols (nm)" ||
			fail "no network code (hvt)" "nm shows: $(echo "$syms" | head -n 3 | tr '\n' ' ')"
		timeout 300 "$KILN" run -t hvt examples/hello -- hvt-arg --exit=3 >"$tmp/hvt.out" 2>"$tmp/hvt.run.err"
		rc=$?
		if [ $rc -eq 3 ] && grep -q '^Hello from kiln!' "$tmp/hvt.out" && grep -q 'argv\[1\] = hvt-arg' "$tmp/hvt.out"; then
			pass "kiln run -t hvt examples/hello -- --exit=3 prints the greeting and exits 3"
		else
			fail "hvt run" "status $rc; out: $(head -c 200 "$tmp/hvt.out" | tr '\n' '|'); err: $(tail -n 3 "$tmp/hvt.run.err" | tr '\n' ' ')"
		fi
	fi
fi
finish
