#!/bin/bash
# Adding, changing and removing records through the binary; every save is a
# commit with its author and a message naming the fields.
. "$(dirname "$0")/lib.sh"

wb=$(new_workbook)
c() { "$CAIRN" -C "$wb" "$@"; }

run c add person maria name="Maria Rossi" email=maria@example.org category=city-network role=key-person
is "$rc" 0 "add person"
like "$out" "^saved [0-9a-f]{12}  Add person maria: Maria Rossi" "add reports the commit"
run c add milestone M4 title="Evaluation of existing tools" deadline=15/04/2016 owner=maria result=Webinar
is "$rc" 0 "add milestone with a dd/mm/yyyy date"
path=$(git -C "$wb" ls-tree -r --name-only HEAD milestones)
like "$path" "^milestones/[0-9a-f]{2}/M4$" "the record sits at milestones/XX/M4"
is "$(git -C "$wb" show "HEAD:$path")" "title: Evaluation of existing tools
deadline: 2016-04-15
result: Webinar
owner: maria
status: planned" "the record file: one field per line, fixed order, ISO date, default status"
is "$(cat "$wb/$path")" "$(git -C "$wb" show "HEAD:$path")" "the work-tree file equals the commit"

run c set M4 deadline=30/04/2016
is "$rc" 0 "set with a bare id"
is "$(git -C "$wb" log -1 --format=%s)" "M4: deadline 2016-04-15 -> 2016-04-30" "the commit message names the field, old and new"
is "$(git -C "$wb" log -1 --format='%an <%ae>')" "Test Person <test@example.org>" "the author comes from the config"
is "$(git -C "$wb" diff HEAD~1 HEAD --stat | tail -1 | grep -o '1 insertion')" "1 insertion" "a one-field change is a one-line diff"

# No cairn config: git's identity is used.
mv "$CAIRN_CONFIG" "$CAIRN_CONFIG.off"
run c set M4 status=active
is "$(git -C "$wb" log -1 --format='%an <%ae>')" "Git Person <git@example.org>" "without a cairn config, git's user.name and user.email"
mv "$CAIRN_CONFIG.off" "$CAIRN_CONFIG"

run c set M4 status=active
is "$rc" 0 "setting the same value is fine"
is "$out" "nothing to change" "and commits nothing"

run c set milestone/M4 description="line one
line two

  indented: with = and # and ; and [x]
 ." title="Evaluation of existing tools"
is "$rc" 0 "long text with tricky lines"
run c show milestone/M4 --json
like "$out" '"description": "line one\\nline two\\n\\n  indented: with = and # and ; and \[x\]\\n \."' "long text comes back exactly"
run c set M4 description="line one
line 2

  indented: with = and # and ; and [x]
 ."
is "$(git -C "$wb" diff HEAD~1 HEAD | grep -c '^[-+] ')" "2" "changing one line of a long text is a one-line diff"

run c set M4 deadline=
is "$rc" 0 "an empty value clears a field"
unlike "$(git -C "$wb" show HEAD:"$path")" "^deadline" "the field is gone from the record"
like "$(git -C "$wb" log -1 --format=%s)" "deadline cleared" "and the message says so"

run c add task T1 title="Invite speakers" milestone=M4 assignee=MARIA due=2016-04-01
is "$rc" 0 "add a task (ISO date, reference in another case)"
run c show task/T1 --json
like "$out" '"assignee": "maria"' "references are stored with the record's own id"

run c rm person/maria
is "$rc" 1 "removing a person still named is refused"
like "$err" "still named by 2 records: milestone/M4 \(owner\), task/T1 \(assignee\)" "naming who names it"
run c rm task/T1
is "$rc" 0 "rm a task"
like "$(git -C "$wb" log -1 --format=%s)" "^Remove task T1" "the removal is a commit"
run c show task/T1
is "$rc" 1 "a removed record is gone"

# Evaluations and templates.
run c add tool fixmystreet name=FixMyStreet kind=platform url=https://www.fixmystreet.com
is "$rc" 0 "add a tool"
run c add person jo name=Jo category=industry role=reviewer
run c add template t name=x
is "$rc" 1 "a template with an unknown field is refused"
like "$err" "template has no field 'name'" "naming the field"
run c add template t title="Tiny" version=1 questions="share
ok
pick" q.share.prompt="Share?" q.share.type=percent q.ok.prompt="OK?" q.ok.type=yesno q.ok.required=yes q.pick.prompt="Pick" q.pick.type=multiple q.pick.choices="Red
Green
Blue"
is "$rc" 0 "add a template with three question types"
run c add evaluation fixmystreet/maria template=t validator=maria
is "$rc" 1 "the evaluator cannot be the validator"
like "$err" "cannot validate their own evaluation" "and is told so"
run c add evaluation fixmystreet/maria template=t validator=jo
is "$rc" 0 "add an evaluation"
run c show evaluation/fixmystreet/maria --json
like "$out" '"template_version": "1"' "the template's version is recorded"
like "$out" '"status": "assigned"' "a new evaluation is assigned"
run c set evaluation/fixmystreet/maria answer.share=120
is "$rc" 1 "a percentage above 100 is refused"
like "$err" "answer.share: '120' is not a percentage" "naming the answer"
run c set evaluation/fixmystreet/maria answer.share=45,5% answer.ok=Yes answer.pick="blue, red"
is "$rc" 0 "answers typed loosely are accepted"
run c show evaluation/fixmystreet/maria --json
like "$out" '"answer.share": "45.5"' "a percentage is stored as a number"
like "$out" '"answer.ok": "yes"' "yes/no is stored as yes"
like "$out" '"answer.pick": "Red\\nBlue"' "multiple choice: one per line, in the template's order"
like "$out" '"answered": 3, "questions": 3' "progress is derived"
run c set evaluation/fixmystreet/maria answer.pick=Purple
is "$rc" 1 "a choice not offered is refused"
like "$err" "'Purple' is not one of the choices: 'Red', 'Green', 'Blue'" "listing the choices"
run c set evaluation/fixmystreet/maria answer.nope=1
is "$rc" 1 "an answer to no question is refused"

is "$(git -C "$wb" status --porcelain)" "" "git status is clean after every save"
ok_cmd "git fsck is clean" git -C "$wb" fsck --full
done_testing
