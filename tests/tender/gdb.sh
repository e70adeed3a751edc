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

# Single steps, memory writes and registers through p; then detach: the guest
# runs on. A write to the stack lands; one to read-only data (the image's
# rodata is read-only on the host: W^X) is refused, as is an address outside
# guest memory.
bg_start timeout 120 "$TENDER" --mem=16 --gdb=$port "$img" --exit=3 >"$tmp/t2.out" 2>"$tmp/t2.err"
tpid=$BG_PID
wait_for 20 grep -q "waiting for gdb" "$tmp/t2.err"
timeout 60 gdb -batch -nx -ex "target remote 127.0.0.1:$port" -ex 'hbreak kiln_main' -ex continue \
	-ex stepi -ex 'print $pc != kiln_main' -ex 'set var *(unsigned char *)$rsp = 0x5a' \
	-ex 'x/1bx $rsp' -ex "set var kiln_appliance_name[0] = 'W'" \
	-ex 'print kiln_appliance_name' -ex 'print $rsp' -ex 'x/2bx 0x10000000000' -ex detach "$img" >"$tmp/g2.out" 2>&1
wait "$tpid"
trc=$?
if grep -qx '$1 = 1' "$tmp/g2.out" && grep -qE ':[[:space:]]+0x5a$' "$tmp/g2.out" &&
	grep -qF '"hello"' "$tmp/g2.out" && grep -q "Cannot access memory at address 0x10000000000" "$tmp/g2.out" &&
	[ $trc -eq 3 ] && grep -qF '(appliance hello,' "$tmp/t2.out"; then
	pass "gdb: stepi moves, a stack write lands, read-only data and addresses outside guest memory are refused, detach lets the guest finish (status $trc)"
else
	fail "gdb step/write/detach" "tender status $trc: $(tail -n 8 "$tmp/g2.out" | tr '\n' '|') out: $(tr '\n' '|' <"$tmp/t2.out")"
fi

# Bad input from the debugger's side: a wrong checksum is NAKed and the
# packet ignored, an overlong packet is refused, m/M outside guest memory or
# malformed get an error reply, unknown commands the empty reply, and k ends
# the tender with one line; no crash, no hang.
bg_start timeout 60 "$TENDER" --mem=16 --gdb=$port "$img" >"$tmp/t3.out" 2>"$tmp/t3.err"
tpid=$BG_PID
wait_for 20 grep -q "waiting for gdb" "$tmp/t3.err"
python3 - $port >"$tmp/p.out" 2>&1 <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
def pkt(body):
    return b"$" + body + b"#%02x" % (sum(body) & 0xff)
def ask(raw):
    s.sendall(raw)
    data = b""
    while not (data.count(b"#") and len(data) >= data.index(b"#") + 3):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return data
s.sendall(b"$?#00")                      # bad checksum
print("nak", s.recv(1) == b"-")
s.sendall(b"$" + b"m" * 9000 + b"#00")   # longer than the stub's buffer
print("overlong", s.recv(1) == b"-")
print("query", ask(pkt(b"?")))
print("m-out", ask(pkt(b"m10000000000,4")))
print("m-wrap", ask(pkt(b"mffffffffffffffff,10")))
print("m-bad", ask(pkt(b"mzz")))
print("M-short", ask(pkt(b"M1000,4:00")))
print("p-big", ask(pkt(b"p99")))
print("unknown", ask(pkt(b"vCont?")))
print("g-len", len(ask(pkt(b"g"))))
s.sendall(pkt(b"k"))
PY
wait "$tpid"
trc=$?
if grep -qx "nak True" "$tmp/p.out" && grep -qx "overlong True" "$tmp/p.out" &&
	grep -qF "query b'+\$S05#" "$tmp/p.out" && grep -qF "m-out b'+\$E14#" "$tmp/p.out" &&
	grep -qF "m-wrap b'+\$E14#" "$tmp/p.out" && grep -qF "m-bad b'+\$E14#" "$tmp/p.out" &&
	grep -qF "M-short b'+\$E14#" "$tmp/p.out" && grep -qF "p-big b'+\$E00#" "$tmp/p.out" &&
	grep -qF "unknown b'+\$#00'" "$tmp/p.out" && grep -qx "g-len 333" "$tmp/p.out" &&
	[ $trc -eq 1 ] && grep -q "gdb: killed by the debugger" "$tmp/t3.err"; then
	pass "gdb stub: bad checksums NAKed, overlong and out-of-memory requests refused, k ends the tender"
else
	fail "gdb stub bad input" "tender status $trc: $(tr '\n' '|' <"$tmp/p.out") $(tail -n 2 "$tmp/t3.err" | tr '\n' '|')"
fi

"$KILN" run -t hvt --gdb --dry-run "$tmp/hello" >"$tmp/d.out" 2>/dev/null
if tail -n 1 "$tmp/d.out" | grep -qE "tender --mem=[0-9]+ --gdb -- "; then
	pass "kiln run -t hvt --gdb starts the tender with --gdb"
else
	fail "kiln run --gdb on hvt" "$(tail -n 1 "$tmp/d.out")"
fi
finish
