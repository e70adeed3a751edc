# tests/kiln/lib.bash: helpers for the kiln tool's and hello's integration
# tests (sourced, not run). Set AREA before sourcing.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KILN=$ROOT/build/bin/kiln
failures=0
pass() { echo "PASS: $AREA: $1"; }
fail() { echo "FAIL: $AREA: $1: $2"; failures=$((failures + 1)); }
skip() { echo "SKIP: $AREA: $1: $2"; }
finish() { [ "$failures" -eq 0 ]; exit $?; }

tmp=$(mktemp -d "/tmp/kiln-test-$AREA-XXXXXX")
cleanup_tmp() { rm -rf "$tmp"; }
trap cleanup_tmp EXIT

if [ ! -x "$KILN" ]; then
	fail "setup" "$KILN is not built (make tools)"
	exit 1
fi

# hvt_ready: true if hvt appliances can be built and booted here; else
# false with the reason in $hvt_why.
hvt_ready() {
	hvt_why=""
	if [ ! -e /dev/kvm ]; then hvt_why="no /dev/kvm on this machine"; return 1; fi
	if ! (exec 3<>/dev/kvm) 2>/dev/null; then
		hvt_why="/dev/kvm cannot be opened read-write"; return 1
	fi
	if [ ! -x "$ROOT/build/bin/tender" ]; then
		hvt_why="build/bin/tender is not built"; return 1
	fi
	if ! ls "$ROOT"/platform/hvt/*.[cS] >/dev/null 2>&1 ||
		[ ! -e "$ROOT/include/kiln/hvt_manifest.h" ]; then
		hvt_why="the hvt platform (platform/hvt, include/kiln/hvt_manifest.h) is not in the tree yet"
		return 1
	fi
	return 0
}

# Symbols of network code: the platform's net calls, tap and host-net code.
NET_SYMBOLS='kiln_net_|kiln_unix_net|_tap_|tap_open|hostnet|unix_net'
