#!/usr/bin/env bash
# tests/netdev/fiber_stack.sh: on the unix target with user-mode networking,
# frames a fiber sends reach libslirp from the loop's own stack, not the
# fiber's (hostnet/user.c): examples/dns answers TCP queries, each served by
# a fiber on a small stack, without a stack overflow. No root needed.
AREA=netdev . "$(dirname "$0")/../lib.sh"
command -v dig >/dev/null || { skip "fiber stacks" "dig is not installed"; finish; }
tmpdir_new dir
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bg_start timeout 60 "$KILN" run -t unix --port-forward="tcp:$port:53" "$KILN_ROOT/examples/dns" \
	>"$dir/log" 2>&1
wait_for 60 grep -q "serving 2 zones" "$dir/log" || { fail "examples/dns came up" "$(tail -n 1 "$dir/log")"; finish; }
answers=0
for i in 1 2 3 4 5; do
	dig +tcp +short +tries=1 +time=5 @127.0.0.1 -p "$port" www.example.test A | grep -q 192.0.2.80 &&
		answers=$((answers + 1))
done
if [ $answers -eq 5 ] && ! grep -q overflowed "$dir/log"; then
	pass "unix, user-mode: 5 TCP queries answered by fibers, no stack overflow"
else
	fail "unix, user-mode: TCP queries answered by fibers" "$answers/5 answered; $(grep overflowed "$dir/log")"
fi
finish
