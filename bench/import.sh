#!/bin/bash
# The import benchmark of issue 18 (make bench, or alone: bench/import.sh).
# For each size, process start to exit, as a median of repeated runs:
#   `cairn import json` of what `cairn ls --json` writes for the generated
#   workbook of N records, into a new workbook (cairn init, untimed), beside
#   (a) a full index rebuild of the same N records plus one commit (`cairn
#   set` of one field), the sum of their medians measured here, and
#   (b) taskwarrior's `task import` of N tasks;
#   `cairn import csv person` of 10,000 rows (the key-person list) into a new
#   workbook, beside the same two anchors at 10,000.
# Goals: at most 1x each anchor.  The import's fsync/fdatasync/syncfs calls
# are counted with strace -f -c when strace is there (at the first size and
# for the csv: the count does not grow with the size).
# CAIRN_IMPORT_SIZES overrides the sizes ("10000 100000"); CAIRN_IMPORT_RUNS
# the runs (3); BENCH_DIR the folder.  Without taskwarrior's `task` the
# task import anchor is skipped, and said so.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
sizes=${CAIRN_IMPORT_SIZES:-"10000 100000"}
runs=${CAIRN_IMPORT_RUNS:-3}
have_task=true
command -v task >/dev/null || { have_task=false; echo "bench: no taskwarrior (task): its anchor is skipped"; }
printf 'confirmation=off\nverbose=nothing\nrecurrence=off\n' > "$HOME/.taskrc"
rows=() notes=()

# One size's anchors: the rebuild of wb plus one `cairn set` in it (anchor_ms)
# and task import of its tasks (task_ms, or "-").
anchors() {
	local wb=$1 tasks=$2 m0 rebuild one
	rebuild=$(t "$runs" --before "rm -rf '$wb/.cairn'" -- "'$CAIRN' -C '$wb' status >/dev/null")
	m0=$(git -C "$wb" ls-tree -r --name-only HEAD milestones | head -1); m0=${m0##*/}
	echo 0 > "$dir/import-counter"
	one=$(t "$runs" -- "c=\$((\$(cat '$dir/import-counter') + 1)); echo \$c > '$dir/import-counter'; '$CAIRN' -C '$wb' set 'milestone/$m0' title=\"Import bench \$c\" >/dev/null")
	anchor_ms=$(python3 -c "print('%.1f' % ($rebuild + $one))")
	anchor_what="rebuild $rebuild + set $one"
	task_ms=-
	if $have_task; then
		export TASKDATA="$dir/import-task"
		task_ms=$(t "$runs" --before "rm -rf '$TASKDATA'; mkdir -p '$TASKDATA'" -- "task import '$tasks' >/dev/null")
	fi
}

# fsync, fdatasync and syncfs calls of one run of the command into a new
# workbook (strace -f -c), or "-" without strace.
syncs() {
	local target=$1; shift
	command -v strace >/dev/null || { echo -; return; }
	"$CAIRN" init "$target" >/dev/null
	strace -f -c -o "$dir/import-strace" "$@" >/dev/null 2>&1 || true
	awk '$NF == "fsync" || $NF == "fdatasync" || $NF == "syncfs" {s = s sep $NF "=" $4; sep = " "} END {print s ? s : "none"}' "$dir/import-strace"
}

# A new workbook for each run, under a name of its own (import-NAME-RUN):
# removing the last one first made this filesystem slow to create the
# next one's files, and once raced with its removal.  Cleared at the end.
fresh_before() { echo "c=\$((\$(cat '$dir/import-run') + 1)); echo \$c > '$dir/import-run'; '$CAIRN' init '$dir/import-runs/$1-'\$c >/dev/null"; }
fresh_dir() { echo "'$dir/import-runs/$1-'\$(cat '$dir/import-run')"; }
rm -rf "$dir/import-runs"; mkdir -p "$dir/import-runs"; echo 0 > "$dir/import-run"
# What a new workbook holds before the import (its creator, as its first
# leader): the import's target holds these besides what it imported.
"$CAIRN" init "$dir/import-runs/empty" >/dev/null
made=$(git -C "$dir/import-runs/empty" ls-tree -r --name-only HEAD | grep -c /) || true
made_persons=$(git -C "$dir/import-runs/empty" ls-tree -r --name-only HEAD persons | wc -l)
trap 'rm -rf "$dir/import-runs"' EXIT

row() {
	rows+=("$(printf '%-7s %-20s %9s ms  %-34s %9s ms  %7sx' "$1" "$2" "$3" "$4" "$5" "$( [ "$5" = - ] && echo - || ratio "$3" "$5")")")
}

for n in $sizes; do
	generated_workbook "$n"
	records=$(git -C "$wb" ls-tree -r --name-only HEAD | grep -c /)
	json="$dir/import-$n.json"
	"$CAIRN" -C "$wb" ls --json > "$json"
	imp=$(t "$runs" --before "$(fresh_before "json$n")" -- \
		"'$CAIRN' -C $(fresh_dir "json$n") import json '$json' >/dev/null")
	target="$dir/import-runs/json$n-$(cat "$dir/import-run")"
	[ "$(git -C "$target" ls-tree -r --name-only HEAD | grep -c /)" = "$((records + made))" ] ||
		{ echo "FAIL: import: $target does not hold the $records records (and the $made a new workbook has)"; exit 1; }
	[ -z "$(git -C "$target" status --porcelain)" ] || { echo "FAIL: import: git status is not clean"; exit 1; }
	# Counted at the first size only: the count does not grow with it,
	# and strace makes a 100,000-record import take many minutes.
	if [ "$n" = "${sizes%% *}" ]; then
		s=$(syncs "$target-strace" "$CAIRN" -C "$target-strace" import json "$json")
		notes+=("$records records, import json: $s")
	fi
	anchors "$wb" "$dir/wb-$n-tasks.json"
	row "$records" "import json" "$imp" "$anchor_what" "$anchor_ms"
	row "$records" "import json" "$imp" "task import" "$task_ms"
done

# import csv: 10,000 persons.
n=10000
wb="$dir/wb-$n"
[ -d "$wb/.git" ] || python3 "$here/gen.py" "$n" "$wb" >/dev/null
csv="$dir/import-persons.csv"
python3 - "$csv" "$n" <<'PY'
import sys
with open(sys.argv[1], "w", newline="") as f:
    f.write("id,name,email,category,role\r\n")
    for i in range(int(sys.argv[2])):
        f.write('kp%d,"Person %d, of city %d",kp%d@example.org,city-network,key-person\r\n' % (i, i, i % 50, i))
PY
imp=$(t "$runs" --before "$(fresh_before csv)" -- \
	"'$CAIRN' -C $(fresh_dir csv) import csv person '$csv' >/dev/null")
target="$dir/import-runs/csv-$(cat "$dir/import-run")"
[ "$(git -C "$target" ls-tree -r --name-only HEAD persons | wc -l)" = "$((n + made_persons))" ] ||
	{ echo "FAIL: import csv: $target does not hold the $n persons (and the $made_persons a new workbook has)"; exit 1; }
s=$(syncs "$target-strace" "$CAIRN" -C "$target-strace" import csv person "$csv")
anchors "$wb" "$dir/wb-$n-tasks.json"
notes+=("$n rows, import csv: $s")
row "$n" "import csv" "$imp" "$anchor_what" "$anchor_ms"
row "$n" "import csv" "$imp" "task import" "$task_ms"

printf '\n%-7s %-20s %12s  %-34s %12s  %8s\n' records cairn time anchor time ratio
printf '%s\n' "${rows[@]}"
echo "fsync/fdatasync/syncfs calls of one run (strace -f -c):"
printf '  %s\n' "${notes[@]}"
