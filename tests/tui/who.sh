#!/bin/bash
# The status line says who you are: the person whose email is yours, and
# the name your commits carry, from cairn's configuration or else from
# git's (never "(no user.name)").  The add prompt `a` reads quotes as `:`
# does, and no message ends in ^J.
. "$(dirname "$0")/lib.sh"

start() {   # W H [ENV...]
	local w=$1 h=$2
	shift 2
	open_session "$w" "$h" "env TERM=tmux-256color $* '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
	wait_for "\? help" >/dev/null
}
status_line() { screen | sed -n "$(($1 - 1))p"; }

# The configuration names the user; industry-1 has the user's email.
start 120 24
shows "^ Citizen City \| Test Person \(industry-1\) \| 20/03/2016 \(demo\) \|" \
	"120 columns: the name and the person record"
start 80 24
shows "^ Citizen City \| industry-1 \| 20/03/2016 \(demo\) \| no shared remote yet +\| \? help$" \
	"80 columns: the person record, the rest whole"
start 40 12
shows "^ industry-1 \| 20/03/2016" "40 columns: still who and the date"

# No [user] in cairn's configuration: git's user.name and user.email.
printf '[display]\n' > "$TMP/nouser"
start 120 24 "CAIRN_CONFIG='$TMP/nouser'"
shows "^ Citizen City \| Git Person \| 20/03/2016" "the name from git's configuration when no person has git's email"
lacks "no user.name" "never (no user.name)"
keys Q
"$CAIRN" -C "$wb" set person/lead email=git@example.org >/dev/null
start 120 24 "CAIRN_CONFIG='$TMP/nouser'"
shows "^ Citizen City \| Git Person \(lead\) \| 20/03/2016" "and the person whose email is git's"
keys Q

# The add prompt parses quotes as `:` does: one parser for both.
start 80 24
keys 3 a 'T95 title="Quoted words" milestone=M3' Enter
shows "saved [0-9a-f]{12}  Add task T95" "a adds the task"
keys : 'add task T96 title="Quoted words" milestone=M3' Enter
shows "press Enter to go back to cairn" "and : adds one the same way"
keys Enter
t95=$("$CAIRN" -C "$wb" show task/T95 --json)
t96=$("$CAIRN" -C "$wb" show task/T96 --json)
like "$t95" '"title": "Quoted words"' "a: the quotes are not kept in the value"
is "$(echo "$t95" | sed 's/T95/T/g')" "$(echo "$t96" | sed 's/T96/T/g')" "a and : store the same record"
keys a "T94 title=Three plain words due='01/04/2016'" Enter
like "$("$CAIRN" -C "$wb" show task/T94 --json)" '"title": "Three plain words", "due": "2016-04-01"' \
	"a value may still run over words without quotes"

# A text whose editor left line feeds at its end: the message has no ^J.
printf '#!/bin/sh\nprintf "line one\\nline two\\n\\n" > "$1"\n' > "$TMP/editor"
chmod +x "$TMP/editor"
start 80 24 "EDITOR='$TMP/editor'"
keys 2 Enter j E
shows "saved [0-9a-f]{12}  FINAL: description" "the long text is saved"
lacks "\^J" "no message shows ^J"
keys Q
done_testing
