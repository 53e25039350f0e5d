#!/bin/bash
# A plain `git commit` reads git's index before it takes git's lock, and
# writes back what it read once it holds the lock.  When a cairn save runs
# entirely in between (it moves the branch and brings git's index in step),
# that git writes the index as it was before the save, and its own commit
# fails (HEAD moved).  The next plain `git commit` then used to commit that
# old index: the save's record went back to its old text, silently.
# Stopped here at the point between git's read and its lock with an
# fsmonitor hook (git runs it just after reading the index).
# git (2.39) reads its index again after the pre-commit hook, and the hook
# cairn init installs (`cairn hook pre-commit`) puts back, under git's
# lock, HEAD's entry for a record whose entry is one of its older versions
# while the work tree holds HEAD's text: the held commit's own hook does
# it already.  tests/cli/githook.sh tries the hook's other cases.
. "$(dirname "$0")/lib.sh"

wb=$(new_workbook)
"$CAIRN" -C "$wb" add person p name=P category=other role=leader >/dev/null
"$CAIRN" -C "$wb" add milestone M1 title="old" >/dev/null
f=$(git -C "$wb" ls-tree -r --name-only HEAD milestones | grep '/M1$')

hold_hook

# git commit reads HEAD and the index, then waits in the hook.
git -C "$wb" -c core.fsmonitor="$TMP/hold.sh" commit -q --allow-empty -m "held" \
	> "$TMP/held.out" 2>&1 &
held=$!
ok_cmd "git commit stopped after reading its index" wait_held

run "$CAIRN" -C "$wb" set milestone/M1 title="new"
is "$rc" 0 "the save returns 0 while git waits"
: > "$TMP/go"
wait $held
diag "the held git commit: $(tr '\n' ' ' < "$TMP/held.out")"

# The next plain commit, as a member would type it.
git -C "$wb" commit -q --allow-empty -m "next" >/dev/null 2>&1
is "$(git -C "$wb" show "HEAD:$f" | sed -n 's/^title: //p')" "new" \
	"a plain git commit after it keeps the save"
is "$(git -C "$wb" status --porcelain -- milestones)" "" "git status shows no record changed"
run "$CAIRN" -C "$wb" check
is "$rc" 0 "cairn check finds nothing wrong"
done_testing
