#!/bin/bash
# cairn's own choices (statuses, roles) in French at 80x24: shown by their
# labels in the tables, a record, my work and the dashboard's pilot lines,
# offered by label in the edit prompt and typed by label, stored as keys;
# a group's list of milestone.status relabels them on screen.
. "$(dirname "$0")/lib.sh"

export CAIRN_LOCALEDIR=${CAIRN_LOCALEDIR:-$(dirname "$CAIRN")/locale}
KEY_DELAY=0.4
fr="env -u LC_ALL LANG=fr_FR.UTF-8 TERM=tmux-256color CAIRN_LOCALEDIR='$CAIRN_LOCALEDIR'"

open_session 80 24 "$fr '$CAIRN' -C '$wb'; sleep 30"
shows "^Tableau de bord" "the dashboard in French"
keys G
shows "^> slot-02 en test +80 participants" "its pilot lines: the status in French"
keys 0
shows "^>? +design-game +attribuée +validateur" "my work: my evaluation's status in French"
keys 2
shows "^  M3 +29/02/2016  en cours  " "milestones: a status in French"
shows "^  M1 +31/12/2015  terminé  " "another"
shows "^> FINAL +30/06/2016  prévu  " "and another"
lacks " (active|done|planned) " "no English status left"
keys 3
shows "^> T1 +31/01/2016  terminé  " "tasks too"
keys 4
shows "^  ec-1 +relecteur  " "persons: a role in French"
shows "^> bwg-1 +personne-clé  " "whole in its column"
keys 5
shows "decidim +renvoyée +city-1 \\(" "tools: each evaluation's status in French, before its evaluator"
keys 6
shows "^  design-game .* attribuée  " "evaluations: the status in French"
lacks " (assigned|draft|submitted|returned|validated) " "no English status left"
keys 2 / M 4 Enter Enter
shows "^  Statut +en cours$" "a record: its status in French"
keys G
shows "^    T4 +04/03/2016 terminé " "its tasks, done ones said in French"
keys g j j j j j e
shows "^Statut \(prévu/en cours/terminé/abandonné\):" "the prompt offers the French labels"
shows "^en cours" "starting from the current one's"
keys C-u "Terminé" Enter
shows "^enregistré [0-9a-f]{12} +M4: status active -> done" "typed by label, saved; the commit keeps the keys"
like "$(cat "$wb"/milestones/*/M4)" "^status: done$" "stored as cairn's key"
keys Q

# A group's list relabels a status: its French label shows.
"$CAIRN" -C "$wb" add list milestone.status choices="$(printf 'planned\nactive\ndone\ndropped')" \
	c.done.label=Finished c.done.label.fr=Achevé >/dev/null
"$CAIRN" -C "$wb" add list evaluation.status \
	choices="$(printf 'assigned\ndraft\nsubmitted\nreturned\nvalidated')" \
	c.returned.label.fr="à reprendre" >/dev/null
open_session 80 24 "$fr '$CAIRN' -C '$wb'; sleep 30"
shows "^Tableau de bord" "reopened"
shows "attribuée brouillon soumise à reprendre validée" "the dashboard's counts under the group's label"
keys 6
shows "^> decidim .* à reprend… " "the evaluations' table too, a long label cut with a mark"
keys 2
shows "^  M1 +31/12/2015  Achevé  " "the group's French label"
shows "^  M3 +29/02/2016  en cours  " "cairn's for the others"
keys Q
open_session 80 24 "env TERM=tmux-256color '$CAIRN' -C '$wb'; sleep 30"
wait_for "no shared remote yet" >/dev/null
keys 2
shows "^  M1 +31/12/2015  Finished  " "in English, its default label"
shows "^  M3 +29/02/2016  active  " "English keys read as they did"
keys Q

done_testing
