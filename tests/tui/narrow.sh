#!/bin/bash
# What lies below the last line one can select comes into view, and a
# narrow terminal keeps the numbers: at 80x24 the pilots' last shares
# (slot-01's Migrants, Peripheries and Aged 65+, exactly the SHORT ones;
# slot-02's on the dashboard) are reached with j, G and PgDn; at 40x12 the
# dashboard cuts labels, never a share, met/SHORT, a count or the date.
. "$(dirname "$0")/lib.sh"

start() {   # W H
	open_session "$1" "$2" "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
	wait_for "\? help" >/dev/null
}

# ---- 80x24: a pilot's shares under its last field ----
start 80 24
keys 7 Enter
shows "^pilot/slot-01" "the pilot opens"
lacks "Aged 65\+ +11\.7%" "its last share is below the screen"
keys G
shows "^> Results " "G selects the last field"
shows "^    Aged 65\+ +11\.7%  SHORT +█" "and shows the last line: Aged 65+ with its share, SHORT and bar"
shows "^    Migrants +7\.5%  SHORT" "Migrants too"
shows "^    Peripheries +16\.7%  met" "and Peripheries"
keys g
lacks "Aged 65\+ +11\.7%" "g goes back to the top"
shows "^> City " "with the first field selected"
# j past the last field scrolls on, one line at a time.
for _ in $(seq 1 16); do keys j; done
shows "^> Results " "j reaches the last field"
lacks "Aged 65\+ +11\.7%" "whose shares are still below"
keys j j j j j j
shows "^    Aged 65\+ +11\.7%  SHORT" "j past it scrolls the shares into view"
shows "^> Results " "the selection stays on the last field"
keys j
shows "^    Aged 65\+ +11\.7%  SHORT" "and stops at the last line"
is "$(screen | sed -n 22p)" "    Aged 65+                11.7%  SHORT                   ██·|················" \
	"the last line sits at the bottom of the body"
keys k
shows "^> Aged 65\+ +14" "k selects the field above again"

# The dashboard: slot-02 is the last selectable line; its shares follow.
keys 1 G
shows "^> slot-02 " "G on the dashboard selects the last pilot"
shows "^      Aged 65\+ +18\.8%  met" "and shows its shares to the last"
keys g
shows "^> M3 " "g: the first milestone"
shows "^  Milestones still open" "with the heading above it"
keys PgDn PgDn PgDn PgDn
shows "^      Aged 65\+ +18\.8%  met" "PgDn reaches the end too"

# ---- 40x12: the dashboard keeps the numbers ----
start 40 12
wait_for "20/03/2016 +\| \? help$" >/dev/null
status=$(screen | sed -n 11p)
like "$status" "^ industry-1 \| 20/03/2016 " "the status line keeps who and the date whole"
like "$status" "\| \? help$" "and the way to help"
keys G
shows "^      Women +37\.5%  SHORT$" "a pilot line keeps its share and SHORT"
shows "^      Men +60\.0%  met$" "and met"
shows "^      Other or undisclosed +2\.5%$" "a long label fits whole or is cut, never the share"
shows "^> slot-02 testing +80 participants" "the pilot's participants before its city"
keys g
# j: to the next line one can select while it is in sight, else a scroll:
# the evaluation counts between the tasks and the pilots come into view.
# (At 40 columns each milestone and task takes two lines: its title below.)
for _ in $(seq 1 30); do screen | grep -qE "^    all +2" && break; keys j; done
shows "^ +asgn drft subm retd vald$" "the statuses shortened to fit, not the counts"
shows "^    all +2 +1 +1 +1 +1$" "everyone's counts whole"
keys PgDn
shows "^    city-1 \(Ci… +0 +0 +0 +1 +0$" "PgDn: a person's counts, five numbers, after the id and name"
keys PgDn
shows "^    my-neighbo… +0 +0 +0 +0 +1$" "a tool's name is cut with a mark, not its counts"
keys PgUp PgUp
shows "^    all +2 +1 +1 +1 +1$" "PgUp goes back a page at a time"
keys 7 Enter
shows "^> City +Example city A" "a record's labels narrow to leave room for values"
keys G
shows "^    Aged 65\+ +11\.7%  SHORT$" "the pilot's last share reached at 40x12"

# The help wraps its explanations to the narrow screen.
keys '?'
shows "^Help: the views, the wo" "40x12: the help opens at the top"
for _ in $(seq 1 40); do joined | grep -qF "makes it a draft." && break; keys j; done
reads "The evaluator opens it (6, Enter) and answers question by question (n: the next one not answered); the first answer makes it a draft." \
	"40x12: its explanations wrap, read whole"
keys q

# Resized: the screens are laid out again for the new width.
T resize-window -t t -x 80 -y 24 2>/dev/null
keys 1
shows "^ +assigned draft submitted returned validated$" "at 80 columns the statuses in full"
keys Q

# A selection below more lines than the body holds (the tools view's
# assignments above its first tool, at 80x12): it opens at the body's
# last row, the lines above it scrolled in as far as they fit; k and j
# keep it in sight.
start 80 12
keys 5
is "$(screen | sed -n 10p)" "> decidim             platform      Decidim" \
	"80x12: the first tool selected on the body's last row"
is "$(screen | sed -n 2p)" "    decidim            returned  city-1 (City or city network seat (to be named…" \
	"the assignments above it from their first line under the heading"
keys j j
is "$(screen | sed -n 10p)" "> fixmystreet         platform      FixMyStreet" "j j: the third tool, at the bottom"
keys PgUp
shows "^  Assignments \(tool, status, evaluator\)" "PgUp scrolls up to the heading"
keys Q
done_testing
