#!/bin/bash
# Questionnaire logic through the command line, on the demo's M4 template:
# a follow-up question asked only when its `when` holds (required then, and
# not before), a follow-up of a skipped question kept but not counted or
# reported, a constraint with its own message in English and French, and
# templates whose expressions are wrong refused with the question and the
# character.  An expression arrives from other members: one that tries to
# run a command is only a parse error.
. "$(dirname "$0")/lib.sh"

ident() { printf '[user]\nname = %s\nemail = %s@example.org\n' "$2" "$1" > "$TMP/$1.cfg"; }
ident eip-1 "Eva Eip"
as() { local who=$1; shift; CAIRN_CONFIG="$TMP/$who.cfg" "$@"; }

wb=$(demo_workbook)
"$CAIRN" -C "$wb" set person/eip-1 email=eip-1@example.org >/dev/null
E=fixmystreet/eip-1
answers=(answer.tools="A web site" answer.targeted="All citizens" answer.monitoring="Reports"
	answer.excluded=no answer.sustainability=4 answer.verdict="Good practice")

# --- measures=no: the follow-up is not asked ---
run "$CAIRN" -C "$wb" show $E
like "$out" "3 of 15 questions answered" "measures=no: 15 of the 16 questions are asked"
run as eip-1 "$CAIRN" -C "$wb" set $E "${answers[@]}"
is "$rc" 0 "the evaluator answers the required questions"
run as eip-1 "$CAIRN" -C "$wb" submit $E
is "$rc" 0 "and submits without the skipped follow-up, although it is required when asked"

# --- measures=yes: asked, and required ---
wb=$(demo_workbook)
"$CAIRN" -C "$wb" set person/eip-1 email=eip-1@example.org >/dev/null
run as eip-1 "$CAIRN" -C "$wb" set $E "${answers[@]}" answer.measures=yes
is "$rc" 0 "the evaluator says measures are implemented"
run "$CAIRN" -C "$wb" show $E
like "$out" "9 of 16 questions answered; 1 required unanswered \(first: measures-detail\)" \
	"now the follow-up is asked and missing"
run as eip-1 "$CAIRN" -C "$wb" submit $E
is "$rc" 1 "a submission without it is refused"
like "$err" "the first: answer.measures-detail" "naming the follow-up"
run as eip-1 "$CAIRN" -C "$wb" set $E answer.measures-detail="Workshops in libraries"
run as eip-1 "$CAIRN" -C "$wb" submit $E
is "$rc" 0 "answered, it is submitted"

# --- a stale follow-up stays in the record, unreported ---
wb=$(demo_workbook)
"$CAIRN" -C "$wb" set person/eip-1 email=eip-1@example.org >/dev/null
as eip-1 "$CAIRN" -C "$wb" set $E answer.measures=yes answer.measures-detail="Stale detail" >/dev/null
run as eip-1 "$CAIRN" -C "$wb" set $E answer.measures=no
is "$rc" 0 "measures back to no"
run "$CAIRN" -C "$wb" show $E
like "$out" "Stale detail" "the follow-up's answer is kept, never dropped"
run "$CAIRN" -C "$wb" report
unlike "$out" "Stale detail" "but the report leaves out a question that is not asked"

# --- a constraint, with its message ---
run as eip-1 "$CAIRN" -C "$wb" set $E answer.participants=0
is "$rc" 1 "0 participants breaks the constraint"
like "$err" "evaluation/$E: answer.participants: a tool used in a pilot had at least one participant" \
	"refused with the template's own message"
run as eip-1 env LANGUAGE=fr LANG=fr_FR.UTF-8 "$CAIRN" -C "$wb" set $E answer.participants=0
is "$rc" 1 "refused in French too"
run as eip-1 "$CAIRN" -C "$wb" set $E answer.participants=120
is "$rc" 0 "120 participants pass"

# --- templates with wrong expressions ---
bad() {   # bad FIELD=VALUE PATTERN NAME
	run "$CAIRN" -C "$wb" set template/m4 "$1"
	is "$rc" 1 "$3: refused"
	like "$err" "$2" "$3: $2"
}
bad "q.measures-detail.when=\${measures} = 'yes" "template/m4: q.measures-detail.when: at character 15: a text without its closing quote" \
	"an unclosed quote, named with its character"
bad "q.measures.when=\${verdict} = 'Not yet'" "q.measures.when: at character 1: \\\$\{verdict\} comes after this question" \
	"a when that reads a later question"
bad "q.measures.when=\${nosuch} = 1" "\\\$\{nosuch\} is not a question of this template" "an unknown question"
bad "q.measures.when=system('touch $TMP/pwned')" "at character 1: unknown word" "a would-be command"
[ ! -e "$TMP/pwned" ] && pass "which runs nothing" || fail "which runs nothing"
bad "q.kpis.constraint-message=why" "there is no q.kpis.constraint" "a message without its constraint"
run "$CAIRN" -C "$wb" set template/m4 "q.kpis.when=answered(\${monitoring}) and not \${measures}"
is "$rc" 0 "a good expression is saved ($err)"
run "$CAIRN" -C "$wb" check
is "$rc" 0 "and the workbook checks clean"

# --- the README's recipe, run as written (read from README.md) ---
awk '/^A template may ask a question only after some answers/{on=1}
	on && /^```/{n++; if (n == 2) exit; next} on && n == 1' "$top_srcdir/README.md" > "$TMP/recipe.sh"
like "$(cat "$TMP/recipe.sh")" "q.kpis.when" "the README's recipe is found"
wb=$(demo_workbook)
mkdir -p "$TMP/bin" && ln -sf "$CAIRN" "$TMP/bin/cairn"
run env PATH="$TMP/bin:$PATH" bash -e -c "cd '$wb' && . '$TMP/recipe.sh'"
is "$rc" 0 "the README's recipe runs ($err)"
"$CAIRN" -C "$wb" add evaluation decidim/eip-1 template=m4 validator=bwg-2 >/dev/null
run "$CAIRN" -C "$wb" set evaluation/decidim/eip-1 answer.participants=0
like "$err" "answer.participants: write how many took part" \
	"and its constraint holds with its message on a new evaluation"

done_testing
