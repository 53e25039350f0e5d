#!/bin/bash
# The dashboard's first screen is drawn from the sections that fill it;
# the sections below it (evaluations, pilots on a short terminal) are
# built once it is up, before any key is read.  What one reads is the
# same as a dashboard built in full: at 80x12, page by page from the top
# to the last line, the first dashboard and one opened afresh with 1
# show the same lines, and the last one is a pilot's share.
. "$(dirname "$0")/lib.sh"

pages() {   # every page of the dashboard from its top, with PgDn
	local i
	keys g
	for i in 1 2 3 4 5 6 7 8; do
		screen | sed '$d'
		echo "---"
		keys NPage
	done
	keys G
	screen | sed '$d'
}

open_session 80 12 "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
shows "no shared remote yet" "the dashboard is up at 80x12, the sharing state found after it"
screen > "$TMP/first-screen.txt"
shows "^  Milestones still open" "its first screen shows the milestones"
shows "^  Tasks overdue or due" "and the tasks' heading"
pages > "$TMP/first.txt"
grep -q "^  Evaluations" "$TMP/first.txt" && pass "paging down reaches the evaluations" ||
	fail "paging down reaches the evaluations" "$(cat "$TMP/first.txt")"
grep -q "^  Pilots: inclusion" "$TMP/first.txt" && pass "and the pilots" ||
	fail "and the pilots" "$(cat "$TMP/first.txt")"
tail -n 3 "$TMP/first.txt" | grep -qE "^ +[A-Za-z0-9+ ]+ +[0-9.]+%" &&
	pass "the last line is a pilot's share" || fail "the last line is a pilot's share" "$(tail -n 5 "$TMP/first.txt")"

keys 1
screen > "$TMP/again-screen.txt"
if diff -u "$TMP/first-screen.txt" "$TMP/again-screen.txt" > "$TMP/d1"; then
	pass "the first screen is the dashboard built in full's"
else
	fail "the first screen is the dashboard built in full's" "$(cat "$TMP/d1")"
fi
pages > "$TMP/again.txt"
if diff -u "$TMP/first.txt" "$TMP/again.txt" > "$TMP/d2"; then
	pass "every page of it too"
else
	fail "every page of it too" "$(cat "$TMP/d2")"
fi

# A taller terminal builds it all before the first screen, as before.
open_session 100 70 "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
shows "^  Pilots: inclusion" "at 100x70 the first screen shows the pilots"
keys Q
shows "cairn exited 0" "cairn leaves cleanly"
done_testing
