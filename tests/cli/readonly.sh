#!/bin/bash
# A workbook the user can only read (another member's, on a shared server):
# the verbs that look work; a verb that writes says plainly that this
# workbook is read-only for this user and what to do.  Needs root, to run
# cairn as a Unix user of its own (root reads and writes everything).
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root, to run cairn as another Unix user"
	exit 0
fi
user="cairnro$$"
useradd -M -d /nonexistent -s /usr/sbin/nologin "$user" 2>/dev/null || { echo "1..0 # SKIP cannot add a user"; exit 0; }
trap 'userdel "$user" 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
chmod 755 "$TMP"
wb="$TMP/wb"
"$CAIRN" demo "$wb" >/dev/null
chmod -R a+rX,a-w "$wb"
cairn_for_others || exit 1
printf '[user]\nname = Reader\nemail = reader@example.org\n' > "$TMP/reader.cfg"
chmod 644 "$TMP/reader.cfg"
as_reader() {
	runuser -u "$user" -- env HOME="$TMP" CAIRN_CONFIG="$TMP/reader.cfg" CAIRN_SHARE="$CAIRN_SHARE" \
		LC_ALL=C.UTF-8 "$CAIRN" -C "$wb" "$@"
}
before=$(git -C "$wb" rev-parse HEAD)
for verb in "status" "show milestone/M2" "ls milestone" "export json" "export csv task" "agenda --days 400"; do
	# shellcheck disable=SC2086
	run as_reader $verb
	[ "$rc" -eq 0 ] || [ "$rc" -eq 5 ] && pass "cairn $verb works for a reader" ||
		fail "cairn $verb works for a reader" "rc $rc" "$err"
done
# The owner commits with plain git: the index is behind HEAD, and the
# reader cannot bring it up to date.
chmod -R u+w "$wb"
git -C "$wb" commit -q --allow-empty -m "by plain git"
chmod -R a-w "$wb"
run as_reader show milestone/M2
is "$rc" 0 "with the index behind HEAD, show still works for a reader"
like "$err" "the index is behind HEAD and you cannot update it \(you can only read this workbook\): what cairn shows is as of commit [0-9a-f]{12}" \
	"saying what it shows is as of which commit"
run as_reader log -n 3
is "$rc" 0 "and so does log"
like "$err" "the history is behind HEAD and you cannot update it.*\`git log -p\` shows all of it" \
	"saying up to which commit it is shown"
before=$(git -C "$wb" rev-parse HEAD)
run as_reader set milestone/M2 title=x
is "$rc" 3 "a save is refused"
like "$err" "you can only read this workbook \\(.*\\.cairn/lock is not writable for you\\)" \
	"saying the workbook is read-only for this user"
like "$err" "work in a clone of your own" "and what to do"
is "$(git -C "$wb" rev-parse HEAD)" "$before" "nothing changed"
done_testing
