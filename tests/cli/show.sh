#!/bin/bash
# cairn show as a key person reads it: field names whole, a template's
# questions in the order of its questions field, and each answer with its
# question and help in the reader's language.
. "$(dirname "$0")/lib.sh"

wb=$(demo_workbook)

run "$CAIRN" -C "$wb" show template/m4
is "$rc" 0 "show template/m4"
like "$out" "^  q\\.measures-detail\\.prompt\\.fr +Quelles mesures" "a long field name is shown whole"
unlike "$out" "^  q\\.measures-detail\\. " "never cut at 18 characters"
is "$(printf '%s\n' "$out" | grep -c '^  q\.measures-detail\.')" \
	"$("$CAIRN" -C "$wb" show template/m4 --json | jq '[.fields | keys[] | select(startswith("q.measures-detail."))] | length')" \
	"each of the question's fields under its own name"
listed=$(printf '%s\n' "$out" | sed -n 's/^  q\.\([a-z0-9-]*\)\.type .*/\1/p' | tr '\n' ' ')
questions=$("$CAIRN" -C "$wb" show template/m4 --json | jq -r '.fields.questions' | tr '\n' ' ')
is "$listed" "$questions" "questions in the order of the questions field"
block=$(printf '%s\n' "$out" | grep '^  q\.leader\.' | awk '{print $1}' | tr '\n' ' ')
is "$block" "q.leader.type q.leader.prompt q.leader.prompt.fr q.leader.help q.leader.help.fr q.leader.required " \
	"a question's fields: type, prompt, help, then its rules"
unlike "$out" " +$" "no trailing blanks after a label whose lines follow"

ev=evaluation/transformcity/bwg-1
run "$CAIRN" -C "$wb" show $ev
like "$out" "^  answer\\.measures-detail +Training sessions" "answer names whole"
like "$out" "^ +\\(Who is leading the participation\\? A city department, an association" \
	"an answer is followed by its question and help"
like "$out" "^  answer\\.engagement +\\(Which processes/methods .* Tick each role citizens took\\.\\)$" \
	"a many-line answer has its question beside its name"
answers=$(printf '%s\n' "$out" | sed -n 's/^  answer\.\([a-z0-9-]*\) .*/\1/p' | tr '\n' ' ')
like "$questions" "^leader engagement methods tools targeted measures measures-detail" "answers in question order"
is "$(printf '%s\n' "$answers" | cut -d' ' -f1-3)" "leader engagement methods" "the first three as the template lists them"
run env LANG=fr_FR.UTF-8 LC_ALL= "$CAIRN" -C "$wb" show $ev
like "$out" "\\(Qui pilote la participation \\? Un service municipal" "in French for a French reader"
like "$out" "^  =>  +(14 questions répondues sur 16|14 of 16 questions answered)" "the derived line is still there"

done_testing
