#!/usr/bin/env bash
# tests/dns/hvt.sh: `kiln run -t hvt examples/dns` (the tender, user-mode
# networking, kiln.conf's forwards udp and tcp 5353 -> 53) answers dig on
# 127.0.0.1:5353: run inside a test namespace so the forward collides with
# nothing. A handful of queries: the guest runs ~1000x slower here.
AREA=dns; . "$(dirname "$0")/../lib.sh"
what="hvt"
command -v dig >/dev/null || { skip "$what" "dig is not installed (scripts/deps)"; exit 0; }
out=$("$KILN" build -t hvt "$KILN_ROOT/examples/dns" 2>&1) || { fail "$what: build" "$(echo "$out" | tail -n 1)"; finish; }
img=$(echo "$out" | tail -n 1); case $img in /*) ;; *) img=$PWD/$img ;; esac
out=$("$KILN" build -t hvt "$KILN_ROOT/examples/resolve" 2>&1) || { fail "$what: build resolve" "$(echo "$out" | tail -n 1)"; finish; }
img2=$(echo "$out" | tail -n 1); case $img2 in /*) ;; *) img2=$PWD/$img2 ;; esac
check "$what: examples/dns and examples/resolve hvt images hold no SSE/x87 ($(stat -c %s "$img") and $(stat -c %s "$img2") bytes)" \
	"$KILN_ROOT/scripts/check-sse" "$img" "$img2"
need_kvm "$what" || finish
need_root "$what (a namespace for the port forward)" || finish
ns=$(netns_new) || { fail "$what: namespace"; finish; }
log=$(tmpdir_new)/hvt.log
bg_start ip netns exec "$ns" "$KILN" run -t hvt "$KILN_ROOT/examples/dns" >"$log" 2>&1
if ! wait_for 120 grep -q "dns: serving" "$log"; then fail "$what: boots and serves" "$(tail -n 1 "$log")"; finish; fi
grep -q "reachable at udp 127.0.0.1:5353" "$log" && pass "$what: kiln run prints where it is reachable ($(grep -o 'udp 127.0.0.1:5353[^,]*' "$log"))" ||
	fail "$what: kiln run prints where it is reachable" "$(grep reachable "$log")"
q() { # WHAT ARGS PATTERN...
	local w=$1 args=$2 o p; shift 2
	o=$(ip netns exec "$ns" dig @127.0.0.1 -p 5353 +norec +time=10 +tries=2 $args 2>&1)
	for p in "$@"; do
		echo "$o" | grep -Eq -- "$p" || { fail "$what: $w" "'$p' missing: $(echo "$o" | grep -E 'status|flags|IN' | head -n 4 | tr '\n' '|')"; return; }
	done
	pass "$what: $w"
}
q "dig www.example.test (CNAME, A)" "www.example.test" "status: NOERROR" "flags: qr aa" "CNAME\s+web\.example\.test\." "IN\s+A\s+192\.0\.2\.80"
q "MX with additional data" "example.test MX" "MX\s+10 mail\.example\.test\." "^mail\.example\.test\..*192\.0\.2\.25"
q "NXDOMAIN" "nothere.example.test A" "status: NXDOMAIN" "IN\s+SOA"
q "a referral with glue" "host.sub.example.test A" "flags: qr;" "^ns\.sub\.example\.test\..*192\.0\.2\.99"
q "TC, then TCP through the tcp forward" "+bufsize=512 big.example.test TXT" "Truncated, retrying in TCP mode" "ANSWER: 3,"
q "over TCP" "+tcp example.test SOA" "status: NOERROR" "SOA\s+ns1\.example\.test\."

# Wildcards in the guest: a copy of examples/dns that also bakes
# lib/dns/tests/zones/wild.test.zone, in a namespace of its own.
wdir=$(tmpdir_new)/dns
mkdir -p "$wdir/zones" && cp "$KILN_ROOT"/examples/dns/*.c "$KILN_ROOT/examples/dns/kiln.conf" "$wdir"/ &&
	cp "$KILN_ROOT"/examples/dns/zones/*.zone "$KILN_ROOT/lib/dns/tests/zones/wild.test.zone" "$wdir/zones/" ||
	{ fail "$what: a copy baking wild.test"; finish; }
ns=$(netns_new) || { fail "$what: namespace"; finish; }
log=$(tmpdir_new)/hvt-wild.log
bg_start ip netns exec "$ns" "$KILN" run -t hvt "$wdir" >"$log" 2>&1
if ! wait_for 120 grep -q "dns: serving 3 zones" "$log"; then fail "$what: boots with wild.test" "$(tail -n 1 "$log")"; finish; fi
q "a wildcard's MX, owned by the name asked (RFC 4592)" "host3.wild.test MX" "status: NOERROR" "flags: qr aa" \
	"^host3\.wild\.test\..*MX\s+10 host1\.wild\.test\." "^host1\.wild\.test\..*192\.0\.2\.1$"
q "a wildcard CNAME, followed" "a.cn.wild.test A" "^a\.cn\.wild\.test\..*CNAME\s+Target\.web\.wild\.test\." "192\.0\.2\.81"
q "an empty non-terminal blocks a wildcard" "y.e.wild.test A" "status: NOERROR" "ANSWER: 0," "IN\s+SOA"
q "no wildcard below a cut" "x.deleg.wild.test A" "flags: qr;" "^deleg\.wild\.test\..*NS"
finish
