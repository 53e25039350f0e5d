#!/bin/bash
# A push the remote refuses says who refused and why, and is not tried
# again: a pre-receive hook that prints "no" and exits 1, on a folder
# remote and over ssh to a real sshd on 127.0.0.1.  The exit code is 6,
# the server's line is shown, the hook ran once, and the commit stays
# here.  A real race (someone pushed first) is still fetched, merged and
# pushed again.
. "$(dirname "$0")/lib.sh"

c() { timeout 120 "$CAIRN" "$@"; }
[ -n "${ASAN_OPTIONS:-}" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"

shared_demo
hook() {
	cat > "$1/hooks/pre-receive" <<SH
#!/bin/sh
echo run >> "$TMP/runs"
echo no
exit 1
SH
	chmod +x "$1/hooks/pre-receive"
	: > "$TMP/runs"
}

# refused WHAT: the checks every refusal passes.
refused() {
	is "$rc" 6 "$1: the refusal exits 6"
	like "$err" "refused the push \\(refs/heads/main: pre-receive hook declined\\)" "$1: naming the ref and why"
	like "$err" "^  +remote: no$" "$1: with the server's line, as a line"
	like "$err" "Nothing is lost here: your commits stay in this workbook" "$1: saying nothing is lost"
	unlike "$err" "kept moving|connection failed" "$1: never a race or a dropped connection"
	is "$(wc -l < "$TMP/runs")" 1 "$1: the hook ran once: no retry"
	like "$(git -C "$a" log -1 --format=%s)" "M4: deadline" "$1: the commit stays here"
	unlike "$(git -C "$shared" log -1 --format=%s main)" "M4: deadline" "$1: and not there"
}

hook "$shared"
"$CAIRN" -C "$a" set milestone/M4 deadline=30/04/2016 >/dev/null
run c -C "$a" sync
diag "folder: $err"
refused "folder"
# The terminal interface shows the refusal as lines: the server's under
# cairn's, never one line with ^J in it.
if command -v tmux >/dev/null; then
	SOCK="cairn-refusal-$$"
	T() { tmux -L "$SOCK" "$@"; }
	screen() { T capture-pane -p -t t; }
	wait_for() {
		for _ in $(seq 100); do screen | grep -qE -- "$1" && return 0; sleep 0.1; done
		return 1
	}
	T -f /dev/null new-session -d -s t -x 120 -y 30 "env TERM=tmux-256color '$CAIRN' -C '$a'; sleep 30"
	wait_for "\\? help" || diag "cairn did not start: $(screen)"
	T send-keys -t t y
	wait_for "Nothing is lost" || diag "no refusal shown: $(screen)"
	like "$(screen)" "refused the push \\(refs/heads/main: pre-receive hook declined\\)" "TUI: the refusal is shown"
	like "$(screen)" "^ *remote: no *$" "TUI: the server's line on a line of its own"
	unlike "$(screen)" '\^J' "TUI: no ^J"
	like "$(screen)" "Nothing is lost" "TUI: and what to do, on the screen too"
	T send-keys -t t Q
	sleep 0.3
	T kill-server 2>/dev/null
	is "$(wc -l < "$TMP/runs")" 2 "TUI: the hook ran once more, no retry"
fi
rm "$shared/hooks/pre-receive"
run c -C "$a" sync
is "$rc" 0 "once the hook is gone the same commits go"
is "$(git -C "$shared" rev-parse main)" "$(git -C "$a" rev-parse HEAD)" "and land"

# A hook that lets the push through runs too, and sees the update.
printf '#!/bin/sh\ncat > "%s/seen"\n' "$TMP" > "$shared/hooks/pre-receive"
chmod +x "$shared/hooks/pre-receive"
old=$(git -C "$shared" rev-parse main)
"$CAIRN" -C "$a" set milestone/M4 deadline=01/05/2016 >/dev/null
run c -C "$a" sync
is "$rc" 0 "a hook that exits 0 lets the push through"
is "$(cat "$TMP/seen")" "$old $(git -C "$a" rev-parse HEAD) refs/heads/main" "and reads old, new and the ref, as git gives them"
rm "$shared/hooks/pre-receive"

# A race is still a race: someone pushed first, we merge and push again.
b="$TMP/b"
"$CAIRN" clone "$shared" "$b" >/dev/null
"$CAIRN" -C "$b" set milestone/M3 title="B's title" >/dev/null
"$CAIRN" -C "$b" sync >/dev/null
"$CAIRN" -C "$a" set milestone/M2 title="A's title" >/dev/null
run c -C "$a" sync
is "$rc" 0 "a push that lost the race is merged and pushed"

# Over ssh, to a real sshd.
. "$(dirname "$0")/sshd.sh"
if [ ! -x "$SSHD" ] || [ "$(id -u)" -ne 0 ]; then
	diag "no sshd, or not root: the ssh half is not run"
	done_testing
	exit
fi
srv="$TMP/sshd"
sshd_prepare "$srv"
mkdir -p "$HOME/.ssh"
chmod 700 "$HOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -C me -f "$HOME/.ssh/id_ed25519"
cp "$HOME/.ssh/id_ed25519.pub" "$srv/authorized_keys"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$srv/host_ed25519.pub")" > "$HOME/.ssh/known_hosts"
trap 'sshd_stop; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
sshd_start
"$CAIRN" -C "$a" remote add server "ssh://$(id -un)@127.0.0.1:$port$shared" >/dev/null
run c -C "$a" sync server
is "$rc" 0 "over ssh, a sync with no hook goes through"
hook "$shared"
"$CAIRN" -C "$a" set milestone/M4 deadline=02/05/2016 >/dev/null
run c -C "$a" sync server
diag "ssh: $err"
refused "ssh"

done_testing
