#!/bin/bash
# A remote is untrusted.  Each case below publishes one hostile commit on
# the shared repository -- the trees of security notes section 1.4 and
# more, many of them written byte by byte because git itself would never
# make them -- and `cairn sync` must refuse it: exit non-zero, say
# "refused", name the commit, the path (sanitised) and the reason, and
# leave HEAD, the work tree, .git's config and hooks and everything
# outside the workbook as they were.  What a file holds (a record that does
# not parse, a file outside cairn's folders, an unknown setting) is data,
# not danger, and comes in: tests/cli/peer_history.sh.
. "$(dirname "$0")/lib.sh"

shared_demo
evil="$TMP/evil"
git clone -q "$shared" "$evil"
good=$(git -C "$evil" rev-parse HEAD)
m4=$(git -C "$evil" ls-files 'milestones/*' | grep '/M4$')
m4dir=${m4%/M4}
outside="$TMP/outside"

G() { git --git-dir="$shared" "$@"; }
gtree=$(G rev-parse "$good^{tree}")
x=$(echo "x" | G hash-object -w --stdin)
m4blob=$(G rev-parse "$good:$m4")

# mktree.py GIT_DIR [--keep-order] < "MODE ID NAME" lines: a tree object
# written exactly as told.  NAME takes \xNN, \n, \r, \\ escapes; modes are
# written as given ("0100644" stays zero-padded); entries are put in git's
# order unless --keep-order.  ALSO_GIT_DIR: write it there too.
cat > "$TMP/mktree.py" <<'PY'
import codecs, os, subprocess, sys
entries = []
for line in sys.stdin.buffer.read().split(b'\n'):
    if line:
        mode, oid, name = line.split(b' ', 2)
        entries.append((mode, bytes.fromhex(oid.decode()), codecs.escape_decode(name)[0]))
if '--keep-order' not in sys.argv:
    entries.sort(key=lambda e: e[2] + (b'/' if int(e[0], 8) & 0o170000 == 0o040000 else b''))
data = b''.join(m + b' ' + n + b'\0' + o for m, o, n in entries)
for d in [sys.argv[1]] + ([os.environ['ALSO_GIT_DIR']] if os.environ.get('ALSO_GIT_DIR') else []):
    r = subprocess.run(['git', '--git-dir', d, 'hash-object', '-t', 'tree', '-w', '--literally',
                        '--stdin'], input=data, capture_output=True, check=True)
print(r.stdout.decode().strip())
PY
mktree() { python3 "$TMP/mktree.py" "$shared" "$@"; }
# The entries of a tree as mktree reads them.
lines_of() { G ls-tree "$1" | sed -E 's/^0?([0-7]+) [a-z]+ ([0-9a-f]{40})\t/\1 \2 /'; }
# The good root with these entries added.
root_plus() { { lines_of "$gtree"; printf '%s\n' "$@"; } | mktree; }
# tree with the folder at path dir replaced by sub (parents rebuilt).
graft() {
	local tree=$1 dir=$2 sub=$3 first=${2%%/*} rest
	rest=${dir#"$first"}
	rest=${rest#/}
	[ -z "$rest" ] || sub=$(graft "$(G rev-parse "$tree:$first")" "$rest" "$sub")
	{ lines_of "$tree" | awk -v n="$first" '$3 != n'; echo "40000 $sub $first"; } | mktree
}
# A folder holding these entries.
folder() { printf '%s\n' "$@" | mktree; }

# The workbook as a person would notice it: HEAD, every file and link with
# its contents, git's config and hooks; and what sits next to it.
wb_state() {
	git -C "$a" rev-parse HEAD
	# Our copy of their branch too: a refused commit is not left where a
	# plain `git checkout origin/main` would write it.
	git -C "$a" rev-parse refs/remotes/origin/main
	(cd "$a" && find . \( -path ./.git -o -path ./.cairn \) -prune -o -printf '%p %y %m %l\n' |
		LC_ALL=C sort)
	(cd "$a" && find . \( -path ./.git -o -path ./.cairn \) -prune -o -type f -print0 |
		LC_ALL=C sort -z | xargs -0 sha1sum)
	sha1sum "$a/.git/config"
	ls -lA "$a/.git/hooks" "$a/.git/info"
	ls -A "$TMP" | grep -v '^\.stderr$'
}

# publish TREE MESSAGE [PARENT]: their main becomes a commit of TREE.
publish() {
	commit=$(G commit-tree "$1" -p "${3:-$good}" -m "$2")
	G update-ref refs/heads/main "$commit"
}

# check_refused NAME REASON-PATTERN SHOWN-PATH: sync refuses the commit
# their main points at and changes nothing.
ncases=0
check_refused() {
	local name=$1 why=$2 shown=$3 before after problems=""
	ncases=$((ncases + 1))
	before=$(wb_state)
	run "$CAIRN" -C "$a" sync
	after=$(wb_state)
	[ "$rc" -ne 0 ] || problems+="sync exited 0; "
	printf '%s' "$err" | grep -q "commit ${commit:0:12} refused" || problems+="commit not named; "
	printf '%s' "$err" | grep -qE -- "$why" || problems+="reason /$why/ not given; "
	printf '%s' "$err" | grep -qF -- "\"$shown\"" || problems+="path \"$shown\" not named; "
	printf '%s' "$err" | tr -d '\n' | LC_ALL=C grep -q '[[:cntrl:]]' && problems+="raw control bytes; "
	printf '%s' "$err" | LC_ALL=C grep -q $'[\x80-\xff]' && problems+="non-ASCII bytes; "
	[ "$before" = "$after" ] || problems+="the workbook changed: $(diff <(echo "$before") <(echo "$after") | head -5 | tr '\n' ' '); "
	[ -z "$(git -C "$a" status --porcelain)" ] || problems+="git status not clean; "
	[ ! -e "$outside" ] && [ ! -e "$TMP/escape" ] || problems+="something was written outside; "
	find "$a" -path "$a/.git" -prune -o -type l -print | grep -q . && problems+="a link was written; "
	if [ -z "$problems" ]; then
		pass "refused: $name"
	else
		fail "refused: $name" "$problems" "rc $rc" "$(printf '%s' "$err" | cat -v)"
	fi
}
# hostile NAME REASON SHOWN COMMANDS...: a commit made in a clone with
# plain git (what a careless or hostile peer can push).
hostile() {
	local name=$1 why=$2 shown=$3
	shift 3
	git -C "$evil" reset -q --hard "$good"
	git -C "$evil" clean -qfdx
	(cd "$evil" && eval "$*" && git add -A && git commit -qm "$name") >/dev/null 2>&1
	git -C "$evil" push -q -f origin HEAD:main 2>/dev/null
	commit=$(git -C "$evil" rev-parse HEAD)
	check_refused "$name" "$why" "$shown"
}
# entry NAME REASON SHOWN "MODE ID NAME"...: the good root plus entries.
entry() {
	local name=$1 why=$2 shown=$3
	shift 3
	publish "$(root_plus "$@")" "$name"
	check_refused "$name" "$why" "$shown"
}

CHAR="holds a character cairn never writes"
DOTGIT="is \.git, git's own folder"
LINK="a symbolic link"
cfg=$(folder "100644 $x config")
hooks=$(folder "100755 $(printf '#!/bin/sh\ntouch %s\n' "$outside" | G hash-object -w --stdin) post-checkout")

# -- made with plain git --
hostile "a symlink record" "$LINK" "$m4" "rm $m4 && ln -s /etc/passwd $m4"
# clone is held to the same list before it writes a file.
run "$CAIRN" clone "$shared" "$TMP/cloned"
[ "$rc" -ne 0 ] && pass "clone refuses it too" || fail "clone refuses it too" "$out"
like "$err" "refused: .*$LINK" "saying why"
[ ! -e "$TMP/cloned" ] && pass "and leaves no folder" || fail "and leaves no folder" "$(ls -la "$TMP/cloned")"
mkdir "$TMP/empty"
run "$CAIRN" clone "$shared" "$TMP/empty"
[ "$rc" -ne 0 ] && [ -d "$TMP/empty" ] && [ -z "$(ls -A "$TMP/empty")" ] &&
	pass "an empty folder given to clone is left empty" || fail "an empty folder given to clone is left empty"
rmdir "$TMP/empty"
hostile "an executable record" "mode 100755: an executable file" "$m4" "chmod +x $m4"
hostile "a .gitattributes with merge=ours" "\.gitattributes file" ".gitattributes" \
	"echo '* merge=ours' > .gitattributes"
hostile "a file over 100 MiB" "larger than 100 MiB" "BIG.txt" \
	"head -c 105000000 /dev/zero | tr '\\0' a > BIG.txt"

# -- security notes 1.4: .git in every spelling --
entry "1: a .git folder with hooks and config" "$DOTGIT" ".git" \
	"40000 $(folder "100644 $x config" "40000 $hooks hooks") .git"
entry "2: .GIT/config" "$DOTGIT" ".GIT" "40000 $cfg .GIT"
entry "3: .Git/config" "$DOTGIT" ".Git" "40000 $cfg .Git"
entry "4: git~1/config" "$CHAR" "git~1" "40000 $cfg git~1"
entry "5: GIT~1/config" "$CHAR" "GIT~1" "40000 $cfg GIT~1"
entry "6: GIT~2/hooks" "$CHAR" "GIT~2" "40000 $(folder "40000 $hooks hooks") GIT~2"
entry "7: .git with a trailing space" "$CHAR" ".git " "40000 $cfg .git "
entry "8: .git." "$DOTGIT" ".git." "40000 $cfg .git."
entry "8b: .GIT.." "$DOTGIT" ".GIT.." "40000 $cfg .GIT.."
entry "8c: cairn's own .cairn folder" "cairn's own folder" ".cairn" "40000 $cfg .cairn"
entry "8d: .Cairn" "cairn's own folder" ".Cairn" "40000 $cfg .Cairn"
entry "8e: a .gitignore below the top" "\\.gitignore below the top" "docs/.gitignore" \
	"40000 $(folder "100644 $x .gitignore") docs"
entry "9: .git. . ." "$CHAR" ".git. . ." "40000 $cfg .git. . ."
entry "10: .git::\$INDEX_ALLOCATION" "$CHAR" '.git::$INDEX_ALLOCATION' \
	"40000 $cfg .git::\$INDEX_ALLOCATION"
entry "11: .git with a backslash" "$CHAR" '.git\' "40000 $cfg .git\\\\"
entry "12: .git + U+200C" "$CHAR" ".git<U+200C>" "40000 $cfg .git\\xe2\\x80\\x8c"
entry "13: .g + U+200D + it" "$CHAR" ".g<U+200D>it" "40000 $cfg .g\\xe2\\x80\\x8dit"
entry "14: U+200E + .git" "$CHAR" "<U+200E>.git" "40000 $cfg \\xe2\\x80\\x8e.git"
entry "15: .git + U+FEFF" "$CHAR" ".git<U+FEFF>" "40000 $cfg .git\\xef\\xbb\\xbf"
entry "a zero-width space in .git" "$CHAR" ".g<U+200B>it" "40000 $cfg .g\\xe2\\x80\\x8bit"

# -- ways out of the folder --
entry "16: a file named .." 'is "\." or "\.\."' ".." "100644 $x .."
entry "17: a file named ." 'is "\." or "\.\."' "." "100644 $x ."
entry "18: a name ../escape" "$CHAR" "../escape" "100644 $x ../escape"
entry "19: a name a/../../escape" "$CHAR" "a/../../escape" "100644 $x a/../../escape"
entry "20: a name /abs" "$CHAR" "/abs" "100644 $x /abs"
entry "21: a folder named .. holding a file" 'is "\." or "\.\."' ".." \
	"40000 $(folder "100644 $x escape") .."
entry "22: ..\\..\\escape" "$CHAR" '..\..\escape' "100644 $x ..\\\\..\\\\escape"
entry "a name with a slash, as one entry" "$CHAR" "$m4dir/M9" "100644 $m4blob $m4dir/M9"

# -- links, submodules and git's own files --
link_to() { printf '%s' "$1" | G hash-object -w --stdin; }
entry "23: a link to $outside" "$LINK" "outside" "120000 $(link_to "$outside") outside"
entry "24: a link to ../../../../tmp/outside" "$LINK" "up" \
	"120000 $(link_to ../../../../tmp/outside) up"
entry "25: a link to .git" "$LINK" "dotgit" "120000 $(link_to .git) dotgit"
entry "26: a link named .gitmodules" "\.gitmodules or \.gitattributes" ".gitmodules" \
	"120000 $(link_to "$outside") .gitmodules"
entry "27: a link named .gitattributes" "\.gitmodules or \.gitattributes" ".gitattributes" \
	"120000 $(link_to "$outside") .gitattributes"
publish "$(graft "$gtree" "$m4dir" "$(folder "$(lines_of "$(G rev-parse "$good:$m4dir")")" \
	"120000 $(link_to /etc/passwd) M9")")" "a link record in its folder"
check_refused "a link record in its folder" "$LINK" "$m4dir/M9"
gitmodules=$(printf '[submodule "../../modules/x"]\n\tpath = ../../escape\n\turl = --upload-pack=touch%%20%s\n' \
	"$outside" | G hash-object -w --stdin)
entry "35: a gitlink and a .gitmodules with path=../../escape" "\.gitmodules" ".gitmodules" \
	"100644 $gitmodules .gitmodules" "160000 $good escape"
entry "a submodule alone" "mode 160000: a submodule" "SUB" "160000 $good SUB"
publish "$(graft "$gtree" milestones "$(folder "$(lines_of "$(G rev-parse "$good:milestones")")" \
	"100644 $gitmodules .gitmodules")")" "36"
check_refused "36: a .gitmodules naming ../../modules/x, in a folder" "\.gitmodules" \
	"milestones/.gitmodules"
attrs=$(printf '* text eol=crlf\n* filter=evil ident\n' | G hash-object -w --stdin)
entry "37: a .gitattributes with eol=crlf and a filter" "\.gitattributes" ".gitattributes" \
	"100644 $attrs .gitattributes"
entry "a .GitAttributes" "\.gitattributes" ".GitAttributes" "100644 $attrs .GitAttributes"

# -- trees git would never write: modes, duplicates, order --
entry "28: d a link to outside and d/ a folder" "$LINK" "d" \
	"120000 $(link_to "$outside") d" "40000 $cfg d"
entry "29: one file name twice" "in its folder twice" "NOTES" "100644 $x NOTES" "100644 $m4blob NOTES"
entry "a file and a folder of one name" "in its folder twice, as a file and as a folder" "NOTES" \
	"100644 $x NOTES" "100644 $x NOTES-2" "40000 $cfg NOTES"
publish "$({ lines_of "$gtree" | tac; } | mktree --keep-order)" "30"
check_refused "30: entries out of order" "out of git's order" "templates"
entry "31: raw mode 120755" "mode 120755: a symbolic link" "NOTES" "120755 $(link_to "$outside") NOTES"
entry "32: raw mode 100664" "mode 100664: not a plain file" "NOTES" "100664 $x NOTES"
entry "33: zero-padded mode 0100644" "mode 0100644: a zero-padded mode" "NOTES" "0100644 $x NOTES"
publish "$({ lines_of "$gtree" | sed 's/^40000 \(.*\) tasks$/040000 \1 tasks/'; } | mktree)" "33b"
check_refused "a zero-padded folder mode 040000" "mode 040000: a zero-padded mode" "tasks"
entry "34: mode 100755 at the top" "mode 100755: an executable file" "run.sh" "100755 $x run.sh"
entry "a file entry pointing at a folder" "marked a file but is not one" "NOTES" "100644 $cfg NOTES"
entry "an empty folder" "is an empty folder" "notes" "40000 $(folder) notes"
publish "$(graft "$gtree" "$m4dir" "$({ lines_of "$(G rev-parse "$good:$m4dir")"; echo "100644 $m4blob M0"; } |
	mktree --keep-order)")" "unsorted shard"
check_refused "a record folder out of order" "out of git's order" "$m4dir/M0"

# -- names that collide on macOS and Windows --
entry "38: README and readme" "differs only in case" "readme" "100644 $x README" "100644 $x readme"
entry "a Milestones folder next to milestones" "differs only in case" "milestones" \
	"40000 $(G rev-parse "$good:milestones") Milestones"
publish "$(graft "$gtree" "$m4dir" "$(folder "$(lines_of "$(G rev-parse "$good:$m4dir")")" \
	"100644 $m4blob m4")")" "m4"
check_refused "records M4 and m4 side by side" "differs only in case" "$m4dir/m4"
publish "$(graft "$gtree" "$m4dir" "$(folder "$(lines_of "$(G rev-parse "$good:$m4dir")")" \
	"100644 $m4blob M 9")")" "a space in a record folder"
check_refused "a space in a name in a record folder (only outside them)" "$CHAR" "$m4dir/M 9"
entry "a space at the start of a name outside cairn's folders" "$CHAR" " notes.txt" "100644 $x  notes.txt"
entry "39: e-acute in NFC and NFD" "$CHAR" "e<U+0301>" "100644 $x \\xc3\\xa9" "100644 $x e\\xcc\\x81"

# -- names that would trick a terminal or a file system --
entry "40: a name with a line feed" "$CHAR" "a^Jb" "100644 $x a\\nb"
entry "41: a name with an OSC title and a screen clear" "$CHAR" "x^[]0;owned^G^[[2J" \
	"100644 $x x\\x1b]0;owned\\x07\\x1b[2J"
entry "42: a name with a carriage return" "$CHAR" "ok^MFAKE" "100644 $x ok\\rFAKE"
entry "43: invalid UTF-8" "$CHAR" "x??" "100644 $x x\\xff\\xfe"
entry "43b: an overlong dot" "$CHAR" "x??" "100644 $x x\\xc0\\xae"
# Shown cut to 160 columns.
entry "44: a 300-byte name" "longer than 64 bytes" "$(printf 'a%.0s' $(seq 160))" \
	"100644 $x $(printf 'a%.0s' $(seq 300))"
entry "45: a trailing space" "$CHAR" "rec " "100644 $x rec "
entry "45b: CON" "Windows keeps for a device" "CON" "100644 $x CON"
entry "45c: aux.txt" "Windows keeps for a device" "aux.txt" "100644 $x aux.txt"
entry "a trailing dot" "ends in '\.'" "NOTES." "100644 $x NOTES."
entry "a name that starts with a dash" "does not start with a letter or a digit" "-rf" "100644 $x -rf"
entry "46: a right-to-left override" "$CHAR" "evil<U+202E>txt.sh" "100644 $x evil\\xe2\\x80\\xaetxt.sh"
# Trees libgit2 will not pack (an empty name) or fetch (a folder entry
# that is a file): their objects are put straight into our repository, as
# a transport that sends them would (the file $x too: a refused fetch from
# a folder writes nothing here).
delivered() {
	local name=$1 why=$2 shown=$3
	shift 3
	publish "$(ALSO_GIT_DIR="$a/.git" root_plus "$@")" "$name"
	G cat-file commit "$commit" | git -C "$a" hash-object -t commit -w --stdin >/dev/null
	G cat-file blob "$x" | git -C "$a" hash-object -w --stdin >/dev/null
	check_refused "$name" "$why" "$shown"
}
delivered "47: an empty name" "holds an entry with an empty name" "(the top folder)" "100644 $x "
delivered "a folder entry pointing at a file" "marked a folder but is not one" "notes" "40000 $x notes"

# -- depth, emptiness --
deep=$(folder "100644 $x M9")
for i in $(seq 200); do deep=$(printf '040000 tree %s\td\n' "$deep" | G mktree); done
entry "200 folders deep" "deeper than any record" "notes/d/d/d/d/d/d/d/d" "40000 $deep notes"
publish "$(graft "$gtree" tasks "$(folder "$(lines_of "$(G rev-parse "$good:tasks")")" "40000 $deep d")")" "deep tasks"
check_refused "200 folders deep in a record folder" "deeper than any record" "tasks/d/d/d"
publish "$(graft "$gtree" evaluations/f1/fixmystreet "$(folder "$(lines_of "$(G rev-parse "$good:evaluations/f1/fixmystreet")")" \
	"40000 $cfg deeper")")" "deeper"
check_refused "a folder below an evaluation" "deeper than any record" "evaluations/f1/fixmystreet/deeper"
publish "$(folder)" "empty"
check_refused "a commit with no files at all" "no files at all" "(the top folder)"

# -- a hostile commit hidden in a chain of good ones --
readme=$(echo "A workbook" | G hash-object -w --stdin)
t1=$(root_plus "100644 $readme README")
t3=$(root_plus "100644 $readme README" "100644 $x NOTES.txt")
publish "$t1" "good 1"; c1=$commit
publish "$(root_plus "100644 $readme README" "40000 $cfg .GIT")" "hostile 2" "$c1"; c2=$commit
publish "$t3" "good 3" "$c2"
commit=$c2
check_refused "a hostile commit between good ones (fast-forward)" "$DOTGIT" ".GIT"

# -- the merge path: a local commit waits, so sync would merge --
"$CAIRN" -C "$a" set milestone/M4 title="Evaluation, local" >/dev/null
"$CAIRN" -C "$a" add task T99 title="Local task" >/dev/null
t99=$(git -C "$a" ls-files 'tasks/*' | grep '/T99$')
entry "merge: a .GIT folder" "$DOTGIT" ".GIT" "40000 $cfg .GIT"
entry "merge: a link" "$LINK" "outside" "120000 $(link_to "$outside") outside"
entry "merge: one file name twice" "in its folder twice" "NOTES" "100644 $x NOTES" "100644 $x NOTES"
publish "$(graft "$gtree" "${t99%/T99}" "$(folder "100644 $(git -C "$a" cat-file blob "HEAD:$t99" | G hash-object -w --stdin) t99")")" "t99"
check_refused "merge: t99 where we added T99" "differs only in case from \"T99\", which we added" \
	"${t99%/T99}/t99"
# Only the trees merged count: a T99 of theirs renamed t99 is still a twin
# of our T99.
ours_t99=$(git -C "$a" cat-file blob "HEAD:$t99" | G hash-object -w --stdin)
publish "$(graft "$gtree" "${t99%/T99}" "$(folder "100644 $ours_t99 T99")")" "T99 too"; c1=$commit
publish "$(graft "$gtree" "${t99%/T99}" "$(folder "100644 $ours_t99 t99")")" "renamed t99" "$c1"
check_refused "merge: their T99 renamed t99, where we added T99" \
	"differs only in case from \"T99\", which we added" "${t99%/T99}/t99"
# Their folder holding our commit (a push of ours that lost a race leaves
# it there) says nothing of their branch, which need not descend from it.
git -C "$a" push -q "$shared" HEAD:refs/heads/side
publish "$(graft "$gtree" "${t99%/T99}" "$(folder "100644 $ours_t99 t99")")" "t99 beside ours"
check_refused "merge: t99 where we added T99, our commit also in their folder" \
	"differs only in case from \"T99\", which we added" "${t99%/T99}/t99"
G update-ref -d refs/heads/side
publish "$t1" "good 1"; c1=$commit
publish "$(root_plus "100644 $readme README" "100644 $x CON")" "hostile 2" "$c1"; c2=$commit
publish "$t3" "good 3" "$c2"
commit=$c2
check_refused "merge: a hostile commit between good ones" "Windows keeps" "CON"

# Their side sound again, with a message full of NULs and escapes: taken.
msg=$(printf 'tree %s\nparent %s\nauthor E\033[2J <e@x> 1 +0000\ncommitter E <e@x> 1 +0000\n\nnul\\0 \033]0;owned\007 end\n' \
	"$t3" "$good")
commit=$(printf '%s' "$msg" | sed 's/\\0/\x00/' | G hash-object -t commit -w --literally --stdin)
G update-ref refs/heads/main "$commit"
run "$CAIRN" -C "$a" sync
is "$rc" 0 "once their side is sound again, sync merges (a message with NUL and escapes is no harm)"
is "$(G rev-parse main)" "$(git -C "$a" rev-parse HEAD)" "and pushes"
is "$(git -C "$a" rev-list --parents -n 1 HEAD | wc -w)" "3" "a merge of both sides"
like "$("$CAIRN" -C "$a" show milestone/M4)" "Evaluation, local" "our change is kept"
is "$(cat "$a/NOTES.txt")" "x" "their files came in"
is "$(git -C "$a" status --porcelain)" "" "git status is clean"
ok_cmd "the index agrees with the records" "$CAIRN" -C "$a" check
[ ! -e "$outside" ] && pass "nothing was ever written outside the workbook" ||
	fail "nothing was ever written outside the workbook"
diag "$ncases hostile trees refused"
[ "$ncases" -ge 40 ] && pass "at least forty hostile trees ($ncases)" || fail "at least forty hostile trees ($ncases)"
done_testing
