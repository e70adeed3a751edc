#!/usr/bin/env bash
# tests/store/crash.sh: data is sacred. A unix-target appliance commits to a
# kvgit store on a block device (a file), printing "ack N" only once commit N
# is durable; it is killed with SIGKILL at random moments, again and again.
# After every restart each acknowledged key must be there (the appliance
# checks, and its store_open() verifies every header and pack on the way).
#   STORE_CRASH_KILLS (default 1000) kills, within STORE_CRASH_SECONDS (300).
AREA=store . "$(dirname "$0")/../lib.sh"
kills=${STORE_CRASH_KILLS:-1000}
budget=${STORE_CRASH_SECONDS:-300}
tmp=$(tmpdir_new)
cp -r "$KILN_ROOT/tests/store/fixtures/storeprobe" "$tmp/"
rm -rf "$tmp/storeprobe/_build"
img=$("$KILN" build -t unix "$tmp/storeprobe" 2>"$tmp/build.err" | tail -n 1)
[ -x "$img" ] || { fail "storeprobe build" "$(tail -n 3 "$tmp/build.err" | tr '\n' ' ')"; finish; }
truncate -s 256M "$tmp/disk.img"
acked=-1 done=0 start=$SECONDS lost="" early=0
while [ $done -lt "$kills" ] && [ $((SECONDS - start)) -lt "$budget" ]; do
	out="$tmp/run.out"
	"$img" --block:disk="$tmp/disk.img" -- --verify=$acked --writes=100000 >"$out" 2>&1 &
	pid=$!
	# A random moment in the first ~40 ms: during boot, the check of what
	# is there, or a commit.
	sleep "0.0$(printf %02d $((RANDOM % 60)))"
	kill -KILL "$pid" 2>/dev/null || early=$((early + 1))
	wait "$pid" 2>/dev/null
	if grep -q '^LOST' "$out"; then
		lost=$(grep -m1 '^LOST' "$out")
		break
	fi
	if ! grep -q '^verified' "$out" && grep -q . "$out"; then
		lost="boot failed: $(head -n 2 "$out" | tr '\n' ' ')"
		break
	fi
	last=$(sed -n 's/^ack //p' "$out" | tail -n 1)
	[ -n "$last" ] && acked=$last
	done=$((done + 1))
done
# One last boot that must find everything.
"$img" --block:disk="$tmp/disk.img" -- --verify=$acked --writes=0 >"$tmp/final.out" 2>&1
rc=$?
if [ -n "$lost" ]; then
	fail "acknowledged writes survive SIGKILL" "after $done kills: $lost"
elif [ $rc -ne 0 ] || ! grep -q "^verified" "$tmp/final.out"; then
	fail "acknowledged writes survive SIGKILL" "final boot: status $rc, $(head -n 2 "$tmp/final.out" | tr '\n' ' ')"
elif [ "$acked" -lt 50 ]; then
	fail "acknowledged writes survive SIGKILL" "only $acked commits acknowledged in $done runs: the test did not exercise the store"
else
	pass "acknowledged writes survive SIGKILL: $done kills in $((SECONDS - start)) s, $((acked + 1)) commits acknowledged, none lost"
fi
[ "$done" -lt "$kills" ] && skip "all $kills kills" "the ${budget}s budget ran out after $done"
finish
