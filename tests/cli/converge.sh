#!/bin/bash
# Many replicas of one shared workbook converge: five clones make a few
# hundred random edits each and sync in a random order (converge.py holds
# the model that predicts every merge and conflict); then two replicas sync
# at the same moment, again and again, and both edits land.
#
# CONVERGE_SEED=N replays a run; CONVERGE_EDITS=N sets the edits per replica.
. "$(dirname "$0")/lib.sh"

seed=${CONVERGE_SEED:-$(( $(date +%s) % 100000 ))}
edits=${CONVERGE_EDITS:-150}

shared="$TMP/shared.git"
git init -q --bare --initial-branch=main "$shared"
"$CAIRN" demo "$TMP/origin" >/dev/null
"$CAIRN" -C "$TMP/origin" remote add origin "$shared"
run "$CAIRN" -C "$TMP/origin" sync
is "$rc" 0 "the demo is pushed to a bare repository"
made=0
for r in 0 1 2 3 4; do
	"$CAIRN" clone "$shared" "$TMP/r$r" >/dev/null 2>&1 && made=$((made + 1))
done
is "$made" 5 "five replicas are cloned"

# The driver prints "ok NAME", "not ok NAME" and "# ..." lines.
while IFS= read -r line; do
	case $line in
	"not ok "*) fail "${line#not ok }" ;;
	"ok "*) pass "${line#ok }" ;;
	*) printf '%s\n' "$line" ;;
	esac
done < <(/usr/bin/python3 "$top_srcdir/tests/cli/converge.py" "$CAIRN" "$TMP" "$shared" \
	"$seed" "$edits" 2>&1)

# A push race: two replicas sync at the same moment.  A push that loses is
# fetched, merged and pushed again; after three tries cairn may give up
# saying the remote kept moving, and then the next sync goes through.
"$CAIRN" clone "$shared" "$TMP/race-a" >/dev/null 2>&1
"$CAIRN" clone "$shared" "$TMP/race-b" >/dev/null 2>&1
a="$TMP/race-a" b="$TMP/race-b"
synced=0 merged=0 landed=0 lost=""
task_path() { git -C "$a" ls-files 'tasks/*' | grep "/$1\$"; }
for i in 1 2 3 4 5; do
	"$CAIRN" -C "$a" set task/T1 title="race a $i" >/dev/null
	"$CAIRN" -C "$b" set task/T2 title="race b $i" >/dev/null
	"$CAIRN" -C "$a" sync >"$TMP/race.a" 2>&1 & pa=$!
	"$CAIRN" -C "$b" sync >"$TMP/race.b" 2>&1 & pb=$!
	wait $pa; ra=$?
	wait $pb; rb=$?
	both=yes
	for side in a b; do
		eval "rc=\$r$side dir=\$$side"
		if [ "$rc" -ne 0 ] && grep -q "kept moving while we merged (3 tries)" "$TMP/race.$side"; then
			"$CAIRN" -C "$dir" sync >>"$TMP/race.$side" 2>&1
			rc=$?
		fi
		if [ "$rc" -ne 0 ]; then
			both=no
			fail "race $i: the sync of $side exits 0" "rc $rc" "$(tr '\n' '|' < "$TMP/race.$side")"
		fi
	done
	[ "$both" = yes ] && synced=$((synced + 1))
	# Each sync that said "pushed" must have its commit in the remote's branch.
	main=$(git -C "$shared" rev-parse main)
	if git -C "$shared" merge-base --is-ancestor "$(git -C "$a" rev-parse HEAD)" "$main" &&
		git -C "$shared" merge-base --is-ancestor "$(git -C "$b" rev-parse HEAD)" "$main"; then
		merged=$((merged + 1))
	else
		lost="$lost $i"
	fi
	# One more sync each, and both edits are everywhere.
	"$CAIRN" -C "$a" sync >/dev/null 2>&1
	"$CAIRN" -C "$b" sync >/dev/null 2>&1
	"$CAIRN" -C "$a" sync >/dev/null 2>&1
	main=$(git -C "$shared" rev-parse main)
	if [ "$(git -C "$a" rev-parse HEAD)" = "$main" ] && [ "$(git -C "$b" rev-parse HEAD)" = "$main" ] &&
		git -C "$shared" show "main:$(task_path T1)" | grep -qx "title: race a $i" &&
		git -C "$shared" show "main:$(task_path T2)" | grep -qx "title: race b $i" &&
		"$CAIRN" -C "$a" show task/T2 --json | grep -q "\"title\": \"race b $i\"" &&
		"$CAIRN" -C "$b" show task/T1 --json | grep -q "\"title\": \"race a $i\""; then
		landed=$((landed + 1))
	fi
done
is "$synced" 5 "five push races: both syncs exit 0 every time"
# libgit2's push to a local path checks fast-forward against the branch it
# saw when it connected, then writes it with force; cairn moves the branch
# by compare-and-swap instead, so a push that said "pushed" stays pushed.
if [ -z "$lost" ]; then
	pass "both pushes of every race are in the remote's branch right after the race"
else
	fail "both pushes of every race are in the remote's branch right after the race" "races:$lost"
fi
is "$landed" 5 "after one more sync each, the remote and both replicas hold both edits"
ok_cmd "git fsck is clean in the shared repository" git -C "$shared" fsck --full
git_clean "$a" && git_clean "$b" && pass "both racers are clean" || fail "both racers are clean"
done_testing
