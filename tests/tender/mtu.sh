#!/usr/bin/env bash
# mtu.sh: a tap's MTU reaches the guest as it is: on a 9000-byte-MTU tap in
# a namespace of its own, the kiln-built guest tests/hvt/guests/jumbo is
# told 9000, may write 9014-byte frames and not 9015, and echoes a 9014-byte
# frame the host sends it, whole; on a 1500-byte tap it is told 1500. With
# --net-impair=reorder the jumbo frame is held back and still arrives whole.
AREA=tender
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../hvt/guest-lib.bash"

need_kvm "net MTU" || exit 0
need_root "net MTU" || exit 0
[ -x "$TENDER" ] || { fail "setup" "build/bin/tender is not built (make tools)"; finish; }
tmp=$(tmpdir_new)
img=$(hvt_build "$GUESTS/jumbo") || { fail "build guest jumbo"; finish; }
ns=$(netns_new)

# peer NS TAP LEN: send LEN-byte frames of ethertype 0x88b5 on TAP until one
# comes back from the guest (at most 20 s); prints "echo N same|different"
# and "seen M" (the length of the guest's own 0x88b6 frame, 0 if none).
peer() {
	ip netns exec "$1" python3 - "$2" "$3" <<'PY'
import socket, sys, time
tap, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind((tap, 0))
s.settimeout(0.2)
me = bytes([2, 0, 0, 0, 0x77, 1])
payload = bytes((i * 13 + 5) & 255 for i in range(n - 14))
frame = b'\xff' * 6 + me + b'\x88\xb5' + payload
seen, deadline = 0, time.time() + 20
while time.time() < deadline:
    s.send(frame)
    try:
        while True:
            data, addr = s.recvfrom(70000)
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            if data[12:14] == b'\x88\xb6':
                seen = len(data)
            elif data[12:14] == b'\x88\xb5' and data[0:6] == me:
                print("echo %d %s" % (len(data), "same" if data[14:] == payload else "different"))
                print("seen %d" % seen)
                sys.exit(0)
    except socket.timeout:
        pass
print("echo 0 none")
print("seen %d" % seen)
PY
}

# jumbo_case WHAT TAP MTU FRAME [TENDER OPTIONS...]
jumbo_case() {
	local what=$1 tap=$2 mtu=$3 len=$4 log=$tmp/$2.log; shift 4
	tap_new "$ns" "$tap" 10.78.$((mtu % 200)).1/24
	ip -n "$ns" link set "$tap" mtu "$mtu"
	bg_start ip netns exec "$ns" timeout 60 "$TENDER" --mem=32 "$@" --net:service="$tap" -- "$img" \
		>"$log" 2>&1
	local tender=$BG_PID
	local got; got=$(peer "$ns" "$tap" "$len")
	wait "$tender"; local rc=$?
	local out; out=$(cat "$log")
	if [ $rc -eq 0 ] && grep -q "^mtu $mtu$" <<<"$out" &&
	   grep -q "^write mtu + 14: 0$" <<<"$out" && grep -q "^write mtu + 15: 2$" <<<"$out" &&
	   grep -q "^received $len$" <<<"$out" && grep -q "^echo $len same$" <<<"$got"; then
		pass "$what"
	else
		fail "$what" "status $rc, guest: $(tr '\n' '|' <<<"$out") host: $(tr '\n' '|' <<<"$got")"
	fi
}
jumbo_case "9000-byte MTU tap: the guest sees 9000, writes 9014 (not 9015), echoes a 9014-byte frame whole" \
	tapjumbo0 9000 9014
jumbo_case "the same with --net-impair=reorder:50 (held frames are 9014 bytes)" \
	tapjumbo1 9000 9014 --net-impair=reorder:50,seed:3
jumbo_case "1500-byte MTU tap: the guest sees 1500 and echoes a 1514-byte frame" \
	tapjumbo2 1500 1514
finish
