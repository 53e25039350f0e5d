#!/bin/bash
# cairn's own choices (statuses, roles) by their labels: typed in the
# reader's language or any other, stored as cairn's keys; a group's list
# of the same id relabels them, synced and merged like any list, and may
# neither add nor remove a key.
. "$(dirname "$0")/lib.sh"

export CAIRN_LOCALEDIR=${CAIRN_LOCALEDIR:-$(dirname "$CAIRN")/locale}
fr() { env -u LC_ALL LANG=fr_FR.UTF-8 "$CAIRN" "$@"; }
shared="$TMP/shared.git"
git init -q --bare --initial-branch=main "$shared"
a=$(new_workbook)
A() { "$CAIRN" -C "$a" "$@"; }
A add milestone M4 title="Evaluation of existing tools" >/dev/null
A add person maria name="Maria Rossi" category=other role=key-person >/dev/null

run fr -C "$a" set M4 status=terminé
is "$rc" 0 "a status typed by its French label"
like "$(cat "$a"/milestones/*/M4)" "^status: done$" "stored as cairn's key"
run fr -C "$a" set M4 "status=En cours"
is "$rc" 0 "ignoring case, with a blank"
like "$(cat "$a"/milestones/*/M4)" "^status: active$" "active"
run fr -C "$a" set person/maria role=Personne-clé
is "$rc" 0 "a role by its French label"
run A set person/maria role=personne-clé
is "$rc" 1 "cairn's labels are the reader's language's: not French under C"
run A set M4 status=fini
is "$rc" 1 "a word that is no label is refused"
like "$err" "milestone/M4: status: 'fini' is not one of: planned, active, done, dropped" \
	"naming the keys"
run fr -C "$a" set M4 status=fini
like "$err" "« fini » n'est pas l'une des valeurs : prévu \(planned\), en cours \(active\), terminé \(done\), abandonné \(dropped\)$" \
	"in French, the labels one may type, with their keys"
run fr -C "$a" ls milestone "status=en cours"
like "$out" "^M4 " "ls filters by a label too"
run A show M4 --json
like "$out" '"status": "active"' "--json keeps the key"

# A group's list of cairn's own field: relabels, keys unchanged.
keys=$(printf 'planned\nactive\ndone\ndropped')
run A add list milestone.status choices="$keys" c.done.label=Finished c.done.label.fr=Achevé
is "$rc" 0 "a list relabelling the milestones' statuses"
run A set M4 status=achevé
is "$rc" 0 "its French label typed"
like "$(cat "$a"/milestones/*/M4)" "^status: done$" "stored as the key"
run A set M4 status=finished
is "$rc" 0 "its default label typed"
run fr -C "$a" set M4 status=prévu
is "$rc" 0 "cairn's label still names a choice the list does not relabel"
run fr -C "$a" set M4 status=terminé
is "$rc" 0 "and one it relabels"
like "$(cat "$a"/milestones/*/M4)" "^status: done$" "done"
run A set list/milestone.status choices="$(printf '%s\nlater' "$keys")"
is "$rc" 1 "a key added is refused"
like "$err" "list/milestone.status: choices: 'later' is not one of cairn's keys; the keys of milestone.status are cairn's own" \
	"naming the key, saying whose keys they are"
run A set list/milestone.status choices="$(printf 'planned\nactive\ndone')"
is "$rc" 1 "a key removed is refused"
like "$err" "'dropped' is missing; the keys of milestone.status are cairn's own" "naming it"
run A set list/milestone.status c.done.seats=2
is "$rc" 1 "a status has no seats"
run A add list task.status choices=open
is "$rc" 1 "nor other keys for the tasks"

# Two members relabel at once: merged field by field.
A remote add origin "$shared" >/dev/null
A sync >/dev/null
run "$CAIRN" clone "$shared" "$TMP/b"
is "$rc" 0 "the second member clones"
b="$TMP/b"
B() { "$CAIRN" -C "$b" "$@"; }
run A set list/milestone.status c.active.label.fr="En marche"
is "$rc" 0 "a relabels active in French"
run B set list/milestone.status c.planned.label.fr="À venir"
is "$rc" 0 "b relabels planned"
A sync >/dev/null
run B sync
is "$rc" 0 "b's sync merges both"
run B show list/milestone.status --json
like "$out" '"c.active.label.fr": "En marche"' "a's label"
like "$out" '"c.planned.label.fr": "À venir"' "b's label"
like "$out" '"c.done.label.fr": "Achevé"' "the first one kept"
run env -u LC_ALL LANG=fr_FR.UTF-8 "$CAIRN" -C "$b" set M4 "status=à venir"
is "$rc" 0 "b types a's merged label"
like "$(cat "$b"/milestones/*/M4)" "^status: planned$" "stored as the key"
run B check
is "$rc" 0 "and the workbook checks clean"

done_testing
