#!/bin/bash
# cairn compare: the demo's M4 evaluations side by side, with the summary
# per question checked against numbers worked out by hand from the demo's
# data (share/demo/citizen-city.json); the filters; --json and --csv read
# back by Python's parsers; a question its `when` skips left out of the
# counts; bad arguments refused; data that would act on a terminal shown
# harmless.
. "$(dirname "$0")/lib.sh"

wb=$(demo_workbook)

# --- validated only, by default ---
run "$CAIRN" -C "$wb" compare m4
is "$rc" 0 "compare m4"
like "$out" "^M4 evaluation of existing tools \(version 1\): 1 evaluation \(validated\)$" \
	"validated evaluations only by default: the demo has one"
like "$out" "my-neighbourhood/lead +The city's participation office" "its answers, question by question"
unlike "$out" "fixmystreet/eip-1" "a draft is not compared by default"

# --- every status: the summaries, by hand ---
# Sustainability (scale): decidim/city-1 4, my-neighbourhood/lead 4,
# transformcity/bwg-1 3, three unanswered: mean 11/3 = 3.67, population
# standard deviation sqrt(((1/3)^2 * 2 + (2/3)^2) / 3) = 0.47.
run "$CAIRN" -C "$wb" compare m4 --all
like "$out" "6 evaluations \(every status\)" "--all takes all six"
like "$out" "= 3 of 6 answered; mean 3.67, spread 0.47, from 3 to 4" "the scale's mean, spread and range"
verdict=$(printf '%s\n' "$out" | sed -n '/Should it be selected/,$p')
like "$verdict" "^ +1  Success story$" "one success story"
like "$verdict" "^ +2  Good practice$" "two good practices"
like "$verdict" "^ +0  Not yet$" "no 'not yet'"
# Which accompanying measures? asked only where measures=yes: three of them.
detail=$(printf '%s\n' "$out" | sed -n '/Which accompanying measures/,/^$/p')
like "$detail" "fixmystreet/eip-1 +\(not asked\)" "measures=no: the follow-up is not asked"
like "$detail" "= 3 of 3 answered" "and is left out of the counts"

run "$CAIRN" -C "$wb" compare template/m4 --status submitted
like "$out" "1 evaluation \(submitted\)" "--status submitted"
like "$out" "transformcity/bwg-1" "the submitted one"
run "$CAIRN" -C "$wb" compare m4 --all --kind co-design
like "$out" "1 evaluation" "--kind co-design keeps the tools of that kind"
like "$out" "design-game/industry-1" "the co-design game"
run "$CAIRN" -C "$wb" compare m4 --mark=good-practice
like "$out" "1 evaluation" "--mark good-practice"

# --- JSON and CSV, read back ---
"$CAIRN" -C "$wb" compare m4 --all --json > "$TMP/c.json"
is "$(python3 - "$TMP/c.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
q = {x["key"]: x for x in d["questions"]}
e = {x["id"]: x for x in d["evaluations"]}
print(len(d["evaluations"]), round(q["sustainability"]["mean"], 2), round(q["sustainability"]["sd"], 2),
      q["measures"]["counts"]["yes"], q["measures-detail"]["asked"],
      "measures-detail" in e["fixmystreet/eip-1"]["answers"], e["my-neighbourhood/lead"]["good_practice"])
PY
)" "6 3.67 0.47 3 3 False True" "--json: rows, the summary, a question not asked left out, the marks"
"$CAIRN" -C "$wb" compare m4 --all --csv > "$TMP/c.csv"
is "$(python3 - "$TMP/c.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
print(len(rows), {len(r) for r in rows}, rows[0][0], rows[0][7], rows[5][0], rows[5][-1])
PY
)" "7 {23} evaluation answer.leader my-neighbourhood/lead Good practice" \
	"--csv: a header and six rows of 7 + 16 columns"

# --- in the report: the validated evaluations, question by question ---
run "$CAIRN" -C "$wb" report
like "$out" "^## Evaluations side by side$" "the report has the comparison"
like "$out" "^### M4 evaluation of existing tools: 1 validated evaluation$" "per template"
like "$out" "^\| 16 \| Should it be selected\? \| 1/1 \| Success story: 0, Good practice: 1, Not yet: 0 \|$" \
	"each question with its counts"
like "$out" "^\| 14 \| How sustainable .* \| 1/1 \| mean 4, spread 0, from 4 to 4 \|$" "and its numbers"
"$CAIRN" -C "$wb" report --html > "$TMP/r.html"
like "$(cat "$TMP/r.html")" "Evaluations side by side" "the HTML report too"

# --- refusals ---
run "$CAIRN" -C "$wb" compare nosuch
is "$rc" 1 "an unknown template is refused"
like "$err" "there is no template/nosuch" "by name"
run "$CAIRN" -C "$wb" compare m4 --kind=spaceship
like "$err" "'spaceship' is not a kind of tool: use one of co-design, co-creation, platform, other" \
	"an unknown kind, with the kinds"
run "$CAIRN" -C "$wb" compare m4 --status=lost
like "$err" "'lost' is not a status of an evaluation" "an unknown status"
run "$CAIRN" -C "$wb" compare m4 --mark=gold
like "$err" "'gold' is not a mark" "an unknown mark"
run "$CAIRN" -C "$wb" compare
is "$rc" 2 "no template is a usage error"

# --- data that would act on a terminal ---
"$CAIRN" -C "$wb" set evaluation/fixmystreet/eip-1 answer.leader=$'Evil\e]52;c;aGk=\a office' >/dev/null
run "$CAIRN" -C "$wb" compare m4 --all
unlike "$out" $'\e' "no escape byte reaches the terminal from an answer"
like "$out" "Evil.*office" "and the rest of the answer is shown"

done_testing
