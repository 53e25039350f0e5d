#!/bin/bash
# The schema attacked by a careless member and a hostile peer
# (cairn-workbook(5), LISTS and FORMS): names that collide between a
# list, a form and the inclusion counts; expressions that are bombs;
# hostile lists; rules at every save and never at a load.
. "$(dirname "$0")/lib.sh"

wb=$(new_workbook)
C() { "$CAIRN" -C "$wb" "$@"; }

# ---- a list named like a field of the kind's form, or counting on one ----
# A form refuses a field a list already adds (person.expertise); the list
# saved after the form must be refused the same way, else the field is a
# yes/no no value can satisfy.
run C add form tool questions=note q.note.type=yesno q.note.prompt=Note
is "$rc" 0 "a form of the tools with a yes/no field ($err)"
run C add list tool.note choices="$(printf 'ux\nlaw')"
is "$rc" 1 "a list of a field the tools' form already has is refused"
like "$err" "list/tool.note: note is a field of form/tool" "naming the form"
run C add tool t1 name=T note=yes
is "$rc" 0 "the form's field takes yes ($err)"
run C add form pilot questions=score q.score.type=text q.score.prompt=Score
is "$rc" 0 "a form of the pilots with a text field ($err)"
run C add list pilot.lang choices="$(printf 'en\nfr')"
is "$rc" 0 "a choice field of the group's own on pilots ($err)"
run C add list inclusion choices="$(printf 'women\nxa')" c.xa.count=score
is "$rc" 1 "an inclusion group counted on a field of the pilots' form is refused"
like "$err" "list/inclusion: xa: score is a field of form/pilot" "naming the form"
run C add list inclusion choices="$(printf 'women\nxb')" c.xb.count=lang
is "$rc" 1 "an inclusion group counted on a list's choice field is refused"
like "$err" "list/inclusion: xb: lang is a field of list/pilot.lang" "naming the list"
run C add pilot gh city=G status=testing participants=10 score=abc lang=en
is "$rc" 0 "the pilot's own fields keep their types ($err)"
done_testing
