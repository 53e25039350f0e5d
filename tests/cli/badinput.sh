#!/bin/bash
# Bad input gets a clear message naming the record and field (or file and
# line) and saying what to do; exit 1; nothing is saved.
. "$(dirname "$0")/lib.sh"

wb=$(new_workbook)
c() { "$CAIRN" -C "$wb" "$@"; }
c add person p name=P category=other role=leader >/dev/null
c add milestone M3 title="Map of needs" >/dev/null
head=$(git -C "$wb" rev-parse HEAD)

run c set M3 deadline=31/02/2016
is "$rc" 1 "the plan's M3 deadline is refused"
is "$err" "cairn: milestone/M3: deadline: 31/02/2016 is not a date: February 2016 has 29 days; did you mean 29/02/2016 or 01/03/2016?" "naming the input and the nearest dates"
run c set M3 deadline=2015-02-29
like "$err" "2015-02-29 is not a date: February 2015 has 28 days; did you mean 2015-02-28 or 2015-03-01\?" "ISO input gets ISO suggestions"
run c set M3 dedline=01/01/2016
is "$rc" 1 "an unknown field is refused"
like "$err" "milestone has no field 'dedline'; its fields are: title, description, deadline" "listing the fields"
run c set M3 status=finished
is "$rc" 1 "a bad choice is refused"
like "$err" "status: 'finished' is not one of: planned, active, done, dropped" "listing the choices"
run c set M3 owner=ghost
is "$rc" 1 "a reference to nobody is refused"
like "$err" "owner: there is no person/ghost" "naming it"
run c set M9 title=x
is "$rc" 1 "an unknown record is refused"
like "$err" "no record named 'M9'" "saying so"
run c set milestone/M9 title=x
like "$err" "there is no milestone/M9 in this workbook \(cairn ls milestone" "and how to list them"
run c add milestone M3 title=again
is "$rc" 1 "adding an existing record is refused"
like "$err" "milestone/M3 already exists; change it with cairn set" "pointing at set"
run c add milestone "../../etc" title=x
is "$rc" 1 "an id that is a path is refused"
like "$err" "is not a milestone id" "saying what an id is"
run c add gadget g1 title=x
is "$rc" 1 "an unknown kind is refused"
run c set M3 title=
is "$rc" 1 "clearing a required field is refused"
like "$err" "title: is required" "saying it is required"
run c set M3 title="two
lines"
is "$rc" 1 "a line break in a one-line field is refused"
run c set M3 title=$'bad\rreturn'
is "$rc" 1 "a carriage return is refused"
is "$(git -C "$wb" rev-parse HEAD)" "$head" "no refused edit made a commit"

# A record file broken by hand and committed with git: reported with file
# and line, never dropped or rewritten, and the rest still opens.
path=$(git -C "$wb" ls-tree -r --name-only HEAD milestones | grep /M3)
printf 'title: Map of needs\nstatus: active\ntitle: twice\n' > "$wb/$path"
git -C "$wb" commit -qam "broken by hand"
run c status
is "$rc" 0 "the workbook still opens"
like "$out" "Problems: 1 record file could not be read" "status says a record could not be read"
run c check
is "$rc" 1 "check reports it"
like "$out" "$path:3: duplicate key 'title' \(first at line 1\)" "with file and line"
run c show person/p
is "$rc" 0 "the rest of the workbook is there"
is "$(cat "$wb/$path")" "$(printf 'title: Map of needs\nstatus: active\ntitle: twice')" "the broken file is left as it is"

# Escape sequences in data never reach the terminal raw.
c add person evil name=$'Evil \e]0;owned\a\e[2J name \u202e gnp.exe' category=other role=reviewer >/dev/null
run c show person/evil
unlike "$out" $'\e' "no raw ESC in show's output"
like "$out" '\^\[\]0;owned\^G\^\[\[2J' "control characters are shown escaped"
like "$out" '<U\+202E>' "a bidi override is shown as <U+202E>"
run c ls person
unlike "$out" $'\e' "no raw ESC in ls's output"
run c show $'task/x\ncairn: all is well'
is "$(printf '%s\n' "$err" | wc -l)" 1 "an error holding a line feed from input stays one line"
like "$err" 'x\^Jcairn: all is well' "the line feed is shown escaped"
# A kind that does not exist gets the same words from every verb.
for verb in "add nonsense X" "ls nonsense" "export csv nonsense" "import csv nonsense /dev/null"; do
	# shellcheck disable=SC2086
	run "$CAIRN" -C "$wb" $verb
	like "$err" "'nonsense' is not a kind: person, target, tool" "cairn $verb: one wording for an unknown kind"
done
# A configuration path that is no regular file is refused at once, never
# read for ever (timeout only guards against the hang).
mkfifo "$TMP/fifo"
mkdir -p "$TMP/confdir"
for conf in /dev/zero "$TMP/fifo" "$TMP/confdir"; do
	CAIRN_CONFIG=$conf run timeout 20 "$CAIRN" -C "$wb" ls
	is "$rc" 1 "CAIRN_CONFIG=$conf is refused"
	like "$err" "$conf: the configuration is not a regular file \(a folder, a device or a pipe\); set \\\$CAIRN_CONFIG to a file, or unset it" \
		"naming it and what to do"
done
CAIRN_CONFIG=/dev/null run "$CAIRN" -C "$wb" ls
is "$rc" 0 "CAIRN_CONFIG=/dev/null means no configuration"
head -c 2000000 /dev/zero | tr '\0' '#' > "$TMP/huge.cfg"
CAIRN_CONFIG=$TMP/huge.cfg run timeout 20 "$CAIRN" -C "$wb" ls
like "$err" "huge.cfg: the configuration is larger than 1 MiB" "a configuration over 1 MiB is refused"
done_testing
