#!/bin/bash
# The command line's shape: help, usage errors and exit codes, init, -C.
. "$(dirname "$0")/lib.sh"

run "$CAIRN" --help
is "$rc" 0 "cairn --help exits 0"
help=$out
for v in init demo add set rm show ls status import commit check; do
	like "$help" "^  $v " "cairn --help lists $v"
	run "$CAIRN" "$v" --help
	is "$rc" 0 "cairn $v --help exits 0"
	like "$out" "^usage: cairn \[-C DIR\] $v" "cairn $v --help shows its usage"
done
run "$CAIRN" frobnicate
is "$rc" 2 "an unknown verb exits 2"
like "$err" "'frobnicate' is not a cairn verb" "an unknown verb is named"
run "$CAIRN" --bogus
is "$rc" 2 "an unknown option exits 2"
run "$CAIRN"
is "$rc" 2 "no verb is a usage error"
run "$CAIRN" --version
like "$out" "^cairn [0-9]" "--version prints the version"

wb="$TMP/first"
run "$CAIRN" init "$wb"
is "$rc" 0 "cairn init makes a workbook"
ok_cmd "the workbook is a git repository with one commit" git -C "$wb" rev-parse HEAD
is "$(git -C "$wb" log --format=%an)" "Test Person" "the first commit's author comes from cairn's config"
is "$(git -C "$wb" branch --show-current)" "main" "the branch is main"
ok_cmd "cairn.ini is tracked" git -C "$wb" cat-file -e HEAD:cairn.ini
ok_cmd ".gitignore ignores .cairn/" grep -qx '/.cairn/' "$wb/.gitignore"
for d in milestones tasks persons tools templates evaluations pilots targets; do
	[ -d "$wb/$d" ] && pass "the $d folder is there" || fail "the $d folder is there"
done
run "$CAIRN" -C "$wb" status
is "$rc" 0 "status works with -C"
ok_cmd "the index lives in .cairn/" test -f "$wb/.cairn/index.sqlite"
is "$(git -C "$wb" status --porcelain)" "" "git status is clean: the index is never committed"
run "$CAIRN" init "$wb"
is "$rc" 1 "init refuses a folder that is already a repository"
like "$err" "already a git repository" "and says why"

mkdir -p "$wb/persons/sub"
(cd "$wb/persons/sub" && "$CAIRN" status >/dev/null)
is "$?" 0 "cairn finds the workbook from a folder inside it"
run "$CAIRN" -C "$TMP" status
is "$rc" 3 "outside a workbook: refused as workbook trouble (3), as every verb"
like "$err" "not in a cairn workbook" "and told how to make one"

run "$CAIRN" -C "$wb" set
is "$rc" 2 "set without arguments is a usage error"
run "$CAIRN" -C "$wb" add milestone M1 title
is "$rc" 2 "a field without '=' is a usage error"
done_testing
