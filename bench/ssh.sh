#!/bin/bash
# Clone and sync over ssh (issue 18, goals 3 and 4; make bench, or alone:
# bench/ssh.sh).  An sshd of its own on 127.0.0.1 (a port above 20000, its
# own host key, the bench's key; started here, stopped by its PID), as
# tests/cli/hosting.sh does.  Process start to exit, medians, in one run:
#   clone: `cairn clone` of the long-history workbook of bench/history.sh
#   (the size's records and 5,000 more commits), until it is ready to use
#   (index and history index built: a `cairn log` of one record after it),
#   beside `git clone` of the same repository, from a folder and over
#   ssh://.  Goal: at most 1.2x.
#   sync: the replicas of bench/sync.sh (1,000 edits on each side, 20
#   same-field clashes) with their remote over ssh://: `cairn sync` beside
#   `git pull --no-rebase` over the same ssh (goal: at most 0.6x, exactly
#   the 20 conflicts), and the push half: `cairn sync` of B's 1,000 commits
#   to a folder holding none of them, beside `git push` (goal: at most 1x).
# CAIRN_SSH_SIZE overrides the size (100000); CAIRN_SSH_RUNS the runs (3);
# BENCH_DIR the folder.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
n=${CAIRN_SSH_SIZE:-100000}
runs=${CAIRN_SSH_RUNS:-3}
fail() { echo "FAIL: ssh: $*"; exit 1; }
. "$here/../tests/cli/sshd.sh"
if [ ! -x "$SSHD" ] || ! command -v ssh-keygen >/dev/null; then
	echo "bench: ssh: no sshd here (./bootstrap installs openssh-server); skipped"
	exit 0
fi
[ "$(id -u)" -eq 0 ] && mkdir -p /run/sshd && chmod 755 /run/sshd

# The long history (bench/history.sh prepares it) and the sync replicas.
h="$dir/history-$n"
[ -f "$h/stamp" ] || CAIRN="$CAIRN" CAIRN_HISTORY_SIZE=$n bash "$here/history.sh" >/dev/null
s="$dir/sync-$n"
[ -f "$s/stamp" ] || CAIRN="$CAIRN" CAIRN_SYNC_SIZE=$n bash "$here/sync.sh" >/dev/null

srv="$dir/sshd"
rm -rf "$srv"
sshd_prepare "$srv" "MaxStartups 100"
mkdir -p "$HOME/.ssh"; chmod 700 "$HOME/.ssh"
[ -f "$HOME/.ssh/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C bench -f "$HOME/.ssh/id_ed25519"
cp "$HOME/.ssh/id_ed25519.pub" "$srv/authorized_keys"
trap 'sshd_stop' EXIT
sshd_start || exit 1
echo "[127.0.0.1]:$port $(cut -d' ' -f1-2 "$srv/host_ed25519.pub")" > "$HOME/.ssh/known_hosts"
export GIT_SSH_COMMAND="ssh -o BatchMode=yes -o UserKnownHostsFile=$HOME/.ssh/known_hosts -i $HOME/.ssh/id_ed25519"
ssh_url() { echo "ssh://$(id -un)@127.0.0.1:$port$1"; }

# ---- clone ----
src="$h/wb"
hot=$(head -1 "$h/tasks"); hot_id=task/${hot##*/}
records=$(git -C "$src" ls-tree -r --name-only HEAD | grep -c /)
commits=$(git -C "$src" rev-list --count HEAD)
c="$dir/clone-$n"
rm -rf "$c"; mkdir -p "$c"
git clone -q --bare "$src" "$c/shared.git"
rm -f "$c/shared.git/objects/info/commit-graph"
gone() { echo "rm -rf '$c/to' && sync"; }
cfolder=$(t "$runs" --before "$(gone)" -- "'$CAIRN' clone '$c/shared.git' '$c/to' >/dev/null && '$CAIRN' -C '$c/to' log -n 1 '$hot_id' >/dev/null")
gfolder=$(t "$runs" --before "$(gone)" -- "git clone -q '$c/shared.git' '$c/to'")
cssh=$(t "$runs" --before "$(gone)" -- "'$CAIRN' clone '$(ssh_url "$c/shared.git")' '$c/to' >/dev/null && '$CAIRN' -C '$c/to' log -n 1 '$hot_id' >/dev/null")
gssh=$(t "$runs" --before "$(gone)" -- "git clone -q '$(ssh_url "$c/shared.git")' '$c/to'")
[ "$("$CAIRN" -C "$c/to" log "$hot_id" 2>/dev/null | grep -c '^[0-9a-f]\{12\}  ')" -gt 0 ] ||
	fail "the clone over ssh shows no history of $hot_id"

# ---- sync over ssh ----
branch=$(git -C "$s/B" symbolic-ref --short HEAD)
"$CAIRN" -C "$s/B" status >/dev/null
fresh() { echo "rm -rf '$s/run-$1' && cp -a '$s/$1' '$s/run-$1' && git -C '$s/run-$1' remote set-url origin '$(ssh_url "$s/remote.git")' && git -C '$s/run-$1' update-index -q --refresh && sync"; }
csync=$(t "$runs" --before "$(fresh B)" -- "'$CAIRN' -C '$s/run-B' sync >/dev/null 2>&1; [ \$? -eq 4 ]")
gpull=$(t "$runs" --before "$(fresh GB)" -- "cd '$s/run-GB' && git pull -q --no-rebase --no-edit >/dev/null 2>&1; [ \$? -le 1 ]")
"$CAIRN" -C "$s/run-B" conflicts > "$s/ssh-conflicts" 2>/dev/null || [ $? -eq 4 ] || fail "cairn conflicts failed"
nconf=$(grep -v '^ ' "$s/ssh-conflicts" | grep -vx 'no conflicts' | sed 's/  \[resolved\]$//' | sort -u | wc -l)
# The push half: B's commits to a copy of the shared folder put back before them.
base=$(git -C "$s/B" rev-parse "origin/$branch")
pfresh() {
	echo "rm -rf '$s/run-$1' '$s/run-shared' && cp -a '$s/$1' '$s/run-$1' &&" \
	     "cp -a '$s/remote.git' '$s/run-shared' &&" \
	     "git -C '$s/run-shared' update-ref refs/heads/$branch $base &&" \
	     "git -C '$s/run-$1' remote set-url origin '$(ssh_url "$s/run-shared")' && sync"
}
cpush=$(t "$runs" --before "$(pfresh B)" -- "'$CAIRN' -C '$s/run-B' sync >/dev/null")
[ "$(git -C "$s/run-shared" rev-parse "$branch")" = "$(git -C "$s/B" rev-parse HEAD)" ] ||
	fail "cairn's push over ssh did not leave B's commits in the shared folder"
gpush=$(t "$runs" --before "$(pfresh GB)" -- "git -C '$s/run-GB' push -q origin HEAD:$branch")
srecords=$(git -C "$s/B" ls-tree -r --name-only HEAD | grep -c /)

printf '\n%-7s %-34s %12s  %-28s %12s  %8s\n' records cairn time anchor time ratio
printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx  (goal <= 1.2x)\n' "$records" \
	"cairn clone, folder, ready" "$cfolder" "git clone, folder" "$gfolder" "$(ratio "$cfolder" "$gfolder")"
printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx  (goal <= 1.2x)\n' "$records" \
	"cairn clone, ssh, ready" "$cssh" "git clone, ssh" "$gssh" "$(ratio "$cssh" "$gssh")"
printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx  (goal <= 0.6x)\n' "$srecords" \
	"cairn sync over ssh (1000+1000)" "$csync" "git pull over ssh" "$gpull" "$(ratio "$csync" "$gpull")"
printf '%-7s %-34s %9s ms  %-28s %9s ms  %7sx  (goal <= 1x)\n' "$srecords" \
	"cairn sync, push half, ssh" "$cpush" "git push over ssh" "$gpush" "$(ratio "$cpush" "$gpush")"
echo "$srecords  conflicts over ssh: cairn $nconf (want 20); clone of $commits commits"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$nconf" -eq 20 ] || fail "cairn raised $nconf conflicts over ssh, not the 20 same-field ones"
