#!/bin/bash
# The evaluation workflow through the command line, step by step and as
# different people: submit, return, validate, the validation undone by a
# later change (here, and arriving by sync), marks, distribution, template
# copies and versions, progress; and every refusal, with exit 1.
. "$(dirname "$0")/lib.sh"

# Identities: each a configuration file whose email is a person's.
ident() {   # ident ID "Name": a config for person ID
	printf '[user]\nname = %s\nemail = %s@example.org\n' "$2" "$1" > "$TMP/$1.cfg"
}
ident lead "Lea Leader"
ident eip-1 "Eva Eip"
ident bwg-1 "Bo Brussels"
ident bwg-2 "Bea Brussels"
ident ec-1 "Eric Commission"
as() { local who=$1; shift; CAIRN_CONFIG="$TMP/$who.cfg" "$@"; }
emails() {
	for p in lead eip-1 bwg-1 bwg-2 ec-1; do
		"$CAIRN" -C "$1" set "person/$p" email="$p@example.org" >/dev/null || return 1
	done
}
field() {   # field WORKBOOK KEY TOOL/PERSON: a field's value, long ones whole
	awk -v k="$2" '
		index($0, k ":") == 1 { on = 1; v = substr($0, length(k) + 3); if (v != "") print v; next }
		on && /^ / { l = substr($0, 2); if (l == ".") l = ""; else if (l ~ /^\.\./) l = substr(l, 2); print l; next }
		{ on = 0 }' "$1"/evaluations/*/"${3%%/*}"/"${3#*/}"
}

wb=$(demo_workbook)
emails "$wb"
E=fixmystreet/eip-1

# --- who are you? ---
run "$CAIRN" -C "$wb" submit $E
is "$rc" 1 "someone who is no person is refused"
like "$err" "cairn does not know which person you are: set email under \[user\]" "and told how to become one"

# --- submit ---
run as bwg-1 "$CAIRN" -C "$wb" submit $E
is "$rc" 1 "another key person may not submit someone's evaluation"
like "$err" "only its evaluator, eip-1, or a leader submits it; you are bwg-1 \(key-person\)" "says who may"
run as eip-1 "$CAIRN" -C "$wb" submit $E
is "$rc" 1 "a submission with required answers missing is refused"
like "$err" "6 required answers are missing \(the first: answer.tools\); answer with cairn set evaluation/$E answer.tools=" \
	"naming the first and how to answer it"
run as eip-1 "$CAIRN" -C "$wb" set $E answer.tools="A web site" answer.targeted="All citizens" \
	answer.monitoring="Reports per district" answer.excluded=no answer.sustainability=4 \
	answer.verdict="Good practice"
is "$rc" 0 "the evaluator answers" 
run as eip-1 "$CAIRN" -C "$wb" submit $E
is "$rc" 0 "and submits"
like "$out" "^saved [0-9a-f]{12}  $E: status draft -> submitted$" "in a commit that says so"
is "$(field "$wb" status $E)" "submitted" "the evaluation is submitted"
is "$(git -C "$wb" log -1 --format='%an <%ae>')" "Eva Eip <eip-1@example.org>" "committed as the evaluator"
run as eip-1 "$CAIRN" -C "$wb" submit $E
is "$rc" 1 "a submitted evaluation is not submitted again"
like "$err" "is submitted: only an assigned, draft or returned evaluation is submitted" "saying why"

# --- return and validate: only the validator, never the evaluator ---
run as eip-1 "$CAIRN" -C "$wb" validate $E
is "$rc" 1 "the evaluator may not validate"
like "$err" "only its validator \(bwg-2\) may validate it, never its evaluator" "and is told who does"
run as bwg-1 "$CAIRN" -C "$wb" validate $E
is "$rc" 1 "nor may a key person who is not its validator"
like "$err" "only its validator \(bwg-2\) may validate it; you are bwg-1" "named"
run as lead "$CAIRN" -C "$wb" return $E --comment "Which KPIs?"
is "$rc" 1 "nor a leader, when a validator is named"
run as bwg-2 "$CAIRN" -C "$wb" return $E
is "$rc" 1 "a return needs a comment"
like "$err" "say what to change: a returned evaluation needs a comment" "and says so"
run as bwg-2 "$CAIRN" -C "$wb" return $E --comment "Which KPIs are used?"
is "$rc" 0 "the validator returns it with a comment"
is "$(field "$wb" status $E)" "returned" "it is returned"
like "$(field "$wb" comments $E)" "^2016-03-20 bwg-2: Which KPIs are used\?$" "the comment is dated and signed"
run as bwg-2 "$CAIRN" -C "$wb" validate $E
is "$rc" 1 "a returned evaluation is not validated"
like "$err" "is returned: only a submitted evaluation is validated; its evaluator submits it first" "says what comes first"
as eip-1 "$CAIRN" -C "$wb" set $E answer.kpis="Reports per month" >/dev/null
ok_cmd "the evaluator answers and submits again" as eip-1 "$CAIRN" -C "$wb" submit $E
run as bwg-2 "$CAIRN" -C "$wb" validate $E --comment "Clear now."
is "$rc" 0 "the validator validates"
is "$(field "$wb" status $E)" "validated" "it is validated"
like "$(field "$wb" validated_answers $E)" "^[0-9a-f]{40}$" "with the fingerprint of the answers it saw"
like "$(field "$wb" comments $E | tail -1)" "Clear now.$" "and the validator's comment"
run as bwg-2 "$CAIRN" -C "$wb" validate $E
is "$rc" 1 "validating twice is refused"
# A reviewer or leader validates only when no validator is named.
run as ec-1 "$CAIRN" -C "$wb" validate transformcity/bwg-1
is "$rc" 1 "a reviewer may not validate what another validates"
"$CAIRN" -C "$wb" set transformcity/bwg-1 validator= >/dev/null
run as ec-1 "$CAIRN" -C "$wb" validate transformcity/bwg-1
is "$rc" 0 "but may when no validator is named"
run as bwg-2 "$CAIRN" -C "$wb" return transformcity/bwg-1 --comment "no"
is "$rc" 1 "where a key person may not"
like "$err" "has no validator: only a leader or a reviewer may return it" "saying who may"

# --- marks: leaders only, on validated evaluations ---
run as bwg-2 "$CAIRN" -C "$wb" mark $E good-practice
is "$rc" 1 "a key person may not mark a good practice"
like "$err" "only a leader marks a good practice; you are bwg-2 \(key-person\)" "said"
run as lead "$CAIRN" -C "$wb" mark decidim/city-1 success-story
is "$rc" 1 "an evaluation that is not validated is not marked"
like "$err" "is returned: only a validated evaluation is marked as a success story" "said"
run as lead "$CAIRN" -C "$wb" mark $E good-practice
is "$rc" 0 "a leader marks a good practice"
is "$(field "$wb" good_practice $E)" "yes" "good_practice: yes"
run as lead "$CAIRN" -C "$wb" mark $E success-story
is "$(field "$wb" success_story $E)" "yes" "and a success story"
run as lead "$CAIRN" -C "$wb" mark $E success-story --off
is "$rc" 0 "--off takes a mark away"
is "$(field "$wb" success_story $E)" "" "success_story is gone"
run as lead "$CAIRN" -C "$wb" mark $E best
is "$rc" 2 "an unknown mark is a usage error"

# --- a validation holds for the answers it saw ---
run as eip-1 "$CAIRN" -C "$wb" set $E answer.leader="The council"
is "$rc" 0 "the evaluator changes an answer after the validation"
is "$(field "$wb" status $E)" "submitted" "the evaluation goes back to submitted"
is "$(field "$wb" comments $E | tail -1)" \
	"answers changed after validation: answer.leader by Eva Eip on 2016-03-20" "and its comments say why"
is "$(field "$wb" validated_answers $E)" "" "the fingerprint is gone with the validation"
is "$(field "$wb" good_practice $E)" "yes" "the leader's mark stays"
ok_cmd "validated again" as bwg-2 "$CAIRN" -C "$wb" validate $E
run "$CAIRN" -C "$wb" set $E comments="Fine."
is "$(field "$wb" status $E)" "validated" "a change that is not an answer keeps the validation"
ok_cmd "the workbook checks clean" "$CAIRN" -C "$wb" check
ok_cmd "git is clean" git_clean "$wb"

# --- progress ---
run "$CAIRN" -C "$wb" progress
is "$rc" 0 "cairn progress"
like "$out" "^PERSON +ASSIGNED +DRAFT +SUBMITTED +RETURNED +VALIDATED +TASKS$" "per person, with open tasks"
like "$out" "^TOOL +ASSIGNED" "and per tool"
like "$out" "^eip-1 \\(EIP commitment seat.* +0 +0 +0 +0 +1 +[0-9]+$" "eip-1 (by id and name) has one validated"
tasks=$("$CAIRN" -C "$wb" ls task status=planned assignee=bwg-2 | wc -l)
tasks=$((tasks + $("$CAIRN" -C "$wb" ls task status=active assignee=bwg-2 | wc -l)))
like "$out" "^bwg-2 \\(.* +0 +0 +0 +0 +0 +$tasks$" "a person with open tasks and no evaluation has a row, counting them"
like "$out" "^fixmystreet +1 +0 +0 +0 +1$" "fixmystreet: one assigned, one validated"

# --- templates: copy, and a new version that keeps old answers ---
run "$CAIRN" -C "$wb" template copy m4 m5 title="M5 testing in cities"
is "$rc" 0 "template copy"
run "$CAIRN" -C "$wb" show template/m5 --json
like "$out" '"version": "1"' "the copy is at version 1"
like "$out" '"title": "M5 testing in cities"' "under its new title"
like "$out" '"q.leader.prompt": "Who is leading the participation\?"' "with the same questions"
run "$CAIRN" -C "$wb" template copy m4 m5
is "$rc" 1 "a copy over an existing template is refused"
run "$CAIRN" -C "$wb" template copy nothing m6
is "$rc" 1 "a copy of no template is refused"
run "$CAIRN" -C "$wb" set template/m4 q.leader.type=yesno
is "$rc" 0 "a question of m4 changes type"
run "$CAIRN" -C "$wb" show template/m4 --json
like "$out" '"version": "2"' "and m4 is at version 2 by itself"
is "$(field "$wb" template_version $E)" "1" "the evaluation keeps version 1"
is "$(field "$wb" answer.leader $E)" "The council" "and its answer, given on version 1, as it was"
is "$(field "$wb" status $E)" "validated" "and its validation"
ok_cmd "answers of an older version are not problems" "$CAIRN" -C "$wb" check
run "$CAIRN" -C "$wb" set template/m4 title="M4 evaluation"
run "$CAIRN" -C "$wb" show template/m4 --json
like "$out" '"version": "2"' "a change of title is not a new version"

# --- distribute ---
d=$(demo_workbook)
emails "$d"
"$CAIRN" -C "$d" add tool aaa-org name=A kind=platform origin="EIP-SCC working group, Brussels" >/dev/null
"$CAIRN" -C "$d" add tool bbb-excl name=B kind=platform excluded="eip-1" >/dev/null
"$CAIRN" -C "$d" add tool ccc-plain name=C kind=platform >/dev/null
"$CAIRN" -C "$d" add tool zzz-none name=Z kind=platform \
	excluded="bwg-1, bwg-2, eip-1, eip-2, city-1, industry-1" >/dev/null
head=$(git -C "$d" rev-parse HEAD)
run as bwg-1 "$CAIRN" -C "$d" distribute --dry-run
is "$rc" 0 "anyone sees the plan"
is "$(git -C "$d" rev-parse HEAD)" "$head" "a dry run saves nothing"
like "$out" "^would add aaa-org/[a-z0-9-]+  validator " "tools without an evaluation are planned"
unlike "$out" "aaa-org/bwg-|aaa-org/[^ ]+  validator bwg-" "not to people of the tool's origin"
unlike "$out" "bbb-excl/eip-1|bbb-excl/[^ ]+  validator eip-1$" "nor to a person the tool excludes"
like "$out" "^not assigned: zzz-none: no key person may evaluate it" "a tool nobody may take is said"
unlike "$out" "fixmystreet|decidim|transformcity" "tools with evaluations are left alone"
like "$out" "^would add bbb-excl/bwg-1  validator bwg-2$" "the least loaded take the work, ties by id"
run as bwg-1 "$CAIRN" -C "$d" distribute
is "$rc" 1 "only a leader distributes"
like "$err" "only a leader distributes the tools; you are bwg-1" "said, with what to do instead"
run as lead "$CAIRN" -C "$d" distribute
is "$rc" 0 "a leader distributes"
is "$(git -C "$d" log -1 --format=%s)" "Distribute 3 tools among the key persons" "in one commit"
run "$CAIRN" -C "$d" ls evaluation --names
like "$out" "evaluation/ccc-plain/" "the evaluations are there"
run "$CAIRN" -C "$d" ls evaluation status=assigned template=m4 --names
is "$(echo "$out" | grep -c 'aaa-org\|bbb-excl\|ccc-plain')" "3" "assigned, on the template"
run as lead "$CAIRN" -C "$d" distribute
like "$out" "^not assigned: zzz-none" "a second run has only the tool nobody may take"
"$CAIRN" -C "$d" add template other title=Other version=1 >/dev/null
run as lead "$CAIRN" -C "$d" distribute
is "$rc" 1 "with two templates, distribute asks which"
like "$err" "name the one to use \(--template ID" "said"
ok_cmd "the manual override: an evaluation added by hand" \
	"$CAIRN" -C "$d" add evaluation zzz-none/lead template=m4 validator=ec-1

# --- the validation undone by a change arriving by sync ---
shared="$TMP/shared.git"
git init -q --bare --initial-branch=main "$shared"
a="$TMP/a"
"$CAIRN" demo "$a" >/dev/null
emails "$a"
"$CAIRN" -C "$a" remote add origin "$shared"
"$CAIRN" -C "$a" sync >/dev/null
"$CAIRN" clone "$shared" "$TMP/b" >/dev/null
b="$TMP/b"
T=transformcity/bwg-1
ok_cmd "here the validator validates" as eip-1 "$CAIRN" -C "$a" validate $T
ok_cmd "there, meanwhile, the evaluator changes an answer" \
	as bwg-1 "$CAIRN" -C "$b" set $T answer.tools="Paper forms"
ok_cmd "the validation is shared" "$CAIRN" -C "$a" sync
run "$CAIRN" -C "$b" sync
is "$rc" 0 "the sync merges both"
is "$(field "$b" status $T)" "submitted" "the merged evaluation is back to submitted"
like "$(field "$b" comments $T | tail -1)" \
	"^answers changed after validation: answer.tools by Bo Brussels on [0-9]{4}-[0-9]{2}-[0-9]{2}$" \
	"saying which answer changed, by whom and when"
is "$(field "$b" answer.tools $T)" "Paper forms" "the new answer is kept"
"$CAIRN" -C "$a" sync >/dev/null
is "$(field "$a" status $T)" "submitted" "and the other side gets it"
# The other way round: the answer is shared first, the validation merges it.
ok_cmd "the validator validates again, and keeps it here" as eip-1 "$CAIRN" -C "$a" validate $T
ok_cmd "the evaluator changes another answer" as bwg-1 "$CAIRN" -C "$b" set $T answer.leader="The city"
ok_cmd "and shares it first" "$CAIRN" -C "$b" sync
run "$CAIRN" -C "$a" sync
is "$rc" 0 "the validator's sync merges it"
is "$(field "$a" status $T)" "submitted" "the validation is undone on the validator's side too"
like "$(field "$a" comments $T | tail -1)" \
	"^answers changed after validation: answer.leader by Bo Brussels on [0-9]{4}-[0-9]{2}-[0-9]{2}$" \
	"credited to the author of the change that arrived"
run "$CAIRN" -C "$a" check
is "$rc" 0 "the merged workbook checks clean"
ok_cmd "git is clean after the syncs" git_clean "$a"

done_testing
