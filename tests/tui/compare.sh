#!/bin/bash
# The comparison in a real terminal at 80x24: c on an evaluation opens its
# template's evaluations side by side (validated only), c again takes
# every status, the summaries are the numbers `cairn compare` prints, and
# Enter opens the evaluation of the line.
. "$(dirname "$0")/lib.sh"

open_session 80 24 "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
wait_for "\? help" >/dev/null
keys c
shows "select a template or an evaluation to compare" "c on the dashboard says what to select"
keys 6
shows "fixmystreet +eip-1" "the evaluations"
keys c
shows "^Side by side: template/m4" "c on an evaluation compares its template's evaluations"
reads "1 evaluation, validated (c: every status)" "validated only at first"
shows "my-neighbourhood/lead +The city's participation office" "with each answer"
shows "= 1 of 1 answered" "and the summary"
keys c
reads "6 evaluations, every status (c: validated)" "c again: every status"
shows "fixmystreet/eip-2 +\(not answered\)" "unanswered evaluations say so"
keys G
shows "= 3 of 6 answered" "the last question's summary"
shows "^ +2  Good practice$" "its counts, one choice a line"
keys g Enter
shows "^evaluation/decidim/city-1" "Enter opens the evaluation of the line"
keys q q 8 Enter c
shows "^Side by side: template/m4" "c on a template's own view compares it too"
keys Q
shows "cairn exited 0" "cairn quits cleanly"
done_testing
