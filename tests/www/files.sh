#!/bin/bash
# tests/www/files.sh: kiln.conf's `files = DIR` (docs/config.md): the directory
# baked into the image, every file read back byte-exact, rebuilt only when the
# directory changes, and a missing directory is a FILE:LINE error.
AREA=www; . "$(dirname "$0")/../lib.sh"

[ -x "$KILN" ] && [ -x "$KILN_ROOT/build/bin/kiln-crunch" ] ||
	{ fail "files" "build/bin/kiln or kiln-crunch missing: run make tools"; finish; }
d=$(tmpdir_new)
mkdir -p "$d/app/site/css" "$d/app/site/img"
printf 'name = filesprobe\nfiles = site   # baked in\n' >"$d/app/kiln.conf"
echo '<h1>hello</h1>' >"$d/app/site/index.html"
echo 'body { color: red }' >"$d/app/site/css/a.css"
head -c 3000 /dev/urandom >"$d/app/site/img/x.bin"
: >"$d/app/site/empty.txt"
# The appliance prints "KEY SIZE SHA256" for every baked file.
cat >"$d/app/main.c" <<'C'
#include <kiln/kv.h>
#include <stdio.h>
KV_BAKED_DECLARE(kiln_files);
static int show(void *arg, struct view k, const struct kv_meta *m)
{
	(void)arg;
	printf("%.*s %llu ", (int)k.len, (const char *)k.data, (unsigned long long)m->size);
	for (int i = 0; i < KV_DIGEST_LEN; i++)
		printf("%02x", m->digest[i]);
	printf("\n");
	return 0;
}
int kiln_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return kv_list(&kiln_files, kv_key(""), show, NULL);
}
C
expect() { (cd "$d/app/site" && find . -type f | sed 's|^\./||' | LC_ALL=C sort |
	while read -r f; do echo "$f $(stat -c %s "$f") $(sha256sum <"$f" | cut -d' ' -f1)"; done); }
img=$("$KILN" build -t unix "$d/app" 2>"$d/log" | tail -n 1)
if [ -x "$d/app/$img" ] || [ -x "$img" ]; then pass "builds with files = site"
else fail "builds with files = site" "$(tail -n 3 "$d/log")"; finish; fi
(cd "$d/app" && "$KILN" run -t unix . 2>/dev/null) >"$d/got"
if diff <(expect) "$d/got" >/dev/null; then pass "every file baked byte-exact (sha256sum)"
else fail "every file baked byte-exact" "$(diff <(expect) "$d/got" | head -n 2 | tr '\n' ' ')"; fi

# Incremental: a rebuild with nothing changed runs neither kiln-crunch nor cc.
"$KILN" build -t unix "$d/app" >/dev/null 2>"$d/log2"
if grep -q "baking\|cc \|gcc " "$d/log2"; then fail "no change: nothing rebaked or compiled" "$(grep -m1 "baking\|cc " "$d/log2")"
else pass "no change: nothing rebaked or compiled"; fi
# A changed file rebakes and recompiles files.c only.
echo 'body { color: blue }' >"$d/app/site/css/a.css"
"$KILN" build -t unix "$d/app" >/dev/null 2>"$d/log3"
if grep -q "baking" "$d/log3" && grep -q "files.c" "$d/log3" && ! grep -q "main.c" "$d/log3"; then
	pass "a changed file rebakes files.c only"
else fail "a changed file rebakes files.c only" "$(grep -c . "$d/log3") lines of log"; fi
(cd "$d/app" && "$KILN" run -t unix . 2>/dev/null) >"$d/got"
if diff <(expect) "$d/got" >/dev/null; then pass "the changed file is served"
else fail "the changed file is served" "stale content"; fi
# A new file is picked up too.
echo new >"$d/app/site/new.txt"
(cd "$d/app" && "$KILN" run -t unix . 2>/dev/null) >"$d/got"
if diff <(expect) "$d/got" >/dev/null; then pass "a new file is baked"
else fail "a new file is baked" "missing"; fi

# Errors: a missing directory names kiln.conf and its line.
printf 'name = filesprobe\n\nfiles = nosuchdir\n' >"$d/app/kiln.conf"
out=$("$KILN" build -t unix "$d/app" 2>&1); st=$?
if [ $st = 1 ] && echo "$out" | grep -q "kiln.conf:3: files directory 'nosuchdir' does not exist"; then
	pass "missing files directory: FILE:LINE error"
else fail "missing files directory: FILE:LINE error" "status $st: $(echo "$out" | tail -n 1)"; fi
printf 'name = filesprobe\nfiles = index.html\n' >"$d/app/kiln.conf"
cp "$d/app/site/index.html" "$d/app/"
out=$("$KILN" build -t unix "$d/app" 2>&1)
if echo "$out" | grep -q "kiln.conf:2: files directory 'index.html' is not a directory"; then
	pass "files naming a file: FILE:LINE error"
else fail "files naming a file: FILE:LINE error" "$(echo "$out" | tail -n 1)"; fi
finish
