#!/bin/bash
# Every table keeps its most important columns readable on a narrow
# screen: below the room they need, the less important columns go (one
# priority per column, in view_table.c), the ids, dates and statuses stay
# whole, and the title or the name takes the room left, cut with a mark.
# At 40x12 (as over ssh on a phone), at 80x24 (tests/tui/screens/ holds
# the whole screens) and at 120 columns, where every column comes back.
. "$(dirname "$0")/lib.sh"

start() {   # W H
	open_session "$1" "$2" "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
	wait_for "\? help" >/dev/null
}

start 40 12
keys 2
shows "^  id +\^ deadline +title$" "40 milestones: id, deadline and title"
shows "^> FINAL +30/06/2016 +Guidelines for fu…$" "the title takes the room left, cut with a mark"
lacks "owner|lead \(" "the owner gives way"
keys s s
shows "^sorted by title" "s goes over the columns shown only"
keys 3
shows "^  id +\^ due +title$" "40 tasks: id, due and title"
shows "^> T1 +31/01/2016 +Draft the list of…$" "the task's title readable"
keys 4 j j j j j j
shows "^  id +\^ name$" "40 persons: id and name"
shows "^> industry-1 +Industry seat \(to be na…$" "the person's name beside the id"
keys 5 j
shows "^  id +\^ name$" "40 tools: id and name"
shows "^> design-game +Neighbourhood des…$" "the tool's name"
keys 6
shows "^  tool +\^ evaluator +status$" "40 evaluations: tool, evaluator, status"
shows "^> decidim +city-1 \(Cit… +returned$" "the evaluator with a name, the status whole"
keys 7
shows "^  id +\^ status +city$" "40 pilots: id, status, city"
shows "^> slot-01 +testing +Example city A …$" "the city cut with a mark"
keys 8
shows "^> m4 +1 +M4 evaluation o…$" "40 templates: id, version, title"
keys 9
shows "^  peripheries +12 +Residents of ur…$" "40 targets: an id whole, the label"
# Lines wider than the screen: headings wrap, other lines end in a mark.
keys 1
reads "Milestones still open, nearest deadline first" "40 dashboard: a heading wraps, whole"
shows "^> M3 +29/02/2016 OVERDUE 20 d$" "40 dashboard: a milestone's date and days on its line"
shows "^    Map of needs -> Map of needs by Act…$" "its title below, readable, a cut ending in a mark"
keys 4 PgUp
shows "^        \(2 seats held, to be named\)$" "40 persons: the seats held below their seat"
keys 5 PgUp
reads "Assignments (tool, status, evaluator); a in Evaluations assigns" "40 tools: the heading whole"
shows "^    fixmystreet$" "40 tools: the tool on a line of its own"
shows "^        draft     eip-1 \\(EIP commitment…$" "each evaluator below it: the status, then id and name, cut with a mark"
keys L
reads "Every commit, newest first; / filters by kind, person or text; Enter shows the change" \
	"40 timeline: its hint whole"
keys C
reads "o keeps ours, t takes theirs; then y syncs (merges and pushes)" "40 conflicts: the hint whole"
keys '?' G
shows "^> schema +F$" "40 help: an action and its keys"
shows "^      The group's lists and forms \\(its$" "what it does below them, wrapped, not cut away"
shows "^      schema\\)$" "its end on the next line"
reads "Rebind any action in ~/.config/cairn/config, [keys] section: down = j Down" "the last hint whole"
keys Q
env_fr="env -u LC_ALL LANG=fr_FR.UTF-8 CAIRN_LOCALEDIR='${CAIRN_LOCALEDIR:-$(dirname "$CAIRN")/locale}'"
open_session 40 12 "$env_fr TERM=tmux-256color '$CAIRN' -C '$wb'; sleep 30"
wait_for "\? aide" >/dev/null
keys '?'
shows "^Aide : les vues, le travail, chaque tou…$" "40 in French: a title too long ends in a mark"
keys 5 PgUp
reads "Attributions (outil, statut, évaluateur) ; a dans Évaluations attribue" "a French heading wraps, whole"
keys 4 PgUp
shows "^        \(2 sièges tenus, à nommer\)$" "the seats held, in French, below their seat"
keys 2
shows "^  id +\^ échéance +titre$" "the column heads in French"
keys s
shows "^trié par échéance" "and the column sorted on"
keys Q

start 80 24
keys 2
shows "^> FINAL +30/06/2016 +planned +lead \(Citiz… +Guidelines for future design, imp…$" \
	"80 milestones: every column, the title the widest"
keys 4
shows "^  industry-1 +key-person +industry +Industry seat \(to be named\)$" \
	"80 persons: the name whole where it fits (the email gives way)"
keys Q

start 120 20
keys 4
shows "^  id +\^ role +category +name +email$" "120 persons: every column"
shows "^> bwg-1 +key-person +brussels-wg +Brussels working group seat 1 \(to be n[a-z]*… +bwg-1@citizen-city.example$" \
	"the email whole"
keys Q
done_testing
