#!/usr/bin/env bash
# tests/dns/appliance_diff.sh: the differential test of differential.sh, with
# the real appliance instead of the host test tool: examples/dns (unix
# target, on a tap in a test namespace) baking the sample zones, the
# wildcard zone (lib/dns/tests/zones/wild.test.zone) and a random zone new
# each run (wildcards included), against Debian's NSD serving the same files on the
# namespace's loopback. The same queries (differential.py: existing,
# missing, delegated, odd case, odd types, EDNS sizes, TCP, malformed) must
# get the same rcode, flags and sections from both.
AREA=dns; . "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/dns_lib.sh"
what="appliance differential"
for t in nsd nsd-checkzone kdig python3; do
	command -v "$t" >/dev/null || { skip "$what" "$t is not installed (scripts/deps)"; exit 0; }
done
need_root "$what" || exit 0

zones=$(tmpdir_new)
cp "$KILN_ROOT/examples/dns/zones/example.test.zone" "$KILN_ROOT/examples/dns/zones/sub2.example.test.zone" "$zones/"
cp "$KILN_ROOT/lib/dns/tests/zones/wild.test.zone" "$zones/"
seed=${DNS_DIFF_SEED:-$(( RANDOM * 32768 + RANDOM ))}
python3 "$KILN_ROOT/tests/dns/randzone.py" "$seed" rand.test >"$zones/rand.test.zone" ||
	{ fail "$what: randzone.py"; finish; }
echo "# random zone seed $seed (replay: DNS_DIFF_SEED=$seed $0)"
for z in example.test sub2.example.test wild.test rand.test; do
	nsd-checkzone "$z" "$zones/$z.zone" >/dev/null || { fail "$what: nsd-checkzone refuses $z"; finish; }
done
dns_build unix "$zones" || { fail "$what: build" "see above"; finish; }
ns=$(netns_new) || { fail "$what: namespace"; finish; }
dns_start_unix "$ns" dnsdtap0 10.55.0 || { fail "$what: appliance starts" "$(tail -n 1 "$DNS_LOG")"; finish; }
grep -q "serving 4 zones" "$DNS_LOG" || { fail "$what: 4 zones baked" "$(tail -n 1 "$DNS_LOG")"; finish; }
nsd_dir=$(tmpdir_new)
conf=$(nsd_conf "$nsd_dir" 127.0.0.1@5301 example.test "$zones/example.test.zone" \
	sub2.example.test "$zones/sub2.example.test.zone" wild.test "$zones/wild.test.zone" \
	rand.test "$zones/rand.test.zone")
bg_start ip netns exec "$ns" nsd -d -c "$conf" >"$nsd_dir/nsd.out" 2>&1
wait_for 10 ip netns exec "$ns" kdig @127.0.0.1 -p 5301 +timeout=1 +retry=0 example.test SOA ||
	{ fail "$what: NSD starts" "$(tail -n 1 "$nsd_dir/nsd.out")"; finish; }

out=$(tmpdir_new)/diff.out
ip netns exec "$ns" python3 "$KILN_ROOT/tests/dns/differential.py" --kiln-addr "$DNS_IP" 5301 53 \
	"$zones/example.test.zone" example.test "$zones/sub2.example.test.zone" sub2.example.test \
	"$zones/wild.test.zone" wild.test --rand "$zones/rand.test.zone" rand.test "$seed" >"$out" 2>&1
rc=$?
grep '^FAIL' "$out" | head -n 20 | sed 's/^FAIL: dns: differential: /FAIL: dns: appliance differential: /'
sum=$(grep '^# differential:' "$out")
n=$(echo "$sum" | awk '{print $3}')
if [ $rc = 0 ] && [ "${n:-0}" -ge 200 ]; then
	pass "$what: ${sum#\# differential: } (unix appliance on a tap vs NSD, random zone seed $seed)"
else
	fail "$what" "${sum:-no summary}; $(tail -n 1 "$out")"
fi
kill -0 "$DNS_PID" 2>/dev/null && pass "$what: the appliance is still serving" ||
	fail "$what: the appliance is still serving" "$(tail -n 2 "$DNS_LOG")"
finish
