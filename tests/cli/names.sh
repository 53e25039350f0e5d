#!/bin/bash
# Record names as a user types them to log, diff, show and set: a bare id,
# TOOL/EVALUATOR, an id two kinds share in different case, a name that is
# no record.  None may crash; a name that is nothing says so and exits 1.
. "$(dirname "$0")/lib.sh"

wb=$(demo_workbook)

# ---- log by every name show takes ----
for name in T2 M3 lead fixmystreet/eip-1 milestone/M3 evaluation/fixmystreet/eip-1; do
	run "$CAIRN" -C "$wb" log "$name"
	is "$rc" 0 "cairn log $name exits 0"
	like "$out" "^[0-9a-f]{12}  " "cairn log $name lists its commits"
done
run "$CAIRN" -C "$wb" log M3
like "$out" "^milestone/M3  \\(added\\)$" "log M3 shows milestone/M3's fields"
run "$CAIRN" -C "$wb" log --oneline T2
is "$(printf '%s\n' "$out" | wc -l)" 1 "log --oneline T2: one line per commit"

run "$CAIRN" -C "$wb" log nosuch
is "$rc" 1 "log nosuch exits 1, as show does"
like "$err" "no record named 'nosuch'" "and says there is no such record"
run "$CAIRN" -C "$wb" show nosuch
show_err=$err
run "$CAIRN" -C "$wb" log nosuch
is "$err" "$show_err" "log and show say the same of an unknown name"

# A removed record keeps its history under its full name.
"$CAIRN" -C "$wb" add task T99 title="Short-lived" milestone=M4 >/dev/null
"$CAIRN" -C "$wb" rm task/T99 >/dev/null
run "$CAIRN" -C "$wb" log task/T99
is "$rc" 0 "log of a removed record"
like "$out" "\\(removed\\)" "shows its removal"
run "$CAIRN" -C "$wb" log milestone/M9
is "$rc" 0 "log of a record that never was exits 0"
like "$out" "no commit changed milestone/M9" "and says no commit changed it"

# ---- diff ----
"$CAIRN" -C "$wb" set milestone/M4 deadline=30/04/2016 >/dev/null
run "$CAIRN" -C "$wb" diff HEAD~1 M4
is "$rc" 0 "diff HEAD~1 M4 exits 0"
like "$out" "^milestone/M4$" "names milestone/M4"
like "$out" "^    \\+ 2016-04-30$" "with the new deadline"
run "$CAIRN" -C "$wb" diff M4
like "$out" "^    - 2016-04-15$" "diff M4: what the last commit changed in it"
run "$CAIRN" -C "$wb" diff nosuchrev
is "$rc" 1 "diff nosuchrev exits 1"
like "$err" "'nosuchrev' is neither a commit .* nor a record" "and says it is neither"
unlike "$out" "no differences" "rather than 'no differences'"
run "$CAIRN" -C "$wb" diff HEAD~1 nosuch
is "$rc" 1 "diff REV nosuch exits 1"
like "$err" "no record named 'nosuch'" "and names the record"

# ---- an id two kinds share: the exact spelling wins ----
run "$CAIRN" -C "$wb" show M4
like "$out" "^milestone/M4 " "show M4 is milestone/M4 (template/m4 differs in case)"
run "$CAIRN" -C "$wb" show m4
like "$out" "^template/m4 " "show m4 is template/m4"
run "$CAIRN" -C "$wb" set M4 deadline=01/05/2016
is "$rc" 0 "the README's cairn set M4 deadline=... works on the demo"
like "$out" "M4: deadline 2016-04-30 -> 2016-05-01" "and says what it changed"
run "$CAIRN" -C "$wb" log M4
like "$out" "^milestone/M4$" "log M4 is the milestone's history"
# Two records whose ids differ from the typed one only in case: still ambiguous.
"$CAIRN" -C "$wb" add task Dup title="A task" milestone=M4 >/dev/null
"$CAIRN" -C "$wb" add tool dup name="A tool" >/dev/null 2>&1 ||
	"$CAIRN" -C "$wb" add person dup name="A person" >/dev/null
run "$CAIRN" -C "$wb" show DUP
is "$rc" 1 "an id matching two records only by case is refused"
like "$err" "'DUP' names 2 records \\(.*task/Dup.*\\); write one as KIND/ID" "naming the candidates"
run "$CAIRN" -C "$wb" log DUP
like "$err" "'DUP' names 2 records" "log says the same"

done_testing
