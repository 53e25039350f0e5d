#!/bin/bash
# A kind's form (cairn-workbook(5), FORMS) holds its fields to the rules a
# template's questions follow: required, required only when its `when`
# holds, a constraint with its own message, an expression checked when
# the form is saved.  The rules hold at every save (add, set, import, a
# hand edit committed), never at a load or a merge: a peer's record that
# breaks them is kept byte for byte and `cairn check` lists it.  A record
# named by a form's reference field is not removed while it is named.
. "$(dirname "$0")/lib.sh"

wb=$(new_workbook)
C() { "$CAIRN" -C "$wb" "$@"; }
C add person ana name=Ana category=other role=key-person >/dev/null
C add person bob name=Bob category=other role=reviewer >/dev/null

# ---- the form, with its logic ----
run C add form pilot questions="$(printf 'funded\nbudget\nsponsor\nnote')" \
	q.funded.type=yesno q.funded.prompt=Funded q.funded.required=yes \
	q.budget.type=number q.budget.prompt="Budget (EUR)" q.budget.required=yes \
	q.budget.when="\${funded} = 'yes'" q.budget.constraint=". <= 5000" \
	q.budget.constraint-message="a pilot's budget is at most 5000 EUR" \
	q.budget.constraint-message.fr="le budget d'un pilote est d'au plus 5000 EUR" \
	q.sponsor.type=reference q.sponsor.kind=person q.sponsor.prompt=Sponsor \
	q.note.type=text q.note.prompt=Note q.note.when="\${funded} = 'no'"
is "$rc" 0 "a form of the pilots' fields with required, when and constraint ($err)"

run C add pilot ghent city=Ghent status=testing participants=50
is "$rc" 1 "add: a required field left out is refused"
like "$err" "pilot/ghent: funded: is required; set it with funded=VALUE" "naming record and field"
run C add pilot ghent city=Ghent status=testing participants=50 funded=yes
is "$rc" 1 "add: a field its when makes relevant and required is refused when missing"
like "$err" "pilot/ghent: budget: is required when \\\$\{funded\} = 'yes'; set it with budget=VALUE" \
	"saying when it is required"
run C add pilot ghent city=Ghent status=testing participants=50 funded=no
is "$rc" 0 "not funded: the budget is not asked, so not required"
run C set pilot/ghent funded=yes
is "$rc" 1 "set: an edit that makes a required field relevant needs it"
like "$err" "pilot/ghent: budget: is required when" "said so"
run C set pilot/ghent funded=yes budget=9000
is "$rc" 1 "set: a value against its constraint is refused"
like "$err" "pilot/ghent: budget: a pilot's budget is at most 5000 EUR" "with the form's own message"
run env LANGUAGE=fr LANG=fr_FR.UTF-8 "$CAIRN" -C "$wb" set pilot/ghent funded=yes budget=9000
is "$rc" 1 "refused in French too"
run C set pilot/ghent funded=yes budget=1200
is "$rc" 0 "set: both together pass"
run C set pilot/ghent funded=no
is "$rc" 0 "back to not funded: the budget is no longer asked"
is "$(grep -c '^budget: 1200$' "$wb"/pilots/*/ghent)" 1 "and its value is kept, never dropped"
run C show pilot/ghent
like "$out" "budget +1200" "show gives the value"
like "$out" "\(not asked: only when \\\$\{funded\} = 'yes'\)" "and says it is not asked, and why"
like "$out" "\(Funded\)" "a field asked is shown with its prompt"
run C set pilot/ghent funded=
is "$rc" 1 "set: emptying a required field is refused"
like "$err" "pilot/ghent: funded: is required" "naming it"

# ---- the form's expressions are checked when it is saved ----
run C set form/pilot q.budget.when="\${funded} = 'yes"
is "$rc" 1 "a when with an unclosed quote is refused"
like "$err" "form/pilot: q.budget.when: at character 13: a text without its closing quote" \
	"naming form, field and the character"
run C set form/pilot q.budget.when="\${nosuch} = 1"
is "$rc" 1 "a when that reads no field of the form is refused"
like "$err" "form/pilot: q.budget.when: at character 1: \\\$\{nosuch\} is not a question of this form" "saying so, and where"
run C set form/pilot q.funded.when="\${budget} > 1"
is "$rc" 1 "a when that reads a later field is refused"
like "$err" "form/pilot: q.funded.when: at character 1: \\\$\{budget\} comes after this question" "saying so, and where"
run C set form/pilot q.budget.constraint=". <= "
is "$rc" 1 "a broken constraint is refused"
like "$err" "form/pilot: q.budget.constraint: at character" "with its position"
run C set form/pilot q.note.when="system('touch $TMP/pwned')"
is "$rc" 1 "a would-be command is a parse error"
[ ! -e "$TMP/pwned" ] && pass "which runs nothing" || fail "which runs nothing"

# ---- import and hand edits are held to them ----
printf 'id,city,status,participants,funded,budget\noslo,Oslo,testing,10,yes,\n' > "$TMP/p.csv"
run C import csv pilot "$TMP/p.csv"
is "$rc" 1 "import: a row without a field its when requires is refused"
like "$err" "budget: is required when" "naming the field"
run C show pilot/oslo
is "$rc" 1 "and nothing of it is saved"
printf 'id,city,status,participants,funded,budget\noslo,Oslo,testing,10,yes,800\n' > "$TMP/p.csv"
run C import csv pilot "$TMP/p.csv"
is "$rc" 0 "import: with it, the row is saved ($err)"
path=$(ls "$wb"/pilots/*/oslo)
sed -i 's/^budget: 800$/budget: 8000/' "$path"
run C commit
is "$rc" 1 "a hand edit against the constraint is not committed"
like "$err" "pilot/oslo: budget: a pilot's budget is at most 5000 EUR" "naming record and field"
git -C "$wb" checkout -q -- "${path#$wb/}"

# ---- a form made stricter: records saved before stay editable, check lists them ----
run C set form/pilot q.sponsor.required=yes
is "$rc" 0 "the sponsor is now required ($err)"
run C set pilot/ghent participants=60
is "$rc" 0 "a pilot saved without a sponsor is still edited"
run C check
like "$out$err" "pilot/ghent: sponsor: is required" "cairn check lists the records that break the form"
like "$out$err" "pilot/oslo: sponsor: is required" "each of them"
run C set pilot/ghent sponsor=ANA
is "$rc" 0 "given a sponsor"
run C set pilot/oslo sponsor=ana
run C check
unlike "$out$err" "sponsor: is required" "check no longer lists them"

# ---- removing a record a reference field names ----
run C rm person/ana
is "$rc" 1 "a person a pilot's reference field names is not removed"
like "$err" "person/ana is still named by 2 records: pilot/ghent \(sponsor\), pilot/oslo \(sponsor\); change or remove those first" \
	"naming the records, the field and what to do"
run C show person/ana
is "$rc" 0 "and is still there"
run C set pilot/ghent sponsor=bob
run C set pilot/oslo sponsor=bob
run C rm person/ana
is "$rc" 0 "named by none, it is removed ($err)"

# ---- a peer's record is kept as it came; check lists it ----
C set pilot/ghent funded=yes budget=1200 >/dev/null
shared="$TMP/shared.git"
git init -q --bare --initial-branch=main "$shared"
C remote add origin "$shared" >/dev/null
C sync >/dev/null
run "$CAIRN" clone "$shared" "$TMP/b"
is "$rc" 0 "a second member clones the workbook"
b="$TMP/b"
bpath=$(cd "$b" && ls pilots/*/ghent)
# The peer's cairn held no such rule: its commit breaks the constraint.
sed -i 's/^budget: 1200$/budget: 7777/' "$b/$bpath"
git -C "$b" -c user.name=Peer -c user.email=peer@example.org commit -q -am "a peer's budget"
git -C "$b" push -q origin HEAD:main
run C sync
is "$rc" 0 "the sync takes the peer's record ($err)"
is "$(cat "$wb/$bpath")" "$(git -C "$b" show "HEAD:$bpath")" "byte for byte"
run C show pilot/ghent
like "$out" "7777" "and reads it"
run C check
like "$out$err" "pilot/ghent: budget: a pilot's budget is at most 5000 EUR" "check lists it"
run C set pilot/ghent participants=70
is "$rc" 0 "a rule it broke when it came is not held against another edit"
run C set pilot/ghent budget=7000
is "$rc" 1 "but a new value is checked"

done_testing
