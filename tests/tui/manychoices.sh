#!/bin/bash
# A single choice of thousands (a form's field, a template's question):
# above the prompt, as many whole choices as fit, then how many more
# ("… (2922 choices more)"), at 80x24 and 40x12; never a choice cut at
# the context's 1 KiB with no mark; in French too.
. "$(dirname "$0")/lib.sh"

"$CAIRN" -C "$wb" add form milestone questions=area q.area.type=single q.area.prompt=Area \
	q.area.choices="$(seq -f 'Place %g' 1 3000)" >/dev/null

for size in "80 24" "40 12"; do
	# shellcheck disable=SC2086
	open_session $size "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
	w=${size% *}
	wait_for "\? help" >/dev/null
	keys 2 / M 3 Enter Enter
	shows "^milestone/M3" "$w: M3 opens"
	for _ in $(seq 1 20); do screen | grep -q "^> Area" && break; keys j; done
	shows "^> Area" "$w: its field Area selected"
	keys e
	shows "^Area:" "$w: the choice is asked"
	reads "1 Place 1, 2 Place 2, 3 Place 3," "$w: the first choices are above the prompt"
	text=$(joined)
	last=$(printf '%s\n' "$text" | sed -n 's/.* \([0-9]*\) Place \([0-9]*\) … (\([0-9]*\) choices more).*/\1 \2 \3/p')
	diag "$w: the last choice shown and the rest: $last"
	set -- $last
	if [ $# = 3 ] && [ "$1" = "$2" ] && [ $(($1 + $3)) = 3000 ]; then
		pass "$w: the last choice shown is whole, then how many more"
	else
		fail "$w: the last choice shown is whole, then how many more" "the screen:" "$(screen)"
	fi
	# A choice not shown is picked by its number all the same.
	keys 2999 Enter
	wait_for "^> Area +Place 2999" >/dev/null
	like "$("$CAIRN" -C "$wb" show milestone/M3 --json)" '"area": "Place 2999"' \
		"$w: a choice past the ones shown is picked by its number"
	"$CAIRN" -C "$wb" set milestone/M3 area= >/dev/null
	keys Q
done

# In French: "… (2922 choix de plus)".
open_session 80 24 "env -u LC_ALL LANG=fr_FR.UTF-8 TERM=tmux-256color CAIRN_LOCALEDIR='${CAIRN_LOCALEDIR:-}' '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
wait_for "\? aide|\? help" >/dev/null
keys 2 / M 3 Enter Enter
for _ in $(seq 1 20); do screen | grep -q "^> Area" && break; keys j; done
keys e
reads "choix de plus)" "fr: the mark in the reader's language"
keys Escape Q
done_testing
