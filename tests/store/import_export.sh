#!/usr/bin/env bash
# tests/store/import_export.sh: `kiln store` against stock git. A generated
# repository (STORE_REPO_COMMITS commits over STORE_REPO_FILES files; the
# defaults are small for make test, 10000 and 5000 the full size) is
# imported into a store, checked, and exported as a bare repository that
# git fsck --strict accepts with the same commit ids; log and errors too.
AREA=store . "$(dirname "$0")/../lib.sh"
commits=${STORE_REPO_COMMITS:-1000} files=${STORE_REPO_FILES:-500}
command -v git >/dev/null || { skip all "git is not installed"; exit 0; }
tmp=$(tmpdir_new)
cd "$tmp"
git init -q --bare src.git
python3 "$KILN_ROOT/tests/store/genrepo.py" "$commits" "$files" | git -C src.git fast-import --quiet ||
	{ fail "generate the repository"; finish; }
# A second branch and an annotated tag, and some loose objects beside the pack.
git -C src.git symbolic-ref HEAD refs/heads/main
git -C src.git branch side main~3
git clone -q src.git work && (cd work &&
	git -c user.name=L -c user.email=l@x commit -q --allow-empty -m loose &&
	git -c user.name=L -c user.email=l@x tag -a v2 -m 'annotated' && git push -q origin main v2) ||
	{ fail "loose commit and tag"; finish; }
check "init" "$KILN" store init disk.img --size=256
start=$SECONDS
check "import $commits commits over $files files" "$KILN" store import disk.img src.git
import_s=$((SECONDS - start))
if out=$("$KILN" store check disk.img 2>&1) && echo "$out" | grep -q 'consistent'; then
	pass "check: $out"
else
	fail "check" "$out"
fi
check "export" "$KILN" store export disk.img out.git
check "git fsck --strict on the export" git -C out.git fsck --strict --no-progress
same=1
for r in main side v1 v2; do
	[ "$(git -C src.git rev-parse "$r")" = "$(git -C out.git rev-parse "$r")" ] || same=0
done
if [ $same = 1 ] && [ "$(git -C out.git rev-list --all | wc -l)" = "$(git -C src.git rev-list --all | wc -l)" ]; then
	pass "the export has the same branches, tags and commits as the original"
else
	fail "same ids" "main $(git -C out.git rev-parse main 2>&1) vs $(git -C src.git rev-parse main)"
fi
if [ "$("$KILN" store log disk.img | head -n 1 | cut -d' ' -f2-)" = "L <l@x> loose" ] &&
	[ "$("$KILN" store log disk.img | wc -l)" -eq $((commits + 1)) ]; then
	pass "kiln store log lists every commit, newest first"
else
	fail "kiln store log" "$("$KILN" store log disk.img 2>&1 | head -n 2 | tr '\n' ' ')"
fi
# Errors: not a store, a damaged header, not a repository, bad usage.
truncate -s 1M junk.img
out=$("$KILN" store check junk.img 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q 'not a kiln store' && pass "a file that is no store: clear error" ||
	fail "not a store" "status $rc: $out"
out=$("$KILN" store import disk.img /nonexistent 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q 'not a git repository' && pass "import from no repository: clear error" ||
	fail "import from nothing" "status $rc: $out"
out=$("$KILN" store frob disk.img 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q 'unknown command' && pass "unknown store command: usage error" ||
	fail "bad usage" "status $rc: $out"
cp disk.img bad.img
printf 'XXXXXXXX' | dd of=bad.img bs=1 seek=0 conv=notrunc 2>/dev/null
printf 'XXXXXXXX' | dd of=bad.img bs=1 seek=65536 conv=notrunc 2>/dev/null
out=$("$KILN" store check bad.img 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -qE 'not a kiln store|damaged' && pass "both headers overwritten: refused" ||
	fail "damaged headers" "status $rc: $out"
echo "import of $commits commits: ${import_s}s"
finish
