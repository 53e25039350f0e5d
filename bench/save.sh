#!/bin/bash
# The save benchmark of issue 13 (make bench, or alone: bench/save.sh): the
# cost of one save with its safety (git's index published before the branch
# moves, the journal, every object read back), beside plain git doing the
# same change, in the same run, as a median of repeated runs, with the ratio:
#   `cairn set` of one field, process start to exit, beside `git commit -a`
#   of the same one-line change in a copy of the same workbook (git's index
#   warm), and beside `git commit` of an already staged change (git's
#   cheapest commit).
# Goals (issue 18): at most 0.5x git commit -a at 1,000 records, 0.2x at
# 10,000, 0.1x at 100,000, and at most 6 sync calls a save.
# CAIRN_SAVE_SIZES overrides the sizes ("1000 10000"; CAIRN_SAVE_SIZE one
# size); CAIRN_SAVE_RUNS the runs (11); BENCH_DIR the folder.  The
# generated workbooks are shared with bench/run.sh.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
runs=${CAIRN_SAVE_RUNS:-11}
printf '\n%-7s %-34s %12s  %-28s %12s  %8s\n' records cairn time anchor time ratio
for n in ${CAIRN_SAVE_SIZES:-${CAIRN_SAVE_SIZE:-1000 10000}}; do
case $n in 1000) goal="goal <= 0.5x" ;; 10000) goal="goal <= 0.2x" ;; 100000) goal="goal <= 0.1x" ;; *) goal="" ;; esac

generated_workbook "$n"
records=$(git -C "$wb" ls-tree -r --name-only HEAD | grep -c /)
# cairn works on a copy of its own, so that the cairn under test builds its
# index and nothing of another run's cairn is reused.
s="$dir/save-$n"
rm -rf "$s"; mkdir -p "$s"
cp -a "$wb" "$s/cairn"; rm -rf "$s/cairn/.cairn"
cp -a "$wb" "$s/git"; rm -rf "$s/git/.cairn"
# The anchor is plain git: without the pre-commit hook a cairn save puts
# in the generated workbook (cairn hook pre-commit would run in git's time).
rm -f "$s/git/.git/hooks/pre-commit"
"$CAIRN" -C "$s/cairn" status >/dev/null
git -C "$s/git" status >/dev/null
m0=$(git -C "$wb" ls-tree -r --name-only HEAD milestones | head -1)
id=${m0##*/}

echo 0 > "$s/counter"
next='c=$(($(cat '"'$s/counter'"') + 1)); echo $c > '"'$s/counter'"
cset=$(t "$runs" -- "$next; '$CAIRN' -C '$s/cairn' set 'milestone/$id' title=\"Edit \$c\" >/dev/null")
gcommit_a=$(t "$runs" -- "$next; sed -i \"s/^title: .*/title: Edit \$c/\" '$s/git/$m0'; cd '$s/git' && git commit -q -a -m edit")
gcommit=$(t "$runs" --before "$next; sed -i \"s/^title: .*/title: Edit \$c/\" '$s/git/$m0'; git -C '$s/git' add '$m0'" -- \
	"cd '$s/git' && git commit -q -m edit")
[ -z "$(git -C "$s/cairn" status --porcelain)" ] || { echo "FAIL: save: git status is not clean after cairn's saves"; exit 1; }
# The sync calls of one save (goal: at most 6 fsync/fdatasync), and of git.
syncs=- gsyncs=-
if command -v strace >/dev/null; then
	count() { awk '$NF == "fsync" || $NF == "fdatasync" || $NF == "syncfs" {s = s sep $NF "=" $4; sep = " "} END {print s ? s : "none"}' "$1"; }
	c=$(($(cat "$s/counter") + 1)); echo $c > "$s/counter"
	strace -f -c -o "$s/strace" "$CAIRN" -C "$s/cairn" set "milestone/$id" title="Edit $c" >/dev/null 2>&1 || true
	syncs=$(count "$s/strace")
	sed -i "s/^title: .*/title: Edit $c/" "$s/git/$m0"
	(cd "$s/git" && strace -f -c -o "$s/strace" git commit -q -a -m edit >/dev/null 2>&1) || true
	gsyncs=$(count "$s/strace")
fi

printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx  (%s)\n' "$records" "cairn set (one field)" "$cset" \
	"git commit -a (same change)" "$gcommit_a" "$(ratio "$cset" "$gcommit_a")" "$goal"
printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx\n' "$records" "cairn set (one field)" "$cset" \
	"git commit (change staged)" "$gcommit" "$(ratio "$cset" "$gcommit")"
echo "$records  sync calls of one save (strace -f -c; goal <= 6): cairn set: $syncs; git commit -a: $gsyncs"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
