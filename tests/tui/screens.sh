#!/bin/bash
# Every view of the demo at 80x24, compared line by line with the expected
# screens in tests/tui/screens/ (as tig's UI tests do).  After a deliberate
# change to a screen, regenerate them with:
#   UPDATE_SCREENS=1 bash tests/tui/screens.sh
# and read the diff before committing it.
. "$(dirname "$0")/lib.sh"

KEY_DELAY=0.4
expected="$top_srcdir/tests/tui/screens"

open_session 80 24 "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
wait_for "no shared remote yet" >/dev/null

# name, then the keys that lead there from the dashboard.
views=(
	"dashboard|"
	"milestones|2"
	"milestone-M3|2 / M 3 Enter Enter"
	"tasks|3"
	"persons|4"
	"tools|5"
	"evaluations|6"
	"evaluation-form|6 / t r a n s Enter Enter"
	"pilots|7"
	"pilot-slot-01|7 Enter"
	"templates|8"
	"targets|9"
	"help|?"
)
[ -n "${UPDATE_SCREENS:-}" ] && mkdir -p "$expected"
for v in "${views[@]}"; do
	name=${v%%|*}
	path=${v#*|}
	keys 1         # the dashboard, afresh
	# shellcheck disable=SC2086
	[ -n "$path" ] && keys $path
	screen > "$TMP/$name.txt"
	if [ -n "${UPDATE_SCREENS:-}" ]; then
		cp "$TMP/$name.txt" "$expected/$name.txt"
		pass "$name: expected screen written"
	elif diff -u "$expected/$name.txt" "$TMP/$name.txt" > "$TMP/$name.diff"; then
		pass "$name: the screen is as expected"
	else
		fail "$name: the screen is as expected" "$(cat "$TMP/$name.diff")"
	fi
done
keys Q
done_testing
