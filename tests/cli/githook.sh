#!/bin/bash
# git's pre-commit hook (`cairn hook pre-commit`) puts back what a plain git
# beside a save left old in git's index, and nothing else.  A git that read
# git's index before a save and wrote it back after (tests/cli/gitstale.sh
# shows a real one) is played here by copying .git/index aside before the
# save and back after it.  Then: a person's staged change is committed as
# staged, `git commit -a` and `git commit FILE` work, --no-verify commits
# the older version on purpose, a hook of the user's own is never written
# over, core.hooksPath keeps it from being installed and doctor says so, a
# hook whose cairn is gone lets the commit go, and a git status racing a
# save (held by an fsmonitor hook) leaves git's index alone; cairn init,
# demo and clone install the hook.
. "$(dirname "$0")/lib.sh"

title() { git -C "$1" show "HEAD:$2" | sed -n 's/^title: //p'; }
path_of() { git -C "$1" ls-tree -r --name-only HEAD milestones | grep "/$2\$"; }
# stale WB CAIRN-ARGS...: a save, with git's index as it was before it.
stale() {
	local wb=$1; shift
	cp "$wb/.git/index" "$TMP/index.before"
	"$CAIRN" -C "$wb" "$@" >/dev/null || echo "cannot: cairn $*" >&2
	cp "$TMP/index.before" "$wb/.git/index"
}

wb=$(new_workbook)
"$CAIRN" -C "$wb" add person p name=P category=other role=leader >/dev/null
"$CAIRN" -C "$wb" add milestone M1 title="one" >/dev/null
"$CAIRN" -C "$wb" add milestone M2 title="two" >/dev/null
f1=$(path_of "$wb" M1)
f2=$(path_of "$wb" M2)

# ---- installed, marked, calling this cairn ----
hook="$wb/.git/hooks/pre-commit"
ok_cmd "cairn init installs git's pre-commit hook" test -x "$hook"
like "$(cat "$hook")" "^# cairn's own pre-commit hook" "the hook says it is cairn's"
like "$(cat "$hook")" "'$CAIRN' cairn" "it runs this cairn by its path, then cairn in PATH"
ok_cmd "cairn demo installs it" test -x "$(demo_workbook)/.git/hooks/pre-commit"

# ---- a stale modified record ----
stale "$wb" set milestone/M1 title="one, saved"
like "$(git -C "$wb" diff --cached --name-only)" "$f1" "the played race leaves M1 old in git's index"
run git -C "$wb" commit -q --allow-empty -m "plain"
is "$rc" 0 "the plain git commit goes on"
is "$(title "$wb" "$f1")" "one, saved" "and keeps the saved M1"
like "$err" "milestone/M1: git's index held an older version" "the hook names the record"
like "$err" "git commit --no-verify" "and says how to commit the older version on purpose"
is "$(git -C "$wb" status --porcelain)" "" "git status is clean after it"

# ---- a record the save added, and one it removed ----
stale "$wb" add milestone M3 title="three"
f3=$(path_of "$wb" M3)
run git -C "$wb" commit -q --allow-empty -m "plain"
is "$(title "$wb" "$f3")" "three" "a record the save added stays committed"
stale "$wb" rm milestone/M3
run git -C "$wb" commit -q --allow-empty -m "plain"
is "$(git -C "$wb" ls-tree --name-only HEAD "$f3")" "" "a record the save removed stays removed"
ok_cmd "git status is clean" test -z "$(git -C "$wb" status --porcelain)"

# ---- git commit -a after the race: its own index, which git holds ----
stale "$wb" add milestone M4 title="four"
f4=$(path_of "$wb" M4)
echo "notes" > "$wb/NOTES.txt"
git -C "$wb" add NOTES.txt
"$CAIRN" -C "$wb" set milestone/M2 title="two, saved" >/dev/null
run git -C "$wb" commit -q -a -m "all"
is "$rc" 0 "git commit -a goes on"
is "$(title "$wb" "$f4")" "four" "and keeps a record the save added"
is "$(git -C "$wb" show HEAD:NOTES.txt)" "notes" "and commits what was staged"
ok_cmd "git status is clean" test -z "$(git -C "$wb" status --porcelain)"

# ---- a person's own changes are theirs ----
sed -i 's/^title: .*/title: two, by hand/' "$wb/$f2"
git -C "$wb" add "$f2"
run git -C "$wb" commit -q -m "by hand"
is "$(title "$wb" "$f2")" "two, by hand" "a staged hand edit is committed as staged"
is "$err" "" "without a word from the hook"
# staged, then the work tree put back: the blob is no version of the path
sed -i 's/^title: .*/title: two, staged only/' "$wb/$f2"
git -C "$wb" add "$f2"
git -C "$wb" show "HEAD:$f2" > "$wb/$f2"
run git -C "$wb" commit -q -m "staged only"
is "$(title "$wb" "$f2")" "two, staged only" "a staged text no commit held is committed though the work tree differs"
git -C "$wb" checkout -q -- "$f2"
# a hand edit with -a
sed -i 's/^title: .*/title: two, with -a/' "$wb/$f2"
run git -C "$wb" commit -q -a -m "with -a"
is "$(title "$wb" "$f2")" "two, with -a" "git commit -a commits a hand edit"
# git commit FILE: a temporary index from HEAD
stale "$wb" set milestone/M1 title="one, again"
echo "more notes" > "$wb/NOTES.txt"
run git -C "$wb" commit -q -m "notes only" NOTES.txt
is "$rc" 0 "git commit FILE goes on"
is "$(title "$wb" "$f1")" "one, again" "and keeps the saved M1"
is "$(git -C "$wb" show HEAD:NOTES.txt)" "more notes" "with the file"
run git -C "$wb" commit -q --allow-empty -m "plain"
is "$(title "$wb" "$f1")" "one, again" "the next plain commit keeps it too"

# ---- --no-verify: the older version on purpose ----
stale "$wb" set milestone/M1 title="one, newest"
run git -C "$wb" commit -q --no-verify -m "old on purpose"
is "$(title "$wb" "$f1")" "one, again" "git commit --no-verify commits the older version"

# ---- the hook itself: quiet and harmless ----
run env -C "$TMP" "$CAIRN" hook pre-commit
is "$rc" 0 "outside a workbook it exits 0"
like "$err" "could not look at git's index \(the commit goes on\)" "saying why"
run "$CAIRN" -C "$wb" hook pre-commit
is "$rc:$err" "0:" "with nothing old in git's index it says nothing"
run "$CAIRN" -C "$wb" hook
is "$rc" 2 "cairn hook without pre-commit is a usage error"

# ---- a hook of the user's own ----
printf '#!/bin/sh\necho mine >> "%s/mine.log"\n' "$TMP" > "$hook"
chmod +x "$hook"
cp "$hook" "$TMP/mine.hook"
"$CAIRN" -C "$wb" set milestone/M2 title="two, again" >/dev/null
"$CAIRN" -C "$wb" commit >/dev/null 2>&1
ok_cmd "a verb that saves leaves the user's hook alone" cmp "$hook" "$TMP/mine.hook"
"$CAIRN" -C "$wb" remote add origin "$TMP/shared.git" >/dev/null
git init -q --bare "$TMP/shared.git"
run "$CAIRN" -C "$wb" doctor
is "$rc" 1 "doctor: a hook that does not run cairn is a problem"
like "$out" "problem: git's pre-commit hook .* is not cairn's" "doctor says so"
like "$out" "fix: add the line .cairn hook pre-commit. to that hook" "and what to do"
printf '#!/bin/sh\n"%s" hook pre-commit\n' "$CAIRN" > "$hook"
run "$CAIRN" -C "$wb" doctor
is "$rc" 0 "doctor: a hook of the user's that runs cairn is fine"
like "$out" "ok: .*pre-commit hook .* runs cairn" "doctor says so"
stale "$wb" set milestone/M2 title="two, chained"
git -C "$wb" commit -q --allow-empty -m "plain" 2>/dev/null
is "$(title "$wb" "$f2")" "two, chained" "and it heals as cairn's own does"
rm "$hook"
"$CAIRN" -C "$wb" set milestone/M2 title="two, reinstalled" >/dev/null
like "$(cat "$hook" 2>/dev/null)" "cairn's own pre-commit hook" "a verb that saves installs a missing hook"
rm "$hook"
git -C "$wb" config cairn.preCommitHook false
"$CAIRN" -C "$wb" set milestone/M2 title="two, not reinstalled" >/dev/null
ok_cmd "not when cairn.preCommitHook is false" test ! -e "$hook"
git -C "$wb" config --unset cairn.preCommitHook

# ---- core.hooksPath ----
git config --global core.hooksPath "$TMP/hooks"
wb2="$TMP/hookspath"
"$CAIRN" init --open "$wb2" --name test >/dev/null
ok_cmd "with core.hooksPath set, cairn init installs no hook" test ! -e "$wb2/.git/hooks/pre-commit"
ok_cmd "nor in that folder" test ! -e "$TMP/hooks/pre-commit"
"$CAIRN" -C "$wb2" remote add origin "$TMP/shared.git" >/dev/null
run "$CAIRN" -C "$wb2" doctor
is "$rc" 1 "doctor: core.hooksPath is a problem"
like "$out" "problem: git takes its hooks from core.hooksPath \($TMP/hooks\)" "doctor names it"
like "$out" "fix: run .cairn hook pre-commit. from the pre-commit hook in that folder" "and what to do"
git config --global --unset core.hooksPath

# ---- a hook whose cairn is gone ----
mkdir -p "$TMP/bin"
cp "$CAIRN" "$TMP/bin/cairn"
wb3="$TMP/gone"
"$TMP/bin/cairn" init --open "$wb3" --name test >/dev/null
like "$(cat "$wb3/.git/hooks/pre-commit")" "'$TMP/bin/cairn' cairn" "the hook names the cairn that installed it"
"$CAIRN" -C "$wb3" add milestone M1 title="one" >/dev/null
g1=$(path_of "$wb3" M1)
stale "$wb3" set milestone/M1 title="one, saved"
# cairn in PATH takes over
mkdir -p "$TMP/path"
ln -s "$CAIRN" "$TMP/path/cairn"
rm "$TMP/bin/cairn"
run env PATH="$TMP/path:$PATH" git -C "$wb3" commit -q --allow-empty -m "plain"
is "$(title "$wb3" "$g1")" "one, saved" "when its cairn is gone, cairn in PATH runs"
stale "$wb3" set milestone/M1 title="one, last"
run env PATH="/usr/bin:/bin" git -C "$wb3" commit -q --allow-empty -m "plain"
is "$rc" 0 "with no cairn at all, the commit goes on"

# ---- git status racing a save ----
hold_hook
# git status writes git's index when it refreshed an entry (one whose file
# was touched, its text unchanged): so it does with this hook, not held.
touched() { sleep 1; touch "$wb/$f2"; stat -c %Y.%s "$wb/.git/index"; sleep 1; }
: > "$TMP/entered"
before=$(touched)
git -C "$wb" -c core.fsmonitor="$TMP/hold.sh" status > /dev/null 2>&1
unlike "$(stat -c %Y.%s "$wb/.git/index")" "^$before\$" "a git status alone writes git's index after a touch"
rm -f "$TMP/entered"
# Held between its read of git's index and its lock while a save runs.
touched > /dev/null
git -C "$wb" -c core.fsmonitor="$TMP/hold.sh" status > /dev/null 2>&1 &
held=$!
ok_cmd "git status stopped after reading its index" wait_held
"$CAIRN" -C "$wb" set milestone/M1 title="one, beside status" >/dev/null
: > "$TMP/go"
wait $held
# git 2.39's status writes its index only if the file is still the one it
# read (repo_verify_index): it leaves the save's index alone.
is "$(git -C "$wb" diff --cached --name-only)" "" "git status beside a save does not write back the index it read"
run git -C "$wb" commit -q --allow-empty -m "after status"
is "$(title "$wb" "$f1")" "one, beside status" "the commit after it keeps the save"
is "$(git -C "$wb" status --porcelain -- milestones)" "" "and git's index is in step"
run "$CAIRN" -C "$wb" check
is "$rc" 0 "cairn check finds nothing wrong"

# ---- cairn clone installs it too ----
"$CAIRN" -C "$wb" sync >/dev/null 2>&1
"$CAIRN" clone "$TMP/shared.git" "$TMP/cloned" >/dev/null
like "$(cat "$TMP/cloned/.git/hooks/pre-commit" 2>/dev/null)" "cairn's own pre-commit hook" \
	"cairn clone installs git's pre-commit hook"
done_testing
