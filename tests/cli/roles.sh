#!/bin/bash
# Who may change what (include/cairn/roles.h): an enforced workbook, made
# by cairn init with its maker as first leader, refuses what a member's
# role does not allow, before anything is saved; the open demo does not.
. "$(dirname "$0")/lib.sh"

as() {  # as EMAIL: the user's configured e-mail from now on
	printf '[user]\nname = %s\nemail = %s\n' "$1" "$1" > "$CAIRN_CONFIG"
}
head_of() { git -C "$wb" rev-parse HEAD; }

wb="$TMP/group"
run "$CAIRN" init "$wb" --name group
is "$rc" 0 "cairn init makes an enforced workbook"
like "$(cat "$wb/cairn.ini")" "mode = enforced" "cairn.ini says its rules hold"
run "$CAIRN" -C "$wb" show person/test
like "$out" "role +leader" "its maker is its first leader, by their e-mail"
like "$out" "email +test@example.org" "with the configured e-mail"

# The leader fills it: the demo's records, members with e-mails.
"$CAIRN" -C "$(demo_workbook)" ls --json > "$TMP/demo.json"
run "$CAIRN" -C "$wb" import json "$TMP/demo.json"
is "$rc" 0 "the leader imports the demo's records"
for p in bwg-1 bwg-2 eip-1 eip-2 city-1 industry-1; do
	"$CAIRN" -C "$wb" set "person/$p" "email=$p@example.org" >/dev/null
done
run "$CAIRN" -C "$wb" set person/ec-1 email=ec-1@example.org
is "$rc" 0 "a leader sets a member's e-mail"
run "$CAIRN" -C "$wb" set lead role=key-person
is "$rc" 0 "a leader changes a role"

# A key person.
as bwg-2@example.org
before=$(head_of)
run "$CAIRN" -C "$wb" set evaluation/fixmystreet/eip-1 answer.leader=mine
is "$rc" 1 "a key person (its validator) cannot rewrite another member's answers"
like "$err" "evaluation/fixmystreet/eip-1: answer.leader: only its evaluator while it is assigned, draft or returned may change it; you are bwg-2 \(key-person\)" "the refusal says who may and who you are"
like "$err" "comment instead" "and what to do instead"
run "$CAIRN" -C "$wb" set M4 deadline=30/04/2016
is "$rc" 1 "a key person cannot move M4's deadline"
like "$err" "milestone/M4: deadline: only a leader may change it.*leaders: test" "the refusal names the leaders"
said=$(sed -n 's/^cairn: \(milestone\/M4: deadline: only a leader.*\)$/\1/p' "$top_srcdir/README.md" |
	sed 's/maria/bwg-2/; s/leaders: anna/leaders: test/')
is "cairn: $said" "$err" "as the README shows it"
run "$CAIRN" -C "$wb" set person/test role=key-person
is "$rc" 1 "a key person cannot demote the leader"
run "$CAIRN" -C "$wb" set person/bwg-2 role=leader
is "$rc" 1 "nor make themself a leader"
run "$CAIRN" -C "$wb" rm task/T2
is "$rc" 1 "a key person cannot remove a task"
like "$err" "task/T2: only a leader may remove it" "the refusal names the record"
run "$CAIRN" -C "$wb" set person/bwg-2 email=test@example.org
is "$rc" 1 "a member cannot take the leader's e-mail"
run "$CAIRN" -C "$wb" set evaluation/fixmystreet/eip-2 status=validated
is "$rc" 1 "a status changes only through the workflow's steps"
like "$err" "cairn submit, cairn validate or cairn return" "which the refusal names"
is "$(head_of)" "$before" "nothing was saved"
run "$CAIRN" -C "$wb" set person/bwg-2 "name=Second seat"
is "$rc" 0 "a member changes their own name"
run "$CAIRN" -C "$wb" set evaluation/fixmystreet/eip-2 answer.leader=yes
is "$rc" 1 "nor answers an evaluation that is not theirs"
run "$CAIRN" -C "$wb" set task/T6 notes="Exchanged by mail"
is "$rc" 0 "the assignee of a task changes its notes"

# Hand edits are checked the same way.
path=$("$CAIRN" -C "$wb" show M4 | sed -n '1s/.*(\(.*\)).*/\1/p')
sed -i 's/^deadline: .*/deadline: 2016-05-31/' "$wb/$path"
run "$CAIRN" -C "$wb" commit
is "$rc" 1 "cairn commit refuses a hand edit of the deadline by a key person"
like "$err" "milestone/M4: deadline: only a leader" "with the same rule"
git -C "$wb" checkout -q -- "$path"

# The evaluator answers their own, the workflow moves it on.
as eip-1@example.org
run "$CAIRN" -C "$wb" set evaluation/fixmystreet/eip-1 answer.leader=ours
is "$rc" 0 "the evaluator answers while it is a draft"; [ "$rc" = 0 ] || diag "$err"

# The workflow's steps pass the rules: the validator validates, the
# evaluator's first answer makes an assigned evaluation a draft.
run "$CAIRN" -C "$wb" validate evaluation/transformcity/bwg-1 --comment "Clear and complete"
is "$rc" 0 "the validator validates through the workflow"
as eip-2@example.org
run "$CAIRN" -C "$wb" set evaluation/fixmystreet/eip-2 "answer.leader=The city"
is "$rc" 0 "the evaluator answers an assigned evaluation"
like "$("$CAIRN" -C "$wb" show evaluation/fixmystreet/eip-2)" "status +draft" "which becomes a draft by the save's own rule"
"$CAIRN" -C "$wb" ls --json > "$TMP/mine.json"
run "$CAIRN" -C "$wb" import json "$TMP/mine.json"
is "$rc" 0 "importing what is already there changes nothing, and is no refusal"
sed 's/"Evaluation of existing tools"/"Tools, evaluated"/' "$TMP/mine.json" > "$TMP/changed.json"
run "$CAIRN" -C "$wb" import json "$TMP/changed.json"
is "$rc" 1 "a key person's import that renames M4 is refused"
like "$err" "milestone/M4: title: only a leader or its owner may change it" "by the same rule"

# A user who matches no person may only read.
as stranger@example.org
run "$CAIRN" -C "$wb" set person/test email=stranger@example.org
is "$rc" 1 "a non-person cannot become leader by setting an email"
like "$err" "matches no person: you may read it; ask a leader \(test\) to add you" "and is told what to do"
run "$CAIRN" -C "$wb" add person/stranger name=S category=other role=leader email=stranger@example.org
is "$rc" 1 "nor by adding themself"
run "$CAIRN" -C "$wb" ls person
is "$rc" 0 "but reads"

# The leader may.
as test@example.org
run "$CAIRN" -C "$wb" set M4 deadline=30/04/2016
is "$rc" 0 "a leader moves M4's deadline"
run "$CAIRN" -C "$wb" rm task/T2
is "$rc" 0 "a leader removes a task"
run "$CAIRN" -C "$wb" set person/bwg-1 role=leader
is "$rc" 0 "a leader names another leader"
run "$CAIRN" -C "$wb" set person/test email=bwg-1@example.org
is "$rc" 1 "even a leader cannot take another person's e-mail"
like "$err" "bwg-1@example.org is person/bwg-1's e-mail" "which the refusal says"

# cairn log flags exactly what the rules would have refused: a plain git
# commit by a key person that moves the deadline.
sed -i 's/^deadline: .*/deadline: 2016-06-30/' "$wb/$path"
git -C "$wb" -c user.name=Seat -c user.email=bwg-2@example.org commit -qam "moved by hand"
run "$CAIRN" -C "$wb" log -n 1 M4
like "$out" "! authorship: milestone/M4: deadline: only a leader may change it; bwg-2@example.org is bwg-2 \(key-person\)" "cairn log flags a change the rules refuse"
run "$CAIRN" -C "$wb" log -n 1
like "$out" "! authorship: milestone/M4: deadline" "and so does the timeline"
run "$CAIRN" -C "$wb" log -n 3 M4
is "$(printf '%s\n' "$out" | grep -c '! authorship')" 1 "the leader's own changes are not flagged"
run "$CAIRN" -C "$wb" log evaluation/fixmystreet/eip-1
unlike "$out" "! authorship" "nor the evaluator's answers"
evpath=$("$CAIRN" -C "$wb" show evaluation/fixmystreet/eip-1 | sed -n '1s/.*(\(.*\)).*/\1/p')
sed -i 's/^answer.leader: .*/answer.leader: The validator'"'"'s idea/' "$wb/$evpath"
git -C "$wb" -c user.name=Seat -c user.email=bwg-2@example.org commit -qam "a better answer"
run "$CAIRN" -C "$wb" log -n 1 evaluation/fixmystreet/eip-1
like "$out" "! authorship: evaluation/fixmystreet/eip-1: answer.leader: only its evaluator" "a validator's change of an answer is flagged"
# Question by question: one commit that changes two answers and the
# status by hand is flagged once for each, naming each field.
sed -i 's/^answer.leader: .*/answer.leader: Again the validator/; s/^answer.measures: .*/answer.measures: yes/; s/^status: .*/status: validated/' "$wb/$evpath"
git -C "$wb" -c user.name=Seat -c user.email=bwg-2@example.org commit -qam "two answers and the status"
run "$CAIRN" -C "$wb" log -n 1 evaluation/fixmystreet/eip-1
is "$(printf '%s\n' "$out" | grep -c '! authorship')" 3 "cairn log flags each answer the rules refuse, one line each, and the status"
like "$out" "! authorship: evaluation/fixmystreet/eip-1: answer.leader: only its evaluator" "naming the first answer"
like "$out" "! authorship: evaluation/fixmystreet/eip-1: answer.measures: only its evaluator" "and the second"
like "$out" "! authorship: evaluation/fixmystreet/eip-1: status: only the workflow's steps" "a draft set validated by hand is no step of the validator's (only a submitted one is validated), as the guard counts it"
run "$CAIRN" -C "$wb" log -n 1
is "$(printf '%s\n' "$out" | grep -c '! authorship')" 3 "the timeline flags the same changes"
sed -i 's/^answer.measures: .*/answer.measures: no/' "$wb/$evpath"
git -C "$wb" -c user.name=Nobody -c user.email=nobody@example.org commit -qam "a stranger's"
run "$CAIRN" -C "$wb" log -n 1 evaluation/fixmystreet/eip-1
is "$(printf '%s\n' "$out" | grep -c '! authorship')" 1 "an author who is no person is flagged once for the record"
like "$out" "! authorship: evaluation/fixmystreet/eip-1: nobody@example.org is no person of the workbook" "saying so"
sed -i 's/^status: .*/status: draft/' "$wb/$evpath"
git -C "$wb" commit -qam "back as it was"

# A conflict is settled by who may change its field.
shared="$TMP/shared.git"
git init -q --bare --initial-branch=main "$shared"
"$CAIRN" -C "$wb" remote add origin "$shared" >/dev/null
"$CAIRN" -C "$wb" sync >/dev/null
"$CAIRN" clone "$shared" "$TMP/b" >/dev/null
"$CAIRN" -C "$wb" set M4 deadline=10/05/2016 >/dev/null
"$CAIRN" -C "$TMP/b" set M4 deadline=20/05/2016 >/dev/null
"$CAIRN" -C "$wb" sync >/dev/null
"$CAIRN" -C "$TMP/b" sync >/dev/null 2>&1
run "$CAIRN" -C "$TMP/b" conflicts
like "$out" "M4" "two leaders' deadlines clash"
as bwg-2@example.org
run "$CAIRN" -C "$TMP/b" resolve milestone/M4 deadline --theirs
is "$rc" 1 "a key person may not settle a clash on a deadline"
like "$err" "milestone/M4: deadline: only a leader may change it" "by the same rule"
as test@example.org
run "$CAIRN" -C "$TMP/b" resolve milestone/M4 deadline --theirs
is "$rc" 0 "a leader may"

# The workbook's own rules, in cairn.ini: tighter (only a leader changes
# tasks, even the assignee) and looser (a milestone's owner moves its
# deadline).
as test@example.org
"$CAIRN" -C "$wb" set M5 owner=bwg-2 >/dev/null
printf 'task.* = leader\nmilestone.deadline = leader owner\n' >> "$wb/cairn.ini"
git -C "$wb" commit -qam "Our own rules"
as bwg-2@example.org
run "$CAIRN" -C "$wb" set task/T6 notes="Exchanged by phone"
is "$rc" 1 "a tighter rule of the workbook's: the assignee may no longer change the task"
like "$err" "task/T6: notes: only a leader may change it; you are bwg-2 \\(key-person\\): this workbook's cairn.ini says so \\(\\[rules\\] task.\\*\\)" \
	"and the refusal names the rule in cairn.ini"
run "$CAIRN" -C "$wb" set M5 deadline=30/06/2016
is "$rc" 0 "a looser one: the owner moves the deadline"; [ "$rc" = 0 ] || diag "$err"
run "$CAIRN" -C "$wb" set M4 deadline=30/06/2016
is "$rc" 1 "of their own milestone only"
sed -i 's/^task.\* = leader/task.* = boss/' "$wb/cairn.ini"
git -C "$wb" commit -qam "A typo"
run "$CAIRN" -C "$wb" set person/bwg-2 "name=Seat two"
is "$rc" 1 "a rule that cannot be read refuses every save, not a looser workbook"
like "$err" "cairn.ini: \\[rules\\] task.\\*: who may is some of leader, key-person" "naming the setting and what it may say"
sed -i '/^task.\* = boss/d; /^milestone.deadline/d' "$wb/cairn.ini"
git -C "$wb" commit -qam "The defaults again"

# The open demo is a sandbox: everyone may do everything.
demo=$(demo_workbook)
as stranger@example.org
run "$CAIRN" -C "$demo" set M4 deadline=30/04/2016
is "$rc" 0 "the open demo lets a stranger move a deadline"
run "$CAIRN" -C "$demo" rm task/T2
is "$rc" 0 "and remove a task"
run "$CAIRN" -C "$demo" set lead role=key-person
is "$rc" 0 "and demote the leader"

done_testing
