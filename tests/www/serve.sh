#!/bin/bash
# tests/www/serve.sh: examples/www serves every file of its site byte-exact
# (sha256sum against the source files): the unix target over a tap in a test
# namespace, and the hvt target over user-mode networking (its port forward
# inside a test namespace), plus the HTTP behaviours a browser relies on.
AREA=www; . "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/www_lib.sh"

# fetch_all URL_BASE RUN...: every site file fetched with RUN curl; the
# number of mismatches on stdout, details on stderr.
fetch_all() {
	local base=$1 bad=0 f url; shift
	while read -r f; do
		url=$base/$f
		[ "$f" = index.html ] && url=$base/
		got=$("$@" curl -s -f -m 60 "$url" | sha256sum | cut -d' ' -f1)
		want=$(sha256sum <"$WWW_SITE/$f" | cut -d' ' -f1)
		[ "$got" = "$want" ] || { echo "  $f: got $got want $want" >&2; bad=$((bad + 1)); }
	done < <(cd "$WWW_SITE" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
	echo $bad
}

nfiles=$(find "$WWW_SITE" -type f | wc -l)
if need_root "unix over tap"; then
	if ! www_build unix; then fail "unix: build" "see above"
	elif ! www_start_unix; then fail "unix: start on a tap" "$(tail -n 1 "$WWW_LOG")"
	else
		bad=$(fetch_all "http://$WWW_IP" in_ns)
		[ "$bad" = 0 ] && pass "unix over tap: all $nfiles files byte-exact (sha256)" ||
			fail "unix over tap: files byte-exact" "$bad of $nfiles differ"
		h=$(in_ns curl -s -D - -o /dev/null "http://$WWW_IP/css/site.css")
		etag=$(echo "$h" | tr -d '\r' | awk -F': ' 'tolower($1) == "etag" { print $2 }')
		if echo "$h" | grep -qi "^content-type: text/css" && echo "$h" | grep -qi "^date: " && [ -n "$etag" ]; then
			pass "unix: Content-Type, Date and ETag"
		else fail "unix: Content-Type, Date and ETag" "$(echo "$h" | head -n 1)"; fi
		code=$(in_ns curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "http://$WWW_IP/css/site.css")
		[ "$code" = 304 ] && pass "unix: conditional GET is 304" || fail "unix: conditional GET is 304" "got $code"
		code=$(in_ns curl -s -o /dev/null -w '%{http_code}' "http://$WWW_IP/nope.html")
		[ "$code" = 404 ] && pass "unix: a missing page is 404" || fail "unix: a missing page is 404" "got $code"
		n=$(in_ns curl -s "http://$WWW_IP/bytes/100000" "http://$WWW_IP/bytes/100000" | sha256sum | cut -d' ' -f1)
		[ "$n" = "$( (pattern 100000; pattern 100000) | sha256sum | cut -d' ' -f1)" ] &&
			pass "unix: /bytes/N twice on one keep-alive connection" ||
			fail "unix: /bytes/N twice on one keep-alive connection" "content differs"
	fi
fi

# hvt: the tender with user-mode networking; its forward listens on the
# loopback of a namespace of this test's own, so it collides with nothing.
if ! kvm_usable; then skip "hvt over user-mode networking" "/dev/kvm missing or not usable"
elif ! need_root "hvt over user-mode networking"; then :
elif ! www_build hvt; then fail "hvt: build" "see above"
else
	ns=$(netns_new)
	log=$(tmpdir_new)/hvt.log
	bg_start ip netns exec "$ns" "$TENDER" --mem=16 --net:service=user \
		--port-forward=tcp:8080:80 -- "$WWW_IMG" --ipv4=10.0.2.15/24 --ipv4-gateway=10.0.2.2 >"$log" 2>&1
	if ! wait_for 120 grep -q "www: serving" "$log"; then
		fail "hvt: boots and serves" "$(tail -n 1 "$log")"
	else
		bad=$(fetch_all "http://127.0.0.1:8080" ip netns exec "$ns")
		[ "$bad" = 0 ] && pass "hvt over user-mode networking: all $nfiles files byte-exact (sha256)" ||
			fail "hvt over user-mode networking: files byte-exact" "$bad of $nfiles differ"
	fi
fi

# `kiln run examples/www` as a user types it (hvt where KVM works, else unix;
# user-mode networking): it prints the URL, and the URL serves the site. In
# a namespace of its own, so port 8080 is free.
if need_root "kiln run examples/www"; then
	ns=$(netns_new)
	log=$(tmpdir_new)/run.log
	bg_start ip netns exec "$ns" "$KILN" run "$WWW_DIR" >"$log" 2>&1
	if ! wait_for 180 grep -q "www: serving" "$log"; then
		fail "kiln run examples/www: serves" "$(tail -n 1 "$log")"
	else
		url=$(grep -o "^kiln: http://127.0.0.1:[0-9]*/" "$log" | cut -c7-)
		target=$(grep -o "^kiln: target [a-z]*" "$log" | cut -d' ' -f3)
		if [ "$url" != "http://127.0.0.1:8080/" ]; then
			fail "kiln run examples/www prints http://127.0.0.1:8080/" "got '${url}'"
		else
			bad=$(fetch_all "${url%/}" ip netns exec "$ns")
			[ "$bad" = 0 ] && pass "kiln run examples/www ($target) prints $url and serves all $nfiles files byte-exact" ||
				fail "kiln run examples/www: files byte-exact at $url" "$bad of $nfiles differ"
		fi
	fi
fi
finish
