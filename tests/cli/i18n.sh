#!/bin/bash
# Languages: the C locale speaks English; LANGUAGE=fr, or LANG=fr_FR.UTF-8
# even where that locale is not installed (a fresh Debian has only C.UTF-8),
# speaks French.  Template labels: a member reading in French and one
# reading in English fill in the same evaluation, and what is stored is
# the choice keys, never a label.
. "$(dirname "$0")/lib.sh"

# The catalogs of the build tree (make check sets this; by hand, too).
export CAIRN_LOCALEDIR=${CAIRN_LOCALEDIR:-$(dirname "$CAIRN")/locale}

run "$CAIRN" --help
like "$out" "^verbs:" "C.UTF-8: English"
run env LANGUAGE=fr "$CAIRN" --help
like "$out" "^verbes :" "LANGUAGE=fr: French"
like "$out" "^  add +ajouter une fiche" "verb summaries translated, verb names kept"
run env -u LC_ALL LANG=fr_FR.UTF-8 "$CAIRN" --help
like "$out" "^verbes :" "LANG=fr_FR.UTF-8 speaks French, installed or not"
run env -u LC_ALL LANG=fr_FR.UTF-8 "$CAIRN" set --help
like "$out" "^usage : cairn \[-C DOSSIER\] set RECORD FIELD=VALUE" "a verb's help: usage kept as typed"
like "$out" "Modifie des champs" "and its text in French"
run env -u LC_ALL LANG=fr_FR.UTF-8 "$CAIRN" help keys
like "$out" "^sort +s +Trier selon la colonne suivante" "key help in French, action names kept"
run env -u LC_ALL LANG=de_DE.UTF-8 "$CAIRN" --help
like "$out" "^verbs:" "a language with no catalog: English"
run env LANGUAGE=fr "$CAIRN" nosuchverb
like "$err" "« nosuchverb » n'est pas un verbe de cairn" "command-line errors in French"

wb=$(demo_workbook)
run env LANGUAGE=fr "$CAIRN" -C "$wb" set milestone/M3 deadline=31/02/2016
like "$err" "^cairn: milestone/M3: deadline: 31/02/2016 n'est pas une date : février 2016 compte 29 jours ; vouliez-vous dire 29/02/2016 ou 01/03/2016 \?$" \
	"a core error in French, the record and field named as typed"
run env LANGUAGE=fr "$CAIRN" -C "$wb" status
like "$out" "EN RETARD de 20 jours" "status in French"
like "$out" "Évaluations: 6 \(2 attribuée, 1 brouillon" "statuses by their French labels (ls --json keeps the keys)"

# Two members, one reading French, one English, fill one evaluation in
# their own clones; the sync merges their answers field by field.
shared="$TMP/shared.git"
git init -q --bare --initial-branch=main "$shared"
"$CAIRN" -C "$wb" remote add origin "$shared" >/dev/null
"$CAIRN" -C "$wb" sync >/dev/null 2>&1
"$CAIRN" clone "$shared" "$TMP/fr" >/dev/null 2>&1
"$CAIRN" clone "$shared" "$TMP/en" >/dev/null 2>&1
ev=evaluation/design-game/industry-1
run env LANGUAGE=fr "$CAIRN" -C "$TMP/fr" set "$ev" status=draft \
	"answer.verdict=bonne pratique" "answer.engagement=Comme co-créateurs, Comme usagers"
is "$rc" 0 "the French member answers with French labels"
run env LANGUAGE=fr "$CAIRN" -C "$TMP/fr" set "$ev" "answer.verdict=Brillant"
like "$err" "answer.verdict : « Brillant » n'est pas l'un des choix : 'Success story', 'Good practice', 'Not yet'" \
	"a label in no language is refused, in French"
run "$CAIRN" -C "$TMP/en" set "$ev" "answer.targeted=Women, aged 65+" answer.sustainability=4
is "$rc" 0 "the English member answers other questions in English"
"$CAIRN" -C "$TMP/fr" sync >/dev/null 2>&1
run "$CAIRN" -C "$TMP/en" sync
is "$rc" 0 "their answers merge"
"$CAIRN" -C "$TMP/fr" sync >/dev/null 2>&1
file=$(cd "$TMP/en" && find evaluations -path "*design-game/industry-1" -type f)
stored=$(cat "$TMP/en/$file")
is "$(cat "$TMP/fr/$file")" "$stored" "both members hold the same evaluation"
like "$stored" "^answer.verdict: Good practice$" "a single choice stored by key"
is "$(printf '%s\n' "$stored" | grep -A2 '^answer.engagement:')" "answer.engagement:
 As user
 As co-creator" "a multiple choice stored by keys, in the template's order"
is "$(printf '%s\n' "$stored" | grep -A2 '^answer.targeted:')" "answer.targeted:
 Women
 Aged 65+" "the English member's answers too"
unlike "$stored" "Bonne|Comme|usagers" "no French label is stored"
run "$CAIRN" -C "$TMP/fr" check
is "$rc" 0 "the workbook checks clean"

# A template with a label for a question it does not have is refused.
run "$CAIRN" -C "$wb" set template/m4 "q.nope.prompt.fr=Non ?"
is "$rc" 1 "a label for no question is refused"
like "$err" "question 'nope' is not listed" "saying which"

# History, sync, conflicts and the report, in French.
run env LANGUAGE=fr "$CAIRN" help log
like "$out" "^usage : cairn \[-C DOSSIER\] log \[--oneline\] \[-n N\]" "cairn help log: usage kept as typed"
like "$out" "^l'historique : tous les commits" "its summary in French"
like "$out" "« ! auteur »" "and its help"
run env LANGUAGE=fr "$CAIRN" --help
like "$out" "^  blame +qui a fixé chaque champ en dernier" "the history verbs' summaries too"
run env LANGUAGE=fr "$CAIRN" -C "$TMP/fr" log -n 1
like "$out" "^    [0-9]+ fichiers? : [a-z,]+$|^    [0-9]+ fichiers?$" "cairn log: the file count in French, kinds kept"
run env LANGUAGE=fr "$CAIRN" -C "$TMP/fr" diff HEAD..HEAD
is "$out" "aucune différence" "cairn diff: no differences, in French"
run env LANGUAGE=fr "$CAIRN" -C "$TMP/fr" blame milestone/M4
like "$out" "^deadline +2016-04-15 " "cairn blame: field keys kept"
run env LANGUAGE=fr "$CAIRN" -C "$TMP/fr" sync
like "$out" "^synchronisé avec origin : [0-9]+ fiches? reçues?, [0-9]+ fusionnées? des deux côtés, 0 conflit, " \
	"the sync's summary in French"
"$CAIRN" -C "$TMP/en" sync >/dev/null 2>&1
"$CAIRN" -C "$TMP/en" set milestone/M3 result="Map by cluster" >/dev/null
"$CAIRN" -C "$TMP/en" sync >/dev/null 2>&1
"$CAIRN" -C "$TMP/fr" set milestone/M3 result="Carte des besoins" >/dev/null
run env LANGUAGE=fr "$CAIRN" -C "$TMP/fr" sync
is "$rc" 4 "a conflict"
like "$err" "1 conflit attend : \`cairn conflicts\` le liste" "the sync says so in French"
run env LANGUAGE=fr "$CAIRN" -C "$TMP/fr" conflicts
like "$out" "^milestone/M3 result$" "cairn conflicts: record and field as typed"
like "$out" "^    nous +Carte des besoins$" "our side, labelled in French"
like "$out" "^    eux +Map by cluster$" "theirs"
like "$out" "^ +fixée par " "who set it"
run env LANGUAGE=fr "$CAIRN" -C "$TMP/fr" resolve milestone/M3 result --theirs
like "$out" "^réglé ; la fusion est commitée" "cairn resolve in French"

"$CAIRN" -C "$wb" report > "$TMP/en.md"
run env LANGUAGE=fr "$CAIRN" -C "$wb" report
fr_md=$out
like "$fr_md" "^# Lignes directrices pour la conception, la mise en œuvre et le suivi futurs$" "the report's title in French"
like "$fr_md" "^## État des jalons$" "its headings"
like "$fr_md" "^- \*\*Outil :\*\* My Neighbourhood" "its labels, with French punctuation"
like "$fr_md" "^\| Jalon \| Titre \| Échéance \| " "its table heads"
like "$fr_md" "^\| slot-01 \| .* \| 48,3.% atteint \| " "percentages with a decimal comma, met in French"
like "$fr_md" "^\| M4 \| Evaluation of existing tools \| 2016-04-15 \| en cours \|" "data as it is, a status by its French label"
like "$fr_md" "^\| slot-01 \| .* \| en test \| " "a pilot's status too"
like "$fr_md" "^\*\*Qui pilote la participation \?\*\*$" "the template's questions in French, from its own labels"
env LANGUAGE=fr "$CAIRN" -C "$wb" report --html > "$TMP/fr1.html"
env -u LC_ALL LANG=fr_FR.UTF-8 "$CAIRN" -C "$wb" report --html > "$TMP/fr2.html"
ok_cmd "in French, the same bytes whatever the locale" cmp "$TMP/fr1.html" "$TMP/fr2.html"
like "$(head -2 "$TMP/fr1.html")" '<html lang="fr">' "the page says it is French"
run "$CAIRN" -C "$wb" report
ok_cmd "and English stays English" cmp "$TMP/en.md" <(printf '%s\n' "$out")

done_testing
