#!/bin/bash
# The SQLite index: a cache that follows HEAD, however HEAD moved.
. "$(dirname "$0")/lib.sh"

wb=$(demo_workbook)
c() { "$CAIRN" -C "$wb" "$@"; }

# A plain git commit that edits, adds and removes record files.
m4=$(git -C "$wb" ls-tree -r --name-only HEAD milestones | grep /M4)
t10=$(git -C "$wb" ls-tree -r --name-only HEAD tasks | grep /T10)
sed -i 's/^title: .*/title: Evaluation of tools (edited with git)/' "$wb/$m4"
git -C "$wb" rm -q "$t10"
git -C "$wb" commit -qam "edit with plain git"
run c show milestone/M4 --json
like "$out" '"title": "Evaluation of tools \(edited with git\)"' "an edit committed with git shows at once"
run c show task/T10
is "$rc" 1 "a record removed with git is gone from the index"

# Hand edits not committed: noticed by check, committed by commit.
sed -i 's/^title: .*/title: Edited by hand/' "$wb/$m4"
run c check
is "$rc" 1 "check notices a hand edit"
like "$out" "$m4: edited by hand and not committed" "naming the file"
run c set milestone/M4 status=done
is "$rc" 4 "a save over a hand edit is refused"
like "$err" "edited by hand and not committed; saving now would lose that edit" "because it would lose it"
run c commit
is "$rc" 0 "cairn commit saves the hand edit"
is "$(git -C "$wb" log -1 --format=%s)" "Commit edits made by hand" "as a commit"
run c show milestone/M4 --json
like "$out" '"title": "Edited by hand"' "and the index has it"
run c set milestone/M4 status=done
is "$rc" 0 "after which saving works again"

# The index is only a cache.
c ls --json > "$TMP/before.json"
rm -rf "$wb/.cairn"
run c ls --json
is "$rc" 0 "a deleted index is rebuilt"
is "$out" "$(cat "$TMP/before.json")" "with the same content"
echo "garbage, not a database" > "$wb/.cairn/index.sqlite"
run c ls --json
is "$out" "$(cat "$TMP/before.json")" "a damaged index is rebuilt too"
run c check --rebuild
is "$rc" 0 "check --rebuild"
is "$(git -C "$wb" status --porcelain)" "" "git status stays clean"

# The counts by status (kept by triggers) follow every kind of change:
# saves, removals, a plain git commit, a rebuild.
demo="$TMP/tally"
"$CAIRN" demo "$demo" >/dev/null
"$CAIRN" -C "$demo" set task/T2 status=done >/dev/null
"$CAIRN" -C "$demo" rm task/T10 >/dev/null 2>&1 || "$CAIRN" -C "$demo" rm task/T9 >/dev/null
"$CAIRN" -C "$demo" add task T99 title="New" status=active >/dev/null
sed -i 's/^status: planned$/status: active/' "$(grep -rl '^status: planned$' "$demo/tasks" | head -1)"
git -C "$demo" commit -qam "by hand"
tally_of() {   # kind: "status N" lines from cairn status, and from ls
	"$CAIRN" -C "$demo" status | grep "^$2" | grep -oE '[0-9]+ [a-z]+' | sort
}
count_ls() {
	"$CAIRN" -C "$demo" ls "$1" --json | grep -oE '"status": "[a-z]+"' | sort | uniq -c |
		awk '{gsub(/"/, "", $3); print $1 " " $3}' | sort
}
is "$(tally_of task Tasks)" "$(count_ls task)" "task counts by status follow saves, removals and git commits"
is "$(tally_of evaluation Evaluations)" "$(count_ls evaluation)" "evaluation counts by status"
"$CAIRN" -C "$demo" check --rebuild >/dev/null
is "$(tally_of task Tasks)" "$(count_ls task)" "and a rebuild"
done_testing
