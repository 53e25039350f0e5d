#!/bin/bash
# A key person in a form: n takes the cursor to the next question not
# answered yet, round to the first; an evaluation that has answers (given
# from the command line, say) is not given to another evaluator with r.
. "$(dirname "$0")/lib.sh"

open_session 80 24 "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
wait_for "\? help" >/dev/null
keys 6 / t r a n s Enter Enter
shows "^evaluation/transformcity/bwg-1" "a form half answered opens"
keys n
shows "^>  9   Which KPIs are used" "n: the first question with no answer"
keys n
shows "^>  12  Other demographic issues" "n again: the next one"
keys n
shows "^>  9   Which KPIs are used" "and round to the first"
keys q q

# Answers given from the command line: r refuses to move them.
"$CAIRN" -C "$wb" set evaluation/fixmystreet/eip-2 answer.leader="The city's office" >/dev/null
keys 6 / e i p - 2 Enter Enter
shows "^evaluation/fixmystreet/eip-2" "an evaluation answered from the command line opens"
keys r
reads_either() {
	local i=0
	while [ $i -lt 30 ]; do
		joined | grep -qE -- "$1" && { pass "$2"; return; }
		sleep 0.1
		i=$((i + 1))
	done
	fail "$2" "$(screen)"
}
reads_either "holds 1 answer by eip-2 \\(answer.leader\\)|evaluation/fixmystreet/eip-2 is draft: only one nobody has started" \
	"r refuses to give its answers to another evaluator"
lacks "give fixmystreet/eip-2 to" "and asks nobody to take it"
keys q q
# A question's help: above the prompt, and in the $EDITOR file with the
# question and its choices as comment lines under git's scissors.
printf '#!/bin/sh\ncp "$1" "%s/seen"\n{ echo "Workshops in every district."; cat "$1"; } > "$1.new" && mv "$1.new" "$1"\n' "$TMP" > "$TMP/editor"
chmod +x "$TMP/editor"
open_session 80 24 "env TERM=tmux-256color EDITOR='$TMP/editor' '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
wait_for "\? help" >/dev/null
keys 6 / d e s i g n Enter Enter
for _ in $(seq 1 12); do screen | grep -q "^> \*1 " && break; keys j; done
keys e
reads "A city department, an association, a company, a project consortium" "the question's help is above its prompt"
keys Escape E
reads "answer.leader Workshops in every district." "E: the answer from \$EDITOR is saved"
seen=$(cat "$TMP/seen")
like "$seen" "^# ------------------------ >8 ------------------------$" "the file has git's scissors line"
like "$seen" "^# Who is leading the participation\? \(required\)$" "the question as a comment"
like "$seen" "^# A city department, an association, a company, a project consortium" "its help under it"
file=$(cd "$wb" && find evaluations -path "*design-game/industry-1" -type f)
like "$(cat "$wb/$file")" "^answer.leader: Workshops in every district\.$" "the answer is the text alone"
unlike "$(cat "$wb/$file")" ">8|Who is leading" "nothing of the comments is saved"
keys q q

# A choice question's help: once above the prompt, with the choices.
open_session 80 24 "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
wait_for "\? help" >/dev/null
keys 6 / d e s i g n Enter Enter
for _ in $(seq 1 12); do screen | grep -qE "^> .2 " && break; keys j; done
keys e
reads "1 As user, 2 As participant, 3 As co-creator" "a choice question shows its choices above the prompt"
n=$(screen | grep -c "Tick each role citizens took")
[ "$n" = 1 ] && pass "its help is shown once" || fail "its help is shown once" "$(screen)"
keys Escape q q

# All answered: n says so.
"$CAIRN" -C "$wb" set evaluation/transformcity/bwg-1 answer.kpis="Visits per week" \
	answer.demography="None" >/dev/null
keys 6 / t r a n s Enter Enter n
reads "every question has an answer: S submits" "a form fully answered: n says so"
keys Q
done_testing
