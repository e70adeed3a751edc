#!/bin/bash
# tests/www/ranges.sh: conditional requests and byte ranges with curl against
# the unix appliance: `curl -C -` resumes a cut download to the exact file,
# a single range is 206 with Content-Range, an unsatisfiable one 416,
# `curl -z DATE` (If-Modified-Since) gets 304 at and after Last-Modified,
# If-Match with another tag and If-Unmodified-Since before Last-Modified 412.
AREA=www; . "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/www_lib.sh"

if need_root "unix over tap"; then
	if ! www_build unix; then fail "unix: build" "see above"
	elif ! www_start_unix; then fail "unix: start on a tap" "$(tail -n 1 "$WWW_LOG")"
	else
		d=$(tmpdir_new) url=http://$WWW_IP/about.html f=$WWW_SITE/about.html
		size=$(stat -c %s "$f")
		# A download cut after 100 bytes, resumed with -C -.
		head -c 100 "$f" >"$d/part"
		code=$(in_ns curl -s -m 10 -C - -o "$d/part" -w '%{http_code}' "$url")
		if [ "$code" = 206 ] && cmp -s "$d/part" "$f"; then
			pass "unix: curl -C - resumes at byte 100 with 206 and the file is exact"
		else fail "unix: curl -C - resumes" "code $code, $(stat -c %s "$d/part") of $size bytes"; fi
		h=$(in_ns curl -s -m 10 -D - -o "$d/r" -r 10-19 "$url" | tr -d '\r')
		if echo "$h" | grep -q "^HTTP/1.1 206" && echo "$h" | grep -qx "Content-Range: bytes 10-19/$size" &&
			cmp -s "$d/r" <(tail -c +11 "$f" | head -c 10); then
			pass "unix: Range bytes=10-19: 206, Content-Range, the 10 bytes"
		else fail "unix: Range bytes=10-19" "$(echo "$h" | head -n 1)"; fi
		h=$(in_ns curl -s -m 10 -D - -o /dev/null -r "$size-" "$url" | tr -d '\r')
		if echo "$h" | grep -q "^HTTP/1.1 416" && echo "$h" | grep -qx "Content-Range: bytes \*/$size"; then
			pass "unix: Range past the end: 416 with Content-Range: bytes */$size"
		else fail "unix: Range past the end" "$(echo "$h" | head -n 1)"; fi
		lm=$(in_ns curl -s -m 10 -I "$url" | tr -d '\r' | sed -n 's/^Last-Modified: //p')
		c1=$(in_ns curl -s -m 10 -o /dev/null -w '%{http_code}' -z "$lm" "$url")
		c2=$(in_ns curl -s -m 10 -o /dev/null -w '%{http_code}' -H "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT" "$url")
		if [ -n "$lm" ] && [ "$c1" = 304 ] && [ "$c2" = 200 ]; then
			pass "unix: If-Modified-Since (curl -z) Last-Modified: 304; an earlier date: 200"
		else fail "unix: If-Modified-Since" "Last-Modified '$lm', at it $c1, earlier $c2"; fi
		c1=$(in_ns curl -s -m 10 -o /dev/null -w '%{http_code}' -H 'If-Match: "nope"' "$url")
		c2=$(in_ns curl -s -m 10 -o /dev/null -w '%{http_code}' -H "If-Unmodified-Since: Thu, 01 Jan 1970 00:00:00 GMT" "$url")
		[ "$c1" = 412 ] && [ "$c2" = 412 ] && pass "unix: If-Match another tag, If-Unmodified-Since before: 412" ||
			fail "unix: If-Match / If-Unmodified-Since" "got $c1 and $c2"
	fi
fi
finish
