#!/bin/bash
# The git shapes a member's workbook may have, made with plain git beside
# cairn: a linked `git worktree`, core.autocrlf and .gitattributes text
# settings, a shallow clone, a failed or empty clone, long titles of
# multibyte characters, `cairn sync REMOTE` and -u, a rebase or a
# cherry-pick plain git left half done, a partial or sparse clone.
. "$(dirname "$0")/lib.sh"

shared_demo                        # $a, pushed to $shared (origin)

# ---- a linked worktree ----
git -C "$a" worktree add -q "$TMP/wt" -b side 2>/dev/null
run "$CAIRN" -C "$TMP/wt" status
is "$rc" 0 "status works in a linked worktree"
[ "$rc" -eq 0 ] || diag "$err"
run "$CAIRN" -C "$TMP/wt" set milestone/M4 title="From the worktree"
is "$rc" 0 "set works in a linked worktree"
[ "$rc" -eq 0 ] || diag "$err"
is "$(git -C "$TMP/wt" log -1 --format=%s side)" \
	"M4: title Evaluation of existing tools -> From the worktree" \
	"the save is a commit on the worktree's branch, as plain git sees it"
is "$(git -C "$a" rev-parse main)" "$(git -C "$a" rev-parse origin/main)" \
	"the main worktree's branch did not move"
run "$CAIRN" -C "$TMP/wt" show milestone/M4
like "$out" "From the worktree" "show reads the worktree's record"
run "$CAIRN" -C "$TMP/wt" log milestone/M4
like "$out" "From the worktree" "log works in a linked worktree"
run "$CAIRN" -C "$TMP/wt" blame milestone/M4
is "$rc" 0 "blame works in a linked worktree"
run "$CAIRN" -C "$TMP/wt" check
is "$rc" 0 "check finds a linked worktree sound"
[ "$rc" -eq 0 ] || diag "$out" "$err"
run "$CAIRN" -C "$a" show milestone/M4
unlike "$out" "From the worktree" "the main worktree's index is its own (not the linked one's)"
run "$CAIRN" -C "$a" check
is "$rc" 0 "check still finds the main worktree sound"
ok_cmd "each worktree keeps its own index under .cairn/" test -e "$TMP/wt/.cairn" -a -e "$a/.cairn"
run "$CAIRN" -C "$TMP/wt" sync origin
is "$rc" 0 "sync works in a linked worktree"
[ "$rc" -eq 0 ] || diag "$err"
is "$(git -C "$shared" rev-parse side)" "$(git -C "$TMP/wt" rev-parse HEAD)" \
	"it pushed the worktree's branch"
git clone -q -b side "$shared" "$TMP/wt-peer"
"$CAIRN" -C "$TMP/wt-peer" set milestone/M3 title="From a peer" >/dev/null
"$CAIRN" -C "$TMP/wt-peer" sync >/dev/null
"$CAIRN" -C "$TMP/wt" set milestone/M2 title="Worktree again" >/dev/null
run "$CAIRN" -C "$TMP/wt" sync
is "$rc" 0 "sync merges in a linked worktree"
[ "$rc" -eq 0 ] || diag "$err"
run "$CAIRN" -C "$TMP/wt" show milestone/M3
like "$out" "From a peer" "the sync brought the peer's edit into the worktree"
ok_cmd "plain git finds the worktree clean and its repository sound" git_clean "$TMP/wt"
run "$CAIRN" -C "$TMP/wt" conflicts
is "$rc" 0 "conflicts (the worktree's own conflicts file) works"
[ "$rc" -eq 0 ] || diag "$err"

# ---- core.autocrlf=true and .gitattributes text ----
crlf_check() {   # crlf_check DIR NAME
	local dir=$1 name=$2
	run "$CAIRN" -C "$dir" set milestone/M4 title="Saved with $name"
	is "$rc" 0 "$name: set is not refused as a hand edit"
	[ "$rc" -eq 0 ] || diag "$err"
	run "$CAIRN" -C "$dir" check
	is "$rc" 0 "$name: check agrees with set (sound)"
	[ "$rc" -eq 0 ] || diag "$out"
	local f; f=$(git -C "$dir" ls-tree -r --name-only HEAD milestones | grep '/M4$')
	is "$(git -C "$dir" cat-file blob "HEAD:$f" | grep -c $'\r')" 0 \
		"$name: the record is LF in git"
	ok_cmd "$name: git status is clean" test -z "$(git -C "$dir" status --porcelain)"
	# A hand edit through the CRLF work tree is still one.
	sed -i 's/^title: .*/title: By hand\r/' "$dir/$f"
	run "$CAIRN" -C "$dir" set milestone/M4 owner=bwg-1
	is "$rc" 4 "$name: a real hand edit is still refused"
	run "$CAIRN" -C "$dir" check
	like "$out" "by hand" "$name: and check names it"
	run "$CAIRN" -C "$dir" commit
	is "$rc" 0 "$name: cairn commit saves the hand edit"
	[ "$rc" -eq 0 ] || diag "$err"
	is "$(git -C "$dir" cat-file blob "HEAD:$f" | grep -c $'\r')" 0 \
		"$name: the hand edit is LF in git"
	is "$(git -C "$dir" cat-file blob "HEAD:$f" | sed -n 's/^title: //p')" "By hand" \
		"$name: with the value typed"
	run "$CAIRN" -C "$dir" sync
	is "$rc" 0 "$name: sync pushes it"
	[ "$rc" -eq 0 ] || diag "$err"
	run "$CAIRN" -C "$dir" check
	is "$rc" 0 "$name: sound after the sync"
	[ "$rc" -eq 0 ] || diag "$out"
}
git clone -q -c core.autocrlf=true "$shared" "$TMP/crlf"
ok_cmd "plain git's autocrlf clone has CRLF records" grep -rlq $'\r' "$TMP/crlf/milestones"
crlf_check "$TMP/crlf" "core.autocrlf=true"

git clone -q "$shared" "$TMP/attr"
# A member's own attributes (a tracked .gitattributes is refused by every
# member's sync, as it would change what git does).
printf '* text eol=crlf\n' > "$HOME/.gitattributes"
git config --global core.attributesFile "$HOME/.gitattributes"
rm -rf "$TMP/attr/milestones" && git -C "$TMP/attr" checkout -q -- .
ok_cmd "a .gitattributes eol=crlf work tree has CRLF records" grep -rlq $'\r' "$TMP/attr/milestones"
crlf_check "$TMP/attr" "attributes eol=crlf"
git config --global --unset core.attributesFile

# ---- a shallow clone ----
for i in 1 2 3; do "$CAIRN" -C "$a" set milestone/M5 title="Round $i" >/dev/null; done
"$CAIRN" -C "$a" sync >/dev/null
git clone -q --depth 1 -b main "file://$shared" "$TMP/shallow"
run "$CAIRN" -C "$TMP/shallow" log milestone/M5
is "$rc" 0 "log works in a shallow clone"
like "$out" "Round 3" "log shows what is there"
like "$err$out" "shallow.*git fetch --unshallow" "log says the history is shallow, and how to deepen it"
run "$CAIRN" -C "$TMP/shallow" blame milestone/M5
is "$rc" 0 "blame works in a shallow clone"
like "$err$out" "shallow.*git fetch --unshallow" "blame says the history is shallow"
run "$CAIRN" -C "$TMP/shallow" set milestone/M5 owner=bwg-1
is "$rc" 0 "set works in a shallow clone"
run "$CAIRN" -C "$TMP/shallow" sync
is "$rc" 0 "sync works in a shallow clone (ahead only)"
[ "$rc" -eq 0 ] || diag "$err"
like "$out$err" "shallow clone.*whole history" "and says it fetched the whole history first"
ok_cmd "git's shallow file is gone" test ! -e "$TMP/shallow/.git/shallow"
is "$(git -C "$TMP/shallow" rev-list --count HEAD)" "$(git -C "$shared" rev-list --count main)" \
	"the whole history is here, as plain git counts it"
run "$CAIRN" -C "$TMP/shallow" log milestone/M5
unlike "$err" "shallow" "log no longer calls it shallow"
like "$out" "Round 1" "and shows the older changes"
"$CAIRN" -C "$a" set milestone/M5 deadline=2016-06-30 >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
"$CAIRN" -C "$TMP/shallow" set milestone/M5 title="Shallow edit" >/dev/null
run "$CAIRN" -C "$TMP/shallow" sync
is "$rc" 0 "sync merges in a shallow clone (both sides moved)"
[ "$rc" -eq 0 ] || diag "$err"
run "$CAIRN" -C "$TMP/shallow" show milestone/M5
like "$out" "Shallow edit" "the shallow side's edit is kept"
like "$out" "30/06/2016" "the other side's edit came in"
ok_cmd "plain git finds the shallow clone sound" git_clean "$TMP/shallow"
git clone -q --depth 1 -b main "file://$shared" "$TMP/shallow2"
"$CAIRN" -C "$a" set milestone/M5 result="From a, again" >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
"$CAIRN" -C "$TMP/shallow2" set milestone/M5 owner=bwg-2 >/dev/null
run "$CAIRN" -C "$TMP/shallow2" sync --dry-run
is "$rc" 1 "a dry run in a shallow clone that needs the older history stops"
like "$err" "shallow clone.*not --dry-run.*git fetch --unshallow" "saying what fetches it"
run "$CAIRN" -C "$TMP/shallow2" sync
is "$rc" 0 "and the sync itself goes through"
[ "$rc" -eq 0 ] || diag "$err"

# ---- a failed clone, an empty repository ----
run "$CAIRN" clone "$TMP/no-such.git" "$TMP/c1"
unlike "$rc" "^0$" "a clone of a missing folder fails"
like "$err" "no-such.git" "and names it"
ok_cmd "and leaves nothing behind" test ! -e "$TMP/c1"
run "$CAIRN" clone "ssh://127.0.0.1:1/x.git" "$TMP/c2"
ok_cmd "a refused connection leaves nothing behind" test ! -e "$TMP/c2"
# A server that accepts and hangs up at once: an empty answer.
python3 - "$TMP/port" <<'PY' &
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
s.settimeout(30)
try:
    while True:
        c, _ = s.accept(); c.close()
except OSError:
    pass
PY
hangup=$!
for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
run "$CAIRN" clone "http://127.0.0.1:$(cat "$TMP/port")/x.git" "$TMP/c2b"
unlike "$rc" "^0$" "a clone from a server that hangs up fails"
ok_cmd "and leaves nothing behind" test ! -e "$TMP/c2b"
run "$CAIRN" clone "$shared" "$TMP/c2b"
is "$rc" 0 "the retry into the same folder works"
kill $hangup 2>/dev/null; wait $hangup 2>/dev/null
git init -q --bare --initial-branch=main "$TMP/empty.git"
run "$CAIRN" clone "$TMP/empty.git" "$TMP/c3"
is "$rc" 1 "a clone of an empty repository is refused"
like "$err" "empty" "it says the repository is empty"
like "$err" "cairn init.*remote add origin.*sync" "and says how the first member fills it"
ok_cmd "and leaves nothing behind" test ! -e "$TMP/c3"
mkdir "$TMP/c4"
run "$CAIRN" clone "$TMP/empty.git" "$TMP/c4"
ok_cmd "an empty folder named for the clone stays, empty" test -d "$TMP/c4" -a -z "$(ls -A "$TMP/c4")"
"$CAIRN" demo "$TMP/first" >/dev/null
"$CAIRN" -C "$TMP/first" remote add origin "$TMP/empty.git"
"$CAIRN" -C "$TMP/first" sync >/dev/null
run "$CAIRN" clone "$TMP/empty.git" "$TMP/c3"
is "$rc" 0 "the retry works once the first member has pushed"
run "$CAIRN" clone "$TMP/empty.git" "$TMP/c4"
is "$rc" 0 "the retry works into the empty folder too"
mkdir "$TMP/c5"; echo mine > "$TMP/c5/keep.txt"
run "$CAIRN" clone "$TMP/empty.git" "$TMP/c5"
unlike "$rc" "^0$" "a clone into a folder that holds files is refused"
is "$(cat "$TMP/c5/keep.txt")" mine "and the folder's files are left alone"

# ---- subjects cut on character boundaries ----
long="a$(printf 'é%.0s' $(seq 1 60))"
"$CAIRN" -C "$a" set milestone/M2 title="$long" >/dev/null
"$CAIRN" -C "$a" set milestone/M2 title="b$(printf '日本%.0s' $(seq 1 40))" >/dev/null
"$CAIRN" -C "$a" set milestone/M2 title="cc$(printf '🙂%.0s' $(seq 1 40))" >/dev/null
ok_cmd "every subject is valid UTF-8" \
	bash -c "git -C '$a' log --format=%s | iconv -f UTF-8 -t UTF-8"
ok_cmd "every commit message is valid UTF-8" \
	bash -c "git -C '$a' log --format=%B | iconv -f UTF-8 -t UTF-8"

# ---- cairn sync REMOTE, and -u ----
git init -q --bare --initial-branch=main "$TMP/other.git"
"$CAIRN" -C "$a" remote add other "$TMP/other.git"
run "$CAIRN" -C "$a" sync other
is "$rc" 0 "sync other works"
is "$(git -C "$a" config branch.main.remote)" origin "sync REMOTE leaves the default remote alone"
run "$CAIRN" -C "$a" status
is "$(git -C "$a" config branch.main.merge)" refs/heads/main "and the upstream branch"
"$CAIRN" -C "$a" set milestone/M2 title="For other only" >/dev/null
"$CAIRN" -C "$a" sync other >/dev/null
is "$(git -C "$TMP/other.git" rev-parse main)" "$(git -C "$a" rev-parse main)" \
	"a second sync other pushes what other lacks (not what origin lacks)"
unlike "$(git -C "$a" rev-list --count @{upstream}..main)" "^0$" \
	"the edit is still unshared with origin, the default (git's upstream)"
run "$CAIRN" -C "$a" sync -u other
is "$rc" 0 "sync -u other works"
is "$(git -C "$a" config branch.main.remote)" other "sync -u REMOTE makes it the default, as git push -u"
"$CAIRN" -C "$a" sync -u origin >/dev/null

# ---- a rebase or cherry-pick plain git left half done ----
git clone -q "$shared" "$TMP/rb"
echo one > "$TMP/rb/notes.txt"; git -C "$TMP/rb" add notes.txt; git -C "$TMP/rb" commit -q -m one
git -C "$TMP/rb" checkout -q -b topic HEAD~1
echo two > "$TMP/rb/notes.txt"; git -C "$TMP/rb" add notes.txt; git -C "$TMP/rb" commit -q -m two
git -C "$TMP/rb" rebase main >/dev/null 2>&1
ok_cmd "plain git's rebase stopped" test -d "$TMP/rb/.git/rebase-merge" -o -d "$TMP/rb/.git/rebase-apply"
run "$CAIRN" -C "$TMP/rb" set milestone/M4 title=Lost
unlike "$rc" "^0$" "set is refused during a rebase"
like "$err" "rebase --continue" "it names git rebase --continue"
like "$err" "rebase --abort" "and git rebase --abort"
run "$CAIRN" -C "$TMP/rb" sync
unlike "$rc" "^0$" "sync is refused during a rebase"
like "$err" "rebase --abort" "and names the way out"
run "$CAIRN" -C "$TMP/rb" status
like "$err$out" "rebase" "status names the rebase"
git -C "$TMP/rb" rebase --abort
git -C "$TMP/rb" checkout -q main
git -C "$TMP/rb" cherry-pick topic >/dev/null 2>&1
ok_cmd "plain git's cherry-pick stopped" test -f "$TMP/rb/.git/CHERRY_PICK_HEAD"
run "$CAIRN" -C "$TMP/rb" set milestone/M4 title=Lost
unlike "$rc" "^0$" "set is refused during a cherry-pick"
like "$err" "cherry-pick --continue" "it names git cherry-pick --continue"
like "$err" "cherry-pick --abort" "and git cherry-pick --abort"
run "$CAIRN" -C "$TMP/rb" sync
unlike "$rc" "^0$" "sync is refused during a cherry-pick"
like "$err" "cherry-pick --abort" "and names the way out"
run "$CAIRN" -C "$TMP/rb" check
like "$err$out" "cherry-pick" "check names the cherry-pick"
is "$(git -C "$TMP/rb" cat-file -t CHERRY_PICK_HEAD)" commit "the cherry-pick is still there to finish"
git -C "$TMP/rb" cherry-pick --abort
run "$CAIRN" -C "$TMP/rb" set milestone/M4 title=After
is "$rc" 0 "set works once the cherry-pick is over"

# ---- a partial or sparse clone ----
git -C "$shared" config uploadpack.allowFilter true
git clone -q --filter=blob:none -b main "file://$shared" "$TMP/partial" 2>/dev/null
run "$CAIRN" -C "$TMP/partial" status
is "$rc" 3 "a partial clone is refused"
like "$err" "partial clone" "it is named"
like "$err" "git fetch --refetch|git clone" "with what to do"
git clone -q -b main "$shared" "$TMP/sparse"
git -C "$TMP/sparse" sparse-checkout set milestones 2>/dev/null
run "$CAIRN" -C "$TMP/sparse" status
is "$rc" 3 "a sparse checkout is refused"
like "$err" "sparse" "it is named"
like "$err" "git sparse-checkout disable" "with what to do"
git -C "$TMP/sparse" sparse-checkout disable 2>/dev/null
run "$CAIRN" -C "$TMP/sparse" set milestone/M4 title="Not sparse any more"
is "$rc" 0 "after git sparse-checkout disable, cairn works"

done_testing
