#!/usr/bin/env bash
# tests/kiln/kiln.sh: the kiln tool: help, kiln new, --dry-run, config
# errors with FILE:LINE, target choice, incremental rebuilds.
set -u
AREA=kiln
source "$(dirname "$0")/lib.bash"
cd "$tmp"

# --- help -------------------------------------------------------------------
ok=1
for c in "--help" "build --help" "run --help" "new --help" "help run"; do
	# shellcheck disable=SC2086
	"$KILN" $c >"$tmp/help.out" 2>&1 || { ok=0; fail "kiln $c" "exit status $?"; }
	grep -q '^usage: kiln' "$tmp/help.out" || { ok=0; fail "kiln $c" "no usage line"; }
done
[ $ok -eq 1 ] && pass "kiln --help and each command's --help print a usage"
"$KILN" frobnicate >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q "unknown command 'frobnicate'" "$tmp/e" && pass "an unknown command is an error" ||
	fail "unknown command" "status $rc: $(cat "$tmp/e")"

# --- kiln new: a skeleton that builds and runs at once ----------------------
"$KILN" new "$tmp/apps/demo1" >"$tmp/new.out" 2>&1; rc=$?
if [ $rc -ne 0 ] || [ ! -f apps/demo1/kiln.conf ] || [ ! -f apps/demo1/main.c ] || [ ! -f apps/demo1/README ]; then
	fail "kiln new" "status $rc: $(cat "$tmp/new.out")"
else
	pass "kiln new creates kiln.conf, main.c and README"
fi
"$KILN" run -t unix apps/demo1 -- hi there >"$tmp/demo.out" 2>"$tmp/demo.err"; rc=$?
if [ $rc -eq 0 ] && [ "$(cat "$tmp/demo.out")" = "Hello from demo1!
arg 1: hi
arg 2: there" ]; then
	pass "the kiln new skeleton builds and runs (outside the kiln tree)"
else
	fail "skeleton run" "status $rc: $(head -c 300 "$tmp/demo.out" "$tmp/demo.err" | tr '\n' '|')"
fi
"$KILN" new "$tmp/apps/demo1" >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -ne 0 ] && grep -q 'already exists' "$tmp/e" && pass "kiln new refuses an existing directory" ||
	fail "kiln new existing" "status $rc: $(cat "$tmp/e")"
"$KILN" new "$tmp/apps/bad.name" >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -ne 0 ] && [ ! -e apps/bad.name ] && grep -q "'bad.name' cannot name an appliance" "$tmp/e" &&
	pass "kiln new refuses a name that is not letters, digits, '-' and '_'" ||
	fail "kiln new bad name" "status $rc: $(cat "$tmp/e")"

# --- --dry-run: builds, prints the command, runs nothing ---------------------
rm -f apps/demo1/_build/unix/demo1.unix
"$KILN" run -t unix --dry-run apps/demo1 -- --exit=4 'two words' >"$tmp/dry.out" 2>"$tmp/dry.err"; rc=$?
last=$(tail -n 1 "$tmp/dry.out")
want="apps/demo1/_build/unix/demo1.unix -- --exit=4 'two words'"
if [ $rc -ne 0 ] || [ "$last" != "$want" ]; then
	fail "dry-run" "status $rc, last line '$last', expected '$want'"
elif grep -q 'Hello' "$tmp/dry.out" "$tmp/dry.err"; then
	fail "dry-run" "the appliance ran"
elif [ ! -x apps/demo1/_build/unix/demo1.unix ]; then
	fail "dry-run" "did not build the image"
else
	pass "--dry-run builds and prints the exact command as its last line without running it"
fi
# The printed line is the exact command: running it does what kiln run does.
out=$(eval "$last"); rc=$?
[ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q '^arg 2: two words$' &&
	pass "the dry-run command line runs the appliance with its arguments" ||
	fail "dry-run command" "status $rc, output: $out"
if hvt_ready; then
	"$KILN" run -t hvt --dry-run --net:x=tap0 apps/demo1 -- a >"$tmp/dryh.out" 2>"$tmp/dryh.err"; rc=$?
	want="$ROOT/build/bin/tender --mem=32 --net:x=tap0 -- apps/demo1/_build/hvt/demo1.hvt a"
	[ $rc -eq 0 ] && [ "$(tail -n 1 "$tmp/dryh.out")" = "$want" ] &&
		pass "--dry-run -t hvt prints the tender's command line" ||
		fail "dry-run hvt" "status $rc, got '$(tail -n 1 "$tmp/dryh.out")', want '$want'; $(grep -E 'error' "$tmp/dryh.err" | head -n 2)"
else
	skip "dry-run hvt" "$hvt_why"
fi

# An hvt image with an SSE instruction fails its build (scripts/check-sse).
if hvt_ready && [ -x "$ROOT/scripts/check-sse" ]; then
	"$KILN" new "$tmp/apps/sse" >/dev/null
	echo 'void sse_use(void); void sse_use(void) { __asm__ volatile("pxor %xmm0, %xmm0"); }' >"$tmp/apps/sse/sse.c"
	sed -i 's/\treturn 0;/\tsse_use();\n\treturn 0;/' "$tmp/apps/sse/main.c"
	sed -i 's/^int kiln_main/void sse_use(void);\nint kiln_main/' "$tmp/apps/sse/main.c"
	"$KILN" build -t hvt apps/sse >"$tmp/sse.out" 2>"$tmp/sse.err"; rc=$?
	if [ $rc -eq 1 ] && grep -q 'pxor' "$tmp/sse.err" && grep -q 'image removed' "$tmp/sse.err" &&
		[ ! -e apps/sse/_build/hvt/sse.hvt ] && [ ! -s "$tmp/sse.out" ]; then
		pass "kiln build -t hvt rejects an image with an SSE instruction and removes it"
	else
		fail "hvt SSE check" "status $rc: $(tail -n 3 "$tmp/sse.err" | tr '\n' ' ')"
	fi
else
	skip "hvt SSE check" "${hvt_why:-scripts/check-sse is missing}"
fi

# --- target choice ------------------------------------------------------------
"$KILN" run --dry-run apps/demo1 >"$tmp/auto.out" 2>"$tmp/auto.err"
if hvt_ready; then
	grep -q '^kiln: target hvt (/dev/kvm is usable' "$tmp/auto.err" &&
		pass "kiln run without -t picks hvt and says why" ||
		fail "auto target" "$(grep 'kiln: target' "$tmp/auto.err")"
else
	grep -qE '^kiln: target (unix|hvt) \(' "$tmp/auto.err" &&
		pass "kiln run without -t says which target and why" ||
		fail "auto target" "no 'kiln: target' line: $(head -n 2 "$tmp/auto.err")"
fi
"$KILN" build -t vax apps/demo1 >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -ne 0 ] && grep -q "unknown target 'vax' (targets: unix, hvt)" "$tmp/e" &&
	pass "an unknown target is an error" || fail "unknown target" "status $rc: $(cat "$tmp/e")"
"$KILN" build --sanitize -t hvt apps/demo1 >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -ne 0 ] && grep -q "sanitize is for the unix target" "$tmp/e" &&
	pass "--sanitize on hvt is an error" || fail "sanitize hvt" "status $rc: $(cat "$tmp/e")"

mkdir -p "$tmp/fakeroot/mk" && touch "$tmp/fakeroot/mk/appliance.mk"
KILN_ROOT=$tmp/fakeroot "$KILN" run -t hvt apps/demo1 >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] && grep -q "^kiln: $tmp/fakeroot/build/bin/tender is not built: run 'make tools'" "$tmp/e" &&
	pass "-t hvt without a built tender is one clear error" || fail "no tender" "status $rc: $(cat "$tmp/e")"
KILN_ROOT=$tmp/nowhere "$KILN" build apps/demo1 >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] && grep -q "^kiln: KILN_ROOT=$tmp/nowhere is not a kiln tree" "$tmp/e" &&
	pass "a wrong KILN_ROOT is one clear error" || fail "bad KILN_ROOT" "status $rc: $(cat "$tmp/e")"

# --- config errors: one line, FILE:LINE ---------------------------------------
conf_error() { # what, config text, expected stderr line
	mkdir -p "$tmp/bad"
	printf '%s' "$2" >"$tmp/bad/kiln.conf"
	"$KILN" build -t unix "$tmp/bad" >"$tmp/bad.out" 2>"$tmp/bad.err"; local rc=$?
	local got
	got=$(grep -v '^kiln: target' "$tmp/bad.err")
	if [ $rc -eq 1 ] && [ "$got" = "$3" ] && [ ! -s "$tmp/bad.out" ]; then
		pass "config error: $1"
	else
		fail "config error: $1" "status $rc, stderr '$got', expected '$3'"
	fi
}
conf_error "unknown key" $'name = x\n# devices\nnett = service\n' \
	"kiln: $tmp/bad/kiln.conf:3: unknown key 'nett' (known: name, net, block, libs, mem, forward, files, cflags, ldflags, sources)"
conf_error "unknown library" $'name = x\nlibs = core nosuchlib\n' \
	"kiln: $tmp/bad/kiln.conf:2: unknown library 'nosuchlib' (known: $(ls "$ROOT/lib" | while read -r l; do [ -f "$ROOT/lib/$l/deps" ] && printf '%s ' "$l"; done | sed 's/ $//'))"
conf_error "bad mem" $'name = x\nmem = lots\n' \
	"kiln: $tmp/bad/kiln.conf:2: bad mem 'lots': a whole number of MiB from 2 to 4096"
conf_error "duplicate device" $'name = x\nnet = a\n\nblock = a\n' \
	"kiln: $tmp/bad/kiln.conf:4: duplicate device name 'a' (first declared on line 2)"
conf_error "bad name" $'name = my.app\n' \
	"kiln: $tmp/bad/kiln.conf:1: bad name 'my.app': only letters, digits, '-' and '_' are allowed"
conf_error "no name" $'net = a\n' \
	"kiln: $tmp/bad/kiln.conf:1: no 'name = ...' line: an appliance needs a name"
rm -f "$tmp/bad/kiln.conf"
"$KILN" build -t unix "$tmp/bad" >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] && grep -q "^kiln: $tmp/bad/kiln.conf: no such file" "$tmp/e" &&
	pass "a missing kiln.conf is one clear error" || fail "missing kiln.conf" "status $rc: $(cat "$tmp/e")"
mkdir -p "$tmp/noc" && echo 'name = noc' >"$tmp/noc/kiln.conf"
"$KILN" build -t unix "$tmp/noc" >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] && grep -q "^kiln: $tmp/noc has no .c file" "$tmp/e" &&
	pass "an appliance without C files is one clear error" || fail "no .c" "status $rc: $(cat "$tmp/e")"
"$KILN" build -t unix "$tmp/nonexistent" >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] && grep -q "^kiln: $tmp/nonexistent: not a directory" "$tmp/e" &&
	pass "a missing directory is one clear error" || fail "missing dir" "status $rc: $(cat "$tmp/e")"

# --- incremental: editing one file recompiles exactly that file ---------------
"$KILN" new "$tmp/apps/inc" >/dev/null
cat >"$tmp/apps/inc/extra.c" <<'C'
int extra_value(void);
int extra_value(void) { return 1; }
C
"$KILN" build -t unix apps/inc >/dev/null 2>&1
compiles() { grep -cE '(^| )-c [^ ]+\.c ' "$1"; }
"$KILN" build -t unix apps/inc >/dev/null 2>"$tmp/inc0.err"
n0=$(compiles "$tmp/inc0.err")
links0=$(grep -c -- '-o .*/inc.unix' "$tmp/inc0.err")
"$KILN" build -t unix "$tmp/apps/inc" >/dev/null 2>"$tmp/inc0b.err"
[ "$(compiles "$tmp/inc0b.err")" -eq 0 ] && pass "the same appliance by its absolute path rebuilds nothing" ||
	fail "absolute path rebuild" "compiled: $(grep -oE -- '-c [^ ]+\.c ' "$tmp/inc0b.err" | tr '\n' ' ')"
sleep 1 # a distinct mtime on coarse file systems
# a constructor: reached through .init_array, so --gc-sections keeps it and nm sees it
echo 'volatile int extra_seen; __attribute__((constructor)) void extra_twice(void); void extra_twice(void) { extra_seen = 1; }' >>"$tmp/apps/inc/extra.c"
"$KILN" build -t unix apps/inc >/dev/null 2>"$tmp/inc1.err"
n1=$(compiles "$tmp/inc1.err")
what=$(grep -oE -- '-c [^ ]+\.c ' "$tmp/inc1.err" | tr '\n' ' ')
if [ "$n0" -eq 0 ] && [ "$links0" -eq 0 ] && [ "$n1" -eq 1 ] && printf '%s' "$what" | grep -q 'apps/inc/extra.c'; then
	pass "incremental: no-op rebuild compiles nothing; editing extra.c recompiles only it"
else
	fail "incremental" "no-op compiled $n0 and linked $links0 times; after the edit compiled $n1: $what"
fi
# A changed kiln.conf regenerates the manifest and recompiles it alone.
echo 'block = disk' >>"$tmp/apps/inc/kiln.conf"
"$KILN" build -t unix apps/inc >/dev/null 2>"$tmp/inc2.err"
what=$(grep -oE -- '-c [^ ]+\.c ' "$tmp/inc2.err" | tr '\n' ' ')
[ "$(compiles "$tmp/inc2.err")" -eq 1 ] && printf '%s' "$what" | grep -q '_build/unix/manifest.c' &&
	pass "a new device in kiln.conf recompiles only the generated manifest" ||
	fail "manifest regeneration" "compiled: $what"
# Deleting a file relinks without it (make alone would see nothing newer).
nm apps/inc/_build/unix/inc.unix | grep -q extra_twice ||
	fail "deleted file: control" "extra_twice is not in the image before the deletion"
rm "$tmp/apps/inc/extra.c"
"$KILN" build -t unix apps/inc >/dev/null 2>"$tmp/inc3.err"
if [ "$(compiles "$tmp/inc3.err")" -eq 0 ] && grep -q -- '-o .*/inc.unix' "$tmp/inc3.err" &&
	! nm apps/inc/_build/unix/inc.unix | grep -q extra_twice; then
	pass "deleting an application file relinks the image without it"
else
	fail "deleted file" "$(grep -c -- '-o .*/inc.unix' "$tmp/inc3.err") links; nm: $(nm apps/inc/_build/unix/inc.unix | grep extra)"
fi

finish
