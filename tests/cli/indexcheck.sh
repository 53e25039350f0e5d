#!/bin/bash
# The index is checked, not trusted: a damaged copy of a record is never
# shown nor used as a save's base; cairn check finds a damaged or emptied
# index; cairn check --rebuild mends it, even with its tables gone or the
# file overwritten with random bytes.
. "$(dirname "$0")/lib.sh"

wb=$(demo_workbook)
db="$wb/.cairn/index.sqlite"
m2=$(git -C "$wb" ls-files 'milestones/*' | grep '/M2$')
want=$(git -C "$wb" show "HEAD:$m2" | sed -n 's/^title: //p')
damage() { sqlite3 "$db" "UPDATE records SET body=replace(body, 'State of the art', 'FORGED') WHERE path='$m2'"; }

# An altered body, its blob id left as it was.
damage
run "$CAIRN" -C "$wb" check
is "$rc" 1 "check finds a damaged copy in the index"
like "$out" "$m2: the index holds a damaged copy of this record; run \`cairn check --rebuild\`" \
	"naming the file and what to do"
run "$CAIRN" -C "$wb" show milestone/M2
like "$out" "title +$want" "show reads the record from git instead"
unlike "$out" "FORGED" "never the damaged copy"
like "$err" "$m2: the index held a damaged copy of this record; it was read again from git and the index mended" \
	"and says so"
ok_cmd "after that, check is clean" "$CAIRN" -C "$wb" check
damage
run "$CAIRN" -C "$wb" set milestone/M2 result="after the damage"
is "$rc" 0 "a save over a damaged copy"
unlike "$(git -C "$wb" show HEAD)" "FORGED" "commits nothing of it"
like "$(git -C "$wb" show "HEAD:$m2")" "^title: $want$" "the record keeps its title"
like "$(git -C "$wb" show --stat HEAD | tail -1)" "1 insertion.*1 deletion" "and the commit changes one line"

# An emptied table.
sqlite3 "$db" "DELETE FROM records"
run "$CAIRN" -C "$wb" check
is "$rc" 1 "check finds an emptied index"
like "$out" "in HEAD but missing from the index; run \`cairn check --rebuild\`" "saying what to do"
run "$CAIRN" -C "$wb" check --rebuild
is "$rc" 0 "check --rebuild mends it"
run "$CAIRN" -C "$wb" show milestone/M2
like "$out" "title +$want" "and the record is there again"

# A dropped table, then the whole file overwritten.
for how in "DROP TABLE records" "DROP TABLE milestone" random; do
	if [ "$how" = random ]; then
		head -c 65536 /dev/urandom > "$db"
	else
		sqlite3 "$db" "$how"
	fi
	run "$CAIRN" -C "$wb" check --rebuild
	is "$rc" 0 "check --rebuild works after: $how"
	[ "$rc" -eq 0 ] || diag "$err"
	run "$CAIRN" -C "$wb" show milestone/M2
	like "$out" "title +$want" "and the records are back"
	ok_cmd "and check is clean" "$CAIRN" -C "$wb" check
done
done_testing
