# Shared helpers for cairn's command-line tests (TAP, read by automake's
# tap-driver.sh).  Source it, write checks, end with `done_testing`.
#
#   run cairn -C "$wb" set M4 deadline=30/04/2016
#       runs a command; $out, $err and $rc hold what it printed and returned
#   is "$rc" 0 "set exits 0"          equal strings
#   like "$err" "not a date" "..."    grep -E pattern in text
#   unlike "$out" "pattern" "..."
#   ok CONDITION-COMMAND... -- "name" (see below)
set -u

CAIRN=${CAIRN:-$(cd "$(dirname "$0")/../.." && pwd)/cairn}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export CAIRN_SHARE="$top_srcdir/share"

tap_n=0
tap_failed=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cairn-test.XXXXXX")
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT

# A pinned, private environment: no user config or git identity leaks in.
export HOME="$TMP/home"
mkdir -p "$HOME"
export XDG_CONFIG_HOME="$HOME/.config"
export CAIRN_CONFIG="$TMP/cairn-config"
cat > "$CAIRN_CONFIG" <<CFG
[user]
name = Test Person
email = test@example.org
CFG
export GIT_CONFIG_NOSYSTEM=1
git config --global user.name "Git Person"
git config --global user.email "git@example.org"
git config --global init.defaultBranch main
export TZ=UTC LC_ALL=C.UTF-8
unset CAIRN_TODAY

pass() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"; }
fail() {
	local line     # not the caller's $line
	tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	shift
	for line in "$@"; do printf '#   %s\n' "$line" | head -40; done
}
# every line a comment: a line of the text (doctor's "ok: ...") is no test
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

run() {
	out=$("$@" 2>"$TMP/.stderr"); rc=$?
	err=$(cat "$TMP/.stderr")
}

is() { if [ "$1" = "$2" ]; then pass "$3"; else fail "$3" "got:  $1" "want: $2"; fi; }
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then pass "$3"
	else fail "$3" "text: $1" "want: /$2/"; fi
}
unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then fail "$3" "text: $1" "unwanted: /$2/"
	else pass "$3"; fi
}
# ok_cmd "name" command...: passes when the command succeeds.
ok_cmd() { local name=$1; shift; if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name" "command failed: $*"; fi; }

# cairn where other Unix users reach it.  A test that runs cairn as
# another account (a member's, sshd's, the web server's for a hook) copies
# the binary and its data into $TMP/pub, whatever the build tree's folders
# allow: Debian 12 makes home folders 0700, and a clone in one is reached
# by no one else.  Sets CAIRN, CAIRN_SHARE, CAIRN_LOCALEDIR and the
# sanitizer's suppressions to the copies.  $TMP must be reachable
# (chmod 755 "$TMP" first).
cairn_for_others() {
	local pub="$TMP/pub" supp
	mkdir -p "$pub/bin" && cp "$CAIRN" "$pub/bin/cairn" && cp -r "$CAIRN_SHARE" "$pub/share" ||
		{ echo "cannot copy cairn into $pub" >&2; return 1; }
	if [ -n "${CAIRN_LOCALEDIR:-}" ] && [ -d "$CAIRN_LOCALEDIR" ]; then
		cp -r "$CAIRN_LOCALEDIR" "$pub/locale" && export CAIRN_LOCALEDIR="$pub/locale"
	fi
	# suppressions=PATH, not print_suppressions=0
	supp=$(printf ':%s' "${LSAN_OPTIONS:-}" | sed -n 's/.*:suppressions=\([^:]*\).*/\1/p')
	if [ -n "$supp" ] && [ -f "$supp" ]; then
		cp "$supp" "$pub/lsan.supp" && export LSAN_OPTIONS="${LSAN_OPTIONS/"$supp"/$pub/lsan.supp}"
	fi
	chmod -R a+rX "$pub"
	CAIRN="$pub/bin/cairn"
	export CAIRN_SHARE="$pub/share"
}

# A group for the guard's tests: the lead's enforced workbook in $TMP/lead
# (its leader, the test person, with this Unix login; maria, a key person
# with the login maria; milestone M4 and her task T2), synced to a bare
# shared repository $TMP/shared.git, guarded from its first push.  Sets
# $me, $wb and $shared.
guard_group() {
	me=$(id -un)
	wb="$TMP/lead"
	"$CAIRN" init "$wb" --name group >/dev/null
	"$CAIRN" -C "$wb" set person/test "login=$me" >/dev/null
	"$CAIRN" -C "$wb" add person maria name="Maria Rossi" email=maria@example.org category=other role=key-person login=maria >/dev/null
	"$CAIRN" -C "$wb" add milestone M4 title="Evaluation of existing tools" deadline=15/04/2016 owner=test >/dev/null
	"$CAIRN" -C "$wb" add task T2 title="Interviews" assignee=maria milestone=M4 >/dev/null
	shared="$TMP/shared.git"
	git init -q --bare --initial-branch=main "$shared"
	# The guard holds from the first push (guard_first.sh tries it).
	"$CAIRN" guard install "$shared" >/dev/null
	"$CAIRN" -C "$wb" remote add origin "$shared" >/dev/null
	"$CAIRN" -C "$wb" sync >/dev/null || echo "guard_group: the first push was refused" >&2
}

# A fresh, empty, open workbook (no rules: tests/cli/roles.sh tries them);
# its path is printed.
new_workbook() {
	local dir="$TMP/wb.$RANDOM$RANDOM"
	"$CAIRN" init --open "$dir" --name test >/dev/null || { echo "cannot init $dir" >&2; return 1; }
	echo "$dir"
}

# A demo workbook.
# The README's code blocks under a heading ("### HEADING"), one file
# each: readme_blocks "Hosting over https" writes $TMP/block.1, .2, ...
# The hosting tests run them as they are written.
readme_blocks() {
	awk -v want="### $1" -v out="$TMP/block" '
		$0 == want { on = 1; next }
		on && /^##/ { on = 0 }
		on && /^```/ { if (inblock) { inblock = 0 } else { inblock = 1; n++ }; next }
		on && inblock { print > (out "." n) }
	' "$top_srcdir/README.md"
}

demo_workbook() {
	local dir="$TMP/demo.$RANDOM$RANDOM"
	"$CAIRN" demo "$dir" >/dev/null || { echo "cannot make the demo in $dir" >&2; return 1; }
	echo "$dir"
}

# The demo at $TMP/a, pushed to a new bare repository $TMP/shared.git
# (its origin): sets $a and $shared.
shared_demo() {
	shared="$TMP/shared.git"
	git init -q --bare --initial-branch=main "$shared"
	a="$TMP/a"
	"$CAIRN" demo "$a" >/dev/null
	"$CAIRN" -C "$a" remote add origin "$shared"
	"$CAIRN" -C "$a" sync >/dev/null
}

# git held between reading its index and taking index.lock, as when a
# member's git runs beside a save.  hold_hook writes $TMP/hold.sh, a hook
# for git's core.fsmonitor (git runs it just after reading the index): its
# first call touches $TMP/entered and waits for $TMP/go (30 s at most);
# a call while $TMP/entered is there does not wait; every call returns 1
# (no fsmonitor data, git goes on).  Run git with
# `-c core.fsmonitor="$TMP/hold.sh"` in the background, then
# wait_held (10 s at most for the hook to be entered), the save, and
# `: > "$TMP/go"`.
hold_hook() {
	cat > "$TMP/hold.sh" <<HOOK
#!/bin/sh
if [ ! -e "$TMP/entered" ]; then
	: > "$TMP/entered"
	n=0
	while [ ! -e "$TMP/go" ] && [ \$n -lt 600 ]; do sleep 0.05; n=\$((n + 1)); done
fi
exit 1
HOOK
	chmod +x "$TMP/hold.sh"
}
wait_held() {
	local n=0
	while [ ! -e "$TMP/entered" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
	[ -e "$TMP/entered" ]
}

# git fsck and git status in a workbook must be clean.
git_clean() {
	local dir=$1
	[ -z "$(git -C "$dir" status --porcelain)" ] && git -C "$dir" fsck --full >/dev/null 2>&1
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}
