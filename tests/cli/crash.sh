#!/bin/bash
# SIGKILL at random moments of a save, hundreds of times: the workbook always
# reopens, git fsck is clean, the index agrees with the records, and every
# save that had returned is there.
. "$(dirname "$0")/lib.sh"

wb=$(new_workbook)
"$CAIRN" -C "$wb" add person p name=P category=other role=leader >/dev/null
rounds=${CAIRN_CRASH_ROUNDS:-200}
# How long one save takes here (a sanitizer build is slower): kills are
# spread over 0 to 2.5 times that.
t0=$(date +%s%N)
"$CAIRN" -C "$wb" add task k0 title="round 0" assignee=p >/dev/null
span=$(( ($(date +%s%N) - t0) / 1000 * 5 / 2 ))   # microseconds
diag "one save takes about $((span * 2 / 5 / 1000)) ms"
returned=""
killed=0
i=0
while [ "$i" -lt "$rounds" ]; do
	i=$((i + 1))
	"$CAIRN" -C "$wb" add task "k$i" title="round $i" assignee=p >/dev/null 2>&1 &
	pid=$!
	us=$(( (RANDOM * 32768 + RANDOM) % span ))
	sleep "$(printf '%d.%06d' $((us / 1000000)) $((us % 1000000)))"
	kill -9 "$pid" 2>/dev/null
	# A process that finished before the kill is reaped with its own status.
	wait "$pid" 2>/dev/null
	case $? in
	0) returned="$returned k$i" ;;
	137) killed=$((killed + 1)) ;;
	esac
done
diag "$rounds saves, $killed killed"

run "$CAIRN" -C "$wb" status
is "$rc" 0 "the workbook reopens after $killed kills"
[ "$rc" -eq 0 ] || diag "$err"
run "$CAIRN" -C "$wb" check
is "$rc" 0 "cairn check finds the index in agreement with the records"
[ "$rc" -eq 0 ] || diag "$out"
ok_cmd "git fsck --full is clean" git -C "$wb" fsck --full
is "$(git -C "$wb" status --porcelain)" "" "git status is clean once cairn has run"
missing=""
for k in $returned; do
	"$CAIRN" -C "$wb" show "task/$k" >/dev/null 2>&1 || missing="$missing $k"
done
is "$missing" "" "every save that returned is there ($(echo $returned | wc -w) of them)"
# The index holds exactly what git holds.
in_git=$(git -C "$wb" ls-tree -r --name-only HEAD tasks | wc -l)
in_index=$("$CAIRN" -C "$wb" ls task | wc -l)
is "$in_index" "$in_git" "the index lists every task file in HEAD"
# No lock is left behind: the next save goes through at once.
run "$CAIRN" -C "$wb" add task after title="after the storm" assignee=p
is "$rc" 0 "a save after the kills succeeds"
done_testing
