#!/usr/bin/env bash
# tests/dns/resolver.sh: kiln's stub resolver (lib/resolv) inside an appliance
# (examples/resolve, unix target on a tap in a test namespace) resolves names
# from a dnsmasq in that namespace, which also hands out the appliance's
# address and the DNS server by DHCP: A, several A, AAAA, a CNAME, NXDOMAIN,
# a failing server (REFUSED -> SERVFAIL error), a silent server (timeout),
# and the TTL cache answering a repeat without a query. Then against
# examples/dns (on a second tap, routed through the namespace): an answer
# too big for UDP comes back TC and is asked again over TCP.
AREA=dns; . "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/dns_lib.sh"
what="resolver"
command -v dnsmasq >/dev/null || { skip "$what" "dnsmasq is not installed (scripts/deps)"; exit 0; }
need_root "$what" || exit 0

out=$("$KILN" build -t unix "$KILN_ROOT/examples/resolve" 2>&1) || { fail "$what: build" "$(echo "$out" | tail -n 1)"; finish; }
img=$(echo "$out" | tail -n 1); case $img in /*) ;; *) img=$PWD/$img ;; esac

ns=$(netns_new) || { fail "$what: namespace"; finish; }
tmp=$(tmpdir_new)
tap_new "$ns" rslvtap0 10.54.0.1/24 || { fail "$what: tap"; finish; }
cat >"$tmp/hosts" <<HOSTS
10.1.2.4 multi.kiln.test
10.1.2.5 multi.kiln.test
2001:db8::5 multi.kiln.test
HOSTS
bg_start ip netns exec "$ns" dnsmasq --no-daemon --user=root --group=root --conf-file=/dev/null \
	--interface=rslvtap0 --bind-interfaces --except-interface=lo --no-resolv --no-hosts \
	--addn-hosts="$tmp/hosts" --local=/kiln.test/ --address=/web.kiln.test/10.1.2.3 \
	--cname=alias.kiln.test,multi.kiln.test --local-ttl=300 \
	--dhcp-range=10.54.0.10,10.54.0.50,255.255.255.0,1h --dhcp-leasefile="$tmp/leases" \
	--pid-file="$tmp/dnsmasq.pid" --log-facility="$tmp/dnsmasq.log" --log-queries \
	>"$tmp/dnsmasq.out" 2>&1
wait_for 10 ip netns exec "$ns" dig +short +time=1 +tries=1 @10.54.0.1 web.kiln.test ||
	{ fail "$what: dnsmasq starts" "$(tail -n 2 "$tmp/dnsmasq.log")"; finish; }

# run LOG ARGS...: the appliance (DHCP for its address) with ARGS, bounded.
run() {
	local log=$1; shift
	timeout 60 ip netns exec "$ns" "$img" --net:service=rslvtap0 -- "$@" >"$log" 2>&1
}
run "$tmp/a.log" --aaaa --repeat=2 web.kiln.test multi.kiln.test alias.kiln.test nothere.kiln.test other.example
rc=$?
line() { grep -m1 "^resolve: $1 $2 " "$tmp/a.log"; }
expect() { # WHAT NAME TYPE PATTERN
	local got; got=$(line "$2" "$3")
	if echo "$got" | grep -Eq "$4"; then pass "$what: $1 ($got)"; else fail "$what: $1" "got '${got:-nothing}'"; fi
}
if grep -q "DHCP lease 10.54.0" "$tmp/a.log" && grep -q "^resolve: server 10.54.0.1$" "$tmp/a.log"; then
	pass "$what: address and DNS server from dnsmasq's DHCP"
else fail "$what: address and DNS server from dnsmasq's DHCP" "$(head -n 3 "$tmp/a.log" | tr '\n' '|')"; fi
expect "one A record" web.kiln.test A 'A 10\.1\.2\.3$'
expect "two A records" multi.kiln.test A 'A (10\.1\.2\.4 10\.1\.2\.5|10\.1\.2\.5 10\.1\.2\.4)$'
expect "AAAA" multi.kiln.test AAAA 'AAAA 2001:db8::5$'
expect "a CNAME followed" alias.kiln.test A 'A (10\.1\.2\.4 10\.1\.2\.5|10\.1\.2\.5 10\.1\.2\.4)$'
expect "NXDOMAIN" nothere.kiln.test A 'error: name does not exist \(NXDOMAIN\)$'
expect "a refusing server is an error" other.example A 'error: every DNS server failed'
[ $rc = 3 ] && pass "$what: exit status 3 when some names fail" || fail "$what: exit status 3 when some names fail" "got $rc"
# The cache: the second round's five positive lookups come from it
# (dnsmasq's NXDOMAIN answers carry no SOA, so RFC 2308 5 forbids caching
# them: those are asked again).
hits=$(sed -n 's/.*cache_hits \([0-9]*\).*/\1/p' "$tmp/a.log")
q=$(grep -c "query\[A\] web.kiln.test from 10.54.0.[1-5][0-9]$" "$tmp/dnsmasq.log")
if [ "${hits:-0}" = 5 ] && [ "$q" = 1 ]; then
	pass "$what: the second round from the TTL cache ($hits cache hits; dnsmasq saw web.kiln.test once)"
else fail "$what: TTL cache" "cache_hits=$hits, dnsmasq saw web.kiln.test $q times"; fi
# A server that never answers: the deadline gives a timeout error, in time.
start=$SECONDS
run "$tmp/t.log" --ipv4=10.54.0.5/24 --dns=10.54.0.99 --timeout-ms=2500 web.kiln.test
got=$(grep -m1 "^resolve: web.kiln.test A" "$tmp/t.log")
if echo "$got" | grep -q "error: no DNS server answered in time" && [ $((SECONDS - start)) -le 10 ]; then
	pass "$what: a silent server times out ($got, $((SECONDS - start)) s)"
else fail "$what: a silent server times out" "got '${got:-nothing}' after $((SECONDS - start)) s"; fi
# --dns= overrides DHCP; a second (working) server after a silent one.
run "$tmp/s.log" --ipv4=10.54.0.6/24 --dns=10.54.0.99 --dns=10.54.0.1 --timeout-ms=8000 web.kiln.test
got=$(grep -m1 "^resolve: web.kiln.test A" "$tmp/s.log")
echo "$got" | grep -q "A 10.1.2.3$" && pass "$what: next server after a silent one ($got)" ||
	fail "$what: next server after a silent one" "got '${got:-nothing}'"

# TC -> TCP: examples/dns baking a zone whose name holds 100 A records
# (1,600+ octets: over the resolver's EDNS size of 1232).
zones=$(tmpdir_new)
{ printf '$TTL 300\n@ SOA ns h 1 2 3 4 60\n NS ns\nns A 192.0.2.1\n'
  for i in $(seq 1 100); do printf 'huge A 10.9.%d.%d\n' $((i / 250)) $((i % 250)); done; } >"$zones/big.test.zone"
if ! dns_build unix "$zones"; then fail "$what: build examples/dns with a big zone" "see above"
elif ! dns_start_unix "$ns" rslvtap1 10.55.9 --ipv4-gateway=10.55.9.1; then fail "$what: examples/dns starts" "$(tail -n 1 "$DNS_LOG")"
else
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
	run "$tmp/tc.log" --ipv4=10.54.0.7/24 --ipv4-gateway=10.54.0.1 --dns="$DNS_IP" huge.big.test
	got=$(grep -m1 "^resolve: huge.big.test A" "$tmp/tc.log")
	n=$(echo "$got" | wc -w)
	# Exactly one UDP try, then TCP: opening a tap waits until the host
	# carries frames on it, so the first try is answered (docs/hostnet.md
	# "A fresh tap"; it was lost one run in three before).
	if [ "$n" = 11 ] && grep -Eq "udp 1 tcp 1 .*truncated 1 " "$tmp/tc.log"; then
		pass "$what: a TC answer retried over TCP (100 A records, the first 8 kept: $(echo "$got" | cut -d' ' -f4-5) ...)"
	else fail "$what: a TC answer retried over TCP" "got '${got:-nothing}'; $(tail -n 1 "$tmp/tc.log")"; fi
fi
finish
