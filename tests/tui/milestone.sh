#!/bin/bash
# A leader's milestone view: its deadline with the days left in words, its
# owner by name, its tasks (due, how far, title, who by name) nearest
# first, and a to add a task to it, at 80x24 and 40x12.
. "$(dirname "$0")/lib.sh"

start() {   # W H
	open_session "$1" "$2" "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
	wait_for "\? help" >/dev/null
}

start 80 24
keys 2 / M 3 Enter Enter
shows "^milestone/M3" "M3 opens"
shows "^  Deadline +29/02/2016  OVERDUE 20 d$" "its deadline says how far it is"
shows "^  Owner +bwg-1 \(Brussels working group seat 1 \(to be named\)\)$" "its owner by id and name"
shows "^  Tasks \(a adds one\)$" "its tasks, and the key to add one"
shows "^    T2 +26/02/2016 OVERDUE 23 d +bwg-1 \(Brus… +Interview Action Cluster and in…$" \
	"a task: id, due, days in words, who by id and name, the title cut with a mark"
shows "^    T3 +25/03/2016 in 5 d +city-1 \(Cit… +Interview EUROCITIES" "nearest due first"
keys a
shows "^new task for M3 \(ID field=value \.\.\.\):" "a asks for a task of this milestone"
keys 'T60 title="Check the map with the cities" due=10/04/2016 assignee=city-1' Enter
shows "saved [0-9a-f]{12}  Add task T60" "the task is added"
shows "^    T60 +10/04/2016 in 21 d +city-1 \(Cit… +Check the map with the cities$" \
	"it is listed with its assignee's name"
like "$("$CAIRN" -C "$wb" show task/T60 --json)" '"milestone": "M3"' "and belongs to M3"
for _ in $(seq 1 12); do screen | grep -q "^> +T60 " && break; keys j; done
keys Enter
shows "^task/T60" "Enter opens the task"
shows "^  Due +10/04/2016  in 21 d$" "a task's due date says how far it is too"
keys q
# The owner is picked from the persons, by number.
for _ in $(seq 1 8); do screen | grep -q "^> Owner " && break; keys k; done
keys e
reads "1 bwg-1 (Brussels working group seat 1 (to be named)), 2 bwg-2" "the persons are listed, numbered, above the prompt"
reads "8 lead (Citizen City initiative leader)" "all of them"
shows "^Owner \(a number or an id\): bwg-1$" "the prompt says a number or an id will do"
keys C-u 8 Enter
reads "M3: owner bwg-1 -> lead" "a number picks the person"
shows "^(> |  )Owner +lead \(Citizen City initiative leader\)$" "shown by id and name"
keys q
keys 3
keys a
shows "^new task \(ID field=value \.\.\.\):" "a in the tasks table still asks for any task"
keys Escape Q

start 40 12
keys 2 / M 3 Enter Enter
shows "^  Deadline +29/02/2016  OVERDUE 20 d$" "40x12: the days left whole (the label gives way)"
keys G
shows "^(> |  )  T60 +10/04/2016 in 21 d" "40x12: the tasks reached, each with its due date and days"
shows "^      city-1 \(Cit… +Check the map with…$" "40x12: who and the title on a line below, readable"
keys Q
done_testing
