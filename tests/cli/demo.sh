#!/bin/bash
# cairn demo: the Citizen City plan as a workbook, as it looked on 20/03/2016.
. "$(dirname "$0")/lib.sh"

run "$CAIRN" demo "$TMP/demo"
is "$rc" 0 "cairn demo DIR works"
like "$out" "^$TMP/demo" "it prints the workbook's path first"
like "$out" "Citizen City -- today 20/03/2016 \(the demo's clock\)" "the status shows the demo's clock"
like "$out" "M3 +Map of needs +29/02/2016 +OVERDUE by 20 days" "M3 (31/02/2016 in the plan) is overdue"
like "$out" "M4 +Evaluation of existing tools +15/04/2016 +26 days left" "M4 has 26 days left"
like "$out" "M5 +Testing in 10 interested cities +31/05/2016 +72 days left" "M5 has 72 days left"
like "$out" "Evaluations: 6 \(2 assigned, 1 draft, 1 returned, 1 submitted, 1 validated\)" "evaluations in every status"
like "$out" "Pilots: 10 " "ten pilot slots"
d="$TMP/demo"
c() { "$CAIRN" -C "$d" "$@"; }
run c show milestone/M3
like "$out" "31/02/2016, a date that does not exist" "M3's impossible date is resolved with a visible note"
run c ls milestone
is "$(echo "$out" | wc -l)" "6" "M1-M5 and the final guidelines"
like "$out" "M1 +31/12/2015 +done" "M1's deadline"
like "$out" "M2 +31/01/2016 +done +State of the art" "M2's deadline"
run c show milestone/M2 --json
like "$out" '"result": "Webinar"' "M2's result is the webinar"
run c ls person
is "$(echo "$out" | grep -c key-person)" "6" "six key-person seats"
is "$(echo "$out" | grep -c brussels-wg)" "2" "two from the Brussels working group"
is "$(echo "$out" | grep -c eip-commitment)" "2" "two from EIP commitments"
like "$out" "city-network" "one from a city or city network"
like "$out" "industry" "one from industry"
like "$out" "commission" "and the Commission"
run c ls tool --json
is "$(echo "$out" | grep -c '"example": "yes"')" "$(echo "$out" | grep -c '"kind": "tool"')" "every tool is marked as an example"
run c show template/m4 --json
for q in "Who is leading the participation" "processes/methods have been used for citizen engagement" \
	"supporting tools" "categories of citizens are targeted" "accompanying measures" \
	"monitoring tools and methods" "categories of citizens excluded" "Other demographic issues"; do
	like "$out" "$q" "the M4 template asks: $q"
done
run c ls target
like "$out" "women +40 " "target: 40% women"
like "$out" "migrants +10 " "target: 10% migrants"
like "$out" "peripheries +12 " "target: 12% peripheries"
like "$out" "aged65 +15 " "target: 15% aged 65+"
run c show pilot/slot-01
like "$out" "women 48.3% \(target 40%: met\)" "a pilot's share against its target: met"
like "$out" "migrants 7.5% \(target 10%: SHORT\)" "and short"
CAIRN_TODAY=2016-04-10 run c status
like "$out" "today 10/04/2016" "CAIRN_TODAY pins the date over the demo's clock"
like "$out" "M4 .* 5 days left" "and the days left follow it"
is "$(git -C "$d" status --porcelain)" "" "the demo workbook is clean"
is "$(git -C "$d" log --format=%s | head -1)" "Fill the demo workbook with the Citizen City plan" "filled as one commit"

# Without a folder, a temporary one; its path comes first.
run env TMPDIR="$TMP" "$CAIRN" demo
is "$rc" 0 "cairn demo without a folder"
first=$(echo "$out" | head -1)
like "$first" "^$TMP/cairn-demo-" "makes a temporary workbook and prints its path"
ok_cmd "which is a workbook" "$CAIRN" -C "$first" status
# Evaluations count their answers against a template saved in the same
# commit (the demo brings both at once).
run "$CAIRN" -C "$first" ls evaluation status=submitted
like "$out" "transformcity/bwg-1 +submitted +eip-1 \(EIP commitment seat 1 ?… +14" "an evaluation's answers are counted"
done_testing
