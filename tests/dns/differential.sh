#!/usr/bin/env bash
# differential.sh: kiln's authoritative DNS server (lib/dns, via the host
# program tests/dns/dns_tool.c) against Debian's NSD serving the same zone,
# both on 127.0.0.1 inside a network namespace this test creates (or on the
# host's loopback with high ports when not root). The same queries go to
# both through kdig; differential.py compares the responses.
set -u
cd "$(dirname "$0")/../.."
area="dns: differential"
zone=lib/dns/tests/zones/example.test.zone
origin=example.test
child=lib/dns/tests/zones/sub2.example.test.zone
child_origin=sub2.example.test
wild=lib/dns/tests/zones/wild.test.zone
wild_origin=wild.test

skip() { echo "SKIP: $area: $1"; exit 0; }
for t in nsd nsd-checkzone kdig python3; do
	command -v "$t" >/dev/null || skip "$t is not installed (scripts/deps)"
done

# Build the tool under ASan/UBSan with the library's test archives.
make -s build/test/libkiln_dns.a build/test/libkiln_core.a >/dev/null || {
	echo "FAIL: $area: building lib/dns"; exit 1; }
tool=build/test/dns_tool
cc -std=gnu11 -Wall -Wextra -Werror -g -O1 -Iinclude -D_GNU_SOURCE \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-o "$tool" tests/dns/dns_tool.c build/test/libkiln_dns.a build/test/libkiln_core.a || {
	echo "FAIL: $area: building dns_tool"; exit 1; }

tmp=$(mktemp -d /tmp/kiln-dns-diff.XXXXXX)
ns="kiln-dns-$$"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	[ -n "${in_ns:-}" ] && ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

in_ns=
run=()
if [ "$(id -u)" = 0 ] && ip netns add "$ns" 2>/dev/null; then
	in_ns=1
	run=(ip netns exec "$ns")
	"${run[@]}" ip link set lo up
	nsd_port=5301 kiln_port=5302
else
	# Loopback of the host: pick two free high ports.
	nsd_port=$(( 20000 + ($$ % 20000) )) kiln_port=$(( nsd_port + 1 ))
fi

for z in "$origin $zone" "$child_origin $child" "$wild_origin $wild"; do
	nsd-checkzone $z >/dev/null || { echo "FAIL: $area: nsd-checkzone refuses ${z#* }"; exit 1; }
done
cp "$zone" "$tmp/zone"
cp "$child" "$tmp/child"
cp "$wild" "$tmp/wild"
# A random zone too, new each run unless DNS_DIFF_SEED is set (the seed is
# printed, so a failure can be replayed).
seed=${DNS_DIFF_SEED:-$(( RANDOM * 32768 + RANDOM ))}
python3 tests/dns/randzone.py "$seed" rand.test >"$tmp/rand" || { echo "FAIL: $area: randzone.py"; exit 1; }
nsd-checkzone rand.test "$tmp/rand" >/dev/null || { echo "FAIL: $area: nsd-checkzone refuses the random zone (seed $seed)"; exit 1; }
echo "# random zone seed $seed (replay: DNS_DIFF_SEED=$seed $0)"
cat >"$tmp/nsd.conf" <<EOF
server:
	ip-address: 127.0.0.1@$nsd_port
	username: ""
	chroot: ""
	zonesdir: "$tmp"
	pidfile: "$tmp/nsd.pid"
	xfrdfile: "$tmp/xfrd.state"
	zonelistfile: "$tmp/zone.list"
	database: ""
	logfile: "$tmp/nsd.log"
	server-count: 1
	verbosity: 0
	rrl-ratelimit: 0
remote-control:
	control-enable: no
zone:
	name: $origin
	zonefile: zone
zone:
	name: $child_origin
	zonefile: child
zone:
	name: $wild_origin
	zonefile: wild
zone:
	name: rand.test
	zonefile: rand
EOF
"${run[@]}" nsd -d -c "$tmp/nsd.conf" >"$tmp/nsd.out" 2>&1 &
pids+=($!)
"${run[@]}" "$tool" serve "$kiln_port" 600 "$zone" "$origin" "$child" "$child_origin" "$wild" "$wild_origin" "$tmp/rand" rand.test 2>"$tmp/kiln.log" &
pids+=($!)

ready() { "${run[@]}" kdig @127.0.0.1 -p "$1" +norec +timeout=1 +retry=0 "$origin" SOA 2>/dev/null | grep -q NOERROR; }
for i in $(seq 50); do
	ready "$nsd_port" && ready "$kiln_port" && break
	for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || break 2; done # one died
	sleep 0.1
done
ready "$nsd_port" || { echo "FAIL: $area: NSD did not start"; sed 's/^/    | /' "$tmp/nsd.out" "$tmp/nsd.log" 2>/dev/null; exit 1; }
ready "$kiln_port" || { echo "FAIL: $area: dns_tool did not start"; sed 's/^/    | /' "$tmp/kiln.log"; exit 1; }

"${run[@]}" python3 tests/dns/differential.py "$nsd_port" "$kiln_port" "$zone" "$origin" "$child" "$child_origin" "$wild" "$wild_origin" --rand "$tmp/rand" rand.test "$seed"
rc=$?
# The file mode of the tool: a query in hex in, the response in hex out.
q=12340000000100000000000003776562076578616d706c6504746573740000010001
if out=$(echo "$q" | "$tool" answer udp "$zone" "$origin") &&
   [ "${out:0:8}" = 12348400 ] && [ "${out:12:4}" = 0002 ]; then
	echo "PASS: $area: dns_tool answer mode (web.example.test A: AA, 2 answers)"
else
	echo "FAIL: $area: dns_tool answer mode gave '${out:0:40}...'"; rc=1
fi
# The zones themselves: our canonical dump against NSD's own parse of each
# file (the wildcard zone too: its '*' owners are names like any other).
for z in "$origin $zone" "$wild_origin $wild"; do
	zo=${z% *} zf=${z#* }
	if "$tool" check "$zf" "$zo" >"$tmp/ours" 2>&1 &&
	   nsd-checkzone -p "$zo" "$zf" 2>/dev/null | python3 tests/dns/nsd_zone_text.py >"$tmp/theirs" &&
	   python3 tests/dns/nsd_zone_text.py --ours <"$tmp/ours" >"$tmp/ours.n" &&
	   diff -u "$tmp/theirs" "$tmp/ours.n" >"$tmp/zdiff"; then
		echo "PASS: $area: $zo parsed as nsd-checkzone parses it ($(wc -l <"$tmp/ours") records)"
	else
		echo "FAIL: $area: $zo: parse differs from nsd-checkzone -p"; head -20 "$tmp/zdiff" | sed 's/^/    | /'
		rc=1
	fi
done
for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
pids=()
if grep -q "ERROR: AddressSanitizer\|runtime error" "$tmp/kiln.log"; then
	echo "FAIL: $area: sanitizer report in dns_tool"; sed 's/^/    | /' "$tmp/kiln.log" | head -20; rc=1
else
	echo "PASS: $area: dns_tool ran clean under ASan/UBSan ($(tail -1 "$tmp/kiln.log" | sed 's/^dns_tool: //'))"
fi
exit $rc
