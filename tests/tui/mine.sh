#!/bin/bash
# My work (0 or w): a key person's evaluations, returned ones first with
# why, those waiting for them to validate, their open tasks; found by the
# email in their configuration.  At 80x24 and 40x12.
. "$(dirname "$0")/lib.sh"

# The person at the keyboard is city-1: decidim came back to them, and
# they validate design-game (submitted below).
"$CAIRN" -C "$wb" set person/industry-1 email=other@example.org >/dev/null
"$CAIRN" -C "$wb" set person/city-1 email=test@example.org >/dev/null

for size in "80 24" "40 12"; do
	w=${size% *}
	open_session "$w" "${size#* }" "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
	wait_for "\? help" >/dev/null
	keys 0
	shows "^My work" "$w: 0 opens my work"
	reads "City or city network seat (to be named) (city-1), found by your email" "$w: who, and how cairn knows"
	shows "^> +decidim +returned" "$w: the returned evaluation first, selected"
	[ "$w" = 40 ] && shows "^ +validator Industry seat" "40: the validator's name on the line below, not cut away"
	[ "$w" = 40 ] && keys j j j j j j   # the heading wraps: its key stays in sight
	reads "why: Please say which KPIs are used to evaluate adoption, and whether categories of citizens are excluded in practice." \
		"$w: with the validator's comment"
	keys Q
done

open_session 80 24 "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
wait_for "\? help" >/dev/null
keys w
shows "^  My open tasks, nearest due first" "w opens it too; the open tasks"
shows "^    T3 +25/03/2016 in 5 d +Interview EUROCITIES" "a task with its due date and days"
shows "^  Evaluations waiting for me to validate them \(V\)" "what waits for my validation"
keys Enter
shows "^evaluation/decidim/city-1" "Enter opens the selected evaluation"
keys q Q

# Nobody has the user's email: said so, with what to do.
"$CAIRN" -C "$wb" set person/city-1 email=city@example.org >/dev/null
open_session 80 24 "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
wait_for "\? help" >/dev/null
keys 0
reads "cairn does not know which person you are: set email under [user] in your configuration to the email of your person record" \
	"without a person of my email, my work says how to be known"
keys Q
done_testing
