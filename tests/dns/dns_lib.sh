# tests/dns/dns_lib.sh: helpers for the DNS appliance tests (sourced after
# tests/lib.sh): build examples/dns (or a copy of it baking other zones), run
# its unix image on a tap in a fresh namespace, write an NSD config.
DNS_DIR=$KILN_ROOT/examples/dns

# dns_build TARGET [ZONES_DIR]: builds examples/dns for TARGET; with
# ZONES_DIR, a copy of it in a temp directory whose image bakes that
# directory's ORIGIN.zone files instead. The image path in DNS_IMG.
dns_build() {
	local dir=$DNS_DIR out
	if [ -n "${2:-}" ]; then
		dir=$(tmpdir_new)/dns
		mkdir -p "$dir" && cp "$DNS_DIR"/*.c "$dir"/ &&
			sed "s|^files = .*|files = $2|" "$DNS_DIR/kiln.conf" >"$dir/kiln.conf" || return 1
	fi
	out=$("$KILN" build -t "$1" "$dir" 2>&1) || { echo "$out" | tail -n 3 >&2; return 1; }
	DNS_IMG=$(echo "$out" | tail -n 1)
	case $DNS_IMG in /*) ;; *) DNS_IMG=$PWD/$DNS_IMG ;; esac
}

# dns_start_unix NS TAP NET [BOOT ARGS...]: the unix appliance on a new tap
# TAP in namespace NS; NET is the /24's first three octets (host .1,
# appliance .2). Sets DNS_IP, DNS_PID, DNS_LOG; waits until it serves.
dns_start_unix() {
	local ns=$1 tap=$2 net=$3; shift 3
	tap_new "$ns" "$tap" "$net.1/24" || return 1
	DNS_IP=$net.2
	DNS_LOG=$(tmpdir_new)/dns.log
	bg_start ip netns exec "$ns" "$DNS_IMG" --net:service="$tap" -- --ipv4="$DNS_IP/24" "$@" \
		>"$DNS_LOG" 2>&1
	DNS_PID=$BG_PID
	wait_for 20 grep -q "dns: serving" "$DNS_LOG" || { tail -n 3 "$DNS_LOG" >&2; return 1; }
}

# nsd_conf DIR ADDR@PORT ORIGIN FILE [ORIGIN FILE...]: an NSD config serving
# those zones (files copied into DIR) at ADDR@PORT, run as root in DIR,
# without rate limiting; its path on stdout.
nsd_conf() {
	local dir=$1 at=$2; shift 2
	cat >"$dir/nsd.conf" <<NSD
server:
	ip-address: $at
	username: ""
	chroot: ""
	zonesdir: "$dir"
	pidfile: "$dir/nsd.pid"
	xfrdfile: "$dir/xfrd.state"
	zonelistfile: "$dir/zone.list"
	database: ""
	logfile: "$dir/nsd.log"
	server-count: 1
	verbosity: 0
	rrl-ratelimit: 0
remote-control:
	control-enable: no
NSD
	while [ $# -ge 2 ]; do
		cp "$2" "$dir/$1.zone"
		printf 'zone:\n\tname: %s\n\tzonefile: %s.zone\n' "$1" "$1" >>"$dir/nsd.conf"
		shift 2
	done
	echo "$dir/nsd.conf"
}
