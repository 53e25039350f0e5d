#!/bin/bash
# A record file that came in unreadable (a plain git commit with conflict
# markers) is shown where the user looks: the status line counts it and
# the dashboard names its file, line and what to do; the rest works.
. "$(dirname "$0")/lib.sh"

t3=$(git -C "$wb" ls-files 'tasks/*' | grep '/T3$')
(cd "$wb" && sed -i 's/$/\r/' "$t3" && git commit -qam "CRLF from an editor") >/dev/null
"$CAIRN" -C "$wb" status >/dev/null 2>&1

open_session 100 30 "env TERM=${TERM_FOR_TEST:-tmux-256color} EDITOR=true '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
shows "^ (Citizen City \\| )?1 unreadable record \\(see 1\\) \\| (Test Person \\()?industry-1" "the status line counts the unreadable record"
shows "Records that could not be read" "the dashboard opens on it"
shows "$t3:1: carriage return" "naming its file and line"
shows "dos2unix" "and what to do"
shows "M4 +15/04/2016 in 26 d" "the rest of the dashboard is there"
keys 3
shows "T4 " "the other tasks are listed"
keys Q
shows "cairn exited 0" "cairn quits cleanly"
done_testing
