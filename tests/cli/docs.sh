#!/bin/bash
# The man page's key table is the binding table: every action, with its
# default keys and help, as `cairn help keys` prints them.
. "$(dirname "$0")/lib.sh"

man="$top_srcdir/share/man/cairn.1"
run "$CAIRN" help keys
is "$rc" 0 "cairn help keys"
actions=$(echo "$out" | tail -n +2 | awk '{print $1}')
is "$(echo "$actions" | wc -l)" "$(sed -n '/keys: begin/,/keys: end/p' "$man" | grep -c '^\.B ')" \
	"the man page lists as many actions as the table holds"
echo "$out" | tail -n +2 | while read -r name rest; do
	keys_shown=$(sed -n "/keys: begin/,/keys: end/{/^\.B $name\$/{n;p}}" "$man" |
		sed 's/\\f[BR]//g; s/ \\(em .*//')
	help_text=$(echo "$rest" | sed -E 's/^.*  +//')
	want_keys=$(echo "$rest" | sed -E 's/  +.*$//')
	[ "$keys_shown" = "$want_keys" ] && echo "ok - man page: $name is bound to $want_keys" ||
		echo "not ok - man page: $name is bound to '$want_keys', the page says '$keys_shown'"
done > "$TMP/results"
while read -r line; do
	case $line in
	"ok - "*) pass "${line#ok - }" ;;
	*) fail "${line#not ok - }" ;;
	esac
done < "$TMP/results"
# The man page's VERBS section names every verb of the table (as
# `cairn --help` lists them), and no verb the table lacks.
table_verbs=$("$CAIRN" --help | sed -n '/^verbs:/,/^$/s/^  \([a-z-]*\) .*/\1/p' | sort -u)
man_verbs=$(sed -n '/^\.SH VERBS/,/^\.SH /{/^\.TP/{n;p}}' "$man" |
	sed -E 's/^\.[A-Z]+ +"?//; s/\\-/-/g; s/^([a-z-]+).*/\1/' | sort -u)
is "$(echo "$table_verbs" | wc -l)" "$("$CAIRN" --help | sed -n '/^verbs:/,/^$/p' | grep -c '^  ')" "cairn --help lists the verbs"
is "$(comm -23 <(echo "$table_verbs") <(echo "$man_verbs") | tr '\n' ' ')" "" \
	"the man page's VERBS section names every verb of the table"
is "$(comm -13 <(echo "$table_verbs") <(echo "$man_verbs") | tr '\n' ' ')" "" \
	"the man page's VERBS section names no verb the table lacks"
# The man pages render without warnings.
if command -v groff >/dev/null; then
	for page in cairn.1 cairn-workbook.5 cairn-config.5; do
		warnings=$(groff -man -Tutf8 -ww "$top_srcdir/share/man/$page" 2>&1 >/dev/null)
		is "$warnings" "" "$page renders without groff warnings"
	done
fi
# The example configuration is read without a single complaint, and says
# what it says.
wb=$(new_workbook)
run env CAIRN_CONFIG="$top_srcdir/share/config/config.example" "$CAIRN" -C "$wb" status
is "$err" "" "share/config/config.example loads without warnings"
run env CAIRN_CONFIG="$top_srcdir/share/config/config.example" "$CAIRN" -C "$wb" add milestone X title=x
is "$(git -C "$wb" log -1 --format='%an <%ae>')" "Maria Rossi <maria@example.org>" "and its identity is used"

# Bash completion: verbs, kinds, and record names from the workbook.
complete_words() {   # words of the command line; the last is being typed
	bash -c '
		complete() { :; }
		. "$1/share/completion/cairn"
		shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_cairn
		printf "%s\n" "${COMPREPLY[@]}"' _ "$top_srcdir" "$@"
}
export PATH="$(dirname "$CAIRN"):$PATH"
is "$(complete_words cairn sy)" "sync" "completion: a verb"
is "$(complete_words cairn export csv mi)" "milestone" "completion: a kind"
demo="$TMP/completion-demo"
"$CAIRN" demo "$demo" >/dev/null
is "$(complete_words cairn -C "$demo" show milestone/M | sort | tr '\n' ' ')" \
	"milestone/M1 milestone/M2 milestone/M3 milestone/M4 milestone/M5 " "completion: record names, from the workbook"
is "$(complete_words cairn -C "$demo" blame milestone/M5)" "milestone/M5" "completion: blame takes a record"
is "$(complete_words cairn log --on)" "--oneline" "completion: log's options"
# Every verb cairn knows is completed.
missing=""
for verb in $("$CAIRN" --help | sed -n 's/^  \([a-z-]*\) .*/\1/p'); do
	complete_words cairn "$verb" | grep -qx "$verb" || missing="$missing $verb"
done
is "$missing" "" "completion knows every verb of cairn --help"
done_testing
