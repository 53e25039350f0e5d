#!/bin/bash
# Questionnaire logic in the form, in a real terminal: the demo's M4 asks
# "Which accompanying measures?" only after measures=yes.  With measures=no
# the follow-up is shown dim with why and cannot be selected; toggling
# measures to yes asks it, required, and counts it; a refused answer to a
# constrained question shows the template's own message; and the help of
# a question is there while it is answered.
. "$(dirname "$0")/lib.sh"

E=fixmystreet/eip-1
open_session 120 40 "env TERM=tmux-256color EDITOR=true '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
wait_for "\? help" >/dev/null
keys 6 / f i x m y s t r e e t Enter Enter
shows "evaluation/$E" "the evaluation opens"
shows "3 of 15 answered, 6 required missing" "measures=no: 15 questions are asked"
shows "^   7 +Which accompanying measures\? \[long text\]" "the follow-up is listed without its required mark"
shows "\(not asked: only when \\$\{measures\} = 'yes'\)" "dim, saying when it is asked"
# Down to question 6 (seven record fields, then questions 1-6); the
# follow-up cannot be selected, so one more Down lands on question 8.
for i in $(seq 12); do keys Down; done
shows "^> \*6 +Are accompanying measures" "the cursor on measures"
keys Down
shows "^> \*8 +Which monitoring" "the follow-up that is not asked is passed over"
keys Up e
shows "saved .*answer.measures no -> yes" "e toggles measures to yes"
shows "3 of 16 answered, 7 required missing" "now 16 are asked and one more is missing"
shows "^  \*7 +Which accompanying measures" "the follow-up is asked, and required"
lacks "not asked" "nothing is left unasked"
# A constrained question: 0 participants is refused with the template's message.
for i in $(seq 7); do keys Down; done
shows "^>  13 +How many citizens took part" "the cursor on the participants"
keys e C-u 0 Enter
shows "a tool used in a pilot had at least one participant" "0 is refused with the template's own message"
keys C-u 1 2 0 Enter
shows "saved .*answer.participants" "120 is saved"
# The help of a question where it is answered.
for i in $(seq 11); do keys Up; done
shows "^> \*2 +Which processes" "the cursor on a question with help"
keys e
shows "Tick each role citizens took" "its help is shown while it is answered"
keys Escape Escape Escape Q
shows "cairn exited 0" "cairn quits cleanly"
done_testing
