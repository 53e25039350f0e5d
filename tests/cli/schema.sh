#!/bin/bash
# The group's own schema (cairn-workbook(5), LISTS): a workbook for
# another group built only with cairn commands, its categories, seats,
# inclusion groups and a field of its own; values refused against its
# lists at save and import; choices in use kept; hostile lists; no name of
# the Citizen City plan left in core/ or tui/.
. "$(dirname "$0")/lib.sh"

wb=$(new_workbook)
C() { "$CAIRN" -C "$wb" "$@"; }

# ---- a group of its own ----
run C add list person.category title="Team" \
	choices="$(printf 'academia\nngo\ngovernance\nbusiness')" \
	c.academia.label=Academia c.academia.label.fr=Universitaires c.academia.seats=3 \
	c.ngo.label=NGOs c.ngo.seats=3 c.governance.label=Governance c.governance.seats=2 \
	c.business.label=Business c.business.seats=2
is "$rc" 0 "a list of the group's own categories, with seats"
run C add person ana name="Ana" category=academia role=key-person
is "$rc" 0 "a person in one of them"
run C add person bob name="Bob" category=Academia role=reviewer
is "$rc" 0 "matched ignoring case"
run C show person/bob --json
like "$out" '"category": "academia"' "stored as the key"
run C add person eve name="Eve" category=brussels-wg role=key-person
is "$rc" 1 "a category of cairn's built-in list is refused"
like "$err" "person/eve: category: 'brussels-wg' is not one of: academia, ngo, governance, business" \
	"naming record, field, value and the group's choices"
run C ls person
like "$out" "ana +key-person +academia +Ana" "ls shows it"
run C ls person category=academia
like "$out" "^ana " "ls filters on it"
run C ls list --json
like "$out" '"id": "person.category"' "the list is a record: ls --json"
run C show list/person.category
is "$(printf '%s\n' "$out" | grep -o 'c\.[a-z]*\.' | uniq | tr -d '\n')" "c.academia.c.ngo.c.governance.c.business." \
	"show: each choice's parts in the list's order"

# A list of a field the group adds: a choice field more on persons.
run C add list person.expertise choices="$(printf 'ux\nlaw\ndata')"
is "$rc" 0 "a list of a field of the group's own"
run C set person/ana expertise=law
is "$rc" 0 "the new field takes its choices"
run C set person/bob expertise=cooking
is "$rc" 1 "and refuses others"
like "$err" "person/bob: expertise: 'cooking' is not one of: ux, law, data" "naming them"
run C show person/ana
like "$out" "expertise +law" "show lists it"
run C ls person expertise=law
is "$out" "$(C ls person | grep '^ana ')" "ls filters on it"
run C ls person expertise= --names
is "$out" "person/bob" "and on its absence"

# Inclusion groups: a new group measured on a new pilot count, a target.
run C add list inclusion title="Inclusion" \
	choices="$(printf 'women\ndisabilities\nyoung')" c.women.label=Women \
	c.disabilities.label="People with disabilities" c.young.label="Younger people" \
	c.young.count=under25
is "$rc" 0 "the group's inclusion groups"
run C add target disabilities label="Disabled among participants" minimum=10
is "$rc" 0 "a target on a new group"
run C add target aged65 label="65+" minimum=15
is "$rc" 1 "a target on a group the workbook does not list is refused"
like "$err" "target/aged65: a target is named after an inclusion group \(women, disabilities, young\)" \
	"naming the groups"
run C add pilot ghent city=Ghent status=testing participants=50 women=20 disabilities=4 under25=9
is "$rc" 0 "a pilot counts the new groups"
run C set pilot/ghent disabilities=many
is "$rc" 1 "a group's count is a count"
like "$err" "pilot/ghent: disabilities: 'many' is not a whole number" "said so"
run C show pilot/ghent
like "$out" "disabilities 8.0% \(target 10%: SHORT\)" "show: the new group against its target"
like "$out" "young 18.0%" "measured on the count it names"
run C show pilot/ghent --json
like "$out" '"disabilities": \{"percent": 8.0, "target": 10, "met": false\}' "--json"
run C ls pilot disabilities=4 --names
is "$out" "pilot/ghent" "ls filters on a group's count"
run C ls pilot 'disabilities=3' --names
is "$out" "" "exactly"
run C report
like "$out" "People with disabilities \(min. 10%\)" "the report's column"
like "$out" "8%? short|8.0% short" "and share"
run C export csv pilot
like "$out" "disabilities" "the export has the new count"
like "$out" "under25" "each of them"

# ---- fields of the group's own, typed as a template's questions ----
run C add form pilot questions="$(printf 'budget\nlaunch\nonline\nchannel\nscore\nreach')" \
	q.budget.type=number q.budget.min=0 q.budget.prompt="Budget (EUR)" \
	q.budget.prompt.fr="Budget (euros)" q.budget.help="What the pilot costs" \
	q.launch.type=date q.launch.prompt="Launched on" q.online.type=yesno q.online.prompt=Online \
	q.channel.type=single q.channel.prompt=Channel q.channel.choices="$(printf 'web\nphone')" \
	q.score.type=scale q.score.prompt=Score q.reach.type=percent q.reach.prompt=Reach
is "$rc" 0 "a form of the pilots' own fields"
run C set pilot/ghent budget=1200 launch=01/03/2026 online=Yes channel=Phone score=4 reach=35%
is "$rc" 0 "its fields take values as their questions' answers"
run C show pilot/ghent --json
like "$out" '"budget": "1200", "launch": "2026-03-01", "online": "yes", "channel": "phone", "score": "4", "reach": "35"' \
	"in their stored form, in the form's order"
for bad in "budget=-5|budget: -5 is out of range: write at least 0" \
	"channel=fax|channel: 'fax' is not one of the choices" \
	"score=9|score:" "launch=31/02/2026|launch:" "reach=120|reach:"; do
	run C set pilot/ghent "${bad%%|*}"
	is "$rc" 1 "refused: ${bad%%|*}"
	like "$err" "pilot/ghent: ${bad#*|}" "naming record and field"
done
run C export csv pilot
like "$out" "budget,launch,online,channel,score,reach" "exported"
run C set form/pilot questions="$(printf 'budget\nlaunch\nonline\nchannel\nscore\nreach\nmentor')" \
	q.mentor.type=reference q.mentor.kind=person q.mentor.prompt=Mentor
is "$rc" 0 "a field that refers to a record of a kind"
run C set pilot/ghent mentor=ANA
is "$rc" 0 "a person's id"
run C show pilot/ghent --json
like "$out" '"mentor": "ana"' "stored as the record's own id"
run C set pilot/ghent mentor=ghost
is "$rc" 1 "a record that is not there is refused"
like "$err" "pilot/ghent: mentor: there is no person/ghost in this workbook" "naming it"
run C set form/pilot q.mentor.kind=gadget
is "$rc" 1 "a reference names a kind"
run C add form person questions=name q.name.type=text q.name.prompt=Name
is "$rc" 1 "a field named like one of the kind's own is refused"
like "$err" "form/person: name: person already has a field name \(text\)" "saying so"
run C add form pilot2 questions=x q.x.type=text q.x.prompt=X
is "$rc" 1 "a form is named after a kind"
run C add form evaluation questions=answer q.answer.type=text q.answer.prompt=X
is "$rc" 1 "not like an evaluation's answers"

# ---- import: refused against the group's list ----
printf 'id,name,category,role\ncarl,Carl,ngo,reviewer\ndora,Dora,industry,reviewer\n' > "$TMP/p.csv"
run C import csv person "$TMP/p.csv"
is "$rc" 1 "an import with a value off the list is refused"
like "$err" "p.csv:3:3: category: 'industry' is not one of: academia, ngo" "naming row, field, value, choices"
run C show person/carl
is "$rc" 1 "and nothing of it is saved"

# A file that brings a group's lists and the records that use them, in
# any order: the records are checked against the lists it brings.
imp=$(new_workbook)
cat > "$TMP/group.json" <<'JSON'
[
 {"kind": "person", "id": "zoe", "fields": {"name": "Zoe", "category": "schools", "role": "reviewer"}},
 {"kind": "pilot", "id": "oslo", "fields": {"city": "Oslo", "status": "testing", "participants": "10", "poverty": "3"}},
 {"kind": "list", "id": "person.category", "fields": {"choices": "schools\nunions", "c.schools.seats": "2"}},
 {"kind": "list", "id": "inclusion", "fields": {"choices": "poverty", "c.poverty.label": "People experiencing poverty"}},
 {"kind": "target", "id": "poverty", "fields": {"label": "Poverty", "minimum": "20"}}
]
JSON
run "$CAIRN" -C "$imp" import json "$TMP/group.json"
is "$rc" 0 "one import brings the lists and the records that use them"
run "$CAIRN" -C "$imp" show pilot/oslo
like "$out" "poverty 30.0% \(target 20%: met\)" "checked and shown against the lists it brought"
sed -i 's/"schools", "role"/"farmers", "role"/; s/"zoe"/"yan"/; s/"oslo"/"rome"/' "$TMP/group.json"
run "$CAIRN" -C "$imp" import json "$TMP/group.json"
is "$rc" 1 "a record off the lists the import brings is refused"
like "$err" "person/yan: category: 'farmers' is not one of: schools, unions" "naming it"
run "$CAIRN" -C "$imp" show pilot/rome
is "$rc" 1 "and nothing of that import is saved"
run "$CAIRN" -C "$imp" add person xia name=Xia category=unions role=reviewer
is "$rc" 0 "after a refused import, the workbook's own lists hold"

# ---- changing the schema safely ----
run C set list/person.category choices="$(printf 'ngo\ngovernance\nbusiness')"
is "$rc" 1 "dropping a choice still in use is refused"
like "$err" "list/person.category: choices: 2 records still use a choice this change drops: person/ana \(academia\), person/bob \(academia\)" \
	"naming the records that use it"
run C show person/ana --json
like "$out" '"category": "academia"' "the value is untouched"
run C set list/person.category choices="$(printf 'academia\nngo\ngovernance')"
is "$rc" 0 "dropping a choice nobody uses"
run C show list/person.category --json
like "$out" '"c.business.label": "Business"' "its parts stay, unread, for the day it is listed again"
run C add person gil name=Gil category=business role=reviewer
is "$rc" 1 "and it is no longer a choice"
run C set list/inclusion choices="$(printf 'women\nyoung')"
is "$rc" 1 "dropping a group with a target is refused"
like "$err" "target/disabilities" "naming the target"
run C rm list/person.expertise
is "$rc" 0 "removing a list of the group's own field"
is "$(grep -c '^expertise: law$' "$wb"/persons/*/ana)" 1 "its value stays in the record"
run C set person/ana name="Ana M."
is "$rc" 0 "the record is still saved"
is "$(grep -c '^expertise: law$' "$wb"/persons/*/ana)" 1 "keeping the field it no longer names"

run C rm form/pilot
is "$rc" 0 "removing the pilots' form"
is "$(grep -c '^budget: 1200$' "$wb"/pilots/*/ghent)" 1 "its values stay in the records"
run C set pilot/ghent topic=Housing
is "$rc" 0 "which are still saved"
is "$(grep -c '^budget: 1200$' "$wb"/pilots/*/ghent)" 1 "keeping the fields the schema no longer names"

# ---- hostile lists ----
run C add list person.name choices=x
is "$rc" 1 "a list named like a built-in field is refused"
like "$err" "list/person.name: name is a text field of cairn's own" "saying why"
run C add list person.role choices="$(printf 'leader\nboss')"
is "$rc" 1 "the roles drive cairn's rules: a list of them keeps cairn's keys"
like "$err" "'boss' is not one of cairn's keys; the keys of person.role are cairn's own" "said so"
run C add list milestone.status choices=open
is "$rc" 1 "nor the statuses"
run C add list pilot.a.b choices=open
is "$rc" 1 "a field's name has no dot"
run C add list evaluation.answer.x choices=open
is "$rc" 1 "an evaluation's answer.* is the template's"
run C add list teams choices=a
is "$rc" 1 "a list names the field it lists"
like "$err" "a list is named KIND.FIELD" "said how"
run C add list tool.kind choices="$(printf 'a\na')"
is "$rc" 1 "a choice twice"
like "$err" "'a' is listed twice" "said so"
run C add list tool.kind choices="$(printf 'a b')"
is "$rc" 1 "a key with a blank"
run C add list tool.kind choices=a c.a.colour=red
is "$rc" 1 "a part of a choice cairn does not know is refused when typed"
# A list of 10,000 choices: held, checked, and the first screen stays quick.
seq -f 'c%05g' 1 10000 > "$TMP/many"
run C add list tool.kind title="Many kinds" choices="$(cat "$TMP/many")"
is "$rc" 0 "a list of 10,000 choices"
run C add tool t1 name=T1 kind=c09999
is "$rc" 0 "its last choices work"
run C add tool t2 name=T2 kind=nope
is "$rc" 1 "a value off it is refused"
like "$err" "tool/t2: kind: 'nope' is not one of: c00001, c00002, .*\(10000 choices in all\)" \
	"the message names a dozen and the count, not 10,000"
start=$(date +%s%N)
C ls tool >/dev/null
ms=$(( ($(date +%s%N) - start) / 1000000 ))
ok_cmd "ls with it in under 2 s ($ms ms)" test "$ms" -lt 2000
python3 - "$TMP/toomany.json" <<'PY'
import json, sys
json.dump([{"kind": "list", "id": "tool.kind",
            "fields": {"choices": "\n".join("c%05d" % i for i in range(20001))}}],
          open(sys.argv[1], "w"))
PY
run C import json "$TMP/toomany.json"
is "$rc" 1 "more than 20,000 choices are refused"
like "$err" "list/tool.kind: choices: 20001 choices; a list holds at most 20000" "said so"

# A list written by a newer cairn (a part this one does not know) keeps
# every byte, and its choices still hold.
f=$(ls "$wb"/lists/*/person.category)
printf 'c.ngo.colour: green\n' >> "$f"
git -C "$wb" commit -qam "a newer cairn's list"
sum=$(sha1sum < "$f")
run C add person fay name=Fay category=ngo role=reviewer
is "$rc" 0 "a list with a newer part still reads"
run C check
is "$rc" 0 "and is no problem"
is "$(sha1sum < "$f")" "$sum" "its file keeps every byte"
ok_cmd "git status is clean" git_clean "$wb"
# A peer's list no save would take (a choice twice, a line no key) still
# reads, and the records that use it with it.
printf 'choices:\n ngo\n academia\n ngo\n not a key\n governance\n' > "$f"
git -C "$wb" commit -qam "a peer's careless list"
run C show person/ana --json
like "$out" '"category": "academia"' "the records that use a careless list still read"
run C check
is "$rc" 0 "and nothing is unreadable"
run C add person hal name=Hal category=governance role=reviewer
is "$rc" 0 "its choices hold"

# ---- only a leader changes the schema ----
ewb="$TMP/enforced"
"$CAIRN" init "$ewb" --name group >/dev/null
"$CAIRN" -C "$ewb" add person kim name=Kim category=industry role=key-person email=kim@example.org >/dev/null
printf '[user]\nname = Kim\nemail = kim@example.org\n' > "$TMP/kim.cfg"
run env CAIRN_CONFIG="$TMP/kim.cfg" "$CAIRN" -C "$ewb" add list person.category choices=x
is "$rc" 1 "a key person may not add a list"
like "$err" "ask a leader to add the list" "and is told whom to ask"
run env CAIRN_CONFIG="$TMP/kim.cfg" "$CAIRN" -C "$ewb" add form tool questions=x q.x.type=text q.x.prompt=X
is "$rc" 1 "nor a form"
run "$CAIRN" -C "$ewb" add list tool.kind choices="$(printf 'app\nmeeting')"
is "$rc" 0 "a leader may"
run env CAIRN_CONFIG="$TMP/kim.cfg" "$CAIRN" -C "$ewb" set list/tool.kind c.app.label=Apps
is "$rc" 1 "and only a leader changes it"

# ---- a workbook with no lists keeps cairn's built-in ones ----
old=$(new_workbook)
run "$CAIRN" -C "$old" add person zed name=Zed category=brussels-wg role=reviewer
is "$rc" 0 "no lists: the built-in categories"
run "$CAIRN" -C "$old" ls list
is "$out" "" "and no list record is made"

# ---- the README's recipe, as written ----
readme_blocks "The group's own lists"
rwb=$(new_workbook)
run bash -c "cd '$rwb' && PATH='$(dirname "$CAIRN")':\$PATH && set -e && . '$TMP/block.1'"
is "$rc" 0 "the README's recipe runs"
like "$out" "disabilities 12.0% \(target 10%: met\)" "and shows the new group against its target"

# ---- no name of the Citizen City plan in core/ or tui/ ----
# Only cairn's built-in lists, the fallback of a workbook with none, hold
# them (core/model/schema_builtin.c); the demo carries its own.
names=$(grep -rnE "brussels|eip-commitment|city-network|eurocities|polis|scc-project|co-design|co-creation|women|migrants|peripher|aged65" \
	"$top_srcdir/core" "$top_srcdir/tui" "$top_srcdir/include" --include=*.c --include=*.h \
	| grep -v "^$top_srcdir/core/model/schema_builtin.c:")
is "$names" "" "no name of the Citizen City plan in core/, tui/ or include/"
for id in person.category pilot.network tool.kind inclusion; do
	like "$(grep -c "\"id\": \"$id\"" "$top_srcdir/share/demo/citizen-city.json")" "^1$" "the demo carries its list $id"
done

done_testing
