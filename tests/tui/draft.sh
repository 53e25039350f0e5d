#!/bin/bash
# A dropped link (the ssh session goes, the terminal hangs up) while a
# field is being typed: the half-typed text is kept aside as a draft, not
# committed, not pushed, valid or not; the next start offers it back on
# that field, Enter takes it up, Esc drops it.  In tmux, killing the
# session hangs up cairn's terminal as a dropped ssh link does.
. "$(dirname "$0")/lib.sh"

start() {   # W H
	open_session "$1" "$2" "env TERM=tmux-256color ASAN_OPTIONS=detect_leaks=0 '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
	wait_for "\? help" >/dev/null
}
hang_up() {
	local pid
	pid=$(cairn_pid)
	T kill-server 2>/dev/null
	for _ in $(seq 1 40); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}
commits() { git -C "$wb" rev-list --count HEAD; }

for size in "80 24" "40 12"; do
	w=${size% *}
	# shellcheck disable=SC2086
	start $size
	before=$(commits)
	keys 2 / M 4 Enter Enter j j
	shows "^> Deadline " "$w: M4's deadline selected"
	keys e C-u "30/04/20"
	shows "^Deadline: 30/04/20$" "$w: half a date typed"
	if hang_up; then pass "$w: the hang-up ends cairn"; else fail "$w: the hang-up ends cairn" "still running"; fi
	is "$(commits)" "$before" "$w: nothing was committed"
	unlike "$(git -C "$wb" log -3 --format=%s)" "30/04/20|2020-04-30" "$w: no commit names the half-typed value"
	like "$("$CAIRN" -C "$wb" show milestone/M4 --json)" '"deadline": "2016-04-15"' "$w: the deadline is as it was"
	is "$(git -C "$wb" status --porcelain)" "" "$w: git status is clean: the draft is not in the work tree"
	like "$(cat "$wb/.cairn/drafts")" "30/04/20" "$w: the draft is kept aside, beside the index"

	# The next start offers it back.
	# shellcheck disable=SC2086
	start $size
	shows "^milestone/M4" "$w: the next start opens the record the draft belongs to"
	shows "^> Deadline " "$w: on the field"
	reads 'kept when the terminal went away, not saved: deadline of milestone/M4, "30/04/20"; Enter takes it up' \
		"$w: and says what it is and what Enter does"
	keys Enter
	shows "^Deadline: 30/04/20$" "$w: Enter: the prompt starts from the draft"
	keys 16 Enter
	reads "M4: deadline 2016-04-15 -> 2016-04-30" "$w: finished and saved"
	is "$(commits)" "$((before + 1))" "$w: one commit, of the finished value"
	[ -e "$wb/.cairn/drafts" ] && fail "$w: the draft is gone once taken up" "$(cat "$wb/.cairn/drafts")" ||
		pass "$w: the draft is gone once taken up"
	"$CAIRN" -C "$wb" set milestone/M4 deadline=2016-04-15 >/dev/null
	keys Q
done

# An invalid half-typed value is kept the same way, never dropped silently;
# Esc on the prompt that offers it drops it.
start 80 24
keys 2 / M 4 Enter Enter j j e C-u "31/02"
shows "^Deadline: 31/02$" "an impossible date half typed"
hang_up
before=$(commits)
start 80 24
reads '"31/02"; Enter takes it up' "is offered back as it was typed"
keys Enter
shows "^Deadline: 31/02$" "in the prompt"
keys Escape
[ -e "$wb/.cairn/drafts" ] && fail "Esc drops the draft" "$(cat "$wb/.cairn/drafts")" || pass "Esc drops the draft"
is "$(commits)" "$before" "and commits nothing"
keys Q
shows "cairn exited 0" "cairn quits cleanly"
start 80 24
shows "^Dashboard" "with no draft left, the next start opens on the dashboard"
keys Q

# A draft whose record is gone by the next start: said, with its text.
"$CAIRN" -C "$wb" add milestone M9 title="Soon gone" >/dev/null
start 80 24
keys 2 / M 9 Enter Enter e C-u "Half a tit"
shows "^Title: Half a tit$" "a title half typed in M9"
hang_up
"$CAIRN" -C "$wb" rm milestone/M9 >/dev/null
start 80 24
reads 'a draft kept when the terminal went away belongs to milestone/M9, which is gone: title was "Half a tit" (dropped)' \
	"a draft of a record that went is said, with its text"
shows "^Dashboard" "and the dashboard opens"
[ -e "$wb/.cairn/drafts" ] && fail "it is not offered again" "$(cat "$wb/.cairn/drafts")" ||
	pass "it is not offered again"
keys Q
done_testing
