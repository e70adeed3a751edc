#!/usr/bin/env bash
# tests/netdev/messages.sh: what a newcomer sees when the network cannot come
# up. A DHCP wait on a tap with no server says so at once ("waiting for DHCP
# on service...") and, at its timeout, what to do; a tap the user may not
# attach to names the command that makes it usable; /dev/kvm that the user
# may not open names the kvm group. In a network namespace of its own.
AREA=netdev
. "$(dirname "$0")/../lib.sh"
[ -x "$KILN" ] || { fail "setup" "$KILN is not built (make tools)"; finish; }
need_root || finish
command -v setpriv >/dev/null || { skip "all" "setpriv is not installed"; finish; }
tmp=$(tmpdir_new)
chmod 755 "$tmp"
cp -r "$KILN_ROOT/examples/www" "$tmp/" && rm -rf "$tmp/www/_build"
cd "$tmp" || exit 1
if ! "$KILN" build -t unix www >"$tmp/b.out" 2>&1; then
	fail "build www" "$(tail -n 3 "$tmp/b.out")"
	finish
fi
bin=$tmp/www/_build/unix/www.unix
ns=$(netns_new)
tap=kmsg$$
tap=${tap:0:15}
tap_new "$ns" "$tap" 10.79.0.1/24 || { fail "setup" "no tap in $ns"; finish; }

# As a user who may not use the tap: whichever step refuses (opening
# /dev/net/tun where only root may, or attaching to a tap the user does not
# own), the error says what to do.
ip netns exec "$ns" setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
	"$bin" --net:service="$tap" >"$tmp/t.out" 2>"$tmp/t.err"
rc=$?
if [ $rc -eq 1 ] && { grep -qF "cannot attach to tap device '$tap': Operation not permitted (create it for your user first: sudo ip tuntap add $tap mode tap user \$USER; or use user-mode networking: --net:service=user)" "$tmp/t.err" ||
	grep -qF "cannot open /dev/net/tun for tap '$tap': Permission denied (this machine lets only root open it: run as root, or use user-mode networking: --net:service=user)" "$tmp/t.err"; }; then
	pass "a tap the user may not use: what to do ($(grep -o '(.*' "$tmp/t.err" | cut -c1-60)...)"
else
	fail "tap permission hint" "status $rc: $(cat "$tmp/t.err")"
fi

# No DHCP server on the tap: the wait is announced at once, its end says what to do.
start=$SECONDS
ip netns exec "$ns" timeout 60 "$bin" --net:service="$tap" >"$tmp/d.out" 2>"$tmp/d.err" &
pid=$!
if wait_for 5 grep -qx "waiting for DHCP on service (up to 30 s)..." "$tmp/d.out"; then
	pass "DHCP wait announced within 5 s"
else
	fail "DHCP wait announcement" "$(tr '\n' '|' <"$tmp/d.out")"
fi
wait $pid
rc=$?
if [ $rc -ne 0 ] && [ $((SECONDS - start)) -lt 50 ] &&
	grep -q "^service: no DHCP server answered in 30 s. Either run one on the host side" "$tmp/d.out" &&
	grep -qF -- "--net:service=user" "$tmp/d.out" && grep -qF -- "--ipv4=ADDR/PREFIX" "$tmp/d.out"; then
	pass "DHCP timeout: a DHCP server, user-mode networking or --ipv4 suggested, exit $rc"
else
	fail "DHCP timeout message" "status $rc after $((SECONDS - start)) s: $(tr '\n' '|' <"$tmp/d.out")"
fi

# /dev/kvm the user may not open.
if [ ! -x "$TENDER" ] || [ ! -c /dev/kvm ]; then
	skip "/dev/kvm permission hint" "no tender or no /dev/kvm"
elif setpriv --reuid=nobody --regid=nogroup --clear-groups test -r /dev/kvm; then
	skip "/dev/kvm permission hint" "nobody may open /dev/kvm here"
else
	img=$("$KILN" build -t hvt "$KILN_ROOT/examples/hello" 2>/dev/null | tail -n 1)
	cp "$img" "$tmp/hello.hvt" && chmod 644 "$tmp/hello.hvt"
	setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		"$TENDER" --mem=16 "$tmp/hello.hvt" >"$tmp/k.out" 2>"$tmp/k.err"
	rc=$?
	if [ $rc -ne 0 ] && grep -qF "cannot open /dev/kvm: Permission denied (add your user to its group: sudo usermod -aG kvm" "$tmp/k.err"; then
		pass "/dev/kvm not permitted: the kvm group named"
	else
		fail "/dev/kvm permission hint" "status $rc: $(cat "$tmp/k.err")"
	fi
fi
finish
