#!/usr/bin/env bash
# tests/kvmvm/smoke.sh: scripts/kvm-vm boots its VM, /dev/kvm opens inside,
# the hello appliance runs on the tender there, the command's exit status and
# output come back, writes to the host tree stay inside the VM, a VM that
# ends under the command is an error, and --timeout bounds a command that
# does not end. Runs on every machine (it needs no
# /dev/kvm on the host), so the script cannot rot.
set -u
AREA=kvmvm
. "$(dirname "$0")/../lib.sh"
cd "$KILN_ROOT"

for tool in qemu-system-x86_64 busybox cpio; do
	command -v "$tool" >/dev/null 2>&1 && continue
	if ! scripts/deps kvm-vm >/dev/null 2>&1; then
		skip "all" "$tool is missing and scripts/deps kvm-vm cannot install it"
		finish
	fi
done
tmp=$(tmpdir_new)

if ! scripts/kvm-vm --prepare >"$tmp/prepare.log" 2>&1; then
	fail "kernel and initramfs" "$(tail -n 1 "$tmp/prepare.log")"
	finish
fi
pass "kernel package unpacked and initramfs built ($(grep -o 'vmlinuz-[^,]*' "$tmp/prepare.log"))"

if ! "$KILN" build -t hvt examples/hello >"$tmp/build.log" 2>&1; then
	fail "hello: hvt build" "$(tail -n 1 "$tmp/build.log")"
	finish
fi
image=examples/hello/_build/hvt/hello.hvt
marker=tests/kvmvm/.written-inside-$$
rm -f "$marker"

# One boot: the probe of /dev/kvm, hello on the tender (its own exit status
# 7 is the command's), and a write to the tree and to the output share.
start=$SECONDS
scripts/kvm-vm --timeout=240 --out="$tmp/out" -- bash -c '
	python3 -c "import os; os.close(os.open(\"/dev/kvm\", os.O_RDWR))" && echo "kvm-vm-smoke: /dev/kvm opens"
	[ "$KILN_IN_KVM_VM" = 1 ] && echo "kvm-vm-smoke: KILN_IN_KVM_VM=1"
	touch "$1" && echo inside >"$KVM_VM_OUT/written"
	build/bin/tender "$2" one --exit=7' smoke "$marker" "$image" >"$tmp/vm.out" 2>"$tmp/vm.err"
rc=$? took=$((SECONDS - start))
if grep -q '^kvm-vm-smoke: /dev/kvm opens$' "$tmp/vm.out"; then
	pass "the VM boots and /dev/kvm opens inside (${took}s for the whole run)"
else
	fail "the VM boots and /dev/kvm opens inside" "status $rc: $(tail -n 3 "$tmp/vm.out" "$tmp/vm.err" | tr '\n' '|')"
fi
if grep -qx 'Hello from kiln! (appliance hello, 2 boot arguments)' "$tmp/vm.out" &&
	grep -qx '  argv\[1\] = one' "$tmp/vm.out"; then
	pass "hello runs on the tender inside the VM"
else
	fail "hello runs on the tender inside the VM" "$(tail -n 3 "$tmp/vm.out" | tr '\n' '|')"
fi
if [ $rc -eq 7 ]; then pass "the command's exit status (7) comes back"
else fail "the command's exit status comes back" "got $rc, expected 7: $(tail -n 1 "$tmp/vm.err")"; fi
grep -q '^kvm-vm-smoke: KILN_IN_KVM_VM=1$' "$tmp/vm.out" &&
	pass "the command sees KILN_IN_KVM_VM=1" || fail "the command sees KILN_IN_KVM_VM=1" "not in its output"
if [ -e "$marker" ]; then
	rm -f "$marker"; fail "the host tree is read-only to the VM" "$marker was written on the host"
elif [ "$(cat "$tmp/out/written" 2>/dev/null)" != inside ]; then
	fail "the output share is writable" "$tmp/out/written is missing"
else
	pass "writes to the host tree stay in the VM; the output share reaches the host"
fi

# A VM that ends before the command does is an error (125, with the end of
# the kernel's console), never a success.
scripts/kvm-vm --timeout=120 -- bash -c 'echo o >/proc/sysrq-trigger; sleep 60' >"$tmp/off.out" 2>"$tmp/off.err"
rc=$?
if [ $rc -eq 125 ] && grep -q "the VM ended without reporting the command's status" "$tmp/off.err" &&
	grep -q '^kvm-vm: console: .*reboot: Power down' "$tmp/off.err"; then
	pass "a VM that powers off under the command is reported (status 125, console shown)"
else
	fail "a VM that powers off under the command is reported" "status $rc: $(tail -n 1 "$tmp/off.err")"
fi

start=$SECONDS
scripts/kvm-vm --timeout=5 -- sleep 600 >"$tmp/to.out" 2>"$tmp/to.err"
rc=$? took=$((SECONDS - start))
if [ $rc -eq 124 ] && [ $took -lt 30 ]; then pass "--timeout=5 stops a command that does not end (${took}s, status 124)"
else fail "--timeout=5 stops a command that does not end" "status $rc after ${took}s"; fi
finish
