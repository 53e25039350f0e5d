#!/bin/bash
# A record of 100,000 short fields (under 1 MiB, accepted from a peer) is
# synced, shown, saved and merged, and the terminal interface showing it
# leaves on SIGHUP.  Record work must cost time in proportion to the
# record's size; here a quadratic field lookup took minutes.  The `timeout`s
# are hang guards only, generous, never a measure of speed (bench/ has that).
. "$(dirname "$0")/lib.sh"

guard=120
shared="$TMP/shared.git"
git init -q --bare --initial-branch=main "$shared"
"$CAIRN" -C "$wb" remote add origin "$shared" >/dev/null
"$CAIRN" -C "$wb" sync >/dev/null
peer="$TMP/peer"
git clone -q "$shared" "$peer"

# The peer, with plain git, gives milestone/M3 100,000 fields of 9 bytes.
m3=$(cd "$peer" && git ls-files milestones | while read -r f; do
	grep -q '^title: Map of needs' "$f" && echo "$f"; done)
python3 - "$peer/$m3" <<'PY'
import sys
digits = '0123456789abcdefghijklmnopqrstuvwxyz'
def key(n):
    s = ''
    for _ in range(4):
        s = digits[n % 36] + s
        n //= 36
    return 'x' + s
with open(sys.argv[1], 'a') as f:
    f.write(''.join('%s: %d\n' % (key(i), i % 10) for i in range(100000)))
PY
size=$(wc -c < "$peer/$m3")
[ "$size" -lt 1048576 ] && pass "the record is under 1 MiB ($size bytes)" || fail "the record is under 1 MiB" "$size bytes"
git -C "$peer" commit -qam "M3: 100,000 fields" && git -C "$peer" push -q origin main

run timeout $guard "$CAIRN" -C "$wb" sync
is "$rc" 0 "sync takes in the record of 100,000 fields"
like "$out" "1 record in" "and says so"

run timeout $guard "$CAIRN" -C "$wb" show milestone/M3
is "$rc" 0 "show prints it"
like "$out" "x255r +9" "with its last field"
is "$(printf '%s\n' "$out" | grep -c '^  x')" 100000 "and every one of its fields"

run timeout $guard "$CAIRN" -C "$wb" set milestone/M3 title="Map of needs, large"
is "$rc" 0 "set saves it"
like "$(git -C "$wb" show HEAD:"$m3" | head -1)" "^title: Map of needs, large$" "the commit holds the new title"
is "$(git -C "$wb" show HEAD:"$m3" | grep -c '^x')" 100000 "and keeps every field"
run timeout $guard "$CAIRN" -C "$wb" sync
is "$rc" 0 "and sync pushes it"

# Both sides change the big record, different fields: a merge of 100,000.
git -C "$peer" pull -q --no-rebase origin main
sed -i 's/^deadline: .*/deadline: 2016-05-01/' "$peer/$m3"
git -C "$peer" commit -qam "M3: deadline" && git -C "$peer" push -q origin main
"$CAIRN" -C "$wb" set milestone/M3 status=done >/dev/null
run timeout $guard "$CAIRN" -C "$wb" sync
is "$rc" 0 "a sync merging both sides' changes to it"
like "$out" "merged: milestone/M3" "merges the record field by field"
run "$CAIRN" -C "$wb" show milestone/M3
like "$out" "deadline +01/05/2016" "their field comes in"
like "$out" "status +done" "ours stays"
is "$(printf '%s\n' "$out" | grep -c '^  x')" 100000 "and so do the 100,000"

# The terminal interface on the record, then a dropped link.
open_session 100 30 "ASAN_OPTIONS=detect_leaks=0 '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
wait_for "help" >/dev/null
keys 2 / M a p Enter
wait_for "Map of needs, large" >/dev/null
KEY_DELAY=1 keys Enter
shows "milestone/M3" "the record opens in the terminal interface"
pid=$(cairn_pid)
kill -HUP "$pid"
gone=0
for _ in $(seq 1 600); do       # a hang guard of 60 s, not a speed test
	kill -0 "$pid" 2>/dev/null || { gone=1; break; }
	sleep 0.1
done
is "$gone" 1 "SIGHUP ends cairn showing the record"
shows "cairn exited 0" "and it exits cleanly"
kill -9 "$pid" 2>/dev/null
done_testing
