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
shows "Deadline .*15/04/2016.*\(only a leader\)" "the screen marks the deadline as not theirs to change, and says who may"
like "$(screen | grep 'Title')" "\(only a leader or its owner\)" "and the title, which its owner may change"
keys j j e
shows "deadline: only a leader may change it" "moving its deadline is refused at once, with the rule"
unlike "$(screen)" "^Deadline: " "no prompt asks for a value the save would refuse"
is "$(git -C "$wb" rev-parse HEAD)" "$before" "and nothing is saved"
like "$("$CAIRN" -C "$wb" show milestone/M4)" "deadline +15/04/2016" "the record is unchanged"
keys Escape Escape Escape
# A tool is a key person's to change: nothing marked.
keys 5 / d e c i d i m Enter Enter
shows "tool/decidim" "the key person opens a tool"
unlike "$(screen)" "\(only " "a tool's fields are all theirs to change: none is marked"
keys Escape Escape Escape Q
wait_for "cairn exited" >/dev/null

done_testing
