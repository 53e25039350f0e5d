#!/bin/bash
# cairn saves against a loop of plain git commits (empty ones, ones that
# change other files) and git gc, for a minute: every save that returned 0
# is in HEAD's history, and in HEAD's tree unless a later save replaced it;
# no record is left refused as edited by hand.  A git commit that read
# HEAD after a save moved the branch, and git's index before the save
# replaced it, used to commit the old file on top of the save.
. "$(dirname "$0")/lib.sh"

seconds=${PLAINGIT_SECONDS:-60}
nrec=8
wb=$(new_workbook)
"$CAIRN" -C "$wb" add person p name=P category=other role=leader >/dev/null
for r in $(seq 0 $((nrec - 1))); do
	"$CAIRN" -C "$wb" add milestone "M$r" title="start $r" >/dev/null
done
end=$(( $(date +%s) + seconds ))

saver() {   # saver NAME FIRST: sets titles of every other record from FIRST
	local name=$1 first=$2 i=0 r
	while [ "$(date +%s)" -lt "$end" ]; do
		i=$((i + 1))
		r=$(( (first + 2 * i) % nrec ))
		if "$CAIRN" -C "$wb" set "milestone/M$r" title="$name $i" >/dev/null 2>>"$TMP/save.err"; then
			echo "M$r $name $i" >> "$TMP/returned"
		else
			echo "M$r $name $i" >> "$TMP/failed"
		fi
	done
}
gitter() {   # plain git, as a member would type it, failures and all
	local i=0
	while [ "$(date +%s)" -lt "$end" ]; do
		i=$((i + 1))
		case $((i % 7)) in
		0|3) git -C "$wb" commit -q --allow-empty -m "empty $i" ;;
		1|4) echo "notes $i" > "$wb/NOTES.txt"
		     git -C "$wb" add NOTES.txt && git -C "$wb" commit -q -m "notes $i" ;;
		2) echo "plan $i" > "$wb/plan.md"; git -C "$wb" commit -q -a -m "all $i" ;;
		5) git -C "$wb" gc -q --auto ;;
		6) [ $((i % 21)) -eq 6 ] && git -C "$wb" gc -q ;;
		esac
	done >/dev/null 2>&1
}
saver a 0 & s1=$!
saver b 1 & s2=$!
gitter & g=$!
wait $s1 $s2 $g

nret=$(wc -l < "$TMP/returned")
diag "$nret saves returned 0, $(cat "$TMP/failed" 2>/dev/null | wc -l) failed, in $seconds s"
[ -s "$TMP/failed" ] && diag "$(sort "$TMP/save.err" | uniq -c | sort -rn | head -3)"

# Every save that returned 0 is in HEAD's history.
git -C "$wb" log -p HEAD -- milestones | sed -n 's/^+title: //p' | sort -u > "$TMP/history"
lost=$(cut -d' ' -f2- "$TMP/returned" | sort -u | comm -23 - "$TMP/history" | head -5)
is "$lost" "" "every save that returned 0 is in HEAD's history"

# And no save that failed is: a failed save must not come back later.
back=""
[ -s "$TMP/failed" ] && back=$(cut -d' ' -f2- "$TMP/failed" | sort -u | comm -12 - "$TMP/history" | head -5)
is "$back" "" "no save that reported a failure is in the history"

# And in HEAD's tree, for the last one of each record (each record has
# one saver, so its saves are in order).
bad=""
for r in $(seq 0 $((nrec - 1))); do
	want=$(grep "^M$r " "$TMP/returned" | tail -1 | cut -d' ' -f2-)
	[ -n "$want" ] || continue
	f=$(git -C "$wb" ls-tree -r --name-only HEAD milestones | grep "/M$r$")
	have=$(git -C "$wb" show "HEAD:$f" | sed -n 's/^title: //p')
	[ "$have" = "$want" ] || bad="$bad M$r(has '$have', want '$want')"
done
is "$bad" "" "HEAD's tree holds the last save of each record"

run "$CAIRN" -C "$wb" check
is "$rc" 0 "cairn check finds nothing wrong (no record refused, none edited by hand)"
[ "$rc" -eq 0 ] || diag "$out"
refused=""
for r in $(seq 0 $((nrec - 1))); do
	"$CAIRN" -C "$wb" set "milestone/M$r" title="after $r" >/dev/null 2>&1 || refused="$refused M$r"
done
is "$refused" "" "every record can be saved again"
ok_cmd "git fsck --full is clean" git -C "$wb" fsck --full
is "$(git -C "$wb" status --porcelain -- milestones)" "" "git status shows no record changed"
done_testing
