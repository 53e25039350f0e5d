#!/bin/bash
# The small things a user meets first: titles cut with a mark, --help in
# columns, the man page's synopses on one line, a quiet build, and the
# exit code outside a workbook.
. "$(dirname "$0")/lib.sh"

wb=$(demo_workbook)

# ---- cairn status: a long title is cut with a mark ----
run "$CAIRN" -C "$wb" status
like "$out" "^  FINAL  Guidelines for future design, implement… 30/06/2016" "a cut title ends in an ellipsis"
run env LC_ALL=C "$CAIRN" -C "$wb" status
like "$out" "^  FINAL  Guidelines for future design, impleme\\.\\.\\. 30/06/2016" "or in ... where the locale is not UTF-8"
like "$out" "^  M4     Evaluation of existing tools  +15/04/2016" "a short title is not marked"
run "$CAIRN" -C "$wb" blame milestone/FINAL
like "$out" "^title  +Guidelines for future desig…  " "blame marks its cut cells too"

# ---- cairn --help: one column for the summaries ----
run "$CAIRN" --help
cols=$(printf '%s\n' "$out" | sed -n '/^verbs:/,/^$/p' | grep '^  [a-z]' |
	awk '{ match($0, /^  [a-z-]+ +/); print RLENGTH }' | sort -u)
is "$cols" "$(printf '%s\n' "$cols" | head -1)" "every summary starts in the same column"
like "$out" "^  distribute  give the tools" "even after the longest verb"
like "$out" "6 the remote" "the exit codes include 6"

# ---- cairn(1): synopses of verbs on one line ----
if command -v man >/dev/null; then
	page=$(MANWIDTH=80 man -l "$top_srcdir/share/man/cairn.1" 2>/dev/null)
	like "$page" "^       init \\[--name NAME\\] \\[DIR\\]$" "init [--name NAME] [DIR] on one line"
	like "$page" "^       commit \\[-m MESSAGE\\]$" "commit [-m MESSAGE] on one line"
	like "$page" "^       agenda \\[--days N\\]$" "agenda [--days N] on one line"
	like "$(printf '%s\n' "$page" | tr -s ' \n' '  ')" '\{"kind", "id", "fields"\}' "ls --json's objects keep their quotes"
else
	for i in 1 2 3 4; do pass "man is not installed: skipped"; done
fi

# ---- outside a workbook: 3, for status as for every verb ----
mkdir -p "$TMP/nowhere"
for v in status ls "show M4" log progress; do
	(cd "$TMP/nowhere" && "$CAIRN" $v >/dev/null 2>&1)
	is "$?" 3 "cairn $v outside a workbook exits 3"
done
run "$CAIRN" -C "$TMP/nowhere" status
like "$err" "is not in a cairn workbook" "and says so"

# ---- a quiet build: no configure or xgettext warnings ----
if [ -n "${CAIRN_BUILD_LOG:-}" ] && [ -f "$CAIRN_BUILD_LOG" ]; then
	unlike "$(cat "$CAIRN_BUILD_LOG")" "AC_COMPILE_IFELSE was called|msgid-bugs-address|cannot remove 'core'" "the build says nothing alarming"
else
	unlike "$(grep -h 'MSGID_BUGS_ADDRESS =' "$top_srcdir/po/Makevars")" "= *$" "po/Makevars names a bugs address (xgettext warns without one)"
fi
if [ -f "$top_srcdir/config.log" ]; then
	unlike "$(cat "$top_srcdir/config.log")" "cannot remove 'core'" "configure's checks do not trip on core/"
else
	pass "no config.log here"
fi

done_testing
