#!/bin/bash
# History in a real terminal: H on a record lists the commits that changed
# it, Enter shows a change field by field and, again, from that version to
# the current one; L is the timeline, filtered with / by person or kind.
. "$(dirname "$0")/lib.sh"

printf '[user]\nname = Maria Rossi\nemail = maria@example.org\n' > "$TMP/maria.cfg"
CAIRN_CONFIG="$TMP/maria.cfg" "$CAIRN" -C "$wb" set milestone/M4 title="Evaluate the tools" >/dev/null
"$CAIRN" -C "$wb" set milestone/M4 deadline=30/04/2016 >/dev/null
"$CAIRN" -C "$wb" set task/T2 title="Interview the leaders" >/dev/null

open_session 110 30 "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
wait_for "\? help" || diag "cairn did not start: $(screen)"
keys 2 / M 4 Enter Enter
shows "milestone/M4" "the record is open"
keys H
shows "^History of milestone/M4" "H opens the record's history"
shows "Test Person +M4: deadline" "newest first: who and what"
shows "Maria Rossi +M4: title" "then Maria's change"
lacks "T2" "only this record's commits"
keys j Enter
shows "^Change [0-9a-f]{12}" "Enter shows a change"
shows "^    by Maria Rossi <[^>]+>, [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} [+-][0-9]{4}: M4: title" \
	"with who made it, when, and its summary"
shows "^ +title$" "field by field"
shows "^ +- Evaluation of existing tools" "the old value"
shows "^ +\\+ Evaluate the tools" "and the new one"
lacks "deadline" "this change alone"
keys Enter
shows "to the current one" "Enter again: from that version to the current one"
shows "^ +\\+ 2016-04-30" "which holds the later change too"
keys Escape Escape Escape
keys L
shows "^Timeline" "L opens the timeline"
shows "Interview the leaders|T2: title" "every commit"
keys / M a r i a Enter
shows "Maria Rossi" "filtered by person"
lacks "Test Person +T2" "the others are hidden"
keys Escape
keys / t a s k Enter
shows "\\[task\\]" "filtered by kind"
lacks "Maria Rossi" "the milestone's commits are hidden"
keys Q
wait_for "cairn exited 0" && pass "cairn quits cleanly" || fail "cairn quits cleanly" "$(screen)"

# At 80 columns the message comes first after who: read whole, the kinds
# after it and still found by /.
open_session 80 24 "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
wait_for "\? help" || diag "cairn did not start: $(screen)"
keys L
shows "^Timeline" "80: L opens the timeline"
shows "^. [0-9-]{10} Maria Rossi +M4: title" "80: the date, who, and the message after them"
keys / t a s k Enter
shows "Test Person +T2: title" "80: / still filters by kind"
lacks "Maria Rossi" "80: the milestone's commits are hidden"
# :log M3 runs the verb on the plain terminal: M3's history, not an
# empty screen (issue 17).
keys : "log M3" Enter
shows "^milestone/M3" ":log M3 shows M3's changes"
shows "\+ Map of needs" "with its fields"
keys q
wait_for "press Enter to go back to cairn" >/dev/null
keys Enter
shows "^Timeline" "and Enter goes back to cairn"
keys Q
wait_for "cairn exited 0" && pass "80: cairn quits cleanly" || fail "80: cairn quits cleanly" "$(screen)"
done_testing
