#!/bin/bash
# The other half of a sync (make bench, after bench/sync.sh, whose prepared
# replicas it reuses): B's 1,000 commits go to a shared folder that holds
# none of them (the bare repository's branch put back to the replicas' first
# commit).  Process start to exit, as a median of runs, each into a fresh
# copy of the shared folder and of the replica (copied outside the timed
# part):
#   `cairn sync` in B: nothing to fetch, then the 1,000 commits written there
#   as one pack and the branch moved by compare-and-swap;
#   `git push` of the very same commits from GB (B's commits, plain git).
# Exits non-zero, with a FAIL line, when the folder does not end up holding
# B's commits or fails git fsck.
#
# CAIRN_SYNC_SIZE overrides the size (100000); CAIRN_SYNC_RUNS the runs (3);
# BENCH_DIR the folder.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CAIRN=${CAIRN:-$here/../cairn}
CAIRN=$(cd "$(dirname "$CAIRN")" && pwd)/$(basename "$CAIRN")
n=${CAIRN_SYNC_SIZE:-100000}
runs=${CAIRN_SYNC_RUNS:-3}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/cairn-bench}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
s="$dir/sync-$n"
[ -f "$s/stamp" ] || CAIRN="$CAIRN" bash "$here/sync.sh" >/dev/null
export HOME="$dir/home" CAIRN_CONFIG="$dir/config" GIT_CONFIG_NOSYSTEM=1
t() { python3 "$here/timeit.py" "$@"; }
ratio() { python3 -c "print('%.3f' % ($1 / $2))"; }
fail() { echo "FAIL: push: $*"; exit 1; }

branch=$(git -C "$s/B" symbolic-ref --short HEAD)
base=$(git -C "$s/B" rev-parse "origin/$branch")
ahead=$(git -C "$s/B" rev-list --count HEAD ^"$base")
"$CAIRN" -C "$s/B" status >/dev/null
fresh() {
	echo "rm -rf '$s/run-$1' '$s/run-shared' && cp -a '$s/$1' '$s/run-$1' &&" \
	     "cp -a '$s/remote.git' '$s/run-shared' &&" \
	     "git -C '$s/run-shared' update-ref refs/heads/$branch $base &&" \
	     "git -C '$s/run-$1' remote set-url origin '$s/run-shared' && sync"
}
cpush=$(t "$runs" --before "$(fresh B)" -- "'$CAIRN' -C '$s/run-B' sync >/dev/null")
[ "$(git -C "$s/run-shared" rev-parse "$branch")" = "$(git -C "$s/B" rev-parse HEAD)" ] ||
	fail "the shared folder does not hold B's commits after cairn sync"
git -C "$s/run-shared" fsck --connectivity-only --no-dangling >/dev/null 2>&1 ||
	fail "the shared folder fails git fsck after cairn sync"
gpush=$(t "$runs" --before "$(fresh GB)" -- "git -C '$s/run-GB' push -q origin HEAD:$branch")

printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx\n' "$(git -C "$s/B" ls-files | grep -c /)" \
	"cairn sync (push of $ahead commits)" "$cpush" "git push" "$gpush" "$(ratio "$cpush" "$gpush")"
