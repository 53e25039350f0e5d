#!/bin/bash
# A merge or rebase plain git stopped on conflicts: cairn takes a merge over
# only where nothing typed can be lost (record files that still hold their
# markers, every other file as git wrote it); a resolution being typed, in a
# record file or any other, is kept and the merge left to git; a stopped
# rebase is explained with git's own commands.
. "$(dirname "$0")/lib.sh"

shared_demo
m2=$(git -C "$a" ls-files 'milestones/*' | grep '/M2$')
m4=$(git -C "$a" ls-files 'milestones/*' | grep '/M4$')

# clash NAME: a plain clone whose pull stops on M2's title (and, with
# "plan", on docs/plan.md too, a file outside the records); M4, which
# only they changed, comes in cleanly.  (Set round first: clash runs in a
# subshell.)
clash() {
	local p="$TMP/$1"
	git clone -q "$shared" "$p"
	"$CAIRN" -C "$a" set milestone/M2 title="Title from a $round" >/dev/null
	"$CAIRN" -C "$a" set milestone/M4 title="M4 from a $round" >/dev/null
	if [ "${2:-}" = plan ]; then
		mkdir -p "$a/docs"
		echo "plan by a $round" > "$a/docs/plan.md"
		git -C "$a" add docs/plan.md && git -C "$a" commit -qm "plan by a" >/dev/null
	fi
	"$CAIRN" -C "$a" sync >/dev/null
	sed -i "s/^title: .*/title: Title from plain $round/" "$p/$m2"
	if [ "${2:-}" = plan ]; then
		mkdir -p "$p/docs"
		echo "plan by plain $round" > "$p/docs/plan.md"
		git -C "$p" add docs/plan.md
	fi
	git -C "$p" commit -qam "plain edits" >/dev/null
	git -C "$p" pull -q --no-rebase origin main >/dev/null 2>&1
	echo "$p"
}

# 1. The record file still holds its markers, the other files are as git
# wrote them: a verb that may write takes the merge over.
round=1
p=$(clash plain1)
grep -q '^<<<<<<<' "$p/$m2" && pass "git stopped with markers in the record" ||
	fail "git stopped with markers in the record"
run "$CAIRN" -C "$p" set milestone/M3 result="typed while merging"
is "$rc" 0 "a save takes the merge over"
like "$err" "cairn merged it field by field instead, and 1 conflict waits" "and says so (the title is a conflict)"
run "$CAIRN" -C "$p" resolve milestone/M2 title --theirs
like "$out" "the merge is committed" "settled, the merge is committed"
like "$(cat "$p/$m4")" "^title: M4 from a 1$" "a file only they changed is there as git wrote it"
like "$(git -C "$p" show "HEAD:$m4")" "^title: M4 from a 1$" "and in the merge"
[ ! -e "$p/.git/MERGE_HEAD" ] && pass "git's merge is over" || fail "git's merge is over"
is "$(git -C "$p" status --porcelain)" "" "git status is clean"

# 2. A resolution typed into the record file (the markers gone): kept, and
# the merge left to git.
round=2
p=$(clash plain2)
printf 'id: M2\ntitle: Typed by hand\n' > "$TMP/typed"
grep -v '^\(<<<<<<<\|=======\|>>>>>>>\)' "$p/$m2" | grep -v '^title: ' > "$TMP/rest"
{ cat "$TMP/rest"; echo "title: Typed by hand"; } > "$p/$m2"
typed=$(sha1sum < "$p/$m2")
run "$CAIRN" -C "$p" set milestone/M3 result="typed while merging"
like "$err" "cairn leaves it to git, because $m2 holds no conflict markers any more" \
	"a record file resolved by hand: cairn leaves the merge to git, and says why"
like "$err" "\`git merge --abort\`" "with git's commands"
is "$(sha1sum < "$p/$m2")" "$typed" "the resolution typed is kept"
[ -e "$p/.git/MERGE_HEAD" ] && pass "the merge is still git's" || fail "the merge is still git's"

# 3. A non-record file in conflict, half resolved: never touched.
round=3
p=$(clash plain3 plan)
grep -q '^<<<<<<<' "$p/docs/plan.md" && pass "git stopped on docs/plan.md too" ||
	fail "git stopped on docs/plan.md too"
echo "plan: resolved by hand, half way" > "$p/docs/plan.md"
run "$CAIRN" -C "$p" commit
like "$err" "because docs/plan.md, which is not a record file, is in conflict" \
	"a conflict outside the records: the merge stays git's"
is "$(cat "$p/docs/plan.md")" "plan: resolved by hand, half way" "the text typed there is kept"
grep -q '^<<<<<<<' "$p/$m2" && pass "and the record file is left as git wrote it" ||
	fail "and the record file is left as git wrote it"
# Finishing with git, as the message says, works.
git -C "$p" checkout -q --theirs -- "$m2"
git -C "$p" add "$m2" docs/plan.md && git -C "$p" commit -qm "merged by hand"
run "$CAIRN" -C "$p" show milestone/M2
like "$out" "Title from a 3" "after git commit finishes it, cairn reads the merge git made"

# 4. A file git merged cleanly, changed since by hand: kept.
round=4
p=$(clash plain4)
sed -i 's/^title: .*/title: M4 changed after the pull/' "$p/$m4"
run "$CAIRN" -C "$p" commit
like "$err" "because $m4 was changed since git wrote it" "a file changed since git wrote it keeps cairn out"
like "$(cat "$p/$m4")" "^title: M4 changed after the pull$" "and is kept"

# 5. Their side also brought what cairn's own sync refuses (a link, pushed
# with plain git): cairn checks that before it touches anything, and leaves
# git's merge, every file as git wrote it, with git's commands.
round=5
p="$TMP/plain5m"
git clone -q "$shared" "$p"
"$CAIRN" -C "$a" set milestone/M2 title="Title from a $round" >/dev/null
ln -s /etc/hostname "$a/evil-link"
git -C "$a" add evil-link && git -C "$a" commit -qm "a link by a" >/dev/null
git -C "$a" push -q origin HEAD:main
sed -i "s/^title: .*/title: Title from plain $round/" "$p/$m2"
git -C "$p" commit -qam "plain edits" >/dev/null
git -C "$p" pull -q --no-rebase origin main >/dev/null 2>&1
snap() { (cd "$p" && git ls-files -s && sha1sum "$m2" && readlink evil-link && cat .git/MERGE_HEAD); }
before=$(snap)
head=$(git -C "$p" rev-parse HEAD)
run "$CAIRN" -C "$p" status
like "$err" "a plain git merge is under way and cairn leaves it to git, because .*evil-link.*cancel it with .git merge --abort.; this shows the files as they are" \
	"a verb that only looks says a save would leave it to git, and why"
unlike "$err" "takes over its record files" "not that a save would take it over"
is "$(snap)" "$before" "and changes nothing"
run "$CAIRN" -C "$p" commit
like "$err" "a plain git merge of commit [0-9a-f]{12} is under way and cairn leaves it to git, because .*evil-link.*cancel it with .git merge --abort.$" \
	"a merge bringing files cairn refuses is left to git, saying why, with git's commands"
unlike "$err" "could not take it over" "refused before anything was touched"
is "$(snap)" "$before" "git's merge, its index and every file are as git left them"
[ -e "$p/.git/MERGE_HEAD" ] && pass "the merge is still git's" || fail "the merge is still git's"

# 6. A rebase stopped on a conflict: explained, nothing saved meanwhile.
p="$TMP/plain5"
git clone -q "$shared" "$p"
"$CAIRN" -C "$a" set milestone/M2 title="Title from a, again" >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
sed -i "s/^title: .*/title: Title from plain, rebased/" "$p/$m2"
git -C "$p" commit -qam "plain edit"
git -C "$p" pull -q --rebase origin main >/dev/null 2>&1
[ -d "$p/.git/rebase-merge" ] || [ -d "$p/.git/rebase-apply" ] &&
	pass "git's rebase stopped" || fail "git's rebase stopped"
before=$(sha1sum < "$p/$m2")
run "$CAIRN" -C "$p" status
like "$err" "a plain \`git rebase\` has stopped there.*\`git rebase --continue\`.*\`git rebase --abort\`" \
	"a stopped rebase is explained with git's commands"
unlike "$err" "git checkout main" "not with advice that would lose it"
run "$CAIRN" -C "$p" set milestone/M3 result=x
is "$rc" 1 "a save waits for the rebase"
like "$err" "cairn works on the branch again once the rebase is over" "saying so"
is "$(sha1sum < "$p/$m2")" "$before" "the file is left as git wrote it"
git -C "$p" rebase --abort
run "$CAIRN" -C "$p" set milestone/M3 result=x
is "$rc" 0 "after git rebase --abort, saves go on"

# 7. A cherry-pick stopped on a record file: not a hand edit for `cairn
# commit` to save, nor one `git checkout` could drop (git refuses an
# unmerged path): named with git's own commands, and left alone.
p="$TMP/plain7"
git clone -q "$shared" "$p"
git -C "$p" checkout -q -b side
sed -i "s/^title: .*/title: Title on the side/" "$p/$m2"
git -C "$p" commit -qam "side edit"
git -C "$p" checkout -q main
"$CAIRN" -C "$p" set milestone/M2 title="Title on main" >/dev/null
git -C "$p" cherry-pick side >/dev/null 2>&1
grep -q '^<<<<<<<' "$p/$m2" && pass "git's cherry-pick stopped with markers" ||
	fail "git's cherry-pick stopped with markers"
before=$(sha1sum < "$p/$m2")
run "$CAIRN" -C "$p" check
like "$out" "$m2: git holds it in conflict \(a plain .git cherry-pick. stopped\): edit it, .git add $m2., then .git cherry-pick --continue., or cancel with .git cherry-pick --abort." \
	"check names a file git holds in conflict, with git's commands"
unlike "$out" "edited by hand" "and does not call it a hand edit"
head=$(git -C "$p" rev-parse HEAD)
run "$CAIRN" -C "$p" commit
is "$(git -C "$p" rev-parse HEAD)" "$head" "cairn commit commits nothing"
is "$(sha1sum < "$p/$m2")" "$before" "and the file is left as git wrote it"
done_testing
