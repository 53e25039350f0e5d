#!/bin/bash
# Two cairn processes saving at once in one workbook, and a plain git commit
# between them: every save lands, none is overwritten.
. "$(dirname "$0")/lib.sh"

wb=$(new_workbook)
"$CAIRN" -C "$wb" add person p name=P category=other role=leader >/dev/null
"$CAIRN" -C "$wb" add milestone A title=a >/dev/null
"$CAIRN" -C "$wb" add milestone B title=b >/dev/null
n=${CAIRN_CONCURRENT_ROUNDS:-25}

writer() {
	local id=$1 i=0
	while [ "$i" -lt "$n" ]; do
		i=$((i + 1))
		"$CAIRN" -C "$wb" set "milestone/$id" title="$id $i" >/dev/null 2>"$TMP/err.$id.$i" ||
			echo "fail $id $i" >> "$TMP/failures"
	done
}
gitter() {
	local i=0
	while [ "$i" -lt 10 ]; do
		i=$((i + 1))
		echo "notes $i" > "$wb/NOTES.txt"
		# git itself refuses while cairn holds .git/index.lock; a person
		# would run the command again, and so does this loop.
		local try=0
		until git -C "$wb" add NOTES.txt 2>"$TMP/git.err" &&
			git -C "$wb" commit -qm "notes $i" >"$TMP/git.err" 2>&1; do
			try=$((try + 1))
			[ "$try" -lt 200 ] || { echo "git fail $i: $(cat "$TMP/git.err")" >> "$TMP/failures"; break; }
			sleep 0.05
		done
	done
}
writer A & a=$!
writer B & b=$!
gitter & g=$!
wait $a $b $g

is "$(cat "$TMP/failures" 2>/dev/null)" "" "no save failed"
run "$CAIRN" -C "$wb" show milestone/A --json
like "$out" "\"title\": \"A $n\"" "the last save of the first process is there"
run "$CAIRN" -C "$wb" show milestone/B --json
like "$out" "\"title\": \"B $n\"" "the last save of the second process is there"
is "$(git -C "$wb" log --format=%s | grep -c '^A: title')" "$n" "every save of the first process is a commit"
is "$(git -C "$wb" log --format=%s | grep -c '^B: title')" "$n" "every save of the second process is a commit"
is "$(git -C "$wb" log --format=%s | grep -c '^notes ')" "10" "every plain git commit is still in the history"
ok_cmd "git fsck --full is clean" git -C "$wb" fsck --full
run "$CAIRN" -C "$wb" check
is "$rc" 0 "cairn check is clean"
done_testing
