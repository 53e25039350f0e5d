#!/bin/bash
# ls --json and import json: what one writes, the other reads, as one commit.
. "$(dirname "$0")/lib.sh"

src=$(demo_workbook)
dst=$(new_workbook)
"$CAIRN" -C "$src" ls --json > "$TMP/all.json"
ok_cmd "ls --json writes valid JSON" python3 -m json.tool "$TMP/all.json"
before=$(git -C "$dst" rev-list --count HEAD)
run "$CAIRN" -C "$dst" import json "$TMP/all.json"
is "$rc" 0 "import json takes what ls --json writes"
is "$(git -C "$dst" rev-list --count HEAD)" "$((before + 1))" "as one commit"
"$CAIRN" -C "$dst" ls --json > "$TMP/again.json"
is "$(cat "$TMP/again.json")" "$(cat "$TMP/all.json")" "the round trip is exact"
for k in person target tool template milestone task pilot evaluation; do
	a=$(git -C "$src" ls-tree -r HEAD "${k}s" | awk '{print $3, $4}' | sort)
	b=$(git -C "$dst" ls-tree -r HEAD "${k}s" | awk '{print $3, $4}' | sort)
	is "$b" "$a" "the $k files are byte for byte the same"
done
run "$CAIRN" -C "$dst" import json "$TMP/all.json"
is "$out" "nothing to change" "importing again changes nothing"

# Unknown fields (a newer cairn's) are kept.
cat > "$TMP/new.json" <<'JSON'
[{"kind": "milestone", "id": "M9", "fields": {"title": "Future", "status": "planned", "zz-new-field": "kept as is"}}]
JSON
run "$CAIRN" -C "$dst" import json "$TMP/new.json"
is "$rc" 0 "a record with a field this cairn does not know"
like "$(git -C "$dst" show HEAD:"$(git -C "$dst" ls-tree -r --name-only HEAD milestones | grep /M9)")" "^zz-new-field: kept as is$" "keeps that field"
run "$CAIRN" -C "$dst" set M9 title="Future 2"
like "$(cat "$dst/$(git -C "$dst" ls-tree -r --name-only HEAD milestones | grep /M9)")" "zz-new-field: kept as is" "and an edit by this cairn keeps it too"

# Bad imports change nothing and say where.
head=$(git -C "$dst" rev-parse HEAD)
printf '[{"kind": "milestone", "id": "M10", "fields": {"title": "x", "deadline": "2016-02-31"}}]' > "$TMP/bad1.json"
run "$CAIRN" -C "$dst" import json "$TMP/bad1.json"
is "$rc" 1 "an impossible date is refused"
like "$err" "milestone/M10: deadline: .*2016-02-31 is not a date" "naming the record and field"
printf '[{"kind": "task", "id": "T99", "fields": {"title": "x", "status": "planned", "assignee": "nobody"}}]' > "$TMP/bad2.json"
run "$CAIRN" -C "$dst" import json "$TMP/bad2.json"
is "$rc" 1 "a reference to a missing person is refused"
like "$err" "task/T99: assignee: there is no person/nobody" "naming it"
printf '[{"kind": "task", "id": "T99", "fields": {"title": 5}}]' > "$TMP/bad3.json"
run "$CAIRN" -C "$dst" import json "$TMP/bad3.json"
is "$rc" 1 "a non-string value is refused"
like "$err" "bad3.json:1:[0-9]+: task/T99: field 'title' must be a string" "with line and column"
printf '[{"kind": "task", "id": "T99", "fields": {"title": "x"}},\n {"kind": "gadget"}]' > "$TMP/bad4.json"
run "$CAIRN" -C "$dst" import json "$TMP/bad4.json"
is "$rc" 1 "an unknown kind is refused"
like "$err" "bad4.json:2:" "at its line"
printf '[{"kind": "task", "id": "T99", "fields": {"title": "x"}' > "$TMP/bad5.json"
run "$CAIRN" -C "$dst" import json "$TMP/bad5.json"
is "$rc" 1 "broken JSON is refused"
like "$err" "bad5.json:1:[0-9]+:" "with line and column"
is "$(git -C "$dst" rev-parse HEAD)" "$head" "nothing was committed by the refused imports"
run "$CAIRN" -C "$dst" show task/T99
is "$rc" 1 "and no record was half-saved"
echo '[{"kind": "person", "id": "zed", "fields": {"name": "Zed", "category": "other", "role": "reviewer"}}]' |
	"$CAIRN" -C "$dst" import json - >/dev/null
is "$?" 0 "import json - reads standard input"
# Many records (a save of 64 or more is written as one pack, its files
# flushed once): one commit, git's own checks pass, the work tree and
# git's index follow, and the round trip is exact.
big=$(new_workbook)
python3 - "$TMP/big.json" <<'PY'
import json, sys
recs = [{"kind": "person", "id": "kp%d" % i, "fields": {"name": "Person %d" % i,
         "category": "other", "role": "key-person"}} for i in range(300)]
recs += [{"kind": "milestone", "id": "B%d" % i, "fields": {"title": "Big %d" % i,
          "owner": "kp%d" % i, "status": "planned"}} for i in range(300)]
json.dump(recs, open(sys.argv[1], "w"))
PY
before=$(git -C "$big" rev-list --count HEAD)
loose=$(git -C "$big" count-objects -v | sed -n 's/^count: //p')
run "$CAIRN" -C "$big" import json "$TMP/big.json"
is "$rc" 0 "import json of 600 records"
is "$(git -C "$big" rev-list --count HEAD)" "$((before + 1))" "as one commit"
ok_cmd "git fsck finds nothing wrong" git -C "$big" fsck --strict --no-dangling
is "$(git -C "$big" status --porcelain)" "" "the work tree and git's index follow"
is "$(git -C "$big" ls-tree -r --name-only HEAD persons milestones | wc -l)" 600 "every record is committed"
is "$(git -C "$big" count-objects -v | sed -n 's/^count: //p')" "$loose" "as a pack, not 600 loose objects"
"$CAIRN" -C "$big" ls --json > "$TMP/big-again.json"
run "$CAIRN" -C "$big" import json "$TMP/big-again.json"
is "$out" "nothing to change" "importing what ls --json writes back changes nothing"
run "$CAIRN" -C "$big" set milestone/B7 title="Edited after"
is "$rc" 0 "a save after the big one"
ok_cmd "and git fsck still finds nothing wrong" git -C "$big" fsck --strict --no-dangling
# The last record names a person nobody has: nothing of the 600 is saved.
half=$(new_workbook)
head=$(git -C "$half" rev-parse HEAD)
python3 - "$TMP/big.json" "$TMP/half.json" <<'PY'
import json, sys
recs = json.load(open(sys.argv[1]))
recs[-1]["fields"]["owner"] = "nobody"
json.dump(recs, open(sys.argv[2], "w"))
PY
run "$CAIRN" -C "$half" import json "$TMP/half.json"
is "$rc" 1 "a bad reference in the last of 600 records refuses the import"
like "$err" "milestone/B299: owner: there is no person/nobody" "naming the record and field"
is "$(git -C "$half" rev-parse HEAD)" "$head" "nothing was committed"
is "$(git -C "$half" status --porcelain)" "" "and no file was left in the work tree"
run "$CAIRN" -C "$half" show person/kp0
is "$rc" 1 "nor in the index"
done_testing
