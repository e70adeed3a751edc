#!/usr/bin/env bash
# tests/dns/conformance.sh: TSIG and malformed-query conformance of
# examples/dns (unix target, on a tap in a test namespace), with NSD serving
# the same zone in the namespace as the reference: a query signed with a key
# the server does not hold (dig -y and kdig -y: RFC 8945 5.2.2 NOTAUTH with
# an unsigned TSIG carrying BADKEY), misplaced or malformed TSIG records and
# EDNS options running past the OPT's RDATA (FORMERR), and a zero-length
# DNS-over-TCP frame (the connection closes), each answered as NSD answers.
AREA=dns; . "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/dns_lib.sh"
what="conformance"
for t in nsd kdig dig python3; do
	command -v "$t" >/dev/null || { skip "$what" "$t is not installed (scripts/deps)"; exit 0; }
done
need_root "$what" || exit 0

zones=$(tmpdir_new)
cp "$KILN_ROOT/examples/dns/zones/example.test.zone" "$zones/"
dns_build unix "$zones" || { fail "$what: build" "see above"; finish; }
ns=$(netns_new) || { fail "$what: namespace"; finish; }
dns_start_unix "$ns" dnsctap0 10.57.0 || { fail "$what: appliance starts" "$(tail -n 1 "$DNS_LOG")"; finish; }
nsd_dir=$(tmpdir_new)
conf=$(nsd_conf "$nsd_dir" 127.0.0.1@5302 example.test "$zones/example.test.zone")
bg_start ip netns exec "$ns" nsd -d -c "$conf" >"$nsd_dir/nsd.out" 2>&1
wait_for 10 ip netns exec "$ns" kdig @127.0.0.1 -p 5302 +timeout=1 +retry=0 example.test SOA ||
	{ fail "$what: NSD starts" "$(tail -n 1 "$nsd_dir/nsd.out")"; finish; }

key=hmac-sha256:name:c2VjcmV0
# The header line and TSIG line of dig's answer, without the ID and time.
dig_tsig() { # ADDR PORT
	ip netns exec "$ns" dig @"$1" -p "$2" +tries=1 +time=2 -y "$key" web.example.test A 2>&1 |
		sed -n -e 's/.*status: \([A-Z]*\),.*/status \1/p' -e 's/^;; flags: \([a-z ]*\);.*/flags \1/p' \
			-e 's/.*\(QUERY: [0-9]*, ANSWER: [0-9]*\).*/\1/p' \
			-e 's/^name\.[[:space:]]*0[[:space:]]*ANY[[:space:]]*TSIG[[:space:]]*\([^ ]*\) [0-9]* \([0-9]*\) \([0-9]*\) [0-9]* \([A-Z]*\) \([0-9]*\).*/tsig \1 fudge \2 macsize \3 \4 other \5/p' \
			-e 's/.*\(tsig indicates error\).*/\1/p'
}
k=$(dig_tsig "$DNS_IP" 53); n=$(dig_tsig 127.0.0.1 5302)
echo "# dig -y, appliance: $(echo $k)"
echo "# dig -y, NSD:       $(echo $n)"
if echo "$k" | grep -q "status NOTAUTH" && echo "$k" | grep -q "tsig hmac-sha256. fudge 300 macsize 0 BADKEY other 0" &&
	[ "$k" = "$n" ]; then
	pass "$what: dig -y with an unknown key: NOTAUTH, unsigned TSIG with BADKEY, as NSD"
else
	fail "$what: dig -y with an unknown key" "appliance [$(echo $k)], NSD [$(echo $n)]"
fi
kdig_tsig() { # ADDR PORT [OPTIONS]
	local a=$1 p=$2; shift 2
	ip netns exec "$ns" kdig @"$a" -p "$p" +timeout=2 +retry=0 "$@" -y "$key" web.example.test A 2>&1 |
		sed -n -e 's/.*status: \([A-Z]*\);.*/status \1/p' -e 's/.*\(QUERY: [0-9]*; ANSWER: [0-9]*\).*/\1/p' \
			-e 's/^name\.[[:space:]]*0[[:space:]]*ANY[[:space:]]*TSIG[[:space:]]*\(.*\)/tsig \1/p' |
		sed -E 's/ [0-9]{9,} / TIME /; s/ 300 0 [0-9]+ / 300 0 ID /'
}
for opts in "" "+tcp" "+noedns"; do
	k=$(kdig_tsig "$DNS_IP" 53 $opts); n=$(kdig_tsig 127.0.0.1 5302 $opts)
	if echo "$k" | grep -q "status BADKEY" && echo "$k" | grep -q "BADKEY 0" && [ "$k" = "$n" ]; then
		pass "$what: kdig -y ${opts:-(udp, edns)}: BADKEY, as NSD"
	else
		fail "$what: kdig -y ${opts:-(udp, edns)}" "appliance [$(echo $k)], NSD [$(echo $n)]"
	fi
done

out=$(ip netns exec "$ns" python3 "$KILN_ROOT/tests/dns/conformance_probe.py" "$DNS_IP" 127.0.0.1 5302 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
cases=$(echo "$out" | grep -c '^ok ')
if [ $rc = 0 ] && [ "$cases" -ge 10 ]; then
	pass "$what: $cases malformed-query cases (EDNS option past RDATA, misplaced TSIG, empty TCP frame) answered as NSD"
else
	fail "$what: malformed-query cases" "$(echo "$out" | grep -v '^ok ' | head -n 3)"
fi
kill -0 "$DNS_PID" 2>/dev/null && pass "$what: the appliance is still serving" ||
	fail "$what: the appliance is still serving" "$(tail -n 2 "$DNS_LOG")"
finish
