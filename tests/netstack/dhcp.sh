#!/usr/bin/env bash
# tests/net/dhcp.sh: Debian's dnsmasq, as the DHCP server in a test
# namespace, leases an address to examples/echo (unix target, and hvt where
# KVM works); the appliance answers ping on it; restarted, it gets the same
# lease again (its MAC is stable across restarts; docs/hostnet.md).
AREA=netstack . "$(dirname "$0")/../lib.sh"
need_root "dhcp" || finish
command -v dnsmasq >/dev/null || { skip "dhcp" "dnsmasq is not installed (scripts/deps test)"; finish; }

app=$KILN_ROOT/examples/echo
unix_img=$("$KILN" build -t unix "$app" 2>/dev/null | tail -n 1)
[ -x "$unix_img" ] || { fail "build echo for unix"; finish; }

netns_new ns || { fail "make a namespace"; finish; }
tmpdir_new dir
tap=kd$$
tap_new "$ns" "$tap" 10.78.0.1/24
bg_start ip netns exec "$ns" dnsmasq --no-daemon --conf-file=/dev/null --port=0 \
	--interface="$tap" --bind-interfaces --dhcp-authoritative --user=root \
	--dhcp-range=10.78.0.50,10.78.0.59,255.255.255.0,1h --dhcp-option=option:dns-server,10.78.0.1 \
	--dhcp-leasefile="$dir/leases" --pid-file="$dir/dnsmasq.pid" --log-dhcp >"$dir/dnsmasq.log" 2>&1
wait_for 10 grep -q "DHCP, IP range" "$dir/dnsmasq.log" || { fail "dnsmasq started" "$(tail -n 2 "$dir/dnsmasq.log")"; finish; }

# boot TARGET LOG: start echo with no --ipv4 (so DHCP); sets LEASE to the
# leased address (not printed: a $(...) subshell would own the appliance).
boot() {
	LEASE=
	if [ "$1" = unix ]; then
		bg_start ip netns exec "$ns" timeout 120 "$unix_img" --net:service="$tap" -- --count=1
	else
		bg_start ip netns exec "$ns" timeout 120 "$TENDER" --mem=16 --net:service="$tap" "$hvt_img" --count=1
	fi >"$2" 2>&1
	wait_for 60 grep -q "serving udp port 7" "$2" || return 1
	LEASE=$(sed -n 's/.*DHCP lease \([0-9.]*\)\/24 gateway 10.78.0.1 dns 10.78.0.1 .*/\1/p' "$2")
}

lease_cycle() { # TARGET
	local first second
	boot "$1" "$dir/$1-1.log"
	first=$LEASE
	case "$first" in
	10.78.0.5[0-9]) pass "$1: dnsmasq leased $first" ;;
	*) fail "$1: dnsmasq leases an address" "$(tail -n 2 "$dir/$1-1.log"; tail -n 3 "$dir/dnsmasq.log")"
	   kill "$BG_PID" 2>/dev/null; wait "$BG_PID" 2>/dev/null; return ;;
	esac
	check "$1: answers ping on its leased address" ip netns exec "$ns" ping -c 3 -i 0.3 -W 5 "$first"
	printf x | ip netns exec "$ns" timeout 5 nc -u -w1 "$first" 7 >/dev/null # --count=1: it stops
	wait "$BG_PID" 2>/dev/null # bounded: the appliance runs under timeout
	boot "$1" "$dir/$1-2.log"
	second=$LEASE
	if [ "$second" = "$first" ]; then pass "$1: after a restart, the same lease ($second)"
	else fail "$1: after a restart, the same lease" "first $first, then '$second'"; fi
	printf x | ip netns exec "$ns" timeout 5 nc -u -w1 "$second" 7 >/dev/null
	wait "$BG_PID" 2>/dev/null
}

lease_cycle unix
hvt_img=""
kvm_usable && [ -x "$TENDER" ] && hvt_img=$("$KILN" build -t hvt "$app" 2>/dev/null | tail -n 1)
if [ -n "$hvt_img" ]; then lease_cycle hvt; else skip "hvt: dhcp" "/dev/kvm or the tender is not usable"; fi
finish
