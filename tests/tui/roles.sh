#!/bin/bash
# The rules in the terminal interface: the same refusal as the command
# line (it comes from the core's save), shown, and nothing saved.
. "$(dirname "$0")/lib.sh"

# The demo made enforced; the person at the keyboard is industry-1, a key person.
printf '\n[rules]\nmode = enforced\n' >> "$wb/cairn.ini"
git -C "$wb" commit -qam "Enforce the rules"
before=$(git -C "$wb" rev-parse HEAD)

open_session 120 40 "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
wait_for "\? help" >/dev/null
keys 2 / M 4 Enter Enter
shows "milestone/M4" "the key person opens M4"
keys j j e C-u "30/04/2016" Enter
shows "deadline: only a leader may change it" "moving its deadline is refused, with the rule"
is "$(git -C "$wb" rev-parse HEAD)" "$before" "and nothing is saved"
like "$("$CAIRN" -C "$wb" show milestone/M4)" "deadline +15/04/2016" "the record is unchanged"
keys Escape Escape Escape Q
wait_for "cairn exited" >/dev/null

done_testing
