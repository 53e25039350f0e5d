#!/bin/bash
# cairn log --author as git log --author: a regular expression over the
# author's "Name <email>", -i ignoring case, -E extended, the limit counting
# the matches; cairn and git pick the same commits.
. "$(dirname "$0")/lib.sh"

wb=$(demo_workbook)
printf '[user]\nname = Maria Rossi\nemail = maria@example.org\n' > "$TMP/maria.cfg"
printf '[user]\nname = Anna Leader\nemail = anna@city.example\n' > "$TMP/anna.cfg"
as() { local who=$1; shift; CAIRN_CONFIG="$TMP/$who.cfg" "$CAIRN" -C "$wb" "$@" >/dev/null; }
as maria set milestone/M4 title="Evaluate the tools"
as anna set milestone/M4 deadline=30/04/2016
as maria set task/T2 notes="Call the clusters"
as anna set task/T3 notes="Call the networks"

ids() { printf '%s\n' "$1" | sed -n 's/^\([0-9a-f]\{12\}\) .*/\1/p'; }
git_ids() { git -C "$wb" log --format=%h --abbrev=12 "$@"; }

for pat in maria@example.org maria Rossi 'anna@city\.' '^Anna' 'example\.org>$' nobody; do
	run "$CAIRN" -C "$wb" log --oneline --author "$pat"
	is "$rc" 0 "log --author '$pat' exits 0"
	is "$(ids "$out")" "$(git_ids --author="$pat")" "log --author '$pat' picks what git log --author does"
done
run "$CAIRN" -C "$wb" log --oneline --author maria
is "$(ids "$out" | wc -l)" 2 "a name's part finds Maria's two commits"
run "$CAIRN" -C "$wb" log --oneline --author MARIA
is "$(ids "$out" | wc -l)" 0 "case counts, as in git"
run "$CAIRN" -C "$wb" log --oneline -i --author MARIA
is "$(ids "$out")" "$(git_ids -i --author=MARIA)" "-i ignores it, as git's"
run "$CAIRN" -C "$wb" log --oneline -E --author 'maria|anna'
is "$(ids "$out")" "$(git_ids -E --author='maria|anna')" "-E: an extended expression, as git's"
run "$CAIRN" -C "$wb" log --oneline --author=anna
is "$(ids "$out" | wc -l)" 2 "--author=PATTERN works too"
run "$CAIRN" -C "$wb" log --oneline -n 1 --author maria
is "$(ids "$out")" "$(git_ids -n 1 --author=maria)" "-n counts the commits that match"
run "$CAIRN" -C "$wb" log --author maria task
is "$(ids "$out" | wc -l)" 1 "with a kind: Maria's commits on tasks"
run "$CAIRN" -C "$wb" log --author maria milestone/M4
is "$(ids "$out" | wc -l)" 1 "with a record: Maria's change to M4"
run "$CAIRN" -C "$wb" log --author 'a\('
is "$rc" 1 "a broken pattern is refused"
like "$err" "--author a\\\\\\(: .*write a regular expression" "and named"

done_testing
