#!/usr/bin/env bash
# tests/hvt/check_sse.sh: scripts/check-sse passes every hvt image these tests
# build (the test guests and hello) and catches planted SSE/x87/AVX code, both
# in an object and linked into an image (docs/hvt-abi.md section 7).
AREA=hvt
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/guest-lib.bash"
CHECK_SSE=$KILN_ROOT/scripts/check-sse
tmp=$(tmpdir_new)

# hello, built in a copy so this test never writes into examples/.
mkdir -p "$tmp/hello" && cp "$KILN_ROOT"/examples/hello/*.c "$KILN_ROOT"/examples/hello/kiln.conf "$tmp/hello/"
for dir in "$GUESTS"/*/ "$tmp/hello/"; do
	dir=${dir%/}
	name=$(basename "$dir")
	if ! img=$(hvt_build "$dir"); then
		fail "check-sse: build $name"
		continue
	fi
	if out=$("$CHECK_SSE" "$img" 2>&1); then
		pass "check-sse: $name image has no SSE/x87/AVX instructions"
	else
		fail "check-sse: $name image" "$(echo "$out" | head -n 3 | tr '\n' '|')"
	fi
done

# A planted object: pxor and fld are caught, the 128-bit moves are not.
cat >"$tmp/planted.S" <<'ASM'
	.text
	.globl planted_sse
planted_sse:
	movdqu (%rdi), %xmm1
	pxor %xmm0, %xmm0
	movaps %xmm1, %xmm2
	fldz
	ret
ASM
cc -c "$tmp/planted.S" -o "$tmp/planted.o"
out=$("$CHECK_SSE" "$tmp/planted.o" 2>/dev/null); st=$?
if [ $st -eq 1 ] && grep -q "<planted_sse+0x[0-9a-f]*>: pxor" <<<"$out" &&
   grep -q "<planted_sse+0x[0-9a-f]*>: fldz" <<<"$out" && [ "$(wc -l <<<"$out")" -eq 2 ]; then
	pass "check-sse: catches pxor and fldz in an object, names their symbol, allows movdqu/movaps"
else
	fail "check-sse: planted object" "status $st: $(tr '\n' '|' <<<"$out")"
fi

# A planted image: an appliance whose C code carries a pxor.
mkdir -p "$tmp/planted"
echo "name = planted" >"$tmp/planted/kiln.conf"
cat >"$tmp/planted/planted.c" <<'C'
/* planted.c: an appliance with one SSE instruction, for tests/hvt/check_sse.sh. */
#include <kiln/platform.h>
__attribute__((noinline)) static void planted_sse(void) { __asm__ volatile("pxor %xmm0, %xmm0"); }
int kiln_main(int argc, char **argv) { (void)argv; if (argc > 100) planted_sse(); return 0; }
C
if [ -x "$KILN" ]; then
	# The kiln tool runs check-sse on every hvt image it links and refuses
	# one that fails: the build must fail, naming the instruction.
	out=$("$KILN" build -t hvt "$tmp/planted" 2>&1); st=$?
	if [ $st -ne 0 ] && grep -q "<planted_sse[^>]*>: pxor" <<<"$out" &&
	   [ ! -e "$tmp/planted/_build/hvt/planted.hvt" ]; then
		pass "check-sse: kiln build refuses an image with a pxor, naming it"
	else
		fail "check-sse: planted image" "kiln build status $st: $(tail -n 2 <<<"$out" | tr '\n' '|')"
	fi
elif img=$(hvt_build "$tmp/planted"); then
	out=$("$CHECK_SSE" "$img" 2>/dev/null); st=$?
	if [ $st -eq 1 ] && grep -q "<planted_sse[^>]*>: pxor" <<<"$out"; then
		pass "check-sse: catches a pxor linked into an hvt image"
	else
		fail "check-sse: planted image" "status $st: $(tr '\n' '|' <<<"$out")"
	fi
else
	fail "check-sse: build the planted image"
fi
finish
