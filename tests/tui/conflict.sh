#!/bin/bash
# The dashboard says when a conflict waits: a sync that met the same field
# changed on both sides leaves a conflict, and the next start of the
# terminal interface opens on a line saying so, which Enter opens; once
# settled, the line says a sync is what is left to do.
. "$(dirname "$0")/lib.sh"

shared="$TMP/shared.git"
git init -q --bare --initial-branch=main "$shared"
"$CAIRN" -C "$wb" remote add origin "$shared" >/dev/null
"$CAIRN" -C "$wb" sync >/dev/null 2>&1
b="$TMP/b"
"$CAIRN" clone "$shared" "$b" >/dev/null 2>&1
"$CAIRN" -C "$wb" set milestone/M4 deadline=01/05/2016 >/dev/null
"$CAIRN" -C "$wb" sync >/dev/null 2>&1
"$CAIRN" -C "$b" set milestone/M4 deadline=02/05/2016 >/dev/null
run "$CAIRN" -C "$b" sync
is "$rc" 4 "the second member's sync meets a conflict"

start() {   # W H
	open_session "$1" "$2" "env TERM=tmux-256color '$CAIRN' -C '$b'; echo \"cairn exited \$?\"; sleep 30"
	wait_for "\? help" >/dev/null
}
for size in "80 24" "40 12"; do
	# shellcheck disable=SC2086
	start $size
	reads "1 conflict from a sync waits: Enter or C shows it, o or t settles it" \
		"${size% *}: the dashboard opens on the conflict waiting"
	shows "^>   1 conflict" "${size% *}: selected, first"
	keys Q
done
start 80 24
keys Enter
shows "^Conflicts" "Enter opens the conflicts"
shows "milestone/M4 deadline" "naming record and field"
keys j t
shows "settled|\[settled\]" "t settles it with their value"
keys 1
lacks "conflict" "once settled, the dashboard no longer speaks of it"
shows "2 edits not shared" "the status line says what is left to share"
keys y
shows "synced with origin" "y syncs"
shows "all edits shared" "and all is shared"
keys Q
like "$("$CAIRN" -C "$b" show milestone/M4 --json)" '"deadline": "2016-05-01"' "their value is kept"
done_testing
