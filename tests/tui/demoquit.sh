#!/bin/bash
# A newcomer's first cairn demo: after Q, the shell shows where the demo
# workbook is and how to open it again, and that command opens it.
. "$(dirname "$0")/lib.sh"

dir="$TMP/first-demo"
open_session 80 24 "env TERM=tmux-256color '$CAIRN' demo '$dir'; echo \"cairn exited \$?\"; sleep 30"
wait_for "\\? help" || diag "the demo did not open: $(screen)"
keys Q
shows "cairn exited 0" "Q leaves the demo"
shows "^The demo workbook is in $dir$" "and says where the demo workbook is"
shows "^Open it again with: cairn -C $dir$" "and how to open it again"
run "$CAIRN" -C "$dir" status
is "$rc" 0 "that command finds it"
like "$out" "^Citizen City" "it is the demo"

done_testing
