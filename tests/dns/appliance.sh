#!/usr/bin/env bash
# tests/dns/appliance.sh: unmodified dig and kdig against examples/dns (unix
# target, on a tap in a test namespace): every record type, every response
# code, referrals with glue, CNAME chains, the query's case kept, TC then the
# TCP retry, EDNS sizes; DNS over TCP (RFC 7766): pipelining, split queries,
# idle timeout, the connection bound, over-long frames; zones from boot
# arguments, and a zone error naming file and line with exit status 1.
AREA=dns; . "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/dns_lib.sh"
what="appliance"
for t in dig kdig python3; do
	command -v "$t" >/dev/null || { skip "$what" "$t is not installed (scripts/deps)"; exit 0; }
done
need_root "$what" || exit 0
dns_build unix || { fail "$what: build" "see above"; finish; }
ns=$(netns_new) || { fail "$what: namespace"; finish; }
dns_start_unix "$ns" dnsatap0 10.56.0 --tcp-conns=4 --tcp-idle-ms=1500 ||
	{ fail "$what: starts on a tap" "$(tail -n 1 "$DNS_LOG")"; finish; }
IP=$DNS_IP

# q TOOL WHAT "ARGS" PATTERN...: TOOL (dig or kdig) with ARGS; every
# extended regular expression PATTERN must match a line of its output
# (a pattern starting with ! must match none).
q() {
	local tool=$1 w=$2 args=$3 out p; shift 3
	if [ "$tool" = dig ]; then
		out=$(ip netns exec "$ns" dig @"$IP" +norec +time=3 +tries=1 $args 2>&1)
	else
		out=$(ip netns exec "$ns" kdig @"$IP" +norec +timeout=3 +retry=0 $args 2>&1)
	fi
	for p in "$@"; do
		if [ "${p:0:1}" = "!" ]; then
			echo "$out" | grep -Eiq -- "${p:1}" || continue
		else
			echo "$out" | grep -Eiq -- "$p" && continue
		fi
		fail "$what: $tool $w" "'$p' $( [ "${p:0:1}" = "!" ] && echo found || echo missing) in: $(echo "$out" | grep -Ei 'status|flags|IN|trunc|error|fail' | head -n 8 | tr '\n' '|')"
		return
	done
	pass "$what: $tool $w"
}
D=example.test
OK='status: NOERROR'
AA='flags: qr aa'

# Every type the zone holds, with dig.
q dig "A" "web.$D A" "$OK" "$AA" "^web\.$D\.\s+3600\s+IN\s+A\s+192\.0\.2\.80" "ANSWER: 2,"
q dig "AAAA" "web.$D AAAA" "$OK" "$AA" "IN\s+AAAA\s+2001:db8::80"
q dig "NS (glue in additional)" "$D NS" "$OK" "$AA" "IN\s+NS\s+ns1\.$D\." "IN\s+NS\s+ns2\.$D\." "^ns1\.$D\.\s+3600\s+IN\s+A\s+192\.0\.2\.53"
q dig "SOA" "$D SOA" "$OK" "$AA" "IN\s+SOA\s+ns1\.$D\. hostmaster\.$D\. 2024010101 7200 900 1209600 300"
q dig "MX (targets' addresses in additional)" "$D MX" "$OK" "$AA" "IN\s+MX\s+10 mail\.$D\." "IN\s+MX\s+20 mail2\.$D\." "^mail\.$D\.\s+300\s+IN\s+A\s+192\.0\.2\.25"
q dig "TXT (several strings)" "txt.$D TXT" "$OK" "$AA" 'IN\s+TXT\s+"hello world" "second string"'
q dig "SRV" "_sip._udp.$D SRV" "$OK" "$AA" "IN\s+SRV\s+10 60 5060 sip1\.$D\." "^sip1\.$D\.\s+3600\s+IN\s+A\s+192\.0\.2\.60"
q dig "PTR" "1.2.0.192.in-addr.$D PTR" "$OK" "$AA" "IN\s+PTR\s+web\.$D\."
q dig "CAA" "$D CAA" "$OK" "$AA" 'IN\s+CAA\s+0 issue "ca\.example\.net"' 'IN\s+CAA\s+128 iodef "mailto:security@example\.test"'
q dig "CNAME asked for" "www.$D CNAME" "$OK" "$AA" "IN\s+CNAME\s+web\.$D\." "ANSWER: 1,"
q dig "CNAME chain followed" "chain1.$D A" "$OK" "$AA" "^chain1\.$D\.\s+3600\s+IN\s+CNAME\s+chain2" "^chain3\.$D\.\s+3600\s+IN\s+CNAME\s+web" "^web\.$D\.\s+3600\s+IN\s+A\s+192\.0\.2\.81" "ANSWER: 5,"
q dig "HINFO" "hinfo.$D HINFO" "$OK" 'IN\s+HINFO\s+"PDP-11" "UNIX"'
q dig "unknown type (RFC 3597)" "generic.$D TYPE65280" "$OK" "$AA" 'IN\s+TYPE65280\s+\\# 4 0A000001'
q dig "ANY: one RRset (RFC 8482)" "web.$D ANY" "$OK" "$AA" "IN\s+A\s+192\.0\.2\.8"
q dig "the query's case kept" "WeB.ExAmPlE.tEsT A" "$OK" "^WeB\.ExAmPlE\.tEsT\.\s+3600\s+IN\s+A\s+192\.0\.2\.80"
# Referrals (AA clear, NS in authority, glue in additional).
q dig "referral with glue" "host.sub.$D A" "$OK" "flags: qr;" "ANSWER: 0," "^sub\.$D\.\s+3600\s+IN\s+NS\s+ns\.sub\.$D\." "^ns\.sub\.$D\.\s+3600\s+IN\s+A\s+192\.0\.2\.99" "^ns\.sub\.$D\.\s+3600\s+IN\s+AAAA\s+2001:db8::99"
q dig "referral to a second zone's parent cut" "www.sub2.$D A" "$OK" "$AA"
# Every response code.
q dig "NXDOMAIN with the SOA (TTL min(SOA, minimum))" "nothere.$D A" "status: NXDOMAIN" "$AA" "^$D\.\s+300\s+IN\s+SOA"
q dig "NODATA: NOERROR, no answer, the SOA" "web.$D MX" "$OK" "$AA" "ANSWER: 0," "^$D\.\s+300\s+IN\s+SOA"
q dig "empty non-terminal is NODATA" "b.c.$D A" "$OK" "ANSWER: 0," "IN\s+SOA"
q dig "REFUSED outside the zones" "www.other.test A" "status: REFUSED"
q dig "REFUSED for class CH" "-c CH web.$D A" "status: REFUSED"
q dig "REFUSED for AXFR" "$D AXFR" "Transfer failed|REFUSED"
q dig "FORMERR for no question" "+header-only $D" "status: FORMERR"
q dig "NOTIMP for opcode STATUS" "+opcode=2 web.$D A" "status: NOTIMP"
q dig "BADVERS for EDNS version 1" "+edns=1 +noednsnegotiation web.$D A" "status: BADVERS"
# Sizes: TC, then the TCP retry (big.example.test TXT is 972 octets).
q dig "TC without EDNS, then dig's TCP retry" "+noedns big.$D TXT" "Truncated, retrying in TCP mode" "ANSWER: 3," "$OK"
q dig "TC at EDNS 512, then TCP" "+bufsize=512 big.$D TXT" "Truncated, retrying in TCP mode" "ANSWER: 3,"
q dig "TC at EDNS 600" "+bufsize=600 +ignore big.$D TXT" "flags: qr aa tc" "udp: 1232"
q dig "EDNS 1232: whole over UDP" "+bufsize=1232 big.$D TXT" "!Truncated" "ANSWER: 3," "udp: 1232" "MSG SIZE  rcvd: 972"
q dig "EDNS 4096: whole, our size 1232 advertised" "+bufsize=4096 big.$D TXT" "!Truncated" "udp: 1232"
q dig "no EDNS in, no OPT out" "+noedns web.$D A" "!EDNS:" "$OK"
q dig "over TCP" "+tcp big.$D TXT" "$OK" "ANSWER: 3," "MSG SIZE  rcvd: 972"
q dig "several queries on one TCP connection" "+tcp +keepopen web.$D A www.$D A nothere.$D A" "^web\.$D\.\s+3600\s+IN\s+A" "^www\.$D\.\s+3600\s+IN\s+CNAME" "status: NXDOMAIN"
# kdig: the same server through Knot's parser.
q kdig "A" "web.$D A" "NOERROR" "web\.$D\.\s+3600\s+IN\s+A\s+192\.0\.2\.80"
q kdig "MX" "$D MX" "NOERROR" "MX\s+10 mail\.$D\."
q kdig "SRV" "_sip._tcp.$D SRV" "NOERROR" "SRV\s+0 5 5060 web\.$D\."
q kdig "CAA" "$D CAA" 'CAA\s+0 issue "ca\.example\.net"'
q kdig "NXDOMAIN" "nothere.$D A" "status: NXDOMAIN" "SOA"
q kdig "REFUSED" "other.test A" "status: REFUSED"
q kdig "TC flag kept with +ignore" "+ignore +bufsize=512 big.$D TXT" "Flags: qr aa tc"
q kdig "TC then kdig's TCP retry" "+bufsize=512 big.$D TXT" "TCP" "ANSWER: 3"
q kdig "over TCP" "+tcp many.$D A" "NOERROR" "many\.$D\.\s+3600\s+IN\s+A"
q kdig "EDNS size 1232 in the answer's OPT" "+edns +bufsize=4096 web.$D A" "UDP size: 1232"

# DNS over TCP behaviours (RFC 7766).
probe() { local w=$1 out; shift
	if out=$(ip netns exec "$ns" timeout 30 python3 "$KILN_ROOT/tests/dns/tcp_probe.py" "$IP" "$@" 2>&1); then
		pass "$what: tcp: ${out#ok }"; else fail "$what: tcp: $w" "$(echo "$out" | tail -n 1)"; fi
}
probe "pipelining" pipeline 20
probe "split query" split
probe "idle timeout" idle 1.5
probe "idle timeout with bytes trickling in" trickle 1.5
probe "connection bound" limit 4
probe "over-long frame" toolong
kill -0 "$DNS_PID" 2>/dev/null && pass "$what: still serving after all of it" ||
	fail "$what: still serving after all of it" "$(tail -n 2 "$DNS_LOG")"

# Zones named by boot arguments: only sub2.example.test, from its key.
log2=$(tmpdir_new)/zone-arg.log
tap_new "$ns" dnsatap1 10.57.0.1/24
bg_start ip netns exec "$ns" "$DNS_IMG" --net:service=dnsatap1 -- --ipv4=10.57.0.2/24 \
	--zone=sub2.example.test.zone >"$log2" 2>&1
if wait_for 20 grep -q "dns: serving" "$log2" && grep -q "serving 1 zone " "$log2"; then
	IP=10.57.0.2
	q dig "--zone=KEY serves that zone" "www.sub2.$D A" "$OK" "$AA"
	q dig "--zone=KEY serves that zone alone" "web.$D A" "status: REFUSED"
else fail "$what: --zone=KEY" "$(tail -n 1 "$log2")"; fi
IP=$DNS_IP
tap_new "$ns" dnsatap2
out=$(ip netns exec "$ns" timeout 20 "$DNS_IMG" --net:service=dnsatap2 -- --ipv4=10.57.0.3/24 --zone=nope.zone 2>&1)
rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "dnsd: nope.zone: no such key" &&
	pass "$what: a missing --zone key: exit 1 ($(echo "$out" | grep dnsd:))" ||
	fail "$what: a missing --zone key" "status $rc: $(echo "$out" | tail -n 1)"

# A zone with an error: the message names the file and line; exit status 1.
bad=$(tmpdir_new)
cp "$DNS_DIR/zones/example.test.zone" "$bad/"
printf 'broken\tIN\tA\t192.0.2.300\n' >>"$bad/example.test.zone"
line=$(wc -l <"$bad/example.test.zone")
if dns_build unix "$bad"; then
	tap_new "$ns" dnsatap3
	out=$(ip netns exec "$ns" timeout 20 "$DNS_IMG" --net:service=dnsatap3 -- --ipv4=10.57.0.4/24 2>&1)
	rc=$?
	if [ $rc = 1 ] && echo "$out" | grep -Eq "^dnsd: example\.test\.zone:$line: "; then
		pass "$what: a bad zone: exit 1 and '$(echo "$out" | grep '^dnsd:')'"
	else fail "$what: a bad zone" "status $rc: $(echo "$out" | tail -n 1)"; fi
else fail "$what: build with a bad zone" "see above"; fi
finish
