#!/usr/bin/env bash
# tests/tender/gdb.sh: the tender's gdb stub (tender/gdb.c). `kiln run -t hvt
# --gdb` starts the tender waiting on 127.0.0.1:1234 and prints the gdb
# command; gdb in batch mode attaches to a tender on a port of our own,
# breaks at kiln_main, reads rip and a variable in guest memory, and
# continues to the guest's exit status (7), which gdb and the tender both
# report. The tender runs confined (seccomp) throughout.
AREA=tender
. "$(dirname "$0")/../lib.sh"
need_kvm "gdb" || finish
command -v gdb >/dev/null || { skip "gdb" "gdb is not installed"; finish; }
[ -x "$TENDER" ] && [ -x "$KILN" ] || { fail "setup" "tender or kiln is not built (make tools)"; finish; }
tmp=$(tmpdir_new)
cp -r "$KILN_ROOT/examples/hello" "$tmp/" && rm -rf "$tmp/hello/_build"
img=$("$KILN" build -t hvt "$tmp/hello" 2>"$tmp/b.err" | tail -n 1)
[ -f "$img" ] || { fail "build hello for hvt" "$(tail -n 3 "$tmp/b.err")"; finish; }
port=$((20000 + ($$ * 7) % 30000))

bg_start timeout 120 "$TENDER" --mem=16 --gdb=$port "$img" --exit=7 >"$tmp/t.out" 2>"$tmp/t.err"
tpid=$BG_PID
if ! wait_for 20 grep -q "waiting for gdb on 127.0.0.1:$port" "$tmp/t.err"; then
	fail "tender --gdb listens" "$(cat "$tmp/t.err")"
	finish
fi
if grep -qF "attach with: gdb -ex 'target remote 127.0.0.1:$port' $img" "$tmp/t.err"; then
	pass "tender --gdb=$port: waits before the guest runs and prints the gdb command"
else
	fail "tender --gdb message" "$(cat "$tmp/t.err")"
fi
timeout 60 gdb -batch -nx -ex "target remote 127.0.0.1:$port" -ex 'break kiln_main' -ex continue \
	-ex 'info registers rip' -ex 'print kiln_appliance_name' -ex continue "$img" >"$tmp/g.out" 2>&1
wait "$tpid"
trc=$?
if grep -qE "^Breakpoint 1, kiln_main \(argc=2" "$tmp/g.out" &&
	grep -qE "^rip +0x[0-9a-f]+ +0x[0-9a-f]+ <kiln_main>" "$tmp/g.out" &&
	grep -qF '<kiln_appliance_name> "hello"' "$tmp/g.out" &&
	grep -qF "[Inferior 1 (Remote target) exited with code 07]" "$tmp/g.out" && [ $trc -eq 7 ]; then
	pass "gdb: breaks at kiln_main, reads rip and kiln_appliance_name, continues to exit code 7 (tender status $trc)"
else
	fail "gdb session" "tender status $trc: $(tail -n 8 "$tmp/g.out" | tr '\n' '|') $(tail -n 2 "$tmp/t.err" | tr '\n' '|')"
fi

# Single steps, memory writes and registers through p; then detach: the guest runs on.
bg_start timeout 120 "$TENDER" --mem=16 --gdb=$port "$img" --exit=3 >"$tmp/t2.out" 2>"$tmp/t2.err"
tpid=$BG_PID
wait_for 20 grep -q "waiting for gdb" "$tmp/t2.err"
timeout 60 gdb -batch -nx -ex "target remote 127.0.0.1:$port" -ex 'hbreak kiln_main' -ex continue \
	-ex stepi -ex 'print $pc != kiln_main' -ex "set var kiln_appliance_name[0] = 'W'" \
	-ex 'print kiln_appliance_name' -ex 'print $rsp' -ex 'x/2bx 0x10000000000' -ex detach "$img" >"$tmp/g2.out" 2>&1
wait "$tpid"
trc=$?
if grep -qx '$1 = 1' "$tmp/g2.out" && grep -qF '"Wello"' "$tmp/g2.out" &&
	grep -q "Cannot access memory at address 0x10000000000" "$tmp/g2.out" && [ $trc -eq 3 ] &&
	grep -qF '(appliance Wello,' "$tmp/t2.out"; then
	pass "gdb: stepi moves, memory writes land, an address outside guest memory is refused, detach lets the guest finish (status $trc)"
else
	fail "gdb step/write/detach" "tender status $trc: $(tail -n 8 "$tmp/g2.out" | tr '\n' '|') out: $(tr '\n' '|' <"$tmp/t2.out")"
fi

"$KILN" run -t hvt --gdb --dry-run "$tmp/hello" >"$tmp/d.out" 2>/dev/null
if tail -n 1 "$tmp/d.out" | grep -qE "tender --mem=[0-9]+ --gdb -- "; then
	pass "kiln run -t hvt --gdb starts the tender with --gdb"
else
	fail "kiln run --gdb on hvt" "$(tail -n 1 "$tmp/d.out")"
fi
finish
