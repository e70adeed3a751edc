#!/bin/bash
# tests/www/linger.sh: an error response sent before the request was read
# (a 4 MiB POST body to a GET-only path: 405 as soon as the head is in)
# reaches the client whole and without a reset: the appliance half-closes and
# drains the body (lingering close, RFC 9112 9.6) instead of closing with
# unread data, which is a RST: the client's send fails with ECONNRESET (most
# clients then never read the response), and a response still queued in the
# appliance is discarded.
AREA=www; . "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/www_lib.sh"

# client IP: sends the head and the whole body, then reads the response to
# EOF; prints "ok STATUS" or "error WHAT" (a reset while sending included).
client() {
	in_ns timeout 30 python3 - "$1" <<'PY'
import socket, sys
ip = sys.argv[1]
body = b"x" * (4 << 20)
s = socket.create_connection((ip, 80), timeout=20)
s.sendall(b"POST /index.html HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n" % len(body))
try:
    s.sendall(body)   # the server answers before it has read this
except OSError as e:
    print("error send: %s (the connection was reset)" % e)
    sys.exit(0)
data = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
except OSError as e:
    print("error recv: %s after %d bytes" % (e, len(data)))
    sys.exit(0)
head, _, rest = data.partition(b"\r\n\r\n")
lines = head.split(b"\r\n")
cl = [l.split(b":")[1].strip() for l in lines if l.lower().startswith(b"content-length:")]
if not lines[0].startswith(b"HTTP/1.1 ") or not cl or len(rest) != int(cl[0]):
    print("error incomplete response: %r" % data[:200])
else:
    print("ok " + lines[0].split()[1].decode())
PY
}

if need_root "unix over tap"; then
	if ! www_build unix; then fail "unix: build" "see above"
	elif ! www_start_unix; then fail "unix: start on a tap" "$(tail -n 1 "$WWW_LOG")"
	else
		bad=0
		for i in 1 2 3; do
			r=$(client "$WWW_IP")
			[ "$r" = "ok 405" ] || { bad=1; why=$r; }
		done
		[ $bad = 0 ] && pass "unix: 405 before a 4 MiB body is read arrives whole (lingering close), 3 of 3" ||
			fail "unix: 405 before the body is read arrives whole" "$why"
		r=$(in_ns curl -s -m 10 -o /dev/null -w '%{http_code}' "http://$WWW_IP/")
		[ "$r" = 200 ] && pass "unix: still serving after lingering closes" ||
			fail "unix: still serving after lingering closes" "got $r"
	fi
fi
finish
