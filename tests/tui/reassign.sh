#!/bin/bash
# r in the terminal interface obeys the core's rule, as cairn reassign
# does: an evaluation that holds answers is never handed to another
# evaluator; an answer given from the command line made it a draft.
. "$(dirname "$0")/lib.sh"

ev=evaluation/fixmystreet/eip-2         # assigned, validated by bwg-1
# Answers kept on an evaluation still marked assigned (a status set with
# them, as a plain git edit or an old cairn could leave it).
"$CAIRN" -C "$wb" set $ev "answer.leader=The city" status=assigned >/dev/null

open_session 100 30 "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
wait_for "\\? help" || diag "cairn did not start: $(screen)"
keys 6 / e i p - 2 Enter Enter
shows "evaluation/fixmystreet/eip-2" "the assigned evaluation opens"
keys r
shows "holds 1 answer by eip-2 \\(answer.leader\\)" "r refuses it, naming the answer"
run "$CAIRN" -C "$wb" ls evaluation tool=fixmystreet
like "$out" "fixmystreet/eip-2 +assigned" "it stays eip-2's"
unlike "$out" "fixmystreet/industry-1" "and nobody else got it"
keys Escape Escape Q
wait_for "cairn exited" >/dev/null
like "$(screen)" "cairn exited 0" "cairn quits cleanly"

# From the command line, the first answer makes an assigned one a draft.
"$CAIRN" -C "$wb" set evaluation/design-game/industry-1 "answer.leader=Us" >/dev/null
run "$CAIRN" -C "$wb" ls evaluation tool=design-game
like "$out" "design-game/industry-1 +draft" "an answer from the command line makes a draft"

done_testing
