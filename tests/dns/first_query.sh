#!/usr/bin/env bash
# tests/dns/first_query.sh: freshly started appliances get their very first
# query answered, with no retry, ROUNDS times over (FIRST_QUERY_ROUNDS,
# default 20). Each round, in a new namespace with two new taps:
# examples/dns (unix target, --ipv4) answers kdig's first query
# (+retry=0 +timeout=1), then a fresh examples/resolve, routed through the
# namespace, asks it one name and must need one UDP query and no timeout.
#
# The defect this catches (docs/hostnet.md "A fresh tap"): Linux drops what
# it sends on a tap until its link watcher has run after the appliance
# attached, so an appliance that spoke first right after starting had its
# ARP request's reply dropped (kfree_skb QDISC_DROP) and its first query
# waited a second for the ARP retry: about one round in three failed before
# hostnet waited for the link (tap_running.h).
AREA=dns; . "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/dns_lib.sh"
what="first query"
ROUNDS=${FIRST_QUERY_ROUNDS:-20}
command -v kdig >/dev/null || { skip "$what" "kdig is not installed (scripts/deps)"; exit 0; }
need_root "$what" || exit 0
dns_build unix || { fail "$what: build examples/dns" "see above"; finish; }
out=$("$KILN" build -t unix "$KILN_ROOT/examples/resolve" 2>&1) ||
	{ fail "$what: build examples/resolve" "$(echo "$out" | tail -n 1)"; finish; }
rimg=$(echo "$out" | tail -n 1); case $rimg in /*) ;; *) rimg=$PWD/$rimg ;; esac

dns_lost="" res_lost="" start=$SECONDS
for i in $(seq 1 "$ROUNDS"); do
	ns=$(netns_new) || { fail "$what: namespace"; finish; }
	tap_new "$ns" fqrtap0 10.58.0.1/24 || { fail "$what: tap"; finish; }
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
	if ! dns_start_unix "$ns" fqdtap0 10.58.1 --ipv4-gateway=10.58.1.1; then
		fail "$what: examples/dns starts (round $i)" "$(tail -n 1 "$DNS_LOG")"; finish
	fi
	# The appliance's own first query: kdig's one try, one second.
	ip netns exec "$ns" kdig @"$DNS_IP" +norec +retry=0 +timeout=1 web.example.test A 2>&1 |
		grep -Eq "web\.example\.test\.\s+3600\s+IN\s+A\s+192\.0\.2\.80" || dns_lost="$dns_lost $i"
	# A fresh appliance that speaks first: its ARP request, then its query.
	log=$(tmpdir_new)/resolve.log
	timeout 20 ip netns exec "$ns" "$rimg" --net:service=fqrtap0 -- --ipv4=10.58.0.7/24 \
		--ipv4-gateway=10.58.0.1 --dns="$DNS_IP" web.example.test >"$log" 2>&1
	grep -Eq "^resolve: web\.example\.test A 192\.0\.2\.8[01] 192\.0\.2\.8[01]$" "$log" &&
		grep -Eq " udp 1 tcp 0 timeouts 0 " "$log" ||
		res_lost="$res_lost $i($(grep -o 'udp [0-9]* tcp [0-9]* timeouts [0-9]*' "$log" || tail -n 1 "$log"))"
	kill "$DNS_PID" 2>/dev/null; wait "$DNS_PID" 2>/dev/null
	ip netns del "$ns"
done
secs=$((SECONDS - start))
[ -z "$dns_lost" ] && pass "$what: $ROUNDS fresh examples/dns each answered kdig's first query, no retry (${secs} s in all)" ||
	fail "$what: fresh examples/dns answers its first query" "unanswered in rounds$dns_lost of $ROUNDS"
[ -z "$res_lost" ] && pass "$what: $ROUNDS fresh examples/resolve each had their first query answered, no timeout" ||
	fail "$what: a fresh examples/resolve's first query is answered" "rounds$res_lost of $ROUNDS"
finish
