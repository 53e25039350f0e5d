#!/bin/bash
# Sync over HTTP with a token, against git's own http-backend behind Basic
# authentication (tests/cli/httpd.py): the token comes from $CAIRN_TOKEN or
# from [sync] token in the configuration; a wrong or missing one is a clear
# refusal, asked for once and not for ever.  (https differs only below
# libgit2, in the TLS library; the credentials are the same.)
. "$(dirname "$0")/lib.sh"

c() { timeout 60 "$CAIRN" "$@"; }
shared="$TMP/srv/shared.git"
mkdir -p "$TMP/srv"
git init -q --bare --initial-branch=main "$shared"
a="$TMP/a"
"$CAIRN" demo "$a" >/dev/null
"$CAIRN" -C "$a" remote add origin "$shared" >/dev/null
"$CAIRN" -C "$a" sync >/dev/null

token="s3cret-$RANDOM"
/usr/bin/python3 "$top_srcdir/tests/cli/httpd.py" "$TMP/srv" "$TMP/port" "$token" 2>"$TMP/httpd.log" &
httpd=$!
trap 'kill $httpd 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$TMP/port")/shared.git"

run c clone "$url" "$TMP/none"
is "$rc" 3 "without a token the server refuses"
like "$err" "cannot clone .*: the server asks for a password or token: set \\\$CAIRN_TOKEN, or token under \\[sync\\]" "saying where a token goes"
[ ! -e "$TMP/none" ] && pass "and no folder is left" || fail "and no folder is left"

CAIRN_TOKEN=wrong run c clone "$url" "$TMP/wrong"
is "$rc" 3 "a wrong token is refused"
like "$err" "the server refused a token \\(\\\$CAIRN_TOKEN\\)" "saying which token was refused"
is "$(grep -c " 401 " "$TMP/httpd.log")" "3" "the server was asked three times in all: once without a token, then once without and once with the wrong one (never in a loop)"

CAIRN_TOKEN=$token run c clone "$url" "$TMP/b"
is "$rc" 0 "the token in \$CAIRN_TOKEN is sent"
b="$TMP/b"

"$CAIRN" -C "$b" set milestone/M4 title="Over http" >/dev/null
printf '[user]\nname = Test Person\nemail = test@example.org\n[sync]\ntoken = %s\n' "$token" > "$CAIRN_CONFIG"
run c -C "$b" sync
is "$rc" 0 "the token in [sync] token is sent"
like "$out" "pushed" "and the edit is pushed"
"$CAIRN" -C "$a" sync >/dev/null
like "$("$CAIRN" -C "$a" show milestone/M4)" "Over http" "it reaches the others"
CAIRN_TOKEN=wrong run c -C "$b" sync
is "$rc" 3 "\$CAIRN_TOKEN wins over the configuration"
done_testing
