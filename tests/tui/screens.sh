#!/bin/bash
# Every view of the demo at 80x24, compared line by line with the expected
# screens in tests/tui/screens/ (as tig's UI tests do).  After a deliberate
# change to a screen, regenerate them with:
#   UPDATE_SCREENS=1 bash tests/tui/screens.sh
# and read the diff before committing it.
. "$(dirname "$0")/../cli/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }
SOCK="cairn-screens-$$"
T() { tmux -L "$SOCK" "$@"; }
wb="$TMP/demo"
expected="$top_srcdir/tests/tui/screens"
trap 'pkill -9 -f "^$CAIRN -C $wb\$"; T kill-server 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT

"$CAIRN" demo "$wb" >/dev/null
"$CAIRN" -C "$wb" set person/industry-1 email=test@example.org >/dev/null

screen() { T capture-pane -p -t t; }
keys() { T send-keys -t t "$@"; sleep 0.4; }
wait_for() {
	local i=0
	while [ $i -lt 50 ]; do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

for try in 1 2 3 4 5; do
	T -f /dev/null new-session -d -s t -x 80 -y 24 \
		"env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30" 2>/dev/null && break
	sleep 0.3
done
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
