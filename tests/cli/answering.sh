#!/bin/bash
# Answering from the command line as the form does: the first answers to an
# assigned evaluation make it a draft (one rule in the core, for both
# faces), and an evaluation that holds answers is never handed to another
# evaluator (cairn reassign, r in the terminal interface).
. "$(dirname "$0")/lib.sh"

wb=$(demo_workbook)
ev=evaluation/fixmystreet/eip-2         # assigned, validated by bwg-1
status_of() { "$CAIRN" -C "$wb" show "$1" --json | jq -r '.fields.status'; }

is "$(status_of $ev)" assigned "the demo's fixmystreet/eip-2 is assigned"

# ---- reassigning one nobody started ----
run "$CAIRN" -C "$wb" reassign evaluation/design-game/industry-1 bwg-2
is "$rc" 0 "reassign an assigned evaluation without answers"
like "$out" "design-game/industry-1: given to bwg-2" "the commit says to whom"
run "$CAIRN" -C "$wb" show evaluation/design-game/bwg-2
is "$rc" 0 "it is now bwg-2's"
run "$CAIRN" -C "$wb" show evaluation/design-game/industry-1
is "$rc" 1 "and no longer industry-1's"
run "$CAIRN" -C "$wb" reassign evaluation/design-game/bwg-2 city-1
is "$rc" 1 "never to its validator"
like "$err" "city-1 validates this evaluation and cannot also evaluate it" "saying why"
run "$CAIRN" -C "$wb" reassign evaluation/design-game/bwg-2
is "$rc" 2 "reassign without a person is a usage error"

# ---- the first answer from the command line ----
run "$CAIRN" -C "$wb" set $ev "answer.leader=The municipality"
is "$rc" 0 "an answer with cairn set"
like "$out" "status assigned -> draft" "the commit says the evaluation became a draft"
is "$(status_of $ev)" draft "the evaluation is a draft, as the form makes it"
like "$(git -C "$wb" show HEAD -- evaluations | grep '^[-+][a-z]')" "^-status: assigned" "one commit holds both"
run "$CAIRN" -C "$wb" set $ev "answer.leader=The city council"
unlike "$out" "status" "later answers leave the status alone"
# A status set with the answers is the user's.
run "$CAIRN" -C "$wb" set evaluation/design-game/bwg-2 "answer.leader=Us" status=assigned
is "$(status_of evaluation/design-game/bwg-2)" assigned "status given in the same set wins"

# ---- answers are never handed over ----
run "$CAIRN" -C "$wb" reassign $ev bwg-2
is "$rc" 1 "a draft is not reassigned"
like "$err" "is draft: only one nobody has started yet" "saying why"
run "$CAIRN" -C "$wb" reassign evaluation/design-game/bwg-2 eip-1
is "$rc" 1 "an assigned evaluation holding answers is not reassigned"
like "$err" "holds 1 answer by bwg-2 \\(answer.leader\\): they stay bwg-2's and are not given to eip-1" "naming the answers and whose they are"
like "$err" "cairn set evaluation/design-game/bwg-2 answer.leader=" "and how to clear them"
run "$CAIRN" -C "$wb" show evaluation/design-game/bwg-2
like "$out" "answer.leader" "the answers are still there"
# Cleared, it may go.
"$CAIRN" -C "$wb" set evaluation/design-game/bwg-2 answer.leader= >/dev/null
run "$CAIRN" -C "$wb" reassign evaluation/design-game/bwg-2 eip-1
is "$rc" 0 "without answers it is reassigned"
ok_cmd "git is clean" git_clean "$wb"

# ---- choices by number, as the form takes them ----
run "$CAIRN" -C "$wb" set $ev answer.engagement=1,4
is "$rc" 1 "a choice number past the last is refused"
like "$err" "answer.engagement: '4' is not one of the choices: 'As user', 'As participant', 'As co-creator' \\(or their numbers, 1 to 3\\)" \
	"naming the wrong item, not the first"
run "$CAIRN" -C "$wb" set $ev answer.engagement=3,1
is "$rc" 0 "choices by number from the command line"
is "$("$CAIRN" -C "$wb" show $ev --json | jq -r '.fields["answer.engagement"]')" "As user
As co-creator" "stored as the choices, in the template's order"
run "$CAIRN" -C "$wb" set $ev "answer.engagement=As participant, 3"
is "$rc" 0 "names and numbers mixed"

done_testing
