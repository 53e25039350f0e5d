#!/bin/bash
# Calendar and spreadsheet as their programs read them: SEQUENCE rises
# when a deadline moves and DTSTAMP is a real time, both stable between
# exports and clones; a value holding ; or a TAB stays one cell; import
# csv says which rows it added, changed and left alone.
. "$(dirname "$0")/lib.sh"

wb=$(demo_workbook)
PY=python3
event_of() {  # FILE UID-PREFIX: the event's lines, unfolded
	sed -e ':a' -e '$!N;s/\r\n //;ta' -e 'P;D' "$1" | tr -d '\r' |
		awk -v u="UID:$2@" '/^BEGIN:VEVENT/{e=""} {e=e $0 "\n"} /^END:VEVENT/ && index(e, u) {printf "%s", e}'
}

# ---- iCalendar ----
"$CAIRN" -C "$wb" export ics > "$TMP/c1.ics"
e1=$(event_of "$TMP/c1.ics" milestone-M3)
like "$e1" "^SEQUENCE:0$" "a deadline never moved is at SEQUENCE 0"
stamp1=$(printf '%s\n' "$e1" | sed -n 's/^DTSTAMP://p')
like "$stamp1" "^[0-9]{8}T[0-9]{6}Z$" "DTSTAMP is a UTC date-time"
unlike "$stamp1" "T000000Z$" "not midnight of the export day"
commit_time=$(git -C "$wb" log -1 --format=%ct -- "$(cd "$wb" && git ls-files | grep '/M3$')")
is "$stamp1" "$(TZ=UTC date -d "@$commit_time" +%Y%m%dT%H%M%SZ)" "DTSTAMP is when the record last changed"
like "$e1" "^LAST-MODIFIED:$stamp1$" "and LAST-MODIFIED says the same"
"$CAIRN" -C "$wb" export ics > "$TMP/c1b.ics"
is "$(cat "$TMP/c1b.ics")" "$(cat "$TMP/c1.ics")" "two exports of one history are the same bytes"

sleep 1
"$CAIRN" -C "$wb" set milestone/M3 deadline=15/03/2016 >/dev/null
"$CAIRN" -C "$wb" export ics > "$TMP/c2.ics"
e2=$(event_of "$TMP/c2.ics" milestone-M3)
like "$e2" "^SEQUENCE:1$" "a moved deadline raises SEQUENCE"
like "$e2" "^DTSTART;VALUE=DATE:20160315$" "with the new date"
stamp2=$(printf '%s\n' "$e2" | sed -n 's/^DTSTAMP://p')
ok_cmd "and a later DTSTAMP" test "$stamp2" \> "$stamp1"
is "$(event_of "$TMP/c2.ics" milestone-M4 | grep '^SEQUENCE')" "SEQUENCE:0" "other events keep theirs"
"$CAIRN" -C "$wb" set milestone/M3 deadline=20/03/2016 >/dev/null
like "$(event_of <("$CAIRN" -C "$wb" export ics) milestone-M3)" "^SEQUENCE:2$" "and again"
clone="$TMP/clone"
git clone -q "$wb" "$clone"
"$CAIRN" -C "$clone" status >/dev/null
is "$(event_of <("$CAIRN" -C "$clone" export ics) milestone-M3 | grep -E '^(SEQUENCE|DTSTAMP)')" \
	"$(event_of <("$CAIRN" -C "$wb" export ics) milestone-M3 | grep -E '^(SEQUENCE|DTSTAMP)')" \
	"another member's clone gives the same SEQUENCE and DTSTAMP"
if "$PY" -c 'import icalendar' 2>/dev/null; then
	seq=$("$PY" - <("$CAIRN" -C "$wb" export ics) <<'PY'
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
for e in cal.walk("VEVENT"):
    if str(e["UID"]).startswith("milestone-M3@"):
        print(int(e["SEQUENCE"]), e["DTSTAMP"].dt.tzinfo is not None)
PY
)
	is "$seq" "2 True" "the iCalendar parser reads SEQUENCE and a UTC DTSTAMP"
else
	pass "python3-icalendar is not installed: skipped"
fi

# ---- CSV: one value, one cell ----
"$CAIRN" -C "$wb" set person/bwg-1 "organisation=Brussels; EIP-SCC" "name=Tab	inside" >/dev/null
run "$CAIRN" -C "$wb" export csv person
line=$(printf '%s\n' "$out" | grep '^bwg-1,' | tr -d '\r')
like "$line" '^bwg-1,"Tab	inside",[^,]*,"Brussels; EIP-SCC",' "a value with ; or TAB is quoted"
cells=$(printf '%s\n' "$line" | "$PY" -c 'import csv, sys; print(len(next(csv.reader(sys.stdin))))')
header_cells=$(printf '%s\n' "$out" | head -1 | tr -d '\r' | awk -F, '{print NF}')
is "$cells" "$header_cells" "the row has as many cells as the header"
unquoted=$(printf '%s\n' "$out" | tr -d '\r' | "$PY" -c '
import sys
bad = 0
for line in sys.stdin:
    inq = False
    for ch in line:
        if ch == "\"": inq = not inq
        elif ch in ";\t" and not inq: bad += 1
print(bad)')
is "$unquoted" 0 "no ; or TAB outside quotes, where LibreOffice would split"

# ---- import csv: what each row did ----
printf 'id,name,organisation\nbwg-1,Ana Lima,\nnewcomer,New Person,\nlead,,\n' > "$TMP/p.csv"
run "$CAIRN" -C "$wb" import csv person "$TMP/p.csv"
is "$rc" 0 "import csv"
like "$out" "^imported 3 records from .*p.csv$" "says how many"
like "$out" "^  added 1: person/newcomer$" "which it added"
like "$out" "^  changed 1: person/bwg-1$" "which it changed"
like "$out" "^  unchanged 1: person/lead$" "and which it left as they were"

done_testing
