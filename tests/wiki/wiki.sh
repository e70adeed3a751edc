#!/usr/bin/env bash
# tests/wiki/wiki.sh: examples/wiki end to end with curl: create and edit
# pages (each save one commit), read them rendered and raw, their history
# and a diff; the pages survive a restart; the disk exported by
# `kiln store export` is a git repository whose log shows the edits and
# their authors; hostile page text is rendered as text. On unix, and on hvt
# where /dev/kvm works.
AREA=wiki . "$(dirname "$0")/../lib.sh"
tmp=$(tmpdir_new)
cp -r "$KILN_ROOT/examples/wiki" "$tmp/" && rm -rf "$tmp/wiki/_build"
port=$((20000 + $$ % 20000))
url=http://127.0.0.1:$port

# start TARGET: the wiki on the disk, forwarded to $port; waits until it answers.
start() {
	"$KILN" run -t "$1" --block:disk="$tmp/disk.img" --port-forward=tcp:$port:80 "$tmp/wiki" \
		>>"$tmp/$1.out" 2>&1 &
	WIKI_PID=$!
	_BG_PIDS+=("$WIKI_PID")
	wait_for 120 curl -s -o /dev/null "$url/pages"
}
stop() {
	kill "$WIKI_PID" 2>/dev/null
	wait "$WIKI_PID" 2>/dev/null
}
save() { # PAGE TEXT AUTHOR MESSAGE: prints the HTTP status
	curl -s -o /dev/null -w '%{http_code}' --data-urlencode "text=$2" --data-urlencode "author=$3" \
		--data-urlencode "message=$4" "$url/edit/$1"
}

run_target() {
	local t=$1
	rm -f "$tmp/disk.img"
	truncate -s 64M "$tmp/disk.img"
	start "$t" || { fail "$t: the wiki starts" "$(tail -n 5 "$tmp/$t.out" | tr '\n' ' ')"; stop; return; }
	code=$(curl -s -o /dev/null -w '%{http_code}' "$url/wiki/Home")
	[ "$code" = 404 ] && pass "$t: a page that does not exist is 404 with a link to create it" ||
		fail "$t: missing page" "got $code"
	s1=$(save Home $'# Home\n\nWelcome to *kiln*. See [[Other Page]].' 'Ada Lovelace' 'create Home')
	s2=$(save Home $'# Home\n\nWelcome back to *kiln*.\n<script>alert(1)</script>' 'Grace Hopper' 'reword')
	s3=$(save Notes $'- one\n- two' 'Ada Lovelace' '')
	html=$(curl -s "$url/wiki/Home")
	if [ "$s1$s2$s3" = 303303303 ] && echo "$html" | grep -q '<h1>Home</h1>' &&
		echo "$html" | grep -q 'Welcome back to <em>kiln</em>' &&
		echo "$html" | grep -q '&lt;script&gt;' && ! echo "$html" | grep -q '<script>'; then
		pass "$t: pages created and edited with curl render as HTML; a script in the text stays text"
	else
		fail "$t: create and edit" "saves $s1 $s2 $s3; $(echo "$html" | grep -m1 Welcome)"
	fi
	[ "$(curl -s "$url/raw/Notes")" = $'- one\n- two' ] && pass "$t: /raw gives the text as saved" ||
		fail "$t: raw" "$(curl -s "$url/raw/Notes" | head -c 80)"
	hist=$(curl -s "$url/history/Home")
	if [ "$(echo "$hist" | grep -c '<li>')" = 2 ] && echo "$hist" | grep -q 'Grace Hopper.*reword' &&
		echo "$hist" | grep -q 'Ada Lovelace.*create Home'; then
		pass "$t: the history lists both edits with their authors"
	else
		fail "$t: history" "$(echo "$hist" | grep '<li>' | head -n 2 | tr '\n' ' ')"
	fi
	to=$(echo "$hist" | grep -m1 -o 'to=[0-9a-f]*' | cut -d= -f2)
	diff=$(curl -s "$url/diff/Home?to=$to")
	if echo "$diff" | grep -q 'class="del">- Welcome to \*kiln\*' && echo "$diff" | grep -q 'class="add">+ Welcome back'; then
		pass "$t: the diff of the last edit shows the line removed and the line added"
	else
		fail "$t: diff" "$(echo "$diff" | grep -E 'del|add' | head -n 3 | tr '\n' ' ')"
	fi
	codes="$(curl -s -o /dev/null -w '%{http_code}' "$url/wiki/a%20b%3Cx") $(curl -s -o /dev/null -w '%{http_code}' "$url/diff/Home?to=zz")"
	[ "$codes" = "404 400" ] && pass "$t: a bad page name and a bad commit id are refused" || fail "$t: bad input" "$codes"
	stop
	start "$t" || { fail "$t: restart"; stop; return; }
	if curl -s "$url/wiki/Home" | grep -q 'Welcome back' && [ "$(curl -s "$url/pages" | grep -c '<li>')" = 2 ]; then
		pass "$t: after a restart every page is there"
	else
		fail "$t: persistence" "$(curl -s "$url/pages" | grep '<li>' | tr '\n' ' ')"
	fi
	stop
	rm -rf "$tmp/export.git"
	if "$KILN" store export "$tmp/disk.img" "$tmp/export.git" >/dev/null 2>"$tmp/export.err" &&
		git -C "$tmp/export.git" fsck --strict --no-progress 2>/dev/null &&
		[ "$(git -C "$tmp/export.git" log --format='%an: %s' main)" = $'Ada Lovelace: edit Notes\nGrace Hopper: reword\nAda Lovelace: create Home' ] &&
		git -C "$tmp/export.git" show main:pages/Notes.md | grep -qx -- '- two'; then
		pass "$t: the disk is a git repository: fsck --strict, and git log shows each edit and its author"
	else
		fail "$t: export" "$(cat "$tmp/export.err") $(git -C "$tmp/export.git" log --format='%an: %s' main 2>&1 | tr '\n' '|')"
	fi
}

run_target unix
if kvm_usable && [ -x "$TENDER" ]; then
	run_target hvt
else
	skip "hvt" "/dev/kvm is missing or the tender is not built"
fi
finish
