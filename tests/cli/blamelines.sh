#!/bin/bash
# A reviewer's blame of long text: by line, as git blame shows a file, each
# line with the commit, date and author that wrote it; short fields keep
# their one line each.
. "$(dirname "$0")/lib.sh"

wb=$(demo_workbook)
printf '[user]\nname = Maria Rossi\nemail = maria@example.org\n' > "$TMP/maria.cfg"
printf '[user]\nname = Anna Leader\nemail = anna@example.org\n' > "$TMP/anna.cfg"
as() { local who=$1; shift; CAIRN_CONFIG="$TMP/$who.cfg" "$CAIRN" -C "$wb" "$@" >/dev/null; }
as maria set task/T2 "notes=First line
Second line
Third line"
maria=$(git -C "$wb" rev-parse --short=12 HEAD)
as anna set task/T2 "notes=First line
Second line, changed
Third line
Fourth line"
anna=$(git -C "$wb" rev-parse --short=12 HEAD)
as maria set task/T2 status=done

run "$CAIRN" -C "$wb" blame task/T2
is "$rc" 0 "cairn blame of a record with long text"
like "$out" "^notes$" "the long field's name on its own line"
like "$out" "^    $maria  [0-9-]+ [0-9:]+  Maria Rossi +First line$" "a line Maria wrote is hers"
like "$out" "^    $anna  [0-9-]+ [0-9:]+  Anna Leader +Second line, changed$" "the line Anna changed is Anna's"
like "$out" "^    $maria  .*Maria Rossi +Third line$" "a line Anna kept stays Maria's"
like "$out" "^    $anna  .*Anna Leader +Fourth line$" "a line Anna added is Anna's"
is "$(printf '%s\n' "$out" | grep -c '^    [0-9a-f]\{12\}  ')" 4 "one line of blame per line of text"
unlike "$out" "\\[\\.\\.\\]" "no more [..] for the rest of the text"
like "$out" "^status  +done  +[0-9a-f]{12}  .*Maria Rossi" "a short field keeps its one line"

# The demo's long texts were all written by its first commit.
run "$CAIRN" -C "$wb" blame milestone/M3
like "$out" "^description$" "M3's description, by line"
is "$(printf '%s\n' "$out" | sed -n '/^description$/,/^[a-z]/p' | grep -c '^    [0-9a-f]')" \
	"$("$CAIRN" -C "$wb" show milestone/M3 --json | jq -r .fields.description | wc -l)" "every line of it"

done_testing
