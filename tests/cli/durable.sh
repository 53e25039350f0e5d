#!/bin/bash
# What a save writes reaches the disk in the order a power cut needs, with
# few sync calls (issue 18): the journal (.cairn/saving), the objects and
# the record file before the flush (one syncfs), then the branch, fsynced
# before the command returns.  A save killed at the flush or at the
# branch's fsync is finished by the next cairn; a torn journal (a power cut
# before the first flush completed) replays nothing and leaves the file
# as a hand edit.  strace counts and orders the calls, and kills at them.
. "$(dirname "$0")/lib.sh"
command -v strace >/dev/null || { echo "durable.sh needs strace (apt-get install strace)" >&2; exit 99; }

wb=$(new_workbook)
"$CAIRN" -C "$wb" add person p name=P category=other role=leader >/dev/null
"$CAIRN" -C "$wb" add task k0 title="round 0" assignee=p >/dev/null
f=$(git -C "$wb" ls-tree -r --name-only HEAD tasks)

# One save: its sync calls, in order, with what it writes.
strace -f -o "$TMP/trace" -e trace=fsync,fdatasync,syncfs,rename,renameat,renameat2,link,linkat \
	"$CAIRN" -C "$wb" set task/k0 title="round 1" >/dev/null 2>&1
syncs=$(grep -cE ' (fsync|fdatasync|syncfs)\(' "$TMP/trace")
diag "$(grep -E ' (fsync|fdatasync|syncfs)\(' "$TMP/trace" | sed 's/^[0-9]* *//' | tr '\n' ' ')"
[ "$syncs" -le 6 ] && pass "one save makes at most 6 sync calls ($syncs)" ||
	fail "one save makes at most 6 sync calls" "got $syncs"
order=$(awk '
	/ syncfs\(/ { n++; next }
	/ fsync\(/ { if (n == 1 && !f++) print "fsync-after-flush " n; next }
	/"saving"/ && / renameat/ { print "journal " n }
	/objects\/[0-9a-f][0-9a-f]\/[0-9a-f]/ && /link|rename/ { print "object " n }
	/refs\/heads\/main.lock"/ && /rename/ { print "branch " n }
	/renameat/ && /"k0"/ { print "file " n }' "$TMP/trace" | sed 's/ $/ 0/' | sort -u | tr '\n' ',')
diag "order: $order"
like "$order" "journal 0" "the journal is written before the first flush"
like "$order" "object 0" "the objects are written before the first flush"
unlike "$order" "object [12]" "no object is written after the first flush"
like "$order" "file 0" "the record file is written before the first flush"
is "$(echo "$order" | grep -o 'branch [0-9]*')" "branch 1" "the branch moves after the flush"
like "$order" "fsync-after-flush 1" "and is fsynced after it"
is "$(grep -cE ' syncfs\(' "$TMP/trace")" 1 "one flush"
ok_cmd "git status and fsck are clean" git_clean "$wb"

# Killed at the first flush: the branch had not moved; the next cairn
# makes the commit as it was meant.
strace -f -o /dev/null -e trace=syncfs -e inject=syncfs:signal=KILL:when=1 \
	"$CAIRN" -C "$wb" set task/k0 title="round 2" >/dev/null 2>&1
is "$(git -C "$wb" log -1 --format=%s)" "k0: title round 0 -> round 1" "killed at the first flush: no commit yet"
ok_cmd "the journal is left" test -f "$wb/.cairn/saving"
run "$CAIRN" -C "$wb" show task/k0
like "$err" "saved an edit that was interrupted before it was committed" "the next cairn replays the save"
like "$out" "round 2" "and shows it"
is "$(git -C "$wb" log -1 --format=%s)" "k0: title round 1 -> round 2" "the commit is made"
ok_cmd "the journal is gone" test ! -e "$wb/.cairn/saving"
ok_cmd "git status and fsck are clean after the replay" git_clean "$wb"

# Killed at the branch's fsync: the branch had moved; the next cairn
# finishes the rest.
strace -f -o /dev/null -e trace=fsync -e inject=fsync:signal=KILL:when=1 \
	"$CAIRN" -C "$wb" set task/k0 title="round 3" >/dev/null 2>&1
is "$(git -C "$wb" log -1 --format=%s)" "k0: title round 2 -> round 3" "killed at the branch's fsync: committed"
run "$CAIRN" -C "$wb" show task/k0
like "$err" "finished a save that was interrupted" "the next cairn finishes it"
like "$out" "round 3" "and shows it"
is "$(git -C "$wb" log --format=%s | grep -c 'round 2 -> round 3')" 1 "one commit, not two"
ok_cmd "git status and fsck are clean after finishing" git_clean "$wb"

# A torn journal: as after a power cut before the first flush ended.
strace -f -o /dev/null -e trace=syncfs -e inject=syncfs:signal=KILL:when=1 \
	"$CAIRN" -C "$wb" set task/k0 title="round 4" >/dev/null 2>&1
truncate -s 60 "$wb/.cairn/saving"
run "$CAIRN" -C "$wb" status
is "$rc" 0 "a torn journal: the workbook opens"
unlike "$err" "interrupted" "nothing is replayed from it"
is "$(git -C "$wb" log -1 --format=%s)" "k0: title round 2 -> round 3" "no commit"
like "$(cat "$wb/$f")" "round 4" "the record file is kept as it was written"
run "$CAIRN" -C "$wb" commit -m "by hand"
is "$rc" 0 "cairn commit saves it as a hand edit"
like "$(git -C "$wb" show HEAD:"$f")" "round 4" "and the commit holds it"
run "$CAIRN" -C "$wb" set task/k0 title="round 5"
is "$rc" 0 "the next save goes through"
ok_cmd "git status and fsck are clean at the end" git_clean "$wb"
done_testing
