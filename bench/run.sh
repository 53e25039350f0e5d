#!/bin/bash
# cairn's benchmarks (make bench).  For workbooks of 1k, 10k and 100k
# records, each figure beside its anchor, measured in the same run, as a
# median of repeated runs, with the ratio:
#   (a) one edit saved by `cairn set` (fsync on), process start to exit, beside
#       `git add -A && git commit` of the same one-line change in a copy of the
#       same tree with git's index warm; and the durable commit alone, inside
#       the process;
#   (b) `cairn status`, warm and cold page cache, beside taskwarrior's
#       `task next` on as many tasks;
#   (c) rebuilding the whole index from the records, beside `task import` of
#       as many tasks.
# Then bench/save.sh: one `cairn set` beside `git commit` of the same change;
# bench/import.sh: `cairn import json` and `import csv` beside a rebuild plus
# one commit and beside `task import`.
# Then, when the sizes include 100000 (or CAIRN_SYNC_SIZE is set), the sync
# benchmark of bench/sync.sh: `cairn sync` beside `git pull`, and of
# bench/push.sh: its push beside `git push`; and
# bench/history.sh: `cairn log RECORD` beside `git log -- PATH`; and
# bench/ssh.sh: `cairn clone` (folder, ssh) beside `git clone`, and the sync
# and its push over ssh beside `git pull` and `git push`; and always
# bench/bigrecord.sh: show, save and merge of a record of 100,000 fields
# beside the same bytes in 100; and bench/guard.sh: `cairn guard` on a push
# of 1,000 commits to the largest size, beside `git rev-list` and `git log
# --raw` of the same push.
# CAIRN_BENCH_SIZES overrides the sizes ("1000 10000"); BENCH_DIR the folder.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sizes=${CAIRN_BENCH_SIZES:-"1000 10000 100000"}
for tool in git python3 task; do
	command -v $tool >/dev/null || {
		echo "bench: installing what it needs (taskwarrior, python3)"
		sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq taskwarrior python3 >/dev/null
		break
	}
done
. "$here/lib.sh"
printf 'confirmation=off\nverbose=nothing\nrecurrence=off\n' > "$HOME/.taskrc"

rows=()
for n in $sizes; do
	generated_workbook "$n"
	records=$(git -C "$wb" ls-tree -r --name-only HEAD | grep -c /)
	tasks="$dir/wb-$n-tasks.json"
	export TASKDATA="$dir/task-$n"

	# (c) the index from the records, beside task import.
	rebuild=$(t 3 --before "rm -rf '$wb/.cairn'" -- "'$CAIRN' -C '$wb' status")
	timport=$(t 1 --before "rm -rf '$TASKDATA'; mkdir -p '$TASKDATA'" -- "task import '$tasks'")
	# (b) the first screen, warm and cold, beside task next.
	"$CAIRN" -C "$wb" status >/dev/null
	warm=$(t 21 -- "'$CAIRN' -C '$wb' status")
	# Cold: the workbook, the program and the shared libraries it loads.
	cold=$(t 7 --cold "$wb/.cairn" "$wb/.git" "$wb/cairn.ini" "$CAIRN" $(ldd "$CAIRN" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p') -- "'$CAIRN' -C '$wb' status")
	tnext=$(t 5 -- "task next limit:20")
	tnext_cold=$(t 3 --cold "$TASKDATA" -- "task next limit:20")
	# (a) one saved edit, beside git add -A && git commit in a copy.
	anchor="$dir/git-$n"
	rm -rf "$anchor"; cp -a "$wb" "$anchor"; rm -rf "$anchor/.cairn" "$anchor/.git/hooks/pre-commit"
	git -C "$anchor" status >/dev/null
	m0=$(git -C "$wb" ls-tree -r --name-only HEAD milestones | head -1); m0=${m0##*/}
	f0=$(git -C "$anchor" ls-tree -r --name-only HEAD milestones | head -1)
	echo 0 > "$dir/counter"
	set_cmd="c=\$((\$(cat '$dir/counter') + 1)); echo \$c > '$dir/counter'; CAIRN_BENCH=1 '$CAIRN' -C '$wb' set 'milestone/$m0' title=\"Edit \$c\" 2>>'$dir/commit-ms-$n'"
	: > "$dir/commit-ms-$n"
	cset=$(t 11 -- "$set_cmd")
	commit_ms=$(grep -o '[0-9.]*' "$dir/commit-ms-$n" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
	git_cmd="c=\$((\$(cat '$dir/counter') + 1)); echo \$c > '$dir/counter'; sed -i \"s/^title: .*/title: Edit \$c/\" '$anchor/$f0'; cd '$anchor' && git add -A && git commit -q -m edit"
	gcommit=$(t 11 -- "$git_cmd")
	rows+=("$(printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx' "$records" "cairn set (whole process)" "$cset" "git add -A && git commit" "$gcommit" "$(ratio "$cset" "$gcommit")")")
	rows+=("$(printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx' "$records" "durable commit (in process)" "$commit_ms" "git add -A && git commit" "$gcommit" "$(ratio "$commit_ms" "$gcommit")")")
	rows+=("$(printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx' "$records" "cairn status, warm" "$warm" "task next, warm" "$tnext" "$(ratio "$warm" "$tnext")")")
	rows+=("$(printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx' "$records" "cairn status, cold" "$cold" "task next, cold" "$tnext_cold" "$(ratio "$cold" "$tnext_cold")")")
	rows+=("$(printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx' "$records" "index rebuild (+status)" "$rebuild" "task import" "$timport" "$(ratio "$rebuild" "$timport")")")
	# The terminal interface through a pty, beside task next.
	while IFS=$'\t' read -r what figure note; do
		case $what in
		"dashboard drawn, warm") rows+=("$(printf '%-7s %-34s %12s  %-28s %9s ms  %7sx  (%s)' "$records" "TUI: $what" "$figure" "task next, warm" "$tnext" "$(ratio "${figure% ms}" "$tnext")" "$note")") ;;
		"dashboard drawn, cold") rows+=("$(printf '%-7s %-34s %12s  %-28s %9s ms  %7sx  (%s)' "$records" "TUI: $what" "$figure" "task next, cold" "$tnext_cold" "$(ratio "${figure% ms}" "$tnext_cold")" "$note")") ;;
		*) rows+=("$(printf '%-7s %-34s %12s  %s' "$records" "TUI: $what" "$figure" "$note")") ;;
		esac
	done < <(python3 "$here/tui.py" "$CAIRN" "$wb" 9)
done
printf '\n%-7s %-34s %12s  %-28s %12s  %8s\n' records cairn time anchor time ratio
printf '%s\n' "${rows[@]}"
CAIRN="$CAIRN" bash "$here/save.sh"
CAIRN="$CAIRN" bash "$here/import.sh"
if [ -n "${CAIRN_SYNC_SIZE:-}" ] || [[ " $sizes " == *" 100000 "* ]]; then
	CAIRN="$CAIRN" bash "$here/sync.sh"
	CAIRN="$CAIRN" bash "$here/push.sh"
fi
if [ -n "${CAIRN_HISTORY_SIZE:-}" ] || [[ " $sizes " == *" 100000 "* ]]; then
	echo
	CAIRN="$CAIRN" bash "$here/history.sh"
fi
# Clone (folder and ssh) and sync over ssh, on the workbooks the two above
# prepared.
if [ -n "${CAIRN_SSH_SIZE:-}" ] || [[ " $sizes " == *" 100000 "* ]]; then
	CAIRN="$CAIRN" bash "$here/ssh.sh"
fi
echo
CAIRN="$CAIRN" bash "$here/bigrecord.sh"
echo
CAIRN="$CAIRN" CAIRN_GUARD_SIZES="${CAIRN_GUARD_SIZES:-${sizes##* }}" bash "$here/guard.sh"
