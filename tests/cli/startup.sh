#!/bin/bash
# What a command loads when it starts.  With the libraries linked in
# (configure's default when their archives are installed), a command maps
# no Kerberos, OpenSSL or libssh2: a save, the first screen and `cairn
# status` start in a fraction of the time.  GSSAPI would come in only at
# libgit2's first call into it (core/git/gss_lazy.c; tests/unit/test_gss):
# a server that offers Negotiate before Basic still gets the token, by
# Basic, and loads nothing (cairn offers no Kerberos tickets).
. "$(dirname "$0")/lib.sh"

if ldd "$CAIRN" | grep -q 'libgit2\.so'; then
	echo "ok 1 # SKIP the libraries are shared (--disable-static-libs): nothing is loaded lazily"
	echo "1..1"
	exit 0
fi
loaded() { LD_DEBUG=files "$@" 2>&1 >/dev/null | sed -n 's/.*file=\([^ ]*\) .*\[0\];.*/\1/p; s/.*file=\([^ ]*\) \[0\];.*/\1/p' | sort -u; }
heavy='libgssapi|libkrb5|libk5crypto|libcrypto|libssl|libssh2|libgit2|libsqlite3|libncursesw'

libs=$(loaded "$CAIRN" --version)
like "$libs" 'libc\.so' "LD_DEBUG names what --version loads (libc at least)"
unlike "$libs" "$heavy" "--version loads no Kerberos, OpenSSL, libssh2, nor shared libgit2, SQLite or ncursesw"

wb=$(new_workbook)
"$CAIRN" -C "$wb" add milestone M1 title="First" deadline=31/01/2027 >/dev/null
libs=$(loaded "$CAIRN" -C "$wb" set milestone/M1 title="Second")
unlike "$libs" "$heavy" "a save loads none of them either"
like "$("$CAIRN" -C "$wb" show milestone/M1)" "Second" "and the save is made"
unlike "$(loaded "$CAIRN" -C "$wb" status)" "$heavy" "nor does cairn status"

# A server that offers Negotiate first (as Active Directory does), then Basic.
shared="$TMP/srv/shared.git"
mkdir -p "$TMP/srv"
git init -q --bare --initial-branch=main "$shared"
"$CAIRN" -C "$wb" remote add origin "$shared" >/dev/null
"$CAIRN" -C "$wb" sync >/dev/null
token="s3cret-$RANDOM"
HTTPD_NEGOTIATE=1 /usr/bin/python3 "$top_srcdir/tests/cli/httpd.py" "$TMP/srv" "$TMP/port" "$token" 2>"$TMP/httpd.log" &
httpd=$!
trap 'kill $httpd 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$TMP/port")/shared.git"

LD_DEBUG=files CAIRN_TOKEN=$token timeout 60 "$CAIRN" clone "$url" "$TMP/b" >"$TMP/clone.out" 2>"$TMP/clone.err"
rc=$?
is "$rc" 0 "a clone from a server that offers Negotiate, then Basic, succeeds with the token"
unlike "$(sed -n 's/.*file=\([^ ]*\) .*/\1/p' "$TMP/clone.err" | sort -u)" "$heavy" "loading no Kerberos, OpenSSL nor libssh2 for it"
like "$("$CAIRN" -C "$TMP/b" show milestone/M1)" "Second" "and the clone holds the workbook"
done_testing
