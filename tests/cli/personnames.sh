#!/bin/bash
# `cairn ls` shows a person's name beside their id in its person columns
# (a task's assignee, an evaluation's validator), sanitised and cut with a
# mark; the id stays first, as typed on the command line.
. "$(dirname "$0")/lib.sh"

wb=$(demo_workbook)
run "$CAIRN" -C "$wb" ls task
like "$out" "^T1 +31/01/2016 +done +lead \(Citizen City initiative… Draft the list" \
	"a task's assignee: id, then the name, cut with a mark"
run "$CAIRN" -C "$wb" ls evaluation
like "$out" "^decidim/city-1 +returned +industry-1 \(Industry seat \(to… 13$" "an evaluation's validator too"
"$CAIRN" -C "$wb" set person/city-1 "name=Ana $(printf '\033[31m')Red" >/dev/null
run "$CAIRN" -C "$wb" ls task status=active
like "$out" "^T3 .* city-1 \(Ana .*Red\) " "a name from the data is shown"
unlike "$out" "$(printf '\033')" "without its control characters"
"$CAIRN" -C "$wb" set person/bwg-1 name=bwg-1 >/dev/null
run "$CAIRN" -C "$wb" ls task status=active
like "$out" "^T2 .* bwg-1 +Interview" "a name that is the id is not said twice"
done_testing
