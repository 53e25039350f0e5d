#!/bin/bash
# A workbook of another group, built with cairn commands: the persons
# view sets its own categories against its own seats, the dashboard's bars
# show its own inclusion groups, and a person's category is picked from
# its own list, a value off it refused in the form.
. "$(dirname "$0")/lib.sh"

wb="$TMP/group"
"$CAIRN" init --open "$wb" --name Platforms >/dev/null
G() { "$CAIRN" -C "$wb" "$@" >/dev/null; }
G add list person.category title=Team choices="$(printf 'academia\nngo\nbusiness')" \
	c.academia.label=Academia c.academia.label.fr=Universitaires c.academia.seats=2 \
	c.ngo.label=NGOs c.ngo.seats=1 c.business.label=Business
G add person ana name=Ana category=academia role=key-person email=test@example.org
G add person ned name=Ned category=ngo role=reviewer
G add list inclusion choices="$(printf 'women\ndisabilities')" c.women.label=Women \
	c.disabilities.label="With disabilities" c.disabilities.label.fr="En situation de handicap"
G add target disabilities label="Disabled among participants" minimum=10
G add pilot ghent city=Ghent status=testing participants=50 women=25 disabilities=4
G add form person questions=team q.team.type=single q.team.prompt=Team q.team.prompt.fr=Équipe \
	q.team.help="Which team they work in" q.team.choices="$(printf 'alpha\nbeta')"

start() {   # W H [ENV]
	open_session "$1" "$2" "env TERM=tmux-256color ${3:-} '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
	wait_for "\? help" >/dev/null
}

start 80 24
keys 4
shows "^    Academia +1 of 2 SHORT$" "the group's own category against its own seats"
shows "^    NGOs +1 of 1 filled$" "each of them"
lacks "Brussels" "and none of cairn's built-in plan"
keys 1
shows "^      With disabilities +8.0%  SHORT" "the dashboard's bars: the group's own inclusion group"
shows "^      Women +50.0%" "and its others"
lacks "Aged 65" "none of the built-in groups"
keys 4 Enter
shows "^person/ana" "a person of the group opens"
keys j j j e
shows "^Category \(academia/ngo/business\): academia" "the category is picked from the group's own list"
keys C-u brussels-wg Enter
shows "category: 'brussels-wg' is not one of: academia, ngo, business" \
	"a value off the list is refused in the form, naming the choices"
keys C-u ngo Enter
shows "^> Category +ngo" "a choice of the list is saved"
# A field of the group's own (its form) is answered as its question is.
keys j j j
shows "^> Team *$" "the form's field is in the record"
keys e
shows "^Which team they work in" "its help above the prompt"
shows "^1 alpha, 2 beta" "its choices, by number"
keys 2 Enter
shows "^> Team +beta" "picked by number"
keys Q
is "$("$CAIRN" -C "$wb" show person/ana --json | grep -c '"category": "ngo"')" 1 "and committed"
is "$("$CAIRN" -C "$wb" show person/ana --json | grep -c '"team": "beta"')" 1 "the form's field too"

# In French, the labels the list gives in French.
start 80 24 "LANGUAGE=fr LC_ALL=fr_FR.UTF-8"
keys 4
shows "Universitaires" "a label per language"
keys Enter
shows "Équipe +beta" "a form's field labelled in French"
keys 1
shows "En situation de handic +8.0%" "in the bars too (cut to fit)"
keys Q

# ---- the schema view: F, or :schema ----
G add form pilot questions="$(printf 'funded\nbudget\nmentor')" q.funded.type=yesno \
	q.funded.prompt=Funded q.budget.type=number q.budget.prompt="Budget (EUR)" \
	q.budget.required=yes q.budget.when="\${funded} = 'yes'" q.budget.constraint=". <= 5000" \
	q.budget.help="What the pilot costs" q.mentor.type=reference q.mentor.kind=person \
	q.mentor.prompt=Mentor
G set pilot/ghent mentor=ana
start 80 24
keys F
shows "^Lists and forms" "F opens the lists and forms"
shows "^[> ] list/inclusion \(2 choices\)" "the group's inclusion groups"
shows "^    disabilities +With disabilities +1 disabilities$" "each with its label, the pilots counting it and the count"
keys j j j j j j
shows "^[> ]   ngo +NGOs +2 +1$" "a category with its label, the records using it and its seats"
shows "^[> ] list/person.category +Team \(3 choices\)" "the categories' list"
keys G
shows "^[> ] form/pilot +3 fields of every pilot" "the pilots' form"
shows "^[> ]   budget +number +yes, when asked$" "a field with its type and when it is required"
shows "^ +asked when: \\\$\{funded\} = 'yes'$" "when it is asked"
shows "^ +must hold: \. <= 5000$" "what it must hold"
shows "^[> ]   mentor +reference to person +no$" "a reference and the kind it names"
keys q : schema Enter
shows "^Lists and forms" ":schema opens it too"
keys ?
shows "9 Targets, F the" "? names it among the views"
keys / schema Enter
shows "schema +F +The group's lists and forms" "and its key"
keys q q
# A list opens as a record, its parts edited in place.
keys g j j j j j j Enter
shows "^list/person.category" "Enter opens the list"
shows "c.academia.label +Academia" "with its choices' parts"
keys j j e C-u Universities Enter
shows "^> c.academia.label +Universities" "a part edited in place"
keys q
shows "^[> ]   academia +Universities" "and the schema view shows it"
keys Q
is "$("$CAIRN" -C "$wb" show list/person.category --json | grep -c '"c.academia.label": "Universities"')" 1 \
	"committed"

# ---- a form's logic in the record ----
start 80 30
keys 7 Enter
shows "^pilot/ghent" "a pilot opens"
shows "Budget \(EUR\) +\(not asked: only when \\\$\{funded\} = 'yes'\)" \
	"a field its when does not ask is shown dim, with why"
keys G
while ! screen | grep -q "^> Funded"; do keys k; screen | grep -q "^> City" && break; done
shows "^> Funded" "on the field that decides"
keys e
shows "What the pilot costs" "funded: the budget it makes required is asked at once, its help above"
shows "Budget \(EUR\) \(required when" "saying why"
keys 9000 Enter
shows "budget: 9000 does not meet|budget: '9000' does not meet" "its constraint is held"
keys e
keys 1200 Enter
shows "^  Budget \(EUR\) +1200" "both saved together"
keys Q
run "$CAIRN" -C "$wb" show pilot/ghent --json
like "$out" '"funded": "yes", "budget": "1200"' "in one commit"
like "$(git -C "$wb" log -1 --format=%s)" "ghent: funded no -> yes, budget 1200|ghent: funded yes, budget 1200" \
	"which names both"
# Removing a person a form's reference names, from the command prompt.
start 80 24
keys : "rm person/ana" Enter
shows "press Enter to go back to cairn" ":rm runs"
reads "person/ana is still named by 1 record: pilot/ghent (mentor)" "and refuses it, naming the record and the field"
keys Enter Q

# The second plan, opened and walked.
wb="$TMP/platforms"
"$CAIRN" demo --plan platforms "$wb" >/dev/null
start 80 24
shows "online-consultation +1" "the Platforms plan opens on its dashboard"
keys 4
shows "^    Academia +0 of 3 SHORT \(3 seats held, to be named\)$" "its team against its seats"
keys 2
shows "P2 .*Gathering and Analyzing" "its phases"
keys 5
shows "online-consultation" "the platforms it evaluates"
keys Q
done_testing
