#!/bin/bash
# Never blocked by history.  A plain-git member pushes commits cairn would
# not write itself -- a record with conflict markers, one with CRLF line
# ends, a record over the incoming size a file used to be held to, files
# outside cairn's folders (docs/plan.md, "Meeting notes.txt"), a settings
# key from a newer cairn -- and later a commit that fixes them.  These are
# data, not attacks: every member's sync takes them in byte for byte, lists
# the unreadable records (file, line, what to do) in check and status, keeps
# the rest usable, and is clean again once the fix arrives.  A clone of that
# history works.  (What is dangerous in any commit stays refused: hostile.sh.)
. "$(dirname "$0")/lib.sh"

shared_demo
for m in b c f g; do "$CAIRN" clone "$shared" "$TMP/$m" >/dev/null 2>&1; done
b="$TMP/b" c="$TMP/c"
p="$TMP/plain"
git clone -q "$shared" "$p"
m4=$(git -C "$p" ls-files 'milestones/*' | grep '/M4$')
t3=$(git -C "$p" ls-files 'tasks/*' | grep '/T3$')
tool1=$(git -C "$p" ls-files 'tools/*' | head -1)
p1=$(git -C "$p" ls-files 'persons/*' | head -1)

# -- the plain-git member's commits --
before=$(git -C "$p" rev-parse HEAD)
pc() { (cd "$p" && eval "$1" && git add -A && git commit -qm "$2") >/dev/null 2>&1; }
pc "{ echo '<<<<<<< HEAD'; cat $m4; echo '======='; cat $m4; echo '>>>>>>> theirs'; } > $m4.new && mv $m4.new $m4" \
	"a merge left conflict markers"
pc "sed -i 's/\$/\r/' $t3" "saved with CRLF"
# A record of about 1.5 MiB: one long field, as cairn itself saves it.
pc "{ cat $p1; printf 'notes: '; head -c 1500000 /dev/zero | tr '\\0' n; echo; } > $p1.new && mv $p1.new $p1" \
	"a long note"
pc "mkdir -p docs/2016/03/minutes && printf '# Plan\\n' > docs/plan.md && echo x > docs/2016/03/minutes/a.md" "the plan"
# Hidden files a group's other tools keep: carried as any file of theirs.
pc "mkdir -p .github/workflows docs/.vscode && echo 'on: push' > .github/workflows/ci.yml && echo 'root = true' > .editorconfig && echo '{}' > docs/.vscode/settings.json" \
	"the CI and editor settings"
pc "printf 'Monday: pilots\\n' > 'Meeting notes.txt'" "meeting notes"
pc "printf 'future_key = 7\\n' >> cairn.ini" "a setting from a newer cairn"
# Over the most a record may hold (4 MiB), far under what is refused.
pc "{ cat $tool1; printf 'notes: '; head -c 5000000 /dev/zero | tr '\\0' n; echo; } > $tool1.new && mv $tool1.new $tool1" \
	"a huge note"
git -C "$p" push -q origin HEAD:main 2>/dev/null
bad=$(git -C "$p" rev-parse HEAD)
bytes() { git -C "$1" ls-files -s | awk '{print $2, $4}'; }

# settled MEMBER WHEN: the member's sync took everything in.
synced_with_problems() {
	local wb=$1 who=$2
	run "$CAIRN" -C "$wb" sync
	is "$rc" 0 "$who: sync succeeds over the unreadable records"
	is "$(git -C "$wb" rev-parse HEAD)" "$(git -C "$shared" rev-parse main)" "$who: and is at the shared tip"
	is "$(git -C "$wb" cat-file -p "HEAD:$m4" | sha1sum)" "$(git -C "$p" cat-file -p "$bad:$m4" | sha1sum)" \
		"$who: the conflicted record's bytes are kept in git"
	is "$(sha1sum < "$wb/$t3")" "$(git -C "$p" cat-file -p "$bad:$t3" | sha1sum)" \
		"$who: the CRLF record's bytes are kept in the work tree"
	is "$(cat "$wb/docs/plan.md")" "# Plan" "$who: docs/plan.md is carried"
	is "$(cat "$wb/docs/2016/03/minutes/a.md")" "x" "$who: and a deeper folder of the group's"
	is "$(cat "$wb/Meeting notes.txt")" "Monday: pilots" "$who: \"Meeting notes.txt\" is carried"
	is "$(cat "$wb/.github/workflows/ci.yml" "$wb/.editorconfig" "$wb/docs/.vscode/settings.json" 2>&1)" \
		"on: push
root = true
{}" "$who: hidden files outside cairn's folders (.github/, .editorconfig) are carried"
	like "$(cat "$wb/cairn.ini")" "future_key = 7" "$who: the unknown setting is carried"
	run "$CAIRN" -C "$wb" check
	is "$rc" 1 "$who: check reports problems"
	like "$out" "$m4:1: .*(fix|edit|remove)" "$who: check names the conflicted record, its line and what to do"
	like "$out" "$t3:1: .*dos2unix.*cairn commit" "$who: check names the CRLF record and what to do"
	like "$out" "$tool1: 5[0-9]{6} bytes, more than a record may hold" "$who: and the record over 4 MiB"
	unlike "$out" "docs/plan.md|Meeting notes|\.github|\.editorconfig|\.vscode" "$who: files outside cairn's folders are not problems"
	unlike "$out" "edited by hand" "$who: nothing is reported as a hand edit"
	like "$out" "cairn.ini:[0-9]+: .*future_key" "$who: check lists the unknown setting too"
	like "$err" "cairn.ini:[0-9]+: unknown setting 'future_key'" \
		"$who: the first command after it came warns about the unknown setting, with its line"
	run "$CAIRN" -C "$wb" status
	like "$out" "$m4:1:" "$who: status lists the unreadable record with its line"
	unlike "$err" "future_key" "$who: once"
	run "$CAIRN" -C "$wb" show "$(basename "$p1" | sed 's/^/person\//')"
	is "$rc" 0 "$who: the 1.5 MiB record loads"
	run "$CAIRN" -C "$wb" set task/T1 status=active
	is "$rc" 0 "$who: other records are saved"
	run "$CAIRN" -C "$wb" sync
	is "$rc" 0 "$who: and synced"
	is "$(git -C "$wb" status --porcelain)" "" "$who: git status is clean"
}
synced_with_problems "$a" "a"
synced_with_problems "$b" "b"
synced_with_problems "$c" "c"

# A member who changed M4 meanwhile: their unreadable M4 against our edit is
# a conflict over the whole record, both kept; settling it unblocks the push.
f="$TMP/f"
"$CAIRN" -C "$f" set milestone/M4 title="Evaluation, kept" >/dev/null
run "$CAIRN" -C "$f" sync
is "$rc" 4 "f: our edit of M4 against their unreadable M4 is a conflict"
run "$CAIRN" -C "$f" conflicts
like "$out" "theirs +<<<<<<< HEAD" "f: their bytes are shown as they are"
like "$out" "ours +title: Evaluation, kept" "f: and ours"
run "$CAIRN" -C "$f" resolve milestone/M4 --ours
is "$rc" 0 "f: settled with ours"
run "$CAIRN" -C "$f" sync
is "$rc" 0 "f: and pushed"
like "$("$CAIRN" -C "$f" show milestone/M4)" "Evaluation, kept" "f: our M4 is kept"

run "$CAIRN" clone "$shared" "$TMP/d"
is "$rc" 0 "a clone of that history works"
is "$(cat "$TMP/d/docs/plan.md" 2>/dev/null)" "# Plan" "and carries docs/plan.md"
run "$CAIRN" -C "$TMP/d" check
like "$out" "$t3:1:" "and lists the unreadable record"

# -- a member fixes one by hand and commits it with cairn --
# (f's M4 came in and fixed it already: b mends another way, by hand,
# without the title f chose.)
"$CAIRN" -C "$b" sync >/dev/null 2>&1
git -C "$b" show "$before:$m4" > "$b/$m4"
run "$CAIRN" -C "$b" commit -m "M4 as it was"
is "$rc" 0 "a fix by hand is committed with cairn commit"
run "$CAIRN" -C "$b" sync
is "$rc" 0 "and synced"

# -- the plain-git member fixes the rest --
git -C "$p" pull -q --no-rebase 2>/dev/null
pc "sed -i 's/\r\$//' $t3 && sed -i '/^future_key/d' cairn.ini && git show $bad~1:$tool1 > $tool1" \
	"fixed the line ends"
git -C "$p" push -q origin HEAD:main 2>/dev/null
# g was away: the unreadable commits and their fix come in one sync, and
# only the tip is judged.
for m in a b c g; do
	wb="$TMP/$m"
	run "$CAIRN" -C "$wb" sync
	is "$rc" 0 "$m: sync after the fix"
	run "$CAIRN" -C "$wb" check
	is "$rc" 0 "$m: the workbook is clean after the fix"
	run "$CAIRN" -C "$wb" show milestone/M4
	is "$rc" 0 "$m: M4 reads again"
done
# -- a file of the group's changed on both sides: a conflict, never a pick --
"$CAIRN" -C "$a" sync >/dev/null 2>&1
git -C "$p" pull -q --no-rebase 2>/dev/null
pc "printf '# Plan, theirs\\n' > docs/plan.md" "their plan"
git -C "$p" push -q origin HEAD:main 2>/dev/null
printf '# Plan, ours\n' > "$a/docs/plan.md"
git -C "$a" commit -qam "our plan"
run "$CAIRN" -C "$a" sync
is "$rc" 4 "docs/plan.md changed on both sides waits as a conflict"
run "$CAIRN" -C "$a" conflicts
like "$out" "^docs/plan.md " "named by its path"
like "$out" "theirs +# Plan, theirs" "with both texts kept"
run "$CAIRN" -C "$a" resolve docs/plan.md --theirs
is "$rc" 0 "resolve takes a file's path"
run "$CAIRN" -C "$a" sync
is "$rc" 0 "and the merge is pushed"
is "$(cat "$a/docs/plan.md")" "# Plan, theirs" "their text is in the work tree"
is "$(git -C "$a" status --porcelain)" "" "git status is clean"

run "$CAIRN" clone "$shared" "$TMP/e"
is "$rc" 0 "a clone after the fix"
run "$CAIRN" -C "$TMP/e" check
is "$rc" 0 "is clean"
done_testing
