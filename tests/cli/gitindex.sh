#!/bin/bash
# git's index after cairn saves: git status stays clean, plain git commits
# never undo a save, what a person staged stays staged, and every index
# format git writes is handled (cairn patches versions 2 and 3 itself and
# leaves version 4 to libgit2).
. "$(dirname "$0")/lib.sh"

check_in_step() {   # workbook, what
	local wb=$1 what=$2 path
	# fsck first: it checks the index's checksum, which git status does
	# not (and git status may write a new index over the one cairn wrote).
	ok_cmd "$what: git fsck is clean" git -C "$wb" fsck --no-dangling
	is "$(git -C "$wb" status --porcelain)" "" "$what: git status is clean"
	path=$(git -C "$wb" ls-files milestones persons | head -1)
	is "$(git -C "$wb" ls-files -s "$path" | cut -d' ' -f2)" "$(git -C "$wb" rev-parse "HEAD:$path")" \
		"$what: the index names HEAD's blob for $path"
}

for version in 2 3 4; do
	wb=$(new_workbook)
	"$CAIRN" -C "$wb" add person p name=P category=other role=leader >/dev/null
	git -C "$wb" update-index --index-version "$version"
	# A plain commit first, so that the index has a cache-tree (TREE).
	echo "notes" > "$wb/NOTES.txt"
	git -C "$wb" add NOTES.txt && git -C "$wb" commit -qm notes
	"$CAIRN" -C "$wb" add milestone M1 title=one >/dev/null
	"$CAIRN" -C "$wb" set M1 title=two >/dev/null
	check_in_step "$wb" "index version $version"
	is "$(git -C "$wb" update-index --show-index-version 2>/dev/null || echo "$version")" "$version" \
		"index version $version: still version $version"

	# A plain git commit after the save keeps the save.
	echo "more notes" > "$wb/NOTES.txt"
	git -C "$wb" commit -qam "more notes"
	run "$CAIRN" -C "$wb" show milestone/M1 --json
	like "$out" '"title": "two"' "index version $version: a plain commit does not undo the save"

	# What a person staged stays staged across a save.
	echo "staged" > "$wb/NOTES.txt"
	git -C "$wb" add NOTES.txt
	"$CAIRN" -C "$wb" set M1 title=three >/dev/null
	is "$(git -C "$wb" diff --cached --name-only)" "NOTES.txt" \
		"index version $version: a staged file stays staged"
	git -C "$wb" commit -qm staged
	check_in_step "$wb" "index version $version, after committing the staged file"

	# A removed record leaves git's index too.
	"$CAIRN" -C "$wb" rm milestone/M1 >/dev/null
	check_in_step "$wb" "index version $version, after a removal"
	is "$(git -C "$wb" ls-files milestones)" "" "index version $version: the removed record is not in git's index"
done

# Racily clean entries (a file as new as the index that vouched for it) are
# smudged when a save rewrites git's index, as git does, so that git
# compares their content; every other entry keeps its stat data.  Four
# thousand notes, every other one racy, so that the new index is written
# from thousands of pieces.
wb=$(new_workbook)
"$CAIRN" -C "$wb" add milestone M1 title=one >/dev/null
mkdir "$wb/notes"
for i in $(seq 1 4000); do echo "note $i" > "$wb/notes/n$i.txt"; done
git -C "$wb" add notes && git -C "$wb" commit -qm notes
(cd "$wb/notes" && touch -d '1 hour ago' n*[13579].txt && touch -d '3 hours ago' n*[02468].txt)
git -C "$wb" update-index --really-refresh >/dev/null
touch -d '2 hours ago' "$wb/.git/index"
sizes() {   # workbook: "odd-zero odd-kept even-zero even-kept" of the notes' sizes in git's index
	git -C "$1" ls-files --debug notes | awk '
		/^[^ ]/ { odd = $0 ~ /[13579]\.txt$/ }
		/^  size:/ { k = (odd ? "o" : "e") ($2 == 0 ? "z" : "k"); n[k]++ }
		END { printf "%d %d %d %d\n", n["oz"], n["ok"], n["ez"], n["ek"] }'
}
is "$(sizes "$wb")" "0 2000 0 2000" "racy entries: before the save, every note has its size"
git -C "$wb" ls-files -s | grep -v milestones/ > "$TMP/before"
"$CAIRN" -C "$wb" set M1 title=two >/dev/null
is "$(sizes "$wb")" "2000 0 0 2000" "racy entries: the save smudged the notes as new as the index, and only those"
git -C "$wb" ls-files -s | grep -v milestones/ > "$TMP/after"
ok_cmd "racy entries: every other entry names the same blob" cmp "$TMP/before" "$TMP/after"
m=$(git -C "$wb" ls-files milestones)
is "$(git -C "$wb" ls-files --debug "$m" | awk '/^  size:/ { print $2 }')" "$(stat -c %s "$wb/$m")" \
	"racy entries: the saved record's entry has its size"
check_in_step "$wb" "racy entries"

# The new index's hash resumes from the state the last save kept at its
# first changed entry (.git/cairn-index.sums): git fsck checks the index's
# checksum after each save.  Three thousand files sort before the records,
# so that the saved entry is past the first states kept.
wb=$(new_workbook)
"$CAIRN" -C "$wb" add milestone M1 title=one >/dev/null
mkdir "$wb/attic"
for i in $(seq 1 3000); do echo "old $i" > "$wb/attic/a$i.txt"; done
git -C "$wb" add attic && git -C "$wb" commit -qm attic
"$CAIRN" -C "$wb" set M1 title=two >/dev/null
ok_cmd "resumed hash: the states are kept beside git's index" test -s "$wb/.git/cairn-index.sums"
"$CAIRN" -C "$wb" set M1 title=three >/dev/null
check_in_step "$wb" "resumed hash, a second save"
"$CAIRN" -C "$wb" add milestone M2 title=new >/dev/null
check_in_step "$wb" "resumed hash, a record added"
echo "changed" > "$wb/attic/a5.txt"
git -C "$wb" add attic/a5.txt
"$CAIRN" -C "$wb" set M1 title=four >/dev/null
ok_cmd "resumed hash, after git wrote its index: git fsck is clean" git -C "$wb" fsck --no-dangling
is "$(git -C "$wb" diff --cached --name-only)" "attic/a5.txt" "resumed hash: the staged file stays staged"
git -C "$wb" commit -qm a5
"$CAIRN" -C "$wb" set M1 title=five >/dev/null
check_in_step "$wb" "resumed hash, after git wrote its index"
"$CAIRN" -C "$wb" set M2 title=newer >/dev/null
check_in_step "$wb" "resumed hash, another record"
"$CAIRN" -C "$wb" set M1 title=again >/dev/null
size=$(stat -c %s "$wb/.git/cairn-index.sums")
dd if=/dev/zero of="$wb/.git/cairn-index.sums" bs=1 seek=42 count=$((size - 62)) conv=notrunc 2>/dev/null
"$CAIRN" -C "$wb" set M1 title=six >/dev/null
check_in_step "$wb" "resumed hash, the states damaged"
touch -d '2 hours ago' "$wb/.git/index"
"$CAIRN" -C "$wb" set M1 title=seven >/dev/null
check_in_step "$wb" "resumed hash, entries smudged"
"$CAIRN" -C "$wb" rm milestone/M2 >/dev/null
check_in_step "$wb" "resumed hash, a record removed"
done_testing
