#!/bin/bash
# Every network wait is bounded: a server that accepts the connection and
# never answers (http, and ssh that never sends its banner) makes sync and
# clone fail after CAIRN_CONNECT_TIMEOUT with a message naming the remote
# and saying what to do, and changes nothing.  The `timeout` around each
# command is only a hang guard, far above the bound under test.
. "$(dirname "$0")/lib.sh"

port=$((20000 + ($$ % 20000) + 1))
pidfile="$TMP/silent.pid"
python3 "$top_srcdir/tests/cli/silent.py" "$port" "$pidfile" 2>"$TMP/silent.log" &
for _ in $(seq 1 100); do [ -s "$pidfile" ] && break; sleep 0.1; done
spid=$(cat "$pidfile" 2>/dev/null)
[ -n "$spid" ] || { echo "1..0 # SKIP the silent server did not start: $(cat "$TMP/silent.log")"; exit 0; }
trap 'kill "$spid" 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
export CAIRN_CONNECT_TIMEOUT=2 CAIRN_IDLE_TIMEOUT=2
guard=${HANG_GUARD:-60}

wb="$TMP/wb"
"$CAIRN" demo "$wb" >/dev/null
head_before=$(git -C "$wb" rev-parse HEAD)

for url in "http://127.0.0.1:$port/shared.git" "ssh://git@127.0.0.1:$port/shared.git"; do
	scheme=${url%%:*}
	"$CAIRN" -C "$wb" remote remove origin >/dev/null 2>&1
	"$CAIRN" -C "$wb" remote add origin "$url" >/dev/null
	run timeout $guard "$CAIRN" -C "$wb" sync
	isnt_rc=$rc
	[ "$isnt_rc" != 0 ] && [ "$isnt_rc" != 124 ] && pass "$scheme: sync with a server that never answers fails" ||
		fail "$scheme: sync with a server that never answers fails" "rc $rc" "$err"
	like "$err" "origin: no answer from $url in 2 s" "$scheme: the message names the remote and the wait"
	like "$err" "nothing here was changed or lost: sync again later, or wait longer with CAIRN_CONNECT_TIMEOUT" \
		"$scheme: and says what to do"
	is "$(git -C "$wb" rev-parse HEAD)" "$head_before" "$scheme: the workbook is unchanged"

	run timeout $guard "$CAIRN" clone "$url" "$TMP/clone-$scheme"
	[ "$rc" != 0 ] && [ "$rc" != 124 ] && pass "$scheme: clone from it fails" ||
		fail "$scheme: clone from it fails" "rc $rc" "$err"
	like "$err" "cannot clone $url: no answer from $url in 2 s" "$scheme: the clone's message says so"
	[ ! -e "$TMP/clone-$scheme/.git" ] && pass "$scheme: and leaves no half clone" ||
		fail "$scheme: and leaves no half clone" "$(ls -a "$TMP/clone-$scheme")"
done

# With a copy of their branch and an edit of ours to send, the sync opens
# the push's connection first: the same bound, the same words, once.
git -C "$wb" update-ref refs/remotes/origin/main HEAD
"$CAIRN" -C "$wb" set milestone/M2 title="Waiting to go out" >/dev/null
head_before=$(git -C "$wb" rev-parse HEAD)
for url in "http://127.0.0.1:$port/shared.git" "ssh://git@127.0.0.1:$port/shared.git"; do
	scheme=${url%%:*}
	"$CAIRN" -C "$wb" remote set-url origin "$url" >/dev/null 2>&1 ||
		git -C "$wb" remote set-url origin "$url"
	run timeout $guard "$CAIRN" -C "$wb" sync
	[ "$rc" != 0 ] && [ "$rc" != 124 ] && pass "$scheme: a sync with an edit to push fails too" ||
		fail "$scheme: a sync with an edit to push fails too" "rc $rc" "$err"
	like "$err" "origin: no answer from $url in 2 s" "$scheme: in the same words"
	is "$(git -C "$wb" rev-parse HEAD)" "$head_before" "$scheme: the edit is still here"
done

# A value that is no number keeps the default bound rather than none.
run env CAIRN_CONNECT_TIMEOUT=soon timeout $guard "$CAIRN" -C "$wb" status
is "$rc" 0 "a bad timeout setting does not stop cairn working offline"

kill "$spid"
done_testing
