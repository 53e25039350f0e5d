#!/bin/bash
# The sync benchmark of issue 5 (make bench, or alone: bench/sync.sh).
#
# Two replicas of the 100k-record workbook diverge by 1,000 edits each, one
# commit per edit made by `cairn set`: 20 tasks get their title changed on
# both sides to different values (20 conflicts), 50 tasks get different
# fields changed on the two sides (title here, milestone there: the next
# line, so that git's line merge clashes where cairn's field merge must not),
# and the rest are records only one side touched.  A pushes its edits to the
# shared bare repository; B has not fetched them.  GB is a plain git clone
# holding B's very commits (the same HEAD, the same origin/main), with no
# cairn merge driver.
#
# Then, process start to exit, as a median of repeated runs on fresh copies
# of the prepared replicas (the copy is outside the timed part):
#   `cairn sync` in B (fetch, merge field by field, nothing pushed because
#   conflicts wait) beside `git pull --no-rebase` in GB (fetch, ort merge).
# Goal: ratio at most 0.5; cairn raises exactly the 20 same-field conflicts.
# Exits non-zero, with a FAIL line, when cairn's conflicts are not those 20.
#
# CAIRN_SYNC_SIZE overrides the size (100000); CAIRN_SYNC_RUNS the runs (3);
# BENCH_DIR the folder.  The replicas start from the generated workbook's first
# commit (the edits of the other benchmarks come after it); they are kept in
# $BENCH_DIR/sync-N and reused while that commit and this script are the same
# (B's index is brought up to date by the cairn under test before the runs).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
n=${CAIRN_SYNC_SIZE:-100000}
runs=${CAIRN_SYNC_RUNS:-3}
fail() { echo "FAIL: sync: $*"; exit 1; }

same=20 diff=50 edits=1000
generated_workbook "$n"
base=$(git -C "$wb" rev-list --max-parents=0 HEAD)
branch=$(git -C "$wb" symbolic-ref --short HEAD)
records=$(git -C "$wb" ls-tree -r --name-only "$base" | grep -c /)
s="$dir/sync-$n"
stamp="$base $(sha1sum < "$0" | cut -c1-40)"

# One side's edits: "cairn set" for each line of KIND/ID FIELD=VALUE.
edit_side() {
	while read -r rec assignment; do
		"$CAIRN" -C "$1" set "$rec" "$assignment" >/dev/null
	done
}

prepare() {
	echo "bench: preparing two replicas of $records records diverged by $edits edits each (a few minutes)"
	rm -rf "$s"
	mkdir -p "$s"
	git clone -q --bare "$wb" "$s/remote.git"
	git -C "$s/remote.git" update-ref "refs/heads/$branch" "$base"
	"$CAIRN" clone "$s/remote.git" "$s/A" >/dev/null
	"$CAIRN" clone "$s/remote.git" "$s/B" >/dev/null
	git clone -q "$s/remote.git" "$s/GB"
	# Tasks in a fixed order: the first 20 clash, the next 50 are changed
	# in different fields, then records only A or only B touches.
	mapfile -t tasks < <(git -C "$wb" ls-tree -r --name-only "$base" tasks | head -$((2 * edits - same - diff)))
	[ ${#tasks[@]} -eq $((2 * edits - same - diff)) ] ||
		fail "the workbook has ${#tasks[@]} tasks, fewer than the $((2 * edits - same - diff)) edited"
	mapfile -t ms < <(git -C "$wb" ls-tree -r --name-only "$base" milestones | head -2)
	: > "$s/edits-A"; : > "$s/edits-B"; : > "$s/want"
	for i in "${!tasks[@]}"; do
		id=${tasks[$i]##*/}
		if [ "$i" -lt $same ]; then
			echo "task/$id title=A title $i" >> "$s/edits-A"
			echo "task/$id title=B title $i" >> "$s/edits-B"
			echo "task/$id title" >> "$s/want"
		elif [ "$i" -lt $((same + diff)) ]; then
			m=$(sed -n 's/^milestone: //p' "$s/B/${tasks[$i]}")
			other=${ms[0]##*/}; [ "$m" != "$other" ] || other=${ms[1]##*/}
			echo "task/$id title=A title $i" >> "$s/edits-A"
			echo "task/$id milestone=$other" >> "$s/edits-B"
		elif [ "$i" -lt $edits ]; then
			echo "task/$id title=A title $i" >> "$s/edits-A"
		else
			echo "task/$id title=B title $i" >> "$s/edits-B"
		fi
	done
	# Both sides at once (one `cairn set` process, one commit, per edit).
	edit_side "$s/A" < "$s/edits-A" & a=$!
	edit_side "$s/B" < "$s/edits-B" & b=$!
	wait $a; wait $b
	# A shares its edits first (a fast-forward push).
	"$CAIRN" -C "$s/A" sync >/dev/null
	# GB: B's commits exactly, beside the same origin/main as B's.
	git -C "$s/GB" fetch -q "$s/B" HEAD
	git -C "$s/GB" reset -q --hard FETCH_HEAD
	[ "$(git -C "$s/GB" rev-parse HEAD)" = "$(git -C "$s/B" rev-parse HEAD)" ] ||
		fail "GB's HEAD is not B's"
	[ "$(git -C "$s/GB" rev-parse "origin/$branch")" = "$(git -C "$s/B" rev-parse "origin/$branch")" ] ||
		fail "GB's origin/main is not B's"
	[ "$(git -C "$s/B" rev-list --count HEAD ^"origin/$branch")" -eq $edits ] ||
		fail "B is not $edits commits ahead"
	[ "$(git -C "$s/remote.git" rev-list --count "$branch" ^"$(git -C "$s/B" rev-parse "origin/$branch")")" -eq $edits ] ||
		fail "the remote is not $edits commits ahead of B's origin/main"
	echo "$stamp" > "$s/stamp"
}

[ -f "$s/stamp" ] && [ "$(cat "$s/stamp")" = "$stamp" ] || prepare
"$CAIRN" -C "$s/B" status >/dev/null
# git merges with its own ort merge here, never through cairn's driver.
git -C "$s/GB" check-attr merge -- "$(git -C "$s/GB" ls-files tasks | head -1)" |
	grep -q ': merge: unspecified$' || fail "GB registers a merge driver"
! git -C "$s/GB" config --get-regexp '^merge\.' >/dev/null || fail "GB configures a merge driver"

# Fresh copies before each run, outside the timed part; their git index is
# refreshed (new inodes) and the copy written out, so neither side pays that.
fresh() { echo "rm -rf '$s/run-$1' && cp -a '$s/$1' '$s/run-$1' && git -C '$s/run-$1' update-index -q --refresh && sync"; }
csync=$(t "$runs" --before "$(fresh B)" -- "'$CAIRN' -C '$s/run-B' sync; [ \$? -eq 4 ]")
gpull=$(t "$runs" --before "$(fresh GB)" -- "cd '$s/run-GB' && git pull -q --no-rebase --no-edit; [ \$? -le 1 ]")

# The conflicts each left in its last run.
"$CAIRN" -C "$s/run-B" conflicts > "$s/conflicts" || [ $? -eq 4 ] || fail "cairn conflicts failed"
grep -v '^ ' "$s/conflicts" | grep -vx 'no conflicts' | sed 's/  \[resolved\]$//' | sort -u > "$s/got"
ncairn=$(wc -l < "$s/got")
ngit=$(git -C "$s/run-GB" diff --name-only --diff-filter=U | wc -l)

printf '\n%-7s %-34s %12s  %-28s %12s  %8s\n' records cairn time anchor time ratio
printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx\n' "$records" "cairn sync ($edits+$edits edits)" "$csync" \
	"git pull --no-rebase" "$gpull" "$(ratio "$csync" "$gpull")"
printf '%-7s conflicts: cairn %s (want %s) / git conflicted files %s\n' "$records" "$ncairn" "$same" "$ngit"
sort -u "$s/want" | cmp -s - "$s/got" ||
	fail "cairn's conflicts are not the $same same-field ones: $(sort -u "$s/want" | diff - "$s/got" | grep '^[<>]' | head -5 | tr '\n' ' ')"
