#!/bin/bash
# Two members change the group's schema and its data at once, and sync:
# a list merges field by field (its choices line by line) like any
# record, the data follows the merged lists, and the same part changed on
# both sides is a conflict.
. "$(dirname "$0")/lib.sh"

shared="$TMP/shared.git"
git init -q --bare --initial-branch=main "$shared"
a=$(new_workbook)
A() { "$CAIRN" -C "$a" "$@"; }
A add list person.category choices="$(printf 'academia\nngo\nbusiness')" \
	c.academia.seats=3 c.ngo.seats=3 c.business.seats=2 >/dev/null
A add person ana name=Ana category=academia role=key-person >/dev/null
A remote add origin "$shared"
A sync >/dev/null
run "$CAIRN" clone "$shared" "$TMP/b"
is "$rc" 0 "the second member clones the workbook"
b="$TMP/b"
B() { "$CAIRN" -C "$b" "$@"; }

# Member a adds a choice at the end and a person in it; member b adds
# another at the top, changes a seat count and a person's category.
run A set list/person.category choices="$(printf 'academia\nngo\nbusiness\ngovernance')" \
	c.governance.label=Governance
is "$rc" 0 "a: a choice more"
run A add person gus name=Gus category=governance role=reviewer
is "$rc" 0 "a: a person in it"
run B set list/person.category choices="$(printf 'citizens\nacademia\nngo\nbusiness')" \
	c.ngo.seats=4
is "$rc" 0 "b: another choice, another seat count"
run B set person/ana category=ngo
is "$rc" 0 "b: a person's category"
run A sync
is "$rc" 0 "a shares first"
run B sync
is "$rc" 0 "b's sync merges both schemas and both data"
run B show list/person.category --json
like "$out" '"choices": "citizens\\nacademia\\nngo\\nbusiness\\ngovernance"' "the choices merged line by line, each where it was added"
like "$out" '"c.ngo.seats": "4"' "b's seat count"
like "$out" '"c.governance.label": "Governance"' "a's label"
run B show person/gus --json
like "$out" '"category": "governance"' "a's person, in a's new choice, on b"
# Both add a choice at the end: no conflict, both kept.
A set list/person.category choices="$(printf 'citizens\nacademia\nngo\nbusiness\ngovernance\nmedia')" >/dev/null
B set list/person.category choices="$(printf 'citizens\nacademia\nngo\nbusiness\ngovernance\nschools')" >/dev/null
A sync >/dev/null
run B sync
is "$rc" 0 "both add a choice at the end: merged"
run B show list/person.category --json
like "$out" '"choices": "citizens\\nacademia\\nngo\\nbusiness\\ngovernance\\nschools\\nmedia"' "both kept, ours first"
run B add person cy name=Cy category=citizens role=reviewer
is "$rc" 0 "b's new choice holds after the merge"
run B add person di name=Di category=governance role=reviewer
is "$rc" 0 "and so does a's"
run B check
is "$rc" 0 "the merged workbook checks clean"
B sync >/dev/null
run A sync
is "$rc" 0 "a takes it all"
run A show person/ana --json
like "$out" '"category": "ngo"' "b's data on a"
run A add person eli name=Eli category=citizens role=reviewer
is "$rc" 0 "a reads b's choice once synced"

# One member adds a choice and moves a person to it; the other renames that
# person: the record merged from both sides is checked against the list as
# the merge leaves it, not as it was.
A set list/person.category c.media.label=Media >/dev/null
A sync >/dev/null
B sync >/dev/null
A set list/person.category choices="$(printf 'citizens\nacademia\nngo\nbusiness\ngovernance\nschools\nmedia\nunions')" >/dev/null
A set person/ana category=unions >/dev/null
B set person/ana name="Ana M." >/dev/null
A sync >/dev/null
run B sync
is "$rc" 0 "a record merged from both sides takes a choice the same sync brings"
like "$out" "merged: person/ana" "merged field by field"
run B show person/ana --json
like "$out" '"name": "Ana M.", "category": "unions"' "with both changes"

# The same part of one choice changed on both sides: a conflict.
A set list/person.category c.academia.seats=5 >/dev/null
B set list/person.category c.academia.seats=1 >/dev/null
A sync >/dev/null
run B sync
is "$rc" 4 "the same seat count changed on both sides: a conflict"
like "$out" 'conflict: list/person.category: c.academia.seats: ours "1", theirs "5"' \
	"naming the list, the part and both values"
run B resolve list/person.category c.academia.seats --value 4
is "$rc" 0 "resolved as any conflict"
run B sync
is "$rc" 0 "and shared"
run A sync
run A show list/person.category --json
like "$out" '"c.academia.seats": "4"' "both members have the resolution"
ok_cmd "a: git status is clean" git_clean "$a"
ok_cmd "b: git status is clean" git_clean "$b"

done_testing
