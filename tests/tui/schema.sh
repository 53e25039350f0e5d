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
