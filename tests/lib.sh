# tests/lib.sh: shared helpers for the integration tests in tests/<area>/*.sh.
#
#   AREA=net . "$(dirname "$0")/../lib.sh"
#   pass "ping answered"; fail "echo" "got nothing"; skip "flood" "not root"
#   need_root || exit 0; need_kvm || exit 0           (each SKIPs with its reason)
#   netns_new ns   or   ns=$(netns_new)                (removed at exit)
#   tmpdir_new dir or   dir=$(tmpdir_new)              (removed at exit)
#   tap_new "$ns" tap0 10.9.0.1/24                     (tap inside ns, address, up)
#   veth_new "$ns" "$ns2" 10.8.0.1/24 10.8.0.2/24     (a veth pair between two ns)
#   bg_start ip netns exec "$ns" ./app; pid=$BG_PID    (ended at exit, by PID)
#   finish                                             (exit 1 if anything failed)
#
# Network namespaces and devices get names unique to this test and process,
# so tests can run side by side; everything made here is removed on exit.

set -u
KILN_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TEST_AREA=${AREA:-$(basename "$(dirname "$0")")}
KILN=$KILN_ROOT/build/bin/kiln
TENDER=$KILN_ROOT/build/bin/tender
TEST_FAILED=0
_BG_PIDS=()
_SEQ=0
# What this test made, one "kind name" a line: a file, so that helpers
# called in $(...) subshells register what they make too.
_LIB_REG=$(mktemp /tmp/kiln-test-reg-XXXXXX)

pass() { echo "PASS: $TEST_AREA: $1"; }
fail() { echo "FAIL: $TEST_AREA: $1${2:+: $2}"; TEST_FAILED=1; }
skip() { echo "SKIP: $TEST_AREA: $1${2:+: $2}"; }

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

# _result VAR VALUE: set VAR if named, else print VALUE (for $(...) use).
_result() { if [ -n "$1" ]; then printf -v "$1" '%s' "$2"; else echo "$2"; fi; }

tmpdir_new() { # [VAR]
	local _lib_d; _lib_d=$(mktemp -d "/tmp/kiln-$TEST_AREA-XXXXXX") || return 1
	echo "dir $_lib_d" >>"$_LIB_REG"; _result "${1:-}" "$_lib_d"
}

netns_new() { # [VAR]
	_SEQ=$((_SEQ + 1))
	# Locals prefixed: printf -v in _result must not hit a local of the
	# same name as the caller's variable. BASHPID: unique in subshells too.
	local _lib_ns="kiln-${TEST_AREA:0:6}-$BASHPID-$_SEQ"
	ip netns add "$_lib_ns" || return 1
	echo "ns $_lib_ns" >>"$_LIB_REG"
	ip -n "$_lib_ns" link set lo up
	_result "${1:-}" "$_lib_ns"
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
	local p kind name
	for p in "${_BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${_BG_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	while read -r kind name; do
		case $kind in
		ns) ip netns del "$name" 2>/dev/null ;;
		dir) rm -rf "$name" ;;
		esac
	done <"$_LIB_REG"
	rm -f "$_LIB_REG"
}
trap _lib_cleanup EXIT
