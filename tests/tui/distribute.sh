#!/bin/bash
# A leader's d: the plan first (who would get which tool, with which
# validator), then the evaluations on yes; a key person is told only a
# leader distributes, and nothing is saved.
. "$(dirname "$0")/lib.sh"

"$CAIRN" -C "$wb" add tool newtool name="New tool" >/dev/null
"$CAIRN" -C "$wb" set person/lead email=lead@example.org >/dev/null
printf '[user]\nname = Lea Leader\nemail = lead@example.org\n' > "$TMP/lead"
before=$(git -C "$wb" rev-list --count HEAD)

open_session 80 24 "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
wait_for "\? help" >/dev/null
keys d
shows "^newtool to [a-z0-9-]+, validator [a-z0-9-]+$" "d shows the plan first"
shows "^add this 1 evaluation\? \(yes/no\)" "and asks"
keys yes Enter
reads "only a leader distributes the tools; you are industry-1 (key-person)" "a key person is told who may"
is "$(git -C "$wb" rev-list --count HEAD)" "$before" "and nothing is saved"
keys d
shows "^add this 1 evaluation" "asked again"
keys no Enter
shows "nothing distributed" "no: nothing distributed"
keys Q

open_session 80 24 "env TERM=tmux-256color CAIRN_CONFIG='$TMP/lead' '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
wait_for "\? help" >/dev/null
keys d
plan=$(screen | grep "^newtool to ")
shows "^newtool to " "the leader sees the plan"
keys yes Enter
shows "saved [0-9a-f]{12} " "yes: saved"
evaluator=$(echo "$plan" | sed -E 's/^newtool to ([^,]+),.*/\1/')
like "$("$CAIRN" -C "$wb" ls evaluation 2>&1)" "^newtool/$evaluator " "the evaluation the plan said is there"
keys d
reads "every tool has an evaluation on template m4" "d again: nothing left to give"
keys Q
done_testing
