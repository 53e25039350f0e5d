#!/bin/bash
# A token goes only to the server of the URL it was set for: a server that
# redirects to another (here another port, so another origin) asking for a
# token gets none, and cairn says what happened and what to do.
. "$(dirname "$0")/lib.sh"

c() { timeout 60 "$CAIRN" "$@"; }
mkdir -p "$TMP/srv"
git init -q --bare --initial-branch=main "$TMP/srv/shared.git"
a="$TMP/a"
"$CAIRN" demo "$a" >/dev/null
"$CAIRN" -C "$a" remote add origin "$TMP/srv/shared.git" >/dev/null
"$CAIRN" -C "$a" sync >/dev/null

token="s3cret-$RANDOM"
/usr/bin/python3 "$top_srcdir/tests/cli/httpd.py" "$TMP/srv" "$TMP/port" "$token" 2>"$TMP/httpd.log" &
httpd=$!
for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
other="http://127.0.0.1:$(cat "$TMP/port")"
/usr/bin/python3 "$top_srcdir/tests/cli/redirect.py" "$TMP/rport" "$other" 2>"$TMP/redirect.log" &
redirect=$!
trap 'kill $httpd $redirect 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
for _ in $(seq 50); do [ -s "$TMP/rport" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$TMP/rport")/shared.git"

CAIRN_TOKEN=$token run c clone "$url" "$TMP/b"
is "$rc" 3 "a redirect to another server that asks for the token: the clone stops"
like "$err" "the server sent cairn to another server \\($other/shared.git.*\\), which asks for the token" \
	"naming the other server"
like "$err" "if you trust that one, make it the remote's URL" "and what to do"
is "$(grep -c '" 200 ' "$TMP/httpd.log")" "0" "the other server never got the token"
grep -q '" 302 ' "$TMP/redirect.log" && pass "(the first server did redirect)" ||
	fail "(the first server did redirect)"
# The same token on the URL it was set for goes through.
CAIRN_TOKEN=$token run c clone "$other/shared.git" "$TMP/direct"
is "$rc" 0 "the token goes to the server of its own URL"
done_testing
