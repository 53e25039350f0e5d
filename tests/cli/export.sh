#!/bin/bash
# Exports read by real consumers: Python's csv module, Debian's iCalendar
# parser (python3-icalendar), jq; and the agenda's exit status for cron.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
wb="$TMP/demo"
"$CAIRN" demo "$wb" >/dev/null
"$CAIRN" -C "$wb" set milestone/M4 description="$(printf 'Evaluate, compare "tools"\nsecond line; with commas, too')" >/dev/null

# ---- CSV ----
"$CAIRN" -C "$wb" export csv milestone > "$TMP/m.csv"
is "$?" 0 "export csv milestone"
is "$(head -1 "$TMP/m.csv" | tail -c 2 | od -An -tx1 | tr -d ' ')" "0d0a" "rows end with CRLF (RFC 4180)"
check=$("$PY" - "$TMP/m.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
print(len(rows))
m4 = [r for r in rows if r["id"] == "M4"][0]
print(repr(m4["description"]))
print(m4["deadline"])
PY
)
is "$(echo "$check" | sed -n 1p)" "$("$CAIRN" -C "$wb" ls milestone | wc -l)" "Python's csv reads one row per milestone"
is "$(echo "$check" | sed -n 2p)" "'Evaluate, compare \"tools\"\\r\\nsecond line; with commas, too'" \
	"quotes, commas and line breaks survive"
is "$(echo "$check" | sed -n 3p)" "2016-04-15" "dates in their stored (ISO) form"
run "$CAIRN" -C "$wb" export csv evaluation
like "$(echo "$out" | head -1)" "^id,template,template_version,validator,status,comments,good_practice,success_story,validated_answers,answer\." \
	"an evaluation's columns: its fields, then every answer"
run "$CAIRN" -C "$wb" export csv nonsense
is "$rc" 2 "an unknown kind is a usage error"
like "$err" "'nonsense' is not a kind" "and says so"

# ---- iCalendar ----
"$CAIRN" -C "$wb" export ics > "$TMP/c1.ics"
is "$?" 0 "export ics"
parsed=$("$PY" - "$TMP/c1.ics" <<'PY'
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
events = [e for e in cal.walk("VEVENT")]
print(len(events))
for e in events:
    if str(e["UID"]).startswith("milestone-M3@"):
        print(e["DTSTART"].dt.isoformat(), str(e["SUMMARY"]))
print(len(set(str(e["UID"]) for e in events)))
PY
)
n_dates=$(( $("$CAIRN" -C "$wb" ls milestone --json | grep -c '"deadline"') + $("$CAIRN" -C "$wb" ls task --json | grep -c '"due"') ))
is "$(echo "$parsed" | sed -n 1p)" "$n_dates" "the iCalendar parser reads one event per deadline and due date"
is "$(echo "$parsed" | sed -n 2p)" "2016-02-29 M3 deadline: Map of needs" "M3's deadline is an all-day event on its date"
is "$(echo "$parsed" | sed -n 3p)" "$n_dates" "every UID is distinct"
"$CAIRN" -C "$wb" set milestone/M3 deadline=15/03/2016 >/dev/null
"$CAIRN" -C "$wb" export ics > "$TMP/c2.ics"
is "$(grep '^UID:milestone-M3@' "$TMP/c2.ics")" "$(grep '^UID:milestone-M3@' "$TMP/c1.ics")" \
	"a changed deadline keeps its UID, so calendars update the event"
like "$(awk 'length > 76' "$TMP/c1.ics" | wc -l)" "^0$" "lines are folded at 75 octets"
clone="$TMP/clone"
git clone -q "$wb" "$clone"
"$CAIRN" -C "$clone" status >/dev/null
is "$("$CAIRN" -C "$clone" export ics | grep '^UID:milestone-M3@')" "$(grep '^UID:milestone-M3@' "$TMP/c2.ics")" \
	"and another member's clone gives the same UID"

# ---- JSON ----
if command -v jq >/dev/null; then
	run "$CAIRN" -C "$wb" export json
	is "$(echo "$out" | jq length)" "$("$CAIRN" -C "$wb" ls --json | jq length)" "jq reads every record"
	is "$(echo "$out" | jq -r '.[] | select(.kind == "milestone" and .id == "M3") | .fields.deadline')" \
		"2016-03-15" "with its fields in stored form"
fi

# ---- control bytes from data: raw in a pipe, made visible on a terminal ----
# A peer's value holding OSC 52 (set the clipboard) and other controls.
osc=$(printf 'x\033]52;c;ZXZpbA==\007y\033[2Jz\302\233w')
"$CAIRN" -C "$wb" set milestone/M3 title="$osc" >/dev/null
for how in "csv milestone" ics; do
	"$CAIRN" -C "$wb" export $how > "$TMP/raw.out"
	if grep -q "$(printf 'x\033]52')" "$TMP/raw.out" && grep -q "$(printf '\302\233')" "$TMP/raw.out"; then
		pass "export $how to a file keeps the value byte for byte"
	else
		fail "export $how to a file keeps the value byte for byte"
	fi
	# script(1) gives the command a terminal; its log is what reached it.
	script -q -e -c "$CAIRN -C $wb export $how" "$TMP/tty.log" >/dev/null 2>&1
	if grep -q "$(printf '\033')" "$TMP/tty.log" || grep -q "$(printf '\302\233')" "$TMP/tty.log"; then
		fail "export $how to a terminal sends no control byte from data"
	else
		pass "export $how to a terminal sends no control byte from data"
	fi
	like "$(cat "$TMP/tty.log")" 'x\^\[\]52' "and shows it visibly"
done
"$CAIRN" -C "$wb" set milestone/M3 title="Map of needs" >/dev/null

# ---- agenda ----
run env CAIRN_TODAY=2016-03-20 "$CAIRN" -C "$wb" agenda --days 7
is "$rc" 5 "agenda exits 5 when something is overdue"
like "$out" "OVERDUE +23 d +26/02/2016 task +T2" "and lists it"
like "$out" "in +5 d +25/03/2016 task +T3" "and what is due within the days asked"
unlike "$out" "T8" "but nothing further"
"$CAIRN" -C "$wb" set task/T2 status=done >/dev/null
run env CAIRN_TODAY=2016-01-01 "$CAIRN" -C "$wb" agenda --days 1
is "$rc" 0 "agenda exits 0 when nothing is overdue"
like "$out" "nothing overdue and nothing due in the next 1 days" "and says so"
run "$CAIRN" -C "$wb" agenda --days soon
is "$rc" 2 "a bad --days is a usage error"
done_testing
