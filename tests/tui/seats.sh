#!/bin/bash
# The persons view sets the group against its planned seats: a placeholder
# ("... (to be named)") holds a seat but does not fill it, and more persons
# than seats is said, at 80x24 and 40x12.
. "$(dirname "$0")/lib.sh"

start() {   # W H
	open_session "$1" "$2" "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
	wait_for "\? help" >/dev/null
}

start 80 24
keys 4
shows "^    Brussels working group   0 of 2 SHORT \(2 seats held, to be named\)$" \
	"the demo's placeholders do not fill their seats"
shows "^    industry +0 of 1 SHORT \(1 seat held, to be named\)$" "one seat, held"
keys Q
"$CAIRN" -C "$wb" set person/bwg-1 name="Ana Silva" >/dev/null
"$CAIRN" -C "$wb" set person/industry-1 name="Ines Duarte" >/dev/null
"$CAIRN" -C "$wb" add person bwg-3 name="Ben Ode" category=brussels-wg role=key-person >/dev/null
start 80 24
keys 4
shows "^    industry +1 of 1 filled$" "a person named fills the seat"
shows "^    Brussels working group   3 of 2 OVER the plan \(1 seat held, to be named\)$" \
	"more persons than seats: over the plan"
keys Q
start 40 12
keys 4 PgUp
shows "^    Brussels wo +3 of 2 OVER the plan" "40x12: the label gives way to the counts and the word"
shows "^        \(1 seat held, to be named\)$" "40x12: the seats held go below, whole"
keys Q
done_testing
