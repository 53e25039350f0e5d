#!/bin/bash
# The README's "Acting as each demo person", run as written (read from
# README.md, never copied here): each demo person has an e-mail, and cairn
# started with that person's configuration knows who is at the keyboard.
. "$(dirname "$0")/lib.sh"

export PATH="$(dirname "$CAIRN"):$PATH"
readme_blocks "Acting as each demo person"
grep -v '^CAIRN_CONFIG=' "$TMP/block.1" > "$TMP/setup.sh"
grep '^CAIRN_CONFIG=' "$TMP/block.1" | sed 's/ *#.*//' > "$TMP/starts"
is "$(wc -l < "$TMP/starts")" 4 "the recipe starts cairn as four persons"
run bash -e "$TMP/setup.sh"
is "$rc" 0 "the recipe makes the demo and one configuration per person"
demo="$HOME/cc-demo"
for who in lead industry-1 city-1 ec-1; do
	like "$("$CAIRN" -C "$demo" show "person/$who" --json)" "\"email\": \"$who@citizen-city.example\"" \
		"person/$who has the e-mail the recipe names"
done

start_line() {   # N: the recipe's Nth start, in tmux at 80x24
	open_session 80 24 "export TERM=tmux-256color; $(sed -n "$1p" "$TMP/starts"); echo \"cairn exited \$?\"; sleep 30"
	wait_for "\? help" >/dev/null
}
status_is() { shows "^ Citizen City \| $1 \| 20/03/2016 \(demo\) \|" "$2"; }

start_line 1
status_is lead "as the leader, the status line says lead"
shows "^Dashboard" "the leader sees the dashboard"
keys d
shows "every tool has an evaluation" "d distributes (here: nothing left to give)"
keys Q

start_line 2
status_is industry-1 "as the key person, the status line says industry-1"
keys 0
shows "design-game" "0 shows design-game, the evaluation to fill in"
keys Q

start_line 3
status_is city-1 "as the validator, the status line says city-1"
keys 0
shows "Evaluations waiting for me to validate them" "0 shows what waits for city-1 to validate"
keys Q

start_line 4
status_is ec-1 "as the reviewer, the status line says ec-1"
keys L
shows "^Timeline" "L shows who changed what"
keys Q
done_testing
