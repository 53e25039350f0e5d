#!/bin/bash
# ssh as people configure it, against a real sshd on 127.0.0.1: a Host
# alias in ~/.ssh/config with its HostName, Port, User and a key that is
# not one of the default names (IdentitiesOnly), patterns and negations,
# the first value winning, Match blocks and ProxyJump named; a key with a
# passphrase asked for on a terminal (tmux), once, and named without one.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/sshd.sh"
if [ ! -x "$SSHD" ] || [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs sshd (./bootstrap installs openssh-server) and root"
	exit 0
fi
mkdir -p /run/sshd && chmod 755 /run/sshd
[ -n "${ASAN_OPTIONS:-}" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"
c() { timeout 120 "$CAIRN" "$@"; }

srv="$TMP/sshd"
sshd_prepare "$srv" "LogLevel VERBOSE"
mkdir -p "$HOME/.ssh"
chmod 700 "$HOME/.ssh"
# Not a default name: only ~/.ssh/config can lead cairn to it.
ssh-keygen -q -t ed25519 -N '' -C work -f "$HOME/.ssh/work_key"
ssh-keygen -q -t ed25519 -N 'open sesame' -C locked -f "$HOME/.ssh/locked_key"
cat "$HOME/.ssh/work_key.pub" "$HOME/.ssh/locked_key.pub" > "$srv/authorized_keys"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$srv/host_ed25519.pub")" > "$HOME/.ssh/known_hosts"
sshd_start
SOCK="cairn-sshconfig-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; kill "$sshd_pid" 2>/dev/null; wait "$sshd_pid" 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
for _ in $(seq 100); do
	/usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
	sleep 0.1
done

shared_demo
me=$(id -un)
# Blocks in order, the first value winning: "cairn-*" gives the port
# first, so the later "Port 1" of "*" is never used; "!cairn-bad" keeps
# the pattern from that alias.
cat > "$HOME/.ssh/config" <<CFG
# a comment
Match exec "false"
    Port 2

Host cairn-* !cairn-bad
    HostName 127.0.0.1
    Port $port
Host cairn-work
    User $me
    IdentityFile ~/.ssh/%h_missing
    IdentityFile ~/.ssh/work_key
    IdentitiesOnly yes
Host cairn-locked
    User = $me
    IdentityFile "~/.ssh/locked_key"
    IdentitiesOnly yes
Host cairn-jump
    ProxyJump bastion.example.org
Host *
    Port 1
    HostName 127.0.0.1
CFG

run c clone "cairn-work:$shared" "$TMP/w"
is "$rc" 0 "clone through a Host alias: HostName, Port, User, IdentityFile" || diag "$err"
is "$(git -C "$TMP/w" config remote.origin.url)" "cairn-work:$shared" "the remote keeps the alias, as typed"
like "$(grep 'Accepted publickey' "$srv/log")" "ED25519" "the server let the configured key in"
"$CAIRN" -C "$TMP/w" set milestone/M4 title="Through an alias" >/dev/null
run c -C "$TMP/w" sync
is "$rc" 0 "sync through the alias" || diag "$err"
like "$(git -C "$shared" log -1 --format=%s main)" "^M4: title" "and it lands"
"$CAIRN" -C "$TMP/w" remote add viaurl "ssh://cairn-work$shared" >/dev/null
run c -C "$TMP/w" sync viaurl
is "$rc" 0 "an ssh:// URL with the alias works too" || diag "$err"

run c clone "cairn-bad:$shared" "$TMP/bad"
isnt_zero() { [ "$1" != 0 ] && pass "$2" || fail "$2" "rc: $1"; }
isnt_zero "$rc" "a negated pattern keeps its alias out of the block (Port 1 from Host * is used)"
[ ! -e "$TMP/bad" ] && pass "and nothing is made" || fail "and nothing is made"

run c clone "cairn-jump:$shared" "$TMP/jump"
is "$rc" 1 "ProxyJump is refused"
like "$err" "ProxyJump \\(~/.ssh/config line [0-9]+\\) is set for this host, which cairn cannot follow" "by name, with its line"

run c -C "$TMP/w" doctor
like "$out" "~/.ssh/config sends cairn-work:$shared to ssh://$me@127.0.0.1:$port$shared" "doctor says where the alias leads"
like "$out" "a Match block \\(~/.ssh/config line 2\\) is not supported" "and names the Match block it skipped"
like "$out" "logged in with .*/\\.ssh/work_key" "and the key that logged in"

# A passphrase key without an agent and without a terminal: named.
unset SSH_AUTH_SOCK
"$CAIRN" -C "$TMP/w" remote add locked "cairn-locked:$shared" >/dev/null
run c -C "$TMP/w" sync locked < /dev/null
diag "no terminal: $err"
is "$rc" 3 "a key that needs its passphrase, with no terminal: the sync stops"
like "$err" "the key $HOME/.ssh/locked_key needs its passphrase" "naming the key and what it needs"
like "$err" "ssh-add $HOME/.ssh/locked_key" "and the agent as the other way"
unlike "$err" "authorized_keys" "without blaming authorized_keys"

# On a terminal: asked once, without echo, for the fetch and the push.
if command -v tmux >/dev/null; then
	T() { tmux -L "$SOCK" "$@"; }
	screen() { T capture-pane -p -t t -S -40; }
	wait_for() {
		for _ in $(seq 100); do screen | grep -qE -- "$1" && return 0; sleep 0.1; done
		return 1
	}
	"$CAIRN" -C "$TMP/w" set milestone/M3 title="With a passphrase" >/dev/null
	T -f /dev/null new-session -d -s t -x 150 -y 40 \
		"env -u SSH_AUTH_SOCK '$CAIRN' -C '$TMP/w' sync locked; echo \"exit=\$?\"; sleep 30"
	if wait_for "Passphrase for $HOME/.ssh/locked_key:"; then
		pass "on a terminal, the passphrase is asked for"
	else
		fail "on a terminal, the passphrase is asked for" "$(screen)"
	fi
	T send-keys -t t "open sesame" Enter
	wait_for "exit=" >/dev/null
	like "$(screen)" "exit=0" "the sync goes through with it"
	unlike "$(screen)" "open sesame" "the passphrase is not echoed"
	is "$(screen | grep -c 'Passphrase for')" 1 "asked once for the fetch and the push"
	like "$(git -C "$shared" log -1 --format=%s main)" "^M3: title" "and the push landed"
	T kill-server 2>/dev/null
fi

done_testing
