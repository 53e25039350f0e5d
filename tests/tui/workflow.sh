#!/bin/bash
# The evaluation workflow in a real terminal, as the people who take each
# step: the evaluator submits (the cursor taken to what is missing), the
# validator returns with a comment and validates, a later answer undoes
# the validation and the form says why, a leader marks a good practice and
# a success story, and an evaluation answered on an older template says
# so.  Refusals are shown, not obeyed.
. "$(dirname "$0")/lib.sh"

E=fixmystreet/eip-1
for p in lead eip-1 bwg-2; do
	"$CAIRN" -C "$wb" set "person/$p" email="$p@example.org" >/dev/null
	printf '[user]\nname = %s\nemail = %s@example.org\n' "Person $p" "$p" > "$TMP/$p.cfg"
done
# All but one required answer given already; the form takes the last.
"$CAIRN" -C "$wb" set $E answer.tools="A web site" answer.targeted="All citizens" \
	answer.monitoring="Reports per district" answer.excluded=no answer.verdict="Good practice" >/dev/null

quit_cairn() {
	keys Escape Escape Q
	wait_for "cairn exited" >/dev/null
}
start_as() {   # person: cairn on the evaluation, as that person
	open_session 120 40 \
		"env TERM=tmux-256color CAIRN_CONFIG='$TMP/$1.cfg' '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
	wait_for "\? help" >/dev/null
	keys 6 / f i x m y s t r e e t Enter Enter
	wait_for "evaluation/$E" >/dev/null
}
status_of() { "$CAIRN" -C "$wb" show "evaluation/$E" --json | sed -n 's/.*"status": "\([a-z]*\)".*/\1/p'; }

# --- the evaluator submits ---
start_as eip-1
shows "evaluation/$E" "the evaluator opens the evaluation"
keys S
shows "1 required answer is missing; the cursor is on the first" "S: submit checks the required answers"
shows "^> .*How sustainable is the approach" "and takes the cursor to the one missing"
keys e C-u 4 Enter
shows "saved .*answer.sustainability" "the evaluator answers it"
keys S
shows "saved .*status draft -> submitted" "S submits"
is "$(status_of)" "submitted" "the evaluation is submitted"
keys V
shows "only its validator \(bwg-2\) may validate it, never its evaluator" "V: the evaluator may not validate"
keys R
shows "only its validator \(bwg-2\) may return it" "R: nor return, and is not asked for a comment"
keys P
shows "only a leader marks a good practice" "P: a key person may not mark"
quit_cairn

# --- the validator returns it with a comment ---
start_as bwg-2
keys R
shows "what to change \(a comment for the evaluator\):" "R asks the validator what to change"
keys "Which KPIs are used?" Enter
shows "saved .*status submitted -> returned" "and returns it"
is "$(status_of)" "returned" "the evaluation is returned"
like "$("$CAIRN" -C "$wb" show "evaluation/$E" --json)" '"comments": "2016-03-20 bwg-2: Which KPIs are used\?"' \
	"with the comment, dated and signed"
keys V
shows "is returned: only a submitted evaluation is validated" "a returned one is not validated"
quit_cairn

start_as eip-1
keys S
shows "saved .*status returned -> submitted" "the evaluator submits again"
quit_cairn

start_as bwg-2
keys V
shows "saved .*status submitted -> validated" "V: the validator validates"
is "$(status_of)" "validated" "the evaluation is validated"
quit_cairn

# --- a later answer undoes the validation, and the form says why ---
start_as eip-1
keys / L e a d i n g Enter
keys e C-u "The council" Enter
shows "saved .*status validated -> submitted" "an answer changed after the validation sends it back"
shows "back to submitted: answers changed after validation: answer.leader by Person eip-1 on 2016-03-20" \
	"the form says which answer, by whom and when"
is "$(status_of)" "submitted" "it is submitted again"
quit_cairn

start_as bwg-2
keys V
shows "saved .*status submitted -> validated" "validated again"
quit_cairn

# --- the leader marks it ---
start_as lead
keys P
shows "saved .*marked a good practice" "P: a leader marks a good practice"
shows "Good practice +yes" "the form shows it"
keys T
shows "saved .*marked a success story" "T: and a success story"
shows "Success story +yes" "shown too"
keys T
shows "saved .*no longer a success story" "T again takes it away"
# The plan for the tools nobody evaluates yet, through the command line.
"$CAIRN" -C "$wb" add tool civic-app name="Civic app" kind=platform >/dev/null
keys : "distribute --dry-run" Enter
shows "would add civic-app/" "the distribution plan is shown"
keys Enter
quit_cairn

# --- a new template version leaves older answers on theirs ---
"$CAIRN" -C "$wb" set template/m4 q.kpis.prompt="Which KPIs, and how often?" >/dev/null
start_as eip-1
shows "answered on version 1; the template is now version 2" "the form tells the version it was answered on"
shows "Who is leading the participation\? \[text\]" "its questions still show"
shows "^ +The council$" "and the answers as they were given"
lacks "back to submitted" "a validation that holds again is not said to be undone"
quit_cairn

log=$(git -C "$wb" log --format='%an|%s' -- evaluations/)
like "$log" "Person bwg-2\|$E: status submitted -> validated" "the validation is a commit by the validator"
like "$log" "Person eip-1\|$E: status draft -> submitted" "the submission one by the evaluator"
like "$log" "Person lead\|$E: marked a good practice" "the mark one by the leader"

done_testing
