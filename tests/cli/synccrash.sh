#!/bin/bash
# A sync killed (SIGKILL at random moments) or stopped by a full disk while
# it writes the files of a large merge: the next cairn command finishes
# writing them from HEAD.  After it, every record file is present and equal
# to HEAD, git fsck is clean, nothing waits to be committed, cairn never
# calls a missing file a hand edit, and a sync to the end keeps both sides'
# edits.
. "$(dirname "$0")/lib.sh"

n=${SYNCCRASH_RECORDS:-400}
rounds=${SYNCCRASH_ROUNDS:-16}

# Records: n tasks.  A edits the first half's titles, B the second half's
# and adds records of its own, so that a sync of B writes about n files.
python3 - "$n" "$TMP/tasks.json" <<'PY'
import json, sys
n = int(sys.argv[1])
recs = [{"kind": "person", "id": "p", "fields": {"name": "P", "category": "other", "role": "leader"}}]
recs += [{"kind": "task", "id": "t%d" % i, "fields": {"title": "task %d" % i, "assignee": "p", "status": "planned"}}
         for i in range(n)]
json.dump(recs, open(sys.argv[2], "w"))
PY
edits() {   # edits FROM TO WORD FILE: retitle tasks FROM..TO-1
	python3 - "$1" "$2" "$3" "$4" <<'PY'
import json, sys
lo, hi, word, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
json.dump([{"kind": "task", "id": "t%d" % i,
            "fields": {"title": "%s %d" % (word, i), "assignee": "p", "status": "planned"}} for i in range(lo, hi)],
          open(out, "w"))
PY
}

shared="$TMP/shared.git"
git init -q --bare --initial-branch=main "$TMP/pristine.git"
a="$TMP/a"
"$CAIRN" init "$a" --name crash >/dev/null
"$CAIRN" -C "$a" remote add origin "$TMP/pristine.git"
"$CAIRN" -C "$a" import json "$TMP/tasks.json" >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
"$CAIRN" clone "$TMP/pristine.git" "$TMP/b0" >/dev/null
edits 0 $((n / 2)) ours-a "$TMP/a.json"
"$CAIRN" -C "$a" import json "$TMP/a.json" >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
edits $((n / 2)) "$n" ours-b "$TMP/b.json"
"$CAIRN" -C "$TMP/b0" import json "$TMP/b.json" >/dev/null
"$CAIRN" -C "$TMP/b0" add task extra title="made by b" assignee=p status=planned >/dev/null
git -C "$TMP/b0" remote set-url origin "$shared"
is "$(git -C "$TMP/b0" status --porcelain)" "" "B starts clean"

# Each round starts from the same B and the same shared repository.
fresh() {
	rm -rf "$TMP/b" "$shared"
	cp -a "$TMP/b0" "$TMP/b"
	cp -a "$TMP/pristine.git" "$shared"
}

# Both sides' edits are in b's HEAD (after a sync to the end).
both_sides() {
	local b=$1 bad=""
	for i in 0 $((n / 2 - 1)); do
		git -C "$b" show HEAD:"$(git -C "$b" ls-tree -r --name-only HEAD tasks | grep "/t$i$")" |
			grep -q "^title: ours-a $i$" || bad="$bad t$i"
	done
	for i in $((n / 2)) $((n - 1)); do
		git -C "$b" show HEAD:"$(git -C "$b" ls-tree -r --name-only HEAD tasks | grep "/t$i$")" |
			grep -q "^title: ours-b $i$" || bad="$bad t$i"
	done
	"$CAIRN" -C "$b" show task/extra >/dev/null 2>&1 || bad="$bad extra"
	echo "$bad"
}

# How long one whole sync takes here (a sanitizer build is slower): kills
# are spread over 0 to 1.2 times that.
fresh
t0=$(date +%s%N)
"$CAIRN" -C "$TMP/b" sync >/dev/null
span=$(( ($(date +%s%N) - t0) / 1000 * 6 / 5 ))
diag "one sync of $n records takes about $((span * 5 / 6 / 1000)) ms"
is "$(both_sides "$TMP/b")" "" "an uninterrupted sync keeps both sides' edits"

killed=0 bad_status="" bad_check="" bad_fsck="" bad_lost="" bad_after="" called_edit=""
for i in $(seq "$rounds"); do
	fresh
	"$CAIRN" -C "$TMP/b" sync >/dev/null 2>&1 &
	pid=$!
	us=$(( (RANDOM * 32768 + RANDOM) % span ))
	sleep "$(printf '%d.%06d' $((us / 1000000)) $((us % 1000000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ $? -eq 137 ] && killed=$((killed + 1))
	# One command of any kind finishes what the sync left.
	"$CAIRN" -C "$TMP/b" status >/dev/null 2>"$TMP/status.err" || bad_status="$bad_status $i"
	grep -q "by hand" "$TMP/status.err" && called_edit="$called_edit $i"
	dirty=$(git -C "$TMP/b" status --porcelain)
	[ -z "$dirty" ] || { bad_status="$bad_status $i"; diag "round $i: git status: $(echo "$dirty" | head -3)"; }
	out=$("$CAIRN" -C "$TMP/b" check 2>&1) || { bad_check="$bad_check $i"; diag "round $i: $out"; }
	git -C "$TMP/b" fsck --full >/dev/null 2>&1 || bad_fsck="$bad_fsck $i"
	# Every record file HEAD has is in the work tree, byte for byte.
	if ! git -C "$TMP/b" diff --quiet HEAD --; then
		bad_lost="$bad_lost $i"
		diag "round $i: $(git -C "$TMP/b" diff --stat HEAD -- | tail -1)"
	fi
	if ! "$CAIRN" -C "$TMP/b" sync >/dev/null 2>"$TMP/sync.err"; then
		bad_after="$bad_after $i"
		diag "round $i: the sync after: $(head -c 600 "$TMP/sync.err")"
	else
		lost=$(both_sides "$TMP/b")
		[ -z "$lost" ] || { bad_after="$bad_after $i"; diag "round $i: lost$lost"; }
	fi
done
diag "$rounds syncs, $killed killed"
is "$bad_status" "" "after each kill, the next command runs and leaves git status clean"
is "$called_edit" "" "no file is called a hand edit"
is "$bad_check" "" "cairn check finds nothing wrong"
is "$bad_fsck" "" "git fsck --full is clean"
is "$bad_lost" "" "every file HEAD has is in the work tree, as HEAD has it"
is "$bad_after" "" "a sync to the end keeps both sides' edits"

# A file gone from the work tree (as a killed checkout leaves it) is listed
# as missing, with the command that brings it back; `cairn commit` never
# commits it as a deletion.
fresh
"$CAIRN" -C "$TMP/b" sync >/dev/null
f=$(git -C "$TMP/b" ls-tree -r --name-only HEAD tasks | grep '/t3$')
rm "$TMP/b/$f"
run "$CAIRN" -C "$TMP/b" check
is "$rc" 1 "check reports a missing file"
like "$out" "$f: missing from the work tree, though HEAD has it; \`git checkout -- $f\` brings it back" \
	"with the command that brings it back"
unlike "$out" "edited by hand" "and does not call it a hand edit"
head=$(git -C "$TMP/b" rev-parse HEAD)
run "$CAIRN" -C "$TMP/b" commit
is "$(git -C "$TMP/b" rev-parse HEAD)" "$head" "cairn commit does not commit the deletion"
like "$err" "$f is missing from the work tree and was not committed as a deletion" \
	"and says why, and what to do"
git -C "$TMP/b" checkout -- "$f"
ok_cmd "after git checkout the workbook is sound" "$CAIRN" -C "$TMP/b" check
echo "title: hand" >> "$TMP/b/$f"
run "$CAIRN" -C "$TMP/b" check
like "$out" "$f: edited by hand and not committed" "a file changed by hand is still a hand edit"
git -C "$TMP/b" checkout -- "$f"

# A fetch killed while it moved the remote-tracking ref leaves that ref's
# lock: once stale it is cleared; a fresh one is named with the command.
fresh
lock="$TMP/b/.git/refs/remotes/origin/main.lock"
mkdir -p "$(dirname "$lock")"
: > "$lock"
run "$CAIRN" -C "$TMP/b" sync
is "$rc" 3 "a fresh lock on the remote-tracking ref stops the sync"
like "$err" "refs/remotes/origin/main is locked: a git fetch may be running there; try again in a moment, and if no git is running, remove the lock with: rm '$lock'" \
	"naming the lock and the exact command, in full"
touch -d '1 minute ago' "$lock"
run "$CAIRN" -C "$TMP/b" sync
is "$rc" 0 "a stale one (a killed fetch's) is cleared and the sync goes through"
[ ! -e "$lock" ] && pass "and the lock is gone" || fail "and the lock is gone"
# A cairn killed in its fetch left the lock and its note of the ref
# (.git/cairn-ref.PID): the next sync clears it at once, not seconds later.
fresh
sh -c 'echo $$ > "$1"' sh "$TMP/deadpid"
dead=$(cat "$TMP/deadpid")
echo "ref refs/remotes/origin/main" > "$TMP/b/.git/cairn-ref.$dead"
mkdir -p "$(dirname "$lock")"
echo 0123456789012345678901234567890123456789 > "$lock"
run "$CAIRN" -C "$TMP/b" sync
is "$rc" 0 "a lock a killed cairn's fetch left is cleared at once"
[ "$rc" -eq 0 ] || diag "$err"
[ ! -e "$lock" ] && [ ! -e "$TMP/b/.git/cairn-ref.$dead" ] && pass "the lock and the note are gone" ||
	fail "the lock and the note are gone"
# A cairn killed while its push moved the branch in the shared folder
# left that branch's lock there, and its note (cairn-push.HOST.PID): every
# member's next push would be refused on it.  The next sync clears it at
# once; a note of another machine's is not judged by a PID of ours.
fresh
host=$(uname -n | tr './' '__')
slock="$shared/refs/heads/main.lock"
echo 0123456789012345678901234567890123456789 > "$slock"
echo 0123456789012345678901234567890123456789 > "$shared/cairn-push.other-machine.$dead"
run "$CAIRN" -C "$TMP/b" sync
is "$rc" 3 "a push's lock in the shared folder whose note is another machine's stops the sync"
like "$err" "refs/heads/main in the shared repository .* stays locked: .*remove it" "naming the lock"
[ -e "$slock" ] && pass "and that lock is kept" || fail "and that lock is kept"
rm -f "$shared/cairn-push.other-machine.$dead"
echo 0123456789012345678901234567890123456789 > "$shared/cairn-push.$host.$dead"
run "$CAIRN" -C "$TMP/b" sync
is "$rc" 0 "a lock a killed cairn's push left in the shared folder is cleared at once"
[ "$rc" -eq 0 ] || diag "$err"
[ ! -e "$slock" ] && [ ! -e "$shared/cairn-push.$host.$dead" ] && pass "the lock and the note are gone" ||
	fail "the lock and the note are gone"
is "$(both_sides "$TMP/b")" "" "and the push holds both sides' edits"
is "$(git -C "$shared" rev-parse main)" "$(git -C "$TMP/b" rev-parse HEAD)" "in the shared repository"
ls "$shared" | grep -q '^cairn-push\.' && fail "no push note is left in the shared repository" ||
	pass "no push note is left in the shared repository"
# The branch's own lock, not cairn's and fresh: named in full, with the
# exact command.
blk="$TMP/b/.git/refs/heads/main.lock"
: > "$blk"
# Held fresh while the save runs, as by a git that is working: on a loaded
# machine the save may start more than the seconds after which cairn
# takes a lock for a killed process's.
( while [ -e "$blk" ]; do touch "$blk"; sleep 0.2; done ) &
holder=$!
run "$CAIRN" -C "$TMP/b" set task/t1 title="while locked"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
is "$rc" 3 "a fresh lock on the branch stops a save"
like "$err" "refs/heads/main is locked: another git process is updating the branch; try again in a moment, and if no git is running, remove the lock with: rm '$blk'" \
	"naming the lock and the exact command, in full"
rm -f "$blk"

# A full disk while the sync writes the merge's files: the sync fails with
# a message that says the merge is committed and what finishes it; once
# there is room, the next command writes the rest.  Root only (a tmpfs).
# The room left is narrowed until the merge's objects fit and its files
# do not.
if [ "$(id -u)" -eq 0 ] && mkdir -p "$TMP/small" && mount -t tmpfs -o size=24m tmpfs "$TMP/small" 2>/dev/null; then
	bs="$TMP/small/b" hit=""
	for room in 2400 1800 1400 1100 900 750 600 500 400 300 220 150 100; do
		rm -rf "$bs" "$TMP/small/filler"
		fresh
		cp -a "$TMP/b" "$bs"
		avail=$(df --output=avail -B1K "$TMP/small" | tail -1)
		[ "$avail" -gt "$room" ] && head -c "$(( (avail - room) * 1024 ))" /dev/zero > "$TMP/small/filler" 2>/dev/null
		run "$CAIRN" -C "$bs" sync
		[ "$rc" -eq 0 ] && continue
		if [ "$(git -C "$bs" rev-list --parents -n 1 HEAD | wc -w)" -eq 3 ]; then
			hit=$room
		fi
		break
	done
	if [ -n "$hit" ]; then
		diag "with ${hit} KiB left, the merge was committed and its files did not fit"
		like "$err" "the merge is committed but its files could not all be written" \
			"a full disk during the checkout: the sync says the merge is committed"
		like "$err" "run any cairn command" "and what finishes it"
	else
		diag "no room size stopped the sync between its commit and its files: $err"
		pass "the disk filled before the merge was committed (nothing to finish)"
		pass "(so no finishing advice)"
	fi
	rm -f "$TMP/small/filler"
	run "$CAIRN" -C "$bs" status
	is "$rc" 0 "with room again, the next command runs"
	[ "$rc" -eq 0 ] || diag "$err"
	is "$(git -C "$bs" status --porcelain)" "" "and leaves git status clean"
	ok_cmd "every file as HEAD has it" git -C "$bs" diff --quiet HEAD --
	run "$CAIRN" -C "$bs" sync
	[ "$rc" -eq 0 ] || diag "the sync after: $err"
	is "$(both_sides "$bs")" "" "and a sync keeps both sides' edits"
	rm -rf "$bs"
	umount "$TMP/small"
else
	diag "not root or no tmpfs: the full-disk case is skipped"
fi
done_testing
