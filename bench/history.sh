#!/bin/bash
# The history benchmark of issue 6 (make bench, or alone: bench/history.sh).
#
# The 100k-record workbook gets 5,000 more commits, each changing one of 500
# tasks (git fast-import, so that preparing takes seconds); one task is
# changed by 50 of them.  Then, process start to exit, median of runs:
#   `cairn log --oneline TASK` (its commits, read from the history index)
#   beside `git log --format=%H -- PATH`, without and then with git's
#   commit-graph and changed-path Bloom filters (`git commit-graph write
#   --reachable --changed-paths`); the full `cairn log TASK` (each commit
#   with its field changes) beside `git log -p -- PATH`; and `cairn blame
#   TASK` beside `git blame PATH` (goal: at most 0.5x).
# Goals: at most 0.1x git log without the commit-graph, and no slower than
# git log with it.  The one-time build of the history index (a walk of the
# 5,000 commits) is shown beside `git log --name-only` over the same commits
# (goal: no slower), each the median of CAIRN_HISTORY_BUILDS runs (5), the
# two timed in turn.
#
# CAIRN_HISTORY_SIZE overrides the size (100000); BENCH_DIR the folder.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
export PAGER=cat
n=${CAIRN_HISTORY_SIZE:-100000}
commits=5000 hot_every=100
generated_workbook "$n"
h="$dir/history-$n"
base=$(git -C "$wb" rev-list --max-parents=0 HEAD)
stamp="$base $(sha1sum < "$0" | cut -c1-40)"

if [ "$(cat "$h/stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "bench: adding $commits commits to a copy of the $n-record workbook"
	rm -rf "$h"
	git clone -q "$wb" "$h/wb"
	git -C "$h/wb" reset -q --hard "$base"
	# 500 tasks, each commit rewriting one's title; every 100th commit is the hot one's.
	git -C "$h/wb" ls-tree -r --name-only HEAD tasks | head -500 > "$h/tasks"
	python3 - "$h/wb" "$h/tasks" "$commits" "$hot_every" <<'PY' | git -C "$h/wb" fast-import --quiet
import subprocess, sys
wb, listing, commits, every = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
paths = open(listing).read().split()
text = {}
for p in paths:
    text[p] = subprocess.run(["git", "-C", wb, "show", "HEAD:" + p], capture_output=True,
                             text=True, check=True).stdout
head = subprocess.run(["git", "-C", wb, "rev-parse", "HEAD"], capture_output=True, text=True,
                      check=True).stdout.strip()
branch = subprocess.run(["git", "-C", wb, "symbolic-ref", "HEAD"], capture_output=True,
                        text=True, check=True).stdout.strip()
out = sys.stdout
t = 1500000000
for i in range(commits):
    p = paths[0] if i % every == 0 else paths[1 + i % (len(paths) - 1)]
    lines = [l if not l.startswith("title: ") else "title: Edit %d" % i
             for l in text[p].split("\n")]
    data = "\n".join(lines).encode()
    msg = ("%s: title -> Edit %d" % (p.rsplit("/", 1)[1], i)).encode()
    out.write("commit %s\n" % branch)
    out.write("committer Bench <bench@example.org> %d +0000\n" % (t + i))
    out.write("data %d\n%s\n" % (len(msg), msg.decode()))
    if i == 0:
        out.write("from %s\n" % head)
    out.write("M 100644 inline %s\ndata %d\n" % (p, len(data)))
    out.flush()
    sys.stdout.buffer.write(data)
    out.write("\n")
PY
	git -C "$h/wb" reset -q --hard HEAD
	git -C "$h/wb" gc -q
	"$CAIRN" -C "$h/wb" status >/dev/null
	echo "$stamp" > "$h/stamp"
fi
hot=$(head -1 "$h/tasks")
hot_id=task/${hot##*/}

# Process start to exit, no shell in between; median of runs, in ms.
timed() {
	python3 - "$@" <<'PY'
import statistics, subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append((time.perf_counter() - t0) * 1000)
print("%.1f" % statistics.median(times))
PY
}
ratio() { python3 -c "print('%.3f' % ($1 / $2))"; }

records=$(git -C "$h/wb" ls-tree -r --name-only HEAD | grep -c /)
total=$(git -C "$h/wb" rev-list --count HEAD)
rm -f "$h/wb/.git/objects/info/commit-graph"; rm -rf "$h/wb/.git/objects/info/commit-graphs"
# The history index is built once, on first use: from an index rebuilt
# without it (a run before this one built it), each run timed from the
# process's start to its exit beside git log --name-only's walk of the
# same commits, in turn; medians of the runs.
build_runs=${CAIRN_HISTORY_BUILDS:-5}
read -r build gitwalk < <(python3 - "$build_runs" "$CAIRN" "$h/wb" "$hot_id" <<'PY'
import shutil, statistics, subprocess, sys, time
runs, cairn, wb, hot = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
walk = ["git", "-C", wb, "log", "--format=%H", "--name-only"]
subprocess.run(walk, **quiet)
builds, walks = [], []
for _ in range(runs):
    shutil.rmtree(wb + "/.cairn", ignore_errors=True)
    subprocess.run([cairn, "-C", wb, "status"], **quiet)
    t0 = time.perf_counter()
    subprocess.run([cairn, "-C", wb, "log", "-n", "1", hot], **quiet)
    builds.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    subprocess.run(walk, **quiet)
    walks.append((time.perf_counter() - t0) * 1000)
print("%.1f %.1f" % (statistics.median(builds), statistics.median(walks)))
PY
)
shown=$("$CAIRN" -C "$h/wb" log "$hot_id" | grep -c '^[0-9a-f]\{12\}  ')
want=$(git -C "$h/wb" log --format=%H -- "$hot" | wc -l)
[ "$shown" = "$want" ] || { echo "FAIL: history: cairn log shows $shown commits of $hot, git log $want"; exit 1; }
cairn_log=$(timed 15 "$CAIRN" -C "$h/wb" log --oneline "$hot_id")
git_plain=$(timed 7 git -C "$h/wb" log --format=%H -- "$hot")
cairn_full=$(timed 9 "$CAIRN" -C "$h/wb" log "$hot_id")
git_patch=$(timed 5 git -C "$h/wb" log -p --format=%H -- "$hot")
cairn_blame=$(timed 9 "$CAIRN" -C "$h/wb" blame "$hot_id")
git_blame=$(timed 5 git -C "$h/wb" blame -- "$hot")
git -C "$h/wb" commit-graph write --reachable --changed-paths 2>/dev/null
git_graph=$(timed 15 git -C "$h/wb" log --format=%H -- "$hot")
cairn_again=$(timed 15 "$CAIRN" -C "$h/wb" log --oneline "$hot_id")
printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx  (goal <= 0.1x)\n' "$records" \
	"cairn log --oneline ($want of $total)" "$cairn_log" "git log -- PATH" "$git_plain" \
	"$(ratio "$cairn_log" "$git_plain")"
printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx  (goal <= 1x)\n' "$records" \
	"cairn log --oneline" "$cairn_again" "git log, commit-graph+Bloom" "$git_graph" \
	"$(ratio "$cairn_again" "$git_graph")"
printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx\n' "$records" \
	"cairn log RECORD (field changes)" "$cairn_full" "git log -p -- PATH" "$git_patch" \
	"$(ratio "$cairn_full" "$git_patch")"
printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx  (goal <= 0.5x)\n' "$records" \
	"cairn blame RECORD" "$cairn_blame" "git blame PATH" "$git_blame" \
	"$(ratio "$cairn_blame" "$git_blame")"
printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx  (once; goal <= 1x)\n' "$records" \
	"history index built ($total commits)" "$build" "git log --name-only" "$gitwalk" \
	"$(ratio "$build" "$gitwalk")"
