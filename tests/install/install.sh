#!/usr/bin/env bash
# tests/install/install.sh: make install into a temporary DESTDIR+PREFIX, then
# kiln from PATH alone, as a user without the source tree would: kiln new, kiln
# build -t unix, kiln run (and hvt where /dev/kvm works), from a folder
# outside the tree, with KILN_ROOT unset and a HOME of its own (the per-user
# cache where the installed kiln builds its libraries). Checks that nothing
# under PREFIX is written after make install, and that no build step reads
# the tree.
AREA=install
. "$(dirname "$0")/../lib.sh"
tmp=$(tmpdir_new)
prefix=/opt/kiln-test
d=$tmp/dest$prefix

# make install, as from a shell: not as a sub-make of make test.
if out=$(env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u KILN_DEPS \
	make -C "$KILN_ROOT" --no-print-directory install DESTDIR="$tmp/dest" PREFIX="$prefix" 2>&1); then
	pass "make install DESTDIR=... PREFIX=$prefix"
else
	fail "make install" "$(echo "$out" | tail -n 3 | tr '\n' ' ')"; finish
fi
missing=""
for f in bin/kiln bin/tender bin/tender-slirp bin/kiln-crunch include/kiln/platform.h \
	share/kiln/mk/appliance.mk share/kiln/mk/flags.mk share/kiln/platform/hvt/hvt.ld \
	share/kiln/lib/core/deps share/kiln/libc/include/string.h share/kiln/scripts/check-sse \
	share/kiln/config.mk share/kiln/LICENSE; do
	[ -e "$d/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && pass "installed: the programs, headers, and the libraries' sources and mk fragments" ||
	fail "installed files" "missing:$missing"
touch "$tmp/after-install"
sleep 0.01 # a later mtime than the stamp for anything written after it

home=$tmp/home
mkdir -p "$home/work"
# as_user CMD...: CMD with only PREFIX/bin and the system's on PATH, in
# $home/work, no KILN_ROOT (make test exports it).
as_user() { (cd "$home/work" && env -i HOME="$home" PATH="$d/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$@"); }

want=$("$KILN" --version 2>&1)
got=$(as_user kiln --version 2>&1)
[ -n "$got" ] && [ "$got" = "$want" ] && [[ "$got" =~ ^kiln\ [^\ ]+$ ]] &&
	pass "kiln --version: $got" || fail "kiln --version" "installed '$got', tree '$want'"

if out=$(as_user kiln new app 2>&1) && [ -f "$home/work/app/kiln.conf" ]; then
	pass "kiln new app"
else
	fail "kiln new app" "$(echo "$out" | tail -n 2 | tr '\n' ' ')"; finish
fi

# uses_tree FILE: true if FILE names a path in the source tree.
uses_tree() { grep -qF "$KILN_ROOT/" "$1"; }
as_user sh -c 'cd app && kiln build -t unix' >"$tmp/build.out" 2>&1
rc=$?
img=$(tail -n 1 "$tmp/build.out")
if [ $rc -eq 0 ] && [ -x "$home/work/app/$img" ] && ! uses_tree "$tmp/build.out"; then
	pass "kiln build -t unix from PATH, the tree not used ($img)"
else
	fail "kiln build -t unix" "status $rc, $(uses_tree "$tmp/build.out" && echo "reads $KILN_ROOT, ")$(tail -n 3 "$tmp/build.out" | tr '\n' ' ')"
fi
out=$(as_user sh -c 'cd app && kiln run -t unix -- one two' 2>&1)
if echo "$out" | grep -q '^Hello from .*!$' && echo "$out" | grep -q '^arg 2: two$'; then
	pass "kiln run -t unix: the skeleton says hello and gets its arguments"
else
	fail "kiln run -t unix" "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
fi

if need_kvm "kiln build and run -t hvt from PATH"; then
	out=$(as_user sh -c 'cd app && kiln run -t hvt -- one two' 2>&1)
	echo "$out" >"$tmp/hvt.out"
	if echo "$out" | grep -q '^Hello from .*!$' && echo "$out" | grep -q '^arg 2: two$' &&
		! uses_tree "$tmp/hvt.out"; then
		pass "kiln run -t hvt: built from PATH, booted by the installed tender"
	else
		fail "kiln run -t hvt" "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
fi

# Nothing under PREFIX written after make install; the libraries are in the cache.
new=$(find "$d" -newer "$tmp/after-install" | head -n 3 | tr '\n' ' ')
[ -z "$new" ] && pass "nothing written under PREFIX by kiln build and run" ||
	fail "PREFIX written after install" "$new"
ls "$home"/.cache/kiln/root-*/build/unix/libkiln_core.a >/dev/null 2>&1 &&
	pass "the libraries built once into the per-user cache (~/.cache/kiln)" ||
	fail "per-user cache" "no ~/.cache/kiln/root-*/build/unix/libkiln_core.a"

# A second build finds everything up to date: the cache is reused.
if ! out=$(as_user sh -c 'cd app && kiln build -t unix' 2>&1); then
	fail "second build" "$(echo "$out" | tail -n 2 | tr '\n' ' ')"
elif echo "$out" | grep -q '^cc '; then
	fail "second build" "recompiled: $(echo "$out" | grep '^cc ' | head -n 1)"
else
	pass "a second kiln build compiles nothing"
fi
finish
