#!/bin/bash
# Person columns show "id (Name)", cut with a mark, wider on a wide screen
# (the id alone in a column too narrow for a few letters of the name); below
# its table, the persons view counts each person's open work: tasks,
# evaluations to fill in, evaluations to validate; the tools view names
# each evaluator of its assignments.
. "$(dirname "$0")/lib.sh"

start() {   # W H
	open_session "$1" "$2" "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
	wait_for "\? help" >/dev/null
}
start 80 24
keys 3
shows "^> T1 +31/01/2016 +done +lead \(Citiz… +M2 +Draft the list" "80: a task's assignee with the name, cut with a mark"
keys 6
shows "^  transformcity +bwg-1 \(Brussels w[a-z]*… +submitted +eip-1 \(EIP … +14$" "80: an evaluation's evaluator and validator"
keys 2
shows "^  The milestones|^  id +\^ deadline" "the milestones table"
shows "M3 +29/02/2016 +active +bwg-1 \(Brus" "80: a milestone's owner"
keys 1
for _ in $(seq 1 14); do keys j; done
shows "^    city-1 \(City or city netw… +0 +0 +0 +1 +0$" "80: the dashboard counts a person's evaluations by id and name"
keys 4 G
shows "^  Open work per person$" "the persons view counts each person's work"
shows "^ +tasks +to fill +to validate$" "under three heads"
shows "^    city-1 \(City or city network seat \(to be name… +2 +1 +0$" "city-1: two open tasks, one to fill"
shows "^    eip-1 \(EIP commitment seat 1 \(to be named\)\) +1 +1 +1$" "eip-1: one to validate"
keys Q
start 140 30
keys 3
shows "^  T10 +31/05/2016 +planned +industry-1 \(Industry seat \(to be named\)\) +M5 " "140: the name whole"
keys Q
start 40 12
keys 4 G
shows "^    lead \(Citizen.*… +0 +0 +0$" "40: the counts stay whole, the name cut after the id"
keys k k k k k k k k
shows "^    tasks  to fill  to validate$" "40: the heads above the counts, whole"
keys Q
# The tools view's assignments: each evaluator "id (Name)" from the
# persons the table loads, the same lines as one query per row gave; the
# id alone where the name is the id (eip-2's, here), never the line
# above's evaluator again.
"$CAIRN" -C "$wb" set person/eip-2 name=eip-2 >/dev/null
start 160 40
keys 5
screen | sed -n 3,8p > "$TMP/assignments.txt"
cat > "$TMP/assignments.want" <<'WANT'
    decidim            returned  city-1 (City or city network seat (to be named))
    design-game        assigned  industry-1 (Industry seat (to be named))
    fixmystreet        draft     eip-1 (EIP commitment seat 1 (to be named))
                       assigned  eip-2
    my-neighbourhood   validated lead (Citizen City initiative leader)
    transformcity      submitted bwg-1 (Brussels working group seat 1 (to be named))
WANT
if diff -u "$TMP/assignments.want" "$TMP/assignments.txt" > "$TMP/assignments.diff"; then
	pass "160: the tools' assignments name each evaluator"
else
	fail "160: the tools' assignments name each evaluator" "$(cat "$TMP/assignments.diff")"
fi
keys Q
done_testing
