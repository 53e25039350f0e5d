#!/bin/bash
# The schema as a hostile or careless peer writes it, on the screen: a
# label with terminal escapes, a bidi override or a very long text is
# shown escaped (^[, <U+202E>) and cut, never cut short at the first odd
# byte, never drawn raw; a list of 50,000 choices opens the schema view
# at once.  cairn(1): "Text from the workbook ... is shown with control
# characters, bidi overrides and invisible characters escaped".
. "$(dirname "$0")/lib.sh"

wb="$TMP/group"
"$CAIRN" init --open "$wb" --name Hostile >/dev/null
G() { "$CAIRN" -C "$wb" "$@" >/dev/null; }
G add list person.category title=Team choices="$(printf 'esc\nrtl\nlong')" \
	c.esc.label="$(printf 'Ab\033[31mRED')" c.esc.seats=2 \
	c.rtl.label="$(printf 'Cd\xe2\x80\xaeevil')" \
	c.long.label="$(head -c 5000 /dev/zero | tr '\0' x)"
G add person ana name=Ana category=esc role=key-person email=test@example.org
G add form person questions=team q.team.type=text q.team.prompt="$(printf 'Te\033]0;pwn\007am')"
# A peer's list of 50,000 choices, by plain git.
f=$(ls "$wb"/lists/*/person.category)
{ printf 'title: Team\nchoices:\n esc\n rtl\n long\n'; seq -f ' k%g' 1 50000
  printf 'c.esc.label: Ab\033[31mRED\nc.esc.seats: 2\nc.rtl.label: Cd\xe2\x80\xaeevil\n'
  printf 'c.long.label: %s\n' "$(head -c 5000 /dev/zero | tr '\0' x)"; } > "$f.new"
mv "$f.new" "$f"
git -C "$wb" -c user.name=peer -c user.email=peer@example.org commit -qam "a peer's long list"

start() {   # W H
	open_session "$1" "$2" "env TERM=tmux-256color '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
	wait_for "\? help" >/dev/null
}

start 80 24
keys F
shows "list/person.category +Team \(50003 choices\)" "the schema view opens on a list of 50,000 choices"
shows "^    esc +Ab\^\[\[31mRED " "a label's escape is shown escaped, not the label cut at it"
shows "^    rtl {14}Cd<U\+202E>evil {21}0 *$" "a bidi override is shown as <U+202E>, its columns in line"
shows "^    long +x{29}… " "a very long label is cut to its column, with a mark"
keys 4
shows "^    Ab\^\[\[31mRED " "the persons view's seats: the label escaped"
keys Enter
shows "^person/ana" "the person opens"
shows "Te\^\[\]0;pwn\^Gam" "a form field's prompt is shown escaped"
keys Q

# At 40 columns a key or a label the column cuts ends in a mark, so that
# "Migrant" is not taken for the whole of "Migrants".
"$CAIRN" demo --plan platforms "$TMP/pf" >/dev/null
wb="$TMP/pf"
start 40 12
keys F
shows "^    peripheri… Periph… " "a cut key and a cut label end in an ellipsis"
shows "^    women      Women  " "a whole one does not"
keys Q
done_testing
