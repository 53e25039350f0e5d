#!/bin/bash
# The terminal interface in French at 80x24, as a fresh Debian runs it:
# LANG=fr_FR.UTF-8 with no fr_FR locale installed.  The key screens speak
# French, the status line keeps its help hint, and the evaluation form
# shows the template's French labels while storing the choice keys.
. "$(dirname "$0")/lib.sh"

export CAIRN_LOCALEDIR=${CAIRN_LOCALEDIR:-$(dirname "$CAIRN")/locale}
KEY_DELAY=0.4
fr="env -u LC_ALL LANG=fr_FR.UTF-8 TERM=tmux-256color CAIRN_LOCALEDIR='$CAIRN_LOCALEDIR'"

open_session 80 24 "$fr '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
shows "^Tableau de bord" "the dashboard's title in French"
shows "Jalons en cours, échéance la plus proche d'abord" "its headings"
shows "M3 +29/02/2016 RETARD 20 j " "days left in words, in French"
shows "aucun dépôt partagé" "the sharing state, whole"
status=$(screen | sed -n 23p)
like "$status" "\| \? aide$" "the status line ends with the help hint"
like "$status" "^ Citizen City \| industry-1 \| 20/03/2016 \(démo\) \|" "and begins whole"

keys '?'
shows "^Aide : les vues, le travail, chaque touche" "help: its title"
shows "^  Le travail d'évaluation" "the workflow explained in French"
keys / s o r t Enter
shows "^  action +touches +ce qu'elle fait" "its header"
shows "^(> |  )sort +s +Trier selon la colonne suivante$" "each line whole, action names kept"
like "$(screen | sed -n 23p)" "\| \? aide$" "the help hint still there"

keys 1 C
shows "^Conflits" "the conflicts view in French"
shows "o garde notre valeur, t prend la leur ; puis y synchronise" "with its hint whole"
shows "aucun conflit" "and no conflicts"

# The timeline (L) and a commit's change, in French, each hint whole at 80
# columns.
keys L
shows "^Chronologie" "the timeline's title in French"
reads "Commits récents d'abord ; / filtre par type, personne, texte ; Entrée : détail" \
	"its hint whole"
shows "industry-1: email industry-1@citizen-city.example" "the change read whole, its kind tags after it (below 100 columns)"
keys Enter
shows "^Changement [0-9a-f]{12}" "a commit's change: its title"
shows "^  Le changement [0-9a-f]{12} \(Entrée : de la version d'avant à l'actuelle\)$" \
	"its hint whole"
like "$(screen | sed -n 23p)" "\| \? aide$" "the help hint still there"
keys Enter
shows "^  De la version avant [0-9a-f]{12} à l'actuelle \(Entrée : ce changement seul\)$" \
	"Enter: against the current version"

# The form of the evaluation the user fills in (industry-1: design-game).
keys 6 / d e s i g n Enter Enter
shows "^evaluation/design-game/industry-1" "the form opens"
shows "^> Modèle +m4" "field labels in French"
shows "Qui pilote la participation \? \[texte\]" "the template's French prompt, the type in French"
shows "\(obligatoire, sans réponse\)" "unanswered, in French"
keys G
shows "^> \*16  Faut-il le retenir \? \[choix unique\]" "the last question"
keys Enter
shows "^1 Exemple de réussite, 2 Bonne pratique, 3 Pas encore" "the choices in French, above the prompt"
keys 2 Enter
shows "^enregistré [0-9a-f]{12} " "saved, said in French"
file=$(cd "$wb" && find evaluations -path "*design-game/industry-1" -type f)
like "$(cat "$wb/$file")" "^answer.verdict: Good practice$" "stored by its key, not its label"
# The second question (multiple choice) is the ninth line from the top.
keys g j j j j j j j j
shows "^> \*2   Quels processus ou méthodes" "the multiple-choice question"
keys Enter
shows "^1 Comme usagers, 2 Comme participants, 3 Comme co-créateurs ; plusieurs : 1,3" \
	"its choices in French, how to pick several"
keys 3 , 1 Enter
shows "^ +Comme usagers \[\.\.\.\]$" "the answer shown in French"
stored=$(cat "$wb/$file")
is "$(printf '%s\n' "$stored" | grep -A2 '^answer.engagement:')" "answer.engagement:
 As user
 As co-creator" "stored as keys, in the template's order"
unlike "$stored" "Bonne|Comme" "no label stored"
keys Q

# The same evaluation read in English shows the key's English text.
open_session 80 24 "env TERM=tmux-256color '$CAIRN' -C '$wb'; sleep 30"
wait_for "no shared remote yet" >/dev/null
keys 6 / d e s i g n Enter Enter
shows "^  \*2   Which processes/methods have been used" "in English: the default prompt"
shows "^ +As user \[\.\.\.\]$" "and the default label"
keys Q

# Run from the build tree as the README's Quick start does, with nothing
# pointing at the catalogs: those built beside the program are found.
[ -d "$(dirname "$CAIRN")/locale" ] || "${MAKE:-make}" -C "$(dirname "$CAIRN")" all-local >/dev/null 2>&1
open_session 80 24 "cd '$(dirname "$CAIRN")' && env -u LC_ALL -u CAIRN_LOCALEDIR LANG=fr_FR.UTF-8 TERM=tmux-256color ./cairn -C '$wb'; sleep 30"
shows "^Tableau de bord" "./cairn in the build tree: the dashboard in French"
shows "Jalons en cours, échéance la plus proche d'abord" "its headings too"
keys 6 / d e s i g n Enter Enter
shows "^> Modèle +m4" "a record's field labels in French"
shows "Qui pilote la participation \? \[texte\]" "and the form, questions and types alike"
keys Q
open_session 80 24 "cd '$(dirname "$CAIRN")' && env -u LC_ALL -u CAIRN_LOCALEDIR LANG=fr_FR.UTF-8 TERM=tmux-256color ./cairn demo '$TMP/demo-fr'; sleep 30"
shows "^Tableau de bord" "./cairn demo opens its dashboard in French"
keys Q

done_testing
