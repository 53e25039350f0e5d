#!/bin/bash
# Messages and prompts longer than the terminal wrap over lines instead of
# being cut, at 80x24 and 40x12: the nearest real dates after an impossible
# one, the valid choices after a wrong one, every choice of a multiple
# choice while answering it; and a refused value comes back in the prompt
# to be corrected, not typed again.
. "$(dirname "$0")/lib.sh"

start() {   # W H
	open_session "$1" "$2" "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
	wait_for "\? help" >/dev/null
}
for size in "80 24" "40 12"; do
	# shellcheck disable=SC2086
	start $size
	w=${size% *}
	keys 2 / M 3 Enter Enter
	shows "^milestone/M3" "$w: M3 opens"
	keys j j
	shows "^> Deadline " "$w: its deadline selected"
	keys e C-u 31/02/2016 Enter
	reads "31/02/2016 is not a date: February 2016 has 29 days; did you mean 29/02/2016 or 01/03/2016?" \
		"$w: the impossible date's message is read whole, the nearest dates with it"
	shows "^Deadline: 31/02/2016$" "$w: the refused value is back in the prompt"
	# Corrected in place: the day only.
	keys Home Delete Delete 28 Enter
	reads "M3: deadline 2016-02-29 -> 2016-02-28" "$w: corrected and saved"
	like "$("$CAIRN" -C "$wb" show milestone/M3 --json)" '"deadline": "2016-02-28"' \
		"$w: the deadline is the corrected one"
	"$CAIRN" -C "$wb" set milestone/M3 deadline=2016-02-29 >/dev/null

	# A multiple choice: all eight choices in sight while answering.
	keys q 6 / d e s i g n Enter Enter
	shows "^evaluation/design-game/industry-1" "$w: the form opens"
	for _ in $(seq 1 30); do
		screen | grep -q "^> \*5 " && break
		keys j
	done
	keys e
	reads "1 All citizens, 2 Women, 3 Migrants, 4 Residents of peripheries or poorest neighbourhoods, 5 Aged 65+, 6 Youngsters, 7 Less literate, 8 Vulnerable citizens; several: 1,3" \
		"$w: every choice is shown while answering, 5 to 8 too"
	keys nobody Enter
	reads "answer.targeted: 'nobody' is not one of the choices: 'All citizens', 'Women', 'Migrants', 'Residents of peripheries or poorest neighbourhoods', 'Aged 65+', 'Youngsters', 'Less literate', 'Vulnerable citizens'" \
		"$w: the valid choices after a wrong one, to the last"
	shows "^nobody$|: nobody$" "$w: the wrong answer is back in the prompt"
	# At 80x24 the numbered choices stay; at 40x12 they give way to the
	# reason, which names them all.
	[ "$w" = 80 ] && reads "8 Vulnerable citizens; several: 1,3" "$w: the numbered choices still in sight"
	keys C-u 2,5 Enter
	shows "answer\.targeted" "$w: corrected and saved"
	like "$("$CAIRN" -C "$wb" show evaluation/design-game/industry-1 --json)" '"answer.targeted": "Women\\nAged 65\+"' \
		"$w: stored as the choices' keys"
	"$CAIRN" -C "$wb" set evaluation/design-game/industry-1 answer.targeted= status=assigned >/dev/null 2>&1

	# A record refused on adding comes back whole.
	keys 2 a "M9 title=Late deadline=31/02/2016" Enter
	reads "did you mean 29/02/2016 or 01/03/2016?" "$w: a new record's bad date, read whole"
	reads "M9 title=Late deadline=31/02/2016" "$w: what was typed is back in the prompt"
	keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace 01/03/2016 Enter
	shows "saved [0-9a-f]{12} " "$w: corrected and added"
	"$CAIRN" -C "$wb" rm milestone/M9 >/dev/null
	keys Q
done
done_testing
