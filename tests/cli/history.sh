#!/bin/bash
# History for reviewers: cairn log, diff and blame field by field, the
# authorship audit, the history index catching up after plain git and a
# sync, the pager, and plain `git diff` reading one line per answer.
. "$(dirname "$0")/lib.sh"

wb=$(demo_workbook)
maria="$TMP/maria.cfg" anna="$TMP/anna.cfg" stranger="$TMP/stranger.cfg"
# eip-1 evaluates fixmystreet (bwg-2 validates it); lead is a leader.
email_of() { "$CAIRN" -C "$wb" show "person/$1" --json | jq -r '.fields.email // empty'; }
"$CAIRN" -C "$wb" set person/eip-1 email=maria@example.org >/dev/null
"$CAIRN" -C "$wb" set person/lead email=anna@example.org >/dev/null
printf '[user]\nname = Maria Rossi\nemail = maria@example.org\n' > "$maria"
printf '[user]\nname = Anna Leader\nemail = anna@example.org\n' > "$anna"
printf '[user]\nname = Someone Else\nemail = else@example.org\n' > "$stranger"
as() { local who=$1; shift; CAIRN_CONFIG="$TMP/$who.cfg" "$CAIRN" -C "$wb" "$@"; }
ev=evaluation/fixmystreet/eip-1

as maria set milestone/M4 title="Evaluate the tools" >/dev/null
as anna set milestone/M4 deadline=30/04/2016 >/dev/null
as maria set "$ev" "answer.leader=The city council" >/dev/null
as stranger set "$ev" "answer.leader=Someone else's idea" >/dev/null
printf 'First line\nSecond line\nThird line\n' > "$TMP/notes1"
printf 'First line\nSecond line, changed\nThird line\nFourth line\n' > "$TMP/notes2"
as maria set task/T2 "notes=$(cat "$TMP/notes1")" >/dev/null
as anna set task/T2 "notes=$(cat "$TMP/notes2")" >/dev/null

# ---- cairn log RECORD ----
run "$CAIRN" -C "$wb" log milestone/M4
is "$rc" 0 "cairn log RECORD"
like "$(printf '%s\n' "$out" | head -1)" "^[0-9a-f]{12}  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} [-+][0-9]{4}  Anna Leader <anna@example.org>$" "newest first: commit, date, author"
like "$out" "^  deadline$" "the changed field"
like "$out" "^    - 2016-04-15$" "its old value"
like "$out" "^    \\+ 2016-04-30$" "and its new one"
like "$out" "Maria Rossi <maria@example.org>" "the earlier commit too"
is "$(printf '%s\n' "$out" | grep -c '^[0-9a-f]\{12\}  ')" 3 "three commits touched M4 (the demo's, Maria's, Anna's)"
unlike "$out" $'\e' "no colour when not on a terminal"

run "$CAIRN" -C "$wb" log task/T2
like "$out" "^    - Second line$" "long text: the changed line, removed"
like "$out" "^    \\+ Second line, changed$" "and added"
like "$out" "^    \\+ Fourth line$" "a new line"
like "$out" "^      First line$" "unchanged lines are shown unmarked"

# ---- the authorship audit ----
run "$CAIRN" -C "$wb" log "$ev"
like "$out" "! authorship: else@example.org is no person of the workbook, not the evaluator \\(eip-1\\), the validator \\(bwg-2\\) nor a leader" "a change by someone else is flagged"
is "$(printf '%s\n' "$out" | grep -B3 '! authorship' | grep -c 'Maria Rossi')" 0 "the evaluator's own change is not"
like "$out" "answer.leader \\(Who is leading the participation\\?\\)" "answers are named by their question"
as anna set "$ev" "answer.leader=A leader's fix" >/dev/null
run "$CAIRN" -C "$wb" log -n 1 "$ev"
unlike "$out" "! authorship" "a leader's change is not flagged"

# ---- the timeline ----
run "$CAIRN" -C "$wb" log
like "$out" "1 file: task" "the timeline names what each commit touched"
run "$CAIRN" -C "$wb" log --author maria@example.org
unlike "$out" "Anna Leader" "filtered by person"
like "$out" "Maria Rossi" "keeps that person's commits"
run "$CAIRN" -C "$wb" log milestone
is "$(printf '%s\n' "$out" | grep -c '^[0-9a-f]\{12\}  ')" 3 "filtered by kind"

# ---- cairn diff ----
run "$CAIRN" -C "$wb" diff HEAD~4..HEAD~3
like "$out" "^evaluation/fixmystreet/eip-1$" "diff A..B names the record"
like "$out" "^    - The city council$" "with the old answer"
like "$out" "^    \\+ Someone else's idea$" "and the new one"
run "$CAIRN" -C "$wb" diff HEAD~6 milestone/M4
like "$out" "^milestone/M4$" "diff REV RECORD"
unlike "$out" "^task/" "only that record"
run "$CAIRN" -C "$wb" diff
like "$out" "^    \\+ A leader's fix$" "diff alone: what the last commit changed"
run "$CAIRN" -C "$wb" diff nosuchrev..HEAD
is "$rc" 1 "an unknown revision is refused"
like "$err" "'nosuchrev' names no commit here" "with a clear message"

# ---- cairn blame ----
run "$CAIRN" -C "$wb" blame milestone/M4
is "$rc" 0 "cairn blame"
like "$(printf '%s\n' "$out" | grep '^title ')" "Evaluate the tools +[0-9a-f]{12}  [0-9-]{10} [0-9:]{5}  Maria Rossi <maria@example.org>$" "the title was set by Maria"
like "$(printf '%s\n' "$out" | grep '^deadline ')" "2016-04-30 +[0-9a-f]{12} .*Anna Leader" "the deadline by Anna"
like "$(printf '%s\n' "$out" | grep '^status ')" "maintainers|Seed|@" "the rest by whoever made the demo"
run "$CAIRN" -C "$wb" blame "$ev"
like "$(printf '%s\n' "$out" | grep '^answer.leader')" "A leader's fix .*Anna Leader" "who set the answer last"

# ---- the history catches up after plain git and a sync ----
m5=$(git -C "$wb" ls-files 'milestones/*' | grep '/M5$')
sed -i 's/^title: .*/title: Edited with plain git/' "$wb/$m5"
git -C "$wb" -c user.name="Git User" -c user.email=git@example.org commit -qam "plain git edit"
run "$CAIRN" -C "$wb" log -n 1 milestone/M5
like "$out" "Git User <git@example.org>" "a plain git commit is in the history"
like "$out" "^    \\+ Edited with plain git$" "field by field"
shared="$TMP/shared.git"
git init -q --bare --initial-branch=main "$shared"
"$CAIRN" -C "$wb" remote add origin "$shared" >/dev/null
"$CAIRN" -C "$wb" sync >/dev/null
"$CAIRN" clone "$shared" "$TMP/other" >/dev/null
CAIRN_CONFIG="$anna" "$CAIRN" -C "$TMP/other" set milestone/M5 deadline=15/06/2016 >/dev/null
"$CAIRN" -C "$TMP/other" sync >/dev/null
"$CAIRN" -C "$wb" sync >/dev/null
run "$CAIRN" -C "$wb" log -n 1 milestone/M5
like "$out" "Anna Leader" "a commit that came by sync is in the history"
git -C "$wb" reset -q --hard HEAD~1
run "$CAIRN" -C "$wb" log -n 1 milestone/M5
unlike "$out" "2016-06-15" "after a reset, the history follows the branch"

# ---- plain git diff: one line per answer ----
"$CAIRN" -C "$wb" set "$ev" "answer.leader=One answer changed" >/dev/null
diff=$(git -C "$wb" diff HEAD~1 -- evaluations/)
is "$(printf '%s\n' "$diff" | grep -c '^-[^-]')" 1 "plain git diff: one removed line for one changed answer"
is "$(printf '%s\n' "$diff" | grep -c '^+[^+]')" 1 "and one added line"
like "$diff" "^\\+answer.leader: One answer changed$" "the answer's own line"

# ---- the pager, on a terminal ----
cat > "$TMP/pager" <<'PAGER'
#!/bin/sh
echo "paged by the test pager" > "$PAGER_MARK"
cat > "$PAGER_MARK.text"
PAGER
chmod +x "$TMP/pager"
export PAGER_MARK="$TMP/mark"
PAGER="$TMP/pager" /usr/bin/python3 -c 'import pty, sys; pty.spawn(sys.argv[1:])' \
	"$CAIRN" -C "$wb" log milestone/M4 >/dev/null 2>&1
[ -s "$TMP/mark" ] && pass "on a terminal, cairn log goes through \$PAGER" || fail "on a terminal, cairn log goes through \$PAGER"
like "$(cat "$TMP/mark.text" 2>/dev/null)" $'\e\\[33m[0-9a-f]{12}' "coloured there"
rm -f "$TMP/mark" "$TMP/mark.text"
NO_COLOR=1 PAGER="$TMP/pager" /usr/bin/python3 -c 'import pty, sys; pty.spawn(sys.argv[1:])' \
	"$CAIRN" -C "$wb" log milestone/M4 >/dev/null 2>&1
unlike "$(cat "$TMP/mark.text" 2>/dev/null)" $'\e\\[' "NO_COLOR turns colours off"
rm -f "$TMP/mark"
"$CAIRN" -C "$wb" log milestone/M4 > "$TMP/piped"
[ ! -e "$TMP/mark" ] && pass "not paged when the output is a pipe" || fail "not paged when the output is a pipe"
done_testing
