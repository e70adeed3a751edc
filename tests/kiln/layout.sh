#!/usr/bin/env bash
# tests/kiln/layout.sh: the build loop and project layout: a no-op build runs
# no make, an edit rebuilds, -Og unless --release, sources in subdirectories,
# kiln.conf cflags/ldflags, warnings in user code not fatal unless -Werror.
set -u
AREA=kiln-layout
source "$(dirname "$0")/lib.bash"
cd "$tmp"

mkdir -p app/src
cat >app/kiln.conf <<'CONF'
name = lay
CONF
cat >app/main.c <<'C'
#include <stdio.h>
#include "src/part.h"
int kiln_main(int argc, char **argv)
{
	(void)argc; (void)argv;
	printf("part says %d\n", part());
	return 0;
}
C
cat >app/src/part.h <<'C'
int part(void);
C
cat >app/src/part.c <<'C'
#include "part.h"
int part(void) { return 41 + 1; }
C

# --- sources in subdirectories ---------------------------------------------------
out=$("$KILN" run -t unix app 2>"$tmp/e"); rc=$?
[ $rc -eq 0 ] && [ "$out" = "part says 42" ] &&
	pass "a .c file in a subdirectory (src/part.c) is compiled and linked" ||
	fail "subdirectory sources" "status $rc, out '$out': $(tail -c 400 "$tmp/e")"

# --- a no-op build runs no make ------------------------------------------------
img=app/_build/unix/lay.unix
before=$(stat -c %Y.%y "$img")
strace -f -e trace=execve -o "$tmp/trace" "$KILN" build -t unix app >/dev/null 2>"$tmp/e"
rc=$?
if ! command -v strace >/dev/null; then
	skip "no-op build" "strace is not installed"
elif [ $rc -ne 0 ]; then
	fail "no-op build" "status $rc: $(cat "$tmp/e")"
elif grep -q 'execve("[^"]*/make"' "$tmp/trace" || grep -q 'execve("[^"]*/cc"' "$tmp/trace"; then
	fail "no-op build" "ran make or cc: $(grep -o 'execve("[^"]*"' "$tmp/trace" | sort -u | tr '\n' ' ')"
elif [ "$(stat -c %Y.%y "$img")" != "$before" ] || ! grep -q 'up to date' "$tmp/e"; then
	fail "no-op build" "image rewritten or no 'up to date': $(cat "$tmp/e")"
else
	pass "a build with nothing changed runs no make and no compiler and says 'up to date'"
fi

# --- an edit in a subdirectory rebuilds ----------------------------------------
sed -i 's/41 + 1/40 + 3/' app/src/part.c
out=$("$KILN" run -t unix app 2>"$tmp/e"); rc=$?
[ $rc -eq 0 ] && [ "$out" = "part says 43" ] &&
	pass "an edit to src/part.c is rebuilt" ||
	fail "edit rebuild" "status $rc, out '$out': $(tail -c 400 "$tmp/e")"
# A header edit alone (a new file date) also counts.
touch -d '+2 seconds' app/src/part.h
"$KILN" build -t unix app >/dev/null 2>"$tmp/e"
grep -q 'up to date' "$tmp/e" && fail "header edit" "a changed header was taken as up to date" ||
	pass "a changed header is not taken as up to date"

# --- -Og by default, -O2 with --release ------------------------------------------
rm -f app/_build/unix/kiln.stamp
"$KILN" build -t unix app >/dev/null 2>"$tmp/e"
grep -q -- ' -Og .*src/part.c' "$tmp/e" && pass "the development build compiles the application at -Og" ||
	fail "-Og" "$(grep part.c "$tmp/e")"
"$KILN" build -t unix --release app >/dev/null 2>"$tmp/e"
grep -q -- ' -O2 .*src/part.c' "$tmp/e" && ! grep -q -- '-Og' "$tmp/e" &&
	pass "--release recompiles the application at -O2" ||
	fail "--release" "$(grep part.c "$tmp/e")"

# --- cflags and ldflags ----------------------------------------------------------
cat >app/main.c <<'C'
#include <stdio.h>
#include "src/part.h"
int kiln_main(int argc, char **argv)
{
	(void)argc; (void)argv;
	printf("part says %d, FLAVOR %d\n", part(), FLAVOR);
	return 0;
}
C
printf 'cflags = -DFLAVOR=7\nldflags = -Wl,--defsym=kiln_layout_probe=0\n' >>app/kiln.conf
out=$("$KILN" run -t unix app 2>"$tmp/e"); rc=$?
[ $rc -eq 0 ] && [ "$out" = "part says 43, FLAVOR 7" ] && grep -q -- '--defsym=kiln_layout_probe' "$tmp/e" &&
	pass "kiln.conf cflags reach the compiler and ldflags the linker" ||
	fail "cflags/ldflags" "status $rc, out '$out': $(tail -c 400 "$tmp/e")"

# --- warnings in user code: not fatal, unless cflags = -Werror --------------------
printf 'int unused_warning(void) { int x; return 0; }\n' >app/warn.c
out=$("$KILN" run -t unix app 2>"$tmp/e"); rc=$?
[ $rc -eq 0 ] && grep -q 'warning: unused variable' "$tmp/e" &&
	pass "a warning in the application's code is printed and does not fail the build" ||
	fail "warning not fatal" "status $rc: $(tail -c 400 "$tmp/e")"
echo 'cflags = -Werror' >>app/kiln.conf
"$KILN" build -t unix app >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -ne 0 ] && grep -q 'error: unused variable' "$tmp/e" &&
	pass "cflags = -Werror makes the application's warnings errors" ||
	fail "cflags -Werror" "status $rc: $(tail -c 400 "$tmp/e")"

# --- sources = globs: only those files are the application ----------------------
mkdir -p globapp/src globapp/attic
printf 'name = glob_app-1\nsources = main.c src/*.c\n' >globapp/kiln.conf
printf '#include <stdio.h>\nint two(void);\nint kiln_main(int c, char **v) { (void)c; (void)v; printf("two %%d\\n", two()); return 0; }\n' >globapp/main.c
printf 'int two(void) { return 2; }\n' >globapp/src/two.c
printf 'this is not C\n' >globapp/attic/old.c
out=$("$KILN" run -t unix globapp 2>"$tmp/e"); rc=$?
[ $rc -eq 0 ] && [ "$out" = "two 2" ] && [ -x globapp/_build/unix/glob_app-1.unix ] &&
	pass "sources globs pick the application's files (attic/old.c left out); a name with '-' and '_'" ||
	fail "sources" "status $rc, out '$out': $(grep -v '^cc' "$tmp/e" | tail -c 500)"
printf 'sources = nothing/*.c\n' >>globapp/kiln.conf
"$KILN" build -t unix globapp >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -ne 0 ] && grep -q "kiln.conf:2: sources: 'nothing/\*.c' matches no file" "$tmp/e" &&
	pass "a sources glob matching nothing is an error with FILE:LINE" ||
	fail "sources no match" "status $rc: $(cat "$tmp/e")"

# --- hvt-only breakage reported by a unix build -------------------------------------
# popen: in glibc, surely not in kiln's freestanding libc (libc/).
"$KILN" new "$tmp/xc" >/dev/null 2>&1
sed -i 's/\treturn 0;/\tFILE *p = popen("true", "r");\n\tif (p) pclose(p);\n\treturn 0;/' xc/main.c
line=$(grep -n 'popen' xc/main.c | cut -d: -f1)
"$KILN" build -t unix xc >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 0 ] && grep -q "^kiln: for hvt: .*xc/main.c:$line:[0-9]*: error: implicit declaration of function .popen" "$tmp/e" &&
	pass "a unix build reports, with file:line, a libc call hvt's libc lacks (popen)" ||
	fail "cross-target check" "status $rc: $(grep -v '^cc' "$tmp/e" | tail -c 600)"
# Cached: a second build with nothing changed is a no-op, an edit elsewhere
# reports it again only for the edited file.
"$KILN" build -t unix xc >/dev/null 2>"$tmp/e"
grep -q 'up to date' "$tmp/e" && pass "the cross-target check keeps a no-op build a no-op" ||
	fail "cross-target no-op" "$(tail -c 300 "$tmp/e")"
# Fixed, it gets no such line.
sed -i '/popen\|pclose/d' xc/main.c
"$KILN" build -t unix xc >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 0 ] && grep -q 'building xc' "$tmp/e" && ! grep -q "kiln: for hvt" "$tmp/e" &&
	pass "a portable appliance's unix build reports nothing for hvt" ||
	fail "cross-target false alarm" "$(grep 'for hvt' "$tmp/e" | head -3)"

# --- hvt: the SSE check, cached per object, never lets a bad image through ------
if hvt_ready; then
	mkdir -p sse
	echo "name = sse" >sse/kiln.conf
	cat >sse/main.c <<'C'
#include <kiln/platform.h>
int kiln_main(int argc, char **argv) { (void)argc; (void)argv; return 0; }
C
	"$KILN" build -t hvt sse >/dev/null 2>"$tmp/e"; rc1=$?
	printf '__attribute__((noinline)) void planted(void) { __asm__ volatile("pxor %%xmm0, %%xmm0"); }\n' >sse/bad.c
	"$KILN" build -t hvt sse >/dev/null 2>"$tmp/e"; rc2=$?
	"$KILN" build -t hvt sse >/dev/null 2>"$tmp/e2"; rc3=$?
	rm sse/bad.c
	"$KILN" build -t hvt sse >/dev/null 2>"$tmp/e3"; rc4=$?
	if [ $rc1 -eq 0 ] && [ $rc2 -ne 0 ] && grep -q '<planted[^>]*>: pxor' "$tmp/e" &&
	   [ $rc3 -ne 0 ] && grep -q 'pxor' "$tmp/e2" && [ $rc4 -eq 0 ] && [ -f sse/_build/hvt/sse.hvt ]; then
		pass "hvt: an object with SSE fails the build every time until it is gone (the check is cached per object)"
	else
		fail "hvt SSE check" "statuses $rc1 $rc2 $rc3 $rc4: $(tail -n 2 "$tmp/e" "$tmp/e2" "$tmp/e3" | tr '\n' '|')"
	fi
else
	skip "hvt SSE check" "$hvt_why"
fi

# --- a forgotten library: named, not left as a raw linker error -------------------
"$KILN" new --template http "$tmp/forgot" >/dev/null 2>&1
sed -i 's/^libs = .*/libs = dhcp nettcp/' forgot/kiln.conf
"$KILN" build -t unix forgot >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -ne 0 ] && grep -qx "kiln: httpd_start is in library httpd: add it to libs in kiln.conf" "$tmp/e" &&
	pass "a link failure names the library of an undefined symbol (httpd_start -> httpd)" ||
	fail "link hint" "status $rc: $(grep -v '^cc' "$tmp/e" | tail -c 600)"
# An undefined symbol no library defines gets no hint.
sed -i 's/^int kiln_main/void no_such_function_anywhere(void);\nint kiln_main/; s/\tfiber_run();/\tno_such_function_anywhere();\n\tfiber_run();/' forgot/main.c
sed -i 's/^libs = .*/libs = dhcp nettcp httpd/' forgot/kiln.conf
"$KILN" build -t unix forgot >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -ne 0 ] && grep -q "undefined reference to .no_such_function_anywhere" "$tmp/e" &&
	! grep -q "is in library" "$tmp/e" &&
	pass "an undefined symbol of no kiln library is left to the linker's message" ||
	fail "no hint" "status $rc: $(grep -v '^cc' "$tmp/e" | tail -c 600)"

finish
