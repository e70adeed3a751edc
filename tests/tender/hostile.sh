#!/usr/bin/env bash
# hostile.sh: a guest that passes out-of-range pointers and lengths, touches
# unknown ports, executes hlt or triple-faults is stopped by the tender with
# its own error line and status 255, never a tender crash
# (fixtures/hostile.S, block.S).
. "$(dirname "$0")/common.inc"
need_built "$TENDER" "$FIX/hello.hvt" "$FIX/hostile.hvt" "$FIX/block.hvt"
if ! kvm_usable; then
	skip "hostile guests" "$KVM_WHY"
	finish
fi

H=$FIX/hostile.hvt
expect_error "PUTS data beyond RAM" 255 'guest fault: PUTS data at 0x7f0000000000, length 16, is outside guest memory' "$H" a
expect_error "PUTS data+len wraps around" 255 'guest fault: PUTS data at 0x100000, length 18446744073709486081, is outside' "$H" b
expect_error "hypercall struct beyond RAM" 255 'guest fault: PUTS argument struct at 0xfffffff0, length 16, is outside' "$H" c
expect_error "hypercall struct straddling the end of RAM" 255 'guest fault: PUTS argument struct at 0x1ffffff8, length 16, is outside' "$H" d
expect_error "unknown port" 255 'guest fault: access to unknown I/O port 0x600' "$H" e
expect_error "in on a hypercall port" 255 'guest fault: hypercall port 0x502 used with a read' "$H" f
expect_error "hlt" 255 'guest fault: guest executed hlt' "$H" g
expect_error "triple fault" 255 'guest fault: triple fault' "$H" h
expect_error "write outside RAM through the guest's own page tables (MMIO)" 255 'guest fault: write of 8 bytes at unbacked address 0x100000000 \(MMIO\)' "$H" m
expect_error "port 0x500 (hypercall 0)" 255 'guest fault: access to unknown I/O port 0x500' "$H" i

# SSE arithmetic: this machine's software hypervisor cannot emulate it (a KVM
# internal error, reported with the RIP); hardware KVM runs it.
run_tender "$H" s
if [ "$rc" -eq 255 ] && [ "$(printf '%s' "$err" | grep -c '')" -eq 1 ] &&
	printf '%s' "$err" | grep -q 'guest fault: KVM internal error (suberror 1: an instruction KVM cannot emulate.* (bytes 66 0f ef c0'; then
	pass "SSE arithmetic on a software hypervisor ($err)"
elif [ "$rc" -eq 0 ] && [ "$out" = "hostile: ok" ] && [ -z "$err" ]; then
	pass "SSE arithmetic runs (hardware KVM)"
else
	fail "SSE arithmetic" "status $rc, stdout '$out', stderr '$err'"
fi

truncate -s 64K "$TMP/disk"
expect_error "BLOCK_READ buffer beyond RAM" 255 'guest fault: BLOCK_READ buffer at 0x7f0000000000, length 512, is outside' \
	--block:storage="$TMP/disk" "$FIX/block.hvt" b
expect_error "BLOCK_WRITE data+len wraps around" 255 'guest fault: BLOCK_WRITE data at 0xfffffffffffffe00, length 512, is outside' \
	--block:storage="$TMP/disk" "$FIX/block.hvt" w
if [ "$(od -An -tx1 "$TMP/disk" | tr -d ' \n*' | tr -d 0)" = "" ]; then
	pass "a faulting BLOCK_WRITE wrote nothing"
else
	fail "a faulting BLOCK_WRITE wrote nothing" "the disk file changed"
fi
finish
