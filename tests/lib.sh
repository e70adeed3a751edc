# tests/lib.sh: shared helpers for the integration tests in tests/<area>/*.sh.
#
#   AREA=net . "$(dirname "$0")/../lib.sh"
#   pass "ping answered"; fail "echo" "got nothing"; skip "flood" "not root"
#   need_root || exit 0; need_kvm || exit 0           (each SKIPs with its reason)
#   ns=$(netns_new)                                    (removed at exit)
#   tap_new "$ns" tap0 10.9.0.1/24                     (tap inside ns, address, up)
#   veth_new "$ns" "$ns2" 10.8.0.1/24 10.8.0.2/24     (a veth pair between two ns)
#   bg_start ip netns exec "$ns" ./app; pid=$BG_PID    (ended at exit, by PID)
#   finish                                             (exit 1 if anything failed)
#
# Network namespaces and devices get names unique to this test and process,
# so tests can run side by side; everything made here is removed on exit.

set -u
KILN_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AREA=${AREA:-$(basename "$(dirname "$0")")}
KILN=$KILN_ROOT/build/bin/kiln
TENDER=$KILN_ROOT/build/bin/tender
TEST_FAILED=0
_NS_LIST=()
_BG_PIDS=()
_TMP_DIRS=()
_SEQ=0

pass() { echo "PASS: $AREA: $1"; }
fail() { echo "FAIL: $AREA: $1${2:+: $2}"; TEST_FAILED=1; }
skip() { echo "SKIP: $AREA: $1${2:+: $2}"; }

# check WHAT CMD...: PASS if CMD succeeds, else FAIL with its last output line.
check() {
	local what=$1 out; shift
	if out=$("$@" 2>&1); then pass "$what"; else fail "$what" "$(echo "$out" | tail -n 1)"; fi
}

finish() { exit $TEST_FAILED; }

need_root() {
	[ "$(id -u)" = 0 ] && return 0
	skip "${1:-all}" "needs root (network namespaces and tap devices)"
	return 1
}

# True if /dev/kvm can be opened for reading and writing; else SKIPs.
kvm_usable() { [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; }
need_kvm() {
	kvm_usable && return 0
	skip "${1:-all}" "/dev/kvm is missing or not usable by $(id -un)"
	return 1
}

tmpdir_new() {
	local d; d=$(mktemp -d "/tmp/kiln-$AREA-XXXXXX")
	_TMP_DIRS+=("$d"); echo "$d"
}

netns_new() {
	_SEQ=$((_SEQ + 1))
	local ns="kiln-${AREA:0:6}-$$-$_SEQ"
	ip netns add "$ns" || return 1
	ip -n "$ns" link set lo up
	_NS_LIST+=("$ns"); echo "$ns"
}

# tap_new NS NAME [ADDR/PREFIX]: a tap device inside NS, up, with an address.
tap_new() {
	ip -n "$1" tuntap add "$2" mode tap || return 1
	[ -n "${3:-}" ] && ip -n "$1" addr add "$3" dev "$2"
	ip -n "$1" link set "$2" up
}

# veth_new NS1 NS2 ADDR1/P ADDR2/P [NAME1 NAME2]: a veth pair between namespaces.
veth_new() {
	local a=${5:-vk$$a$_SEQ} b=${6:-vk$$b$_SEQ}
	ip link add "${a:0:15}" netns "$1" type veth peer name "${b:0:15}" netns "$2" || return 1
	ip -n "$1" addr add "$3" dev "${a:0:15}"; ip -n "$1" link set "${a:0:15}" up
	ip -n "$2" addr add "$4" dev "${b:0:15}"; ip -n "$2" link set "${b:0:15}" up
}

# bg_start CMD...: start CMD in the background; its PID is in BG_PID.
bg_start() {
	"$@" &
	BG_PID=$!
	_BG_PIDS+=("$BG_PID")
}

# wait_for SECONDS CMD...: retry CMD every 0.1 s until it succeeds or time is up.
wait_for() {
	local deadline=$((SECONDS + $1)); shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.1
	done
}

_lib_cleanup() {
	local p ns d
	for p in "${_BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${_BG_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	for ns in "${_NS_LIST[@]}"; do ip netns del "$ns" 2>/dev/null; done
	for d in "${_TMP_DIRS[@]}"; do rm -rf "$d"; done
}
trap _lib_cleanup EXIT
