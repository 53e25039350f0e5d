#!/bin/bash
# The schema view (F) shows cairn's own lists always, its statuses and
# roles too, marked as cairn's own, with their labels in the reader's
# language; Enter on one asks, then adds the group's list record of its
# id (cairn's choices and labels, the reader's language's too) and opens
# it to relabel a choice in place; a label left as cairn's reads as
# cairn's in every language.
. "$(dirname "$0")/lib.sh"

export CAIRN_LOCALEDIR=${CAIRN_LOCALEDIR:-$(dirname "$CAIRN")/locale}
fr="env -u LC_ALL LANG=fr_FR.UTF-8 TERM=tmux-256color CAIRN_LOCALEDIR='$CAIRN_LOCALEDIR'"
start() {   # W H [ENV]
	open_session "$1" "$2" "${3:-env TERM=tmux-256color} '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
	wait_for "\? (help|aide)" >/dev/null
}
# Down to the line that matches (the selected one starts with ">").
select_line() {
	local n=0
	while ! screen | grep -qE -- "^> $1" && [ $n -lt 80 ]; do KEY_DELAY=0.05 keys j; n=$((n + 1)); done
	shows "^> $1" "$2"
}

start 80 24
keys F
shows "^Lists and forms" "F opens the lists and forms"
select_line "list/person.role +Roles \(cairn's own: Enter relabels it\)" \
	"the roles, cairn's own, with no list record of them"
keys j j j j
shows "^[> ]   key-person +key-person +[0-9]+ *$" "each role with its label and the persons in it"
select_line "list/milestone.status +Statuses of milestones \(cairn's own" "the milestones' statuses"
keys j j j j j
shows "^[> ]   active +active +[0-9]+ *$" "a status, its label and how many milestones have it"
for id in task.status pilot.status evaluation.status; do
	select_line "list/$id .*\(cairn's own" "and list/$id"
done

# Enter on one: asked first, then added and opened.
keys g
select_line "list/milestone.status " "back on the milestones' statuses"
keys Enter
reads "a list record of the group's of the same id relabels its choices, whose keys stay cairn's" \
	"Enter says what a list record of it does"
shows "^add list/milestone.status, its labels to change\? \(yes/no\)" "and asks"
keys no Enter
reads "list/milestone.status stays cairn's own" "no: nothing is added"
is "$("$CAIRN" -C "$wb" show list/milestone.status >/dev/null 2>&1; echo $?)" 1 "no record"
keys Enter yes Enter
shows "^list/milestone.status" "yes: the new list record opens"
shows "^  c.done.label +done$" "with cairn's labels, one per choice"
reads "Add list milestone.status" "saved"
select_line "c.done.label " "a label selected"
keys e C-u Finished Enter
shows "^> c.done.label +Finished" "relabelled in place"
keys q
shows "^[> ] list/milestone.status +Statuses of milestones \(4 choices\)" "the schema view: the group's list now"
shows "^    done +Finished " "with the new label"
keys 2
shows "^  M1 +31/12/2015  Finished  " "the milestones table reads it"
keys Q
like "$("$CAIRN" -C "$wb" show list/milestone.status --json)" '"choices": "planned\\nactive\\ndone\\ndropped"' \
	"the record has cairn's keys, in cairn's order"

# In French: cairn's labels in French; a label left as cairn's English
# one reads as cairn's, translated; Enter adds the French labels too.
start 80 24 "$fr"
keys 2
shows "^  M1 +31/12/2015  Finished  " "in French, the group's label"
shows "^  M3 +29/02/2016  en cours  " "a label the record keeps as cairn's still reads in French"
keys F
select_line "list/task.status .*\(celle de cairn" "in French, cairn's own marked"
keys j j j
shows "^[> ]   active +en cours +[0-9]+ *$" "its labels in French"
for _ in 1 2 3 4 5; do screen | grep -q "^> list/task.status" || keys k; done
shows "^> list/task.status" "back on it"
keys Enter
shows "\(oui/non\)" "asked in French"
keys oui Enter
shows "^list/task.status" "added and opened"
shows "^  c.done.label.fr +terminé$" "with the reader's language's labels to change"
keys Q
like "$("$CAIRN" -C "$wb" show list/task.status --json)" '"c.active.label": "active", "c.active.label.fr": "en cours"' \
	"both languages in the record"
done_testing
