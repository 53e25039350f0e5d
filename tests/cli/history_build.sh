#!/bin/bash
# The history index built in one go from a history of merges (one that
# edits a file itself), a deletion and the file's return, a rename and a
# run of plain git commits longer than the walk keeps trees for: cairn log
# and blame answer as they did from the index kept up save by save, and
# each record's commits are the ones git log -- PATH names.
. "$(dirname "$0")/lib.sh"

wb=$(demo_workbook)
g() { git -C "$wb" -c user.name="Git User" -c user.email=git@example.org "$@"; }
title() { sed -i "s/^title: .*/title: $2/" "$wb/$1"; }
path_of() { git -C "$wb" ls-files "$1/*" | grep "/$2\$"; }
m1=$(path_of milestones M1) m2=$(path_of milestones M2) m3=$(path_of milestones M3)
m5=$(path_of milestones M5) final=$(path_of milestones FINAL)
slot=$(path_of pilots slot-04)

"$CAIRN" -C "$wb" set milestone/M4 title="Evaluate the tools" >/dev/null
# A side branch merged by plain git.
g checkout -q -b side
title "$m5" "Side title"; g commit -qam "side: M5"
g checkout -q main
"$CAIRN" -C "$wb" set milestone/M2 title="Main title" >/dev/null
g merge -q --no-edit side
# A merge that edits a file neither side changed.
g checkout -q -b side2 HEAD~1
title "$m1" "Side two"; g commit -qam "side2: M1"
g checkout -q main
"$CAIRN" -C "$wb" set milestone/M2 title="Main again" >/dev/null
g merge -q --no-commit side2 >/dev/null 2>&1
title "$m3" "Set in the merge"; g add "$m3"; g commit -qm "merge side2, editing M3"
# A record removed, then back; another renamed.
g rm -q "$slot"; g commit -qm "remove slot-04"
g checkout HEAD~1 -- "$slot"; g commit -qm "slot-04 back"
g mv "$final" "$final-old"; g commit -qm "rename FINAL"
g mv "$final-old" "$final"; g commit -qm "FINAL back"
# More commits than the walk keeps trees for, each its own record.
for i in $(seq 1 80); do
	case $((i % 4)) in
	0) f=$m1 ;; 1) f=$m2 ;; 2) f=$m3 ;; *) f=$m5 ;;
	esac
	title "$f" "Edit $i"; g commit -qam "edit $i"
done
"$CAIRN" -C "$wb" set milestone/M4 title="Last" >/dev/null

records="milestone/M1 milestone/M2 milestone/M3 milestone/M4 milestone/M5 milestone/FINAL pilot/slot-04"
answers() {
	"$CAIRN" -C "$wb" log
	"$CAIRN" -C "$wb" log milestone
	for r in $records; do
		"$CAIRN" -C "$wb" log "$r"
		"$CAIRN" -C "$wb" log --oneline "$r"
		"$CAIRN" -C "$wb" blame "$r"
	done
}
kept=$(answers 2>&1)
like "$kept" "merge side2, editing M3" "the history kept save by save holds the merge"
rm -rf "$wb/.cairn"
"$CAIRN" -C "$wb" status >/dev/null
built=$(answers 2>&1)
is "$built" "$kept" "built in one go, cairn log and blame answer as before"
is "$(printf '%s\n' "$built" | grep -c '^[0-9a-f]\{12\}  ')" "$(printf '%s\n' "$kept" | grep -c '^[0-9a-f]\{12\}  ')" \
	"as many commits shown"

for r in $records; do
	p=$(path_of "$(echo "${r%%/*}" | sed 's/$/s/')" "${r#*/}")
	mine=$("$CAIRN" -C "$wb" log --oneline "$r" | cut -c1-12 | sort)
	theirs=$(git -C "$wb" log --format=%H -- "$p" | cut -c1-12 | sort)
	is "$mine" "$theirs" "$r: the commits git log -- $p names"
done
like "$("$CAIRN" -C "$wb" log --oneline milestone/M3)" "merge side2, editing M3" "a merge that edits a record is in its history"
unlike "$("$CAIRN" -C "$wb" log --oneline milestone/M5)" "Merge branch 'side'" \
	"a merge that only brings a side's change in is not"
is "$("$CAIRN" -C "$wb" log --oneline pilot/slot-04 | grep -c 'slot-04')" 2 "the removal and the return"

# A tree cairn never writes (a mode of plain git's, a name twice): built
# in one go, the history says what it said of it.
wb=$(demo_workbook)
m4=$(path_of milestones M4) blob=$(git -C "$wb" rev-parse "HEAD:$(path_of milestones M4)")
# Commit over HEAD the tree whose folder $1 (a shard of milestones) is the tree $2.
commit_shard() {
	local mt root
	mt=$(git -C "$wb" ls-tree HEAD:milestones |
		sed "s|^040000 tree [0-9a-f]*\t$1\$|040000 tree $2\t$1|" | git -C "$wb" mktree)
	root=$(git -C "$wb" ls-tree HEAD | sed "s|^040000 tree [0-9a-f]*\tmilestones\$|040000 tree $mt\tmilestones|" |
		git -C "$wb" mktree)
	git -C "$wb" update-ref refs/heads/main "$(g commit-tree "$root" -p HEAD -m "$3")"
	git -C "$wb" reset -q --hard
}
shard=$(basename "$(dirname "$m4")")
commit_shard "$shard" "$(git -C "$wb" ls-tree "HEAD:milestones/$shard" | sed 's/^100644 /100755 /' |
	git -C "$wb" mktree)" "M4 made executable"
rm -rf "$wb/.cairn"
like "$("$CAIRN" -C "$wb" log --oneline milestone/M4)" "M4 made executable" "a mode plain git writes is a change"
twice=$(python3 -c "
import binascii, sys
e = lambda n: b'100644 ' + n + b'\\0' + binascii.unhexlify('$blob')
sys.stdout.buffer.write(e(b'M4') + e(b'M4'))" | git -C "$wb" hash-object -t tree -w --literally --stdin)
commit_shard "$shard" "$twice" "M4 twice"
rm -rf "$wb/.cairn"
run "$CAIRN" -C "$wb" log --oneline milestone/M4
like "$err$out" "$m4: a git tree out of order or with a duplicate name" "a name twice in a tree is named, as before"

done_testing
