#!/bin/bash
# The second plan, `cairn demo --plan platforms`, built from share/ alone:
# the Communication Platforms initiative's team, phases, tasks, platforms,
# template and social KPI, none of it known to cairn's code.
. "$(dirname "$0")/lib.sh"

p="$TMP/platforms"
run "$CAIRN" demo --plan platforms "$p"
is "$rc" 0 "cairn demo --plan platforms"
like "$out" "^Communication Platforms -- today 07/12/2016 \(the demo's clock\)" "its name and clock"
P() { "$CAIRN" -C "$p" "$@"; }
run P ls milestone
like "$out" "P1 .*done .*Learning and Preparing" "phase 1"
like "$out" "P2 .*active .*Gathering and Analyzing" "phase 2"
like "$out" "P3 .*planned .*Summarize and Recommend" "phase 3"
is "$(P ls task | wc -l)" 13 "the seed's tasks"
run P show task/social-kpi
like "$out" "Develop social KPI" "among them, the social KPI"
is "$(P ls person category=academia | wc -l)" 3 "a team from academia"
is "$(P ls person category=ngo | wc -l)" 3 "NGOs"
is "$(P ls person category=business | wc -l)" 2 "and business"
run P add person x name=X category=brussels-wg role=reviewer
is "$rc" 1 "the Citizen City categories are not this group's"
like "$err" "is not one of: academia, ngo, governance, business" "its own are"
run P ls tool --json
like "$out" '"kind": "online"' "the platforms it evaluates, of its own kinds"
run P show template/platform
like "$out" "How many citizens use it actively" "with a template of its own"
run P set evaluation/online-consultation/ngo-1 answer.reach=2000 answer.modality=Online answer.inclusive=no
is "$rc" 0 "an evaluation answered"
run P show evaluation/online-consultation/ngo-1
unlike "$out" "How does it reach them" "its follow-up skipped as its when says"
run P add pilot rome city=Rome status=testing participants=100 women=45 men=50 aged65=12 active-users=3000
is "$rc" 0 "a pilot with the plan's social KPI"
run P show pilot/rome
like "$out" "aged65 12.0% \(target 15%: SHORT\)" "against the plan's targets"
like "$out" "active-users +3000" "the KPI as a field of the plan's own"
run P set pilot/rome co-creators=-1
is "$rc" 1 "checked as its question says"
run P report
like "$out" "Online platforms" "the report groups by the plan's kinds of tool"
like "$out" "Peripheries and poorest neighbourhoods" "and shows its inclusion groups"
run P check
is "$rc" 0 "the plan's workbook is sound"
ok_cmd "git status is clean" git_clean "$p"
# No C code knows the plan.
names=$(grep -rnE "Communication Platforms|Gathering and Analyzing|academia|online-consultation" \
	"$top_srcdir/core" "$top_srcdir/tui" "$top_srcdir/include" --include=*.c --include=*.h)
is "$names" "" "no name of the Platforms plan in core/, tui/ or include/"
run "$CAIRN" demo --plan nowhere "$TMP/none"
is "$rc" 3 "a plan that is not installed"
like "$err" "the demo plan nowhere \(demo/nowhere.json and .ini\) is not installed" "says so"
run "$CAIRN" demo --plan ../etc "$TMP/none"
is "$rc" 2 "a plan is a name, never a path"

done_testing
