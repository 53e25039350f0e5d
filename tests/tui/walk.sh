#!/bin/bash
# The whole story of the three users, walked at 80x24 and at 40x12, in
# English and in French: the leader looks at what is late, opens a
# milestone with its tasks, mistypes a deadline and is told the real dates,
# and counts each person's work; the key person finds their evaluation in
# "my work", answers in the form and submits; the validator validates it;
# the reviewer reads who did it in the timeline and the change.  Each step
# asserts that the screen shows what that user needs: the answer whole,
# the message whole (read across its wrapped lines), the status line still
# there.
. "$(dirname "$0")/lib.sh"

export CAIRN_LOCALEDIR=${CAIRN_LOCALEDIR:-$(dirname "$CAIRN")/locale}
KEY_DELAY=0.2
for who in lead industry-1 city-1 ec-1; do
	printf '[user]\nname = %s\nemail = %s@citizen-city.example\n' "$who" "$who" > "$TMP/$who.ini"
done

# The words each walk looks for, in its language.
declare -A en=([help]='\? help' [dash]='^Dashboard' [late]='OVERDUE' [tasks]='Tasks \(a adds one\)'
	[saved]='saved' [mine]='^My work' [tovalidate]='Evaluations waiting for me to'
	[timeline]='^Timeline' [work]='Open work per person' [heads]='tasks +to fill +to validate'
	[mean]='did you mean 30/04/2016 or 01/05/2016?'
	[question]='Who is leading the participation?' [by]='by'
	[vkey]='validate them \(V\)$' [enter]='(Enter: from the version before it to the current one)'
	[assigned]='assigned' [submitted]='submitted')
declare -A fr=([help]='\? aide' [dash]='^Tableau de bord' [late]='RETARD' [tasks]='Tâches \(a en ajoute une\)'
	[saved]='enregistré' [mine]='^Mon travail' [tovalidate]='Évaluations qui attendent ma'
	[timeline]='^Chronologie' [work]='Travail en cours par personne' [heads]='tâches +à remplir +à valider'
	[mean]='vouliez-vous dire 30/04/2016 ou 01/05/2016 ?'
	[question]='Qui pilote la participation ?' [by]='par'
	[vkey]='validation \(V\)$' [enter]="(Entrée : de la version d'avant à l'actuelle)"
	[assigned]='attribuée' [submitted]='soumise')

as() {   # WHO: cairn as that person, at the walk's size and language
	open_session "$W" "$H" "env TERM=tmux-256color CAIRN_CONFIG='$TMP/$1.ini' $LANG_ENV '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
	wait_for "${words[help]}" >/dev/null
}
# The status line, second from the bottom, still ends with the help hint.
hint() { like "$(screen)" "${words[help]}\$" "$step: the status line keeps its help hint"; }
# The user goes down (j) until the screen shows PATTERN: it is in reach.
reach() {   # PATTERN NAME
	local i
	for i in $(seq 1 20); do
		screen | grep -qE -- "$1" && break
		keys j
	done
	shows "$1" "$2"
}
quit() { keys Escape Escape Escape Q; wait_for "cairn exited 0" >/dev/null; }

walk() {   # NAME W H LANG_ENV WORDS
	local name=$1
	W=$2 H=$3 LANG_ENV=$4
	local -n words=$5
	wb="$TMP/walk-$name"
	"$CAIRN" demo "$wb" >/dev/null

	# The leader.
	step="$name leader"
	as lead
	shows "${words[dash]}" "$step: the dashboard first"
	shows "^ (Citizen City \| )?lead \| 20/03/2016" "$step: the status line says who and when"
	shows "M3 +29/02/2016 ${words[late]} 20 " "$step: M3 is late, with its days in words"
	hint
	keys 2 / M 4 Enter Enter
	shows "^milestone/M4" "$step: M4 opens"
	keys G
	shows "${words[tasks]}" "$step: with its tasks"
	shows "T7 +15/04/2016 " "$step: each task with its due date"
	keys g j j e C-u 31/04/2016 Enter
	reads "${words[mean]}" "$step: an impossible deadline: the real dates, read whole"
	keys C-u 30/04/2016 Enter
	shows "${words[saved]} [0-9a-f]{12}" "$step: the deadline is saved"
	like "$("$CAIRN" -C "$wb" show milestone/M4 --json)" '"deadline": "2016-04-30"' "$step: as 2016-04-30"
	hint
	keys q q 4
	reach "${words[work]}" "$step: the persons view counts each person's work"
	reach "${words[heads]}" "$step: under heads whole"
	reach "^    city-1.* +2 +1 +0$" "$step: city-1's counts whole"
	quit

	# The key person: the form, then submit.
	step="$name key person"
	"$CAIRN" -C "$wb" set person/industry-1 email=industry-1@citizen-city.example >/dev/null
	as industry-1
	keys 0
	shows "${words[mine]}" "$step: my work"
	# A status in the reader's language (the commit messages keep its key).
	shows "design-game +${words[assigned]}" "$step: the evaluation to fill in"
	keys Enter n e
	reads "${words[question]}" "$step: the question whole"
	unlike "$(joined)" "\\?:" "$step: a question takes no colon after its own mark"
	keys C-u "The city" Enter
	shows "${words[saved]} [0-9a-f]{12}" "$step: the answer is saved"
	reads "status assigned -> draft" "$step: the evaluation is a draft now"
	quit
	# The other answers, as the key person, from the command line.
	"$CAIRN" -C "$wb" show evaluation/transformcity/bwg-1 --json | python3 -c '
import json, shlex, sys
d = json.load(sys.stdin)["fields"]
print(" ".join(shlex.quote(k + "=" + v) for k, v in d.items() if k.startswith("answer.") and k != "answer.leader"))' > "$TMP/answers"
	eval "CAIRN_CONFIG='$TMP/industry-1.ini' '$CAIRN' -C '$wb' set evaluation/design-game/industry-1 $(cat "$TMP/answers")" >/dev/null
	as industry-1
	keys 0 Enter S
	reads "status draft -> submitted" "$step: submitted, the message read whole"
	keys V
	reads "only its validator (city-1) may" "$step: the refusal names who may validate"
	hint
	quit

	# The validator.
	step="$name validator"
	as city-1
	keys 0
	reach "${words[tovalidate]}" "$step: what waits for my validation"
	reach "${words[vkey]}" "$step: its heading whole, with its key"
	reach "^> +design-game +${words[submitted]}" "$step: the submitted evaluation, selected"
	keys Enter
	shows "^evaluation/design-game/industry-1" "$step: opened"
	keys V
	reads "status submitted -> validated" "$step: validated, the message read whole"
	hint
	quit
	like "$("$CAIRN" -C "$wb" show evaluation/design-game/industry-1 --json)" '"status": "validated"' \
		"$step: the evaluation is validated"

	# The reviewer.
	step="$name reviewer"
	as ec-1
	keys L
	shows "${words[timeline]}" "$step: the timeline"
	if [ "$W" -ge 80 ]; then
		shows "^> [0-9-]{10} city-1 +design-game/industry-1: status submitted -> validated" \
			"$step: the newest change first, by the validator, with what it did whole"
	else
		shows "^> city-1 +design-game/industry-1: st" \
			"$step: the newest change first: who and which record"
	fi
	hint
	keys Enter
	reads "${words[enter]}" "$step: the change's title whole, with what Enter does"
	reads "${words[by]} city-1 <city-1@citizen-city" "$step: Enter: the change with its author"
	reads "design-game/industry-1: status submitted -> validated" "$step: and what it did, whole"
	quit
}

walk en80 80 24 "" en
walk en40 40 12 "" en
fr="env -u LC_ALL LANG=fr_FR.UTF-8 CAIRN_LOCALEDIR='$CAIRN_LOCALEDIR'"
walk fr80 80 24 "$fr" fr
walk fr40 40 12 "$fr" fr
done_testing
