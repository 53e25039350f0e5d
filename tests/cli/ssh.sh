#!/bin/bash
# Sync over ssh:// to a real sshd started here on 127.0.0.1, with its own
# host key, the user's keys and known_hosts in a private HOME: unknown
# hosts shown by fingerprint and refused unless accepted, changed keys
# always refused, the traps of Debian's libgit2 1.5.1 and libssh2 1.10
# named, the ssh agent, and a connection that drops mid-fetch and
# mid-push.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/sshd.sh"
if [ ! -x "$SSHD" ] || ! command -v ssh-keygen >/dev/null; then
	echo "1..0 # SKIP no sshd here (./bootstrap installs openssh-server)"
	exit 0
fi
[ "$(id -u)" -eq 0 ] && mkdir -p /run/sshd && chmod 755 /run/sshd

# has TEXT STRING NAME: STRING appears as it is (fingerprints hold + and /).
has() { case "$1" in *"$2"*) pass "$3" ;; *) fail "$3" "text: $1" "want: $2" ;; esac; }

# Under LeakSanitizer: Debian's libgit2 leaks in its SSH connect, and only a
# slow unwind shows the frames tests/lsan.supp names.
[ -n "${ASAN_OPTIONS:-}" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"

# Every cairn run here is bounded: a hang is a failure, not a stuck suite.
c() { timeout 120 "$CAIRN" "$@"; }

srv="$TMP/sshd"
sshd_prepare "$srv" "LogLevel VERBOSE"
mkdir -p "$HOME/.ssh"
chmod 700 "$HOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -C me -f "$HOME/.ssh/id_ed25519"
cp "$HOME/.ssh/id_ed25519.pub" "$srv/authorized_keys"
user=$(id -un)
kh="$HOME/.ssh/known_hosts"
hostname="[127.0.0.1]:$port"

# drop.py stands between sshd and git: after LIMIT bytes in the direction
# named by $srv/drop (fetch: server to client; push: client to server) it
# kills the sshd session, as a network cut would.
cat > "$srv/drop.py" <<'PY'
import os, signal, subprocess, sys, threading
mode = open(sys.argv[1]).read().split()
direction, limit = mode[0], int(mode[1])
cmd = os.environ.get("SSH_ORIGINAL_COMMAND", "")
child = subprocess.Popen(["sh", "-c", cmd], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def session():
    p = os.getppid()
    while p > 1:
        with open("/proc/%d/stat" % p) as f:
            st = f.read()
        if "(sshd)" in st:
            return p
        p = int(st.rsplit(")", 1)[1].split()[1])
    return None
def cut():
    s = session()
    if s:
        os.kill(s, signal.SIGKILL)
    child.kill()
    os._exit(1)
def pump(src, dst, counted):
    n = 0
    while True:
        b = os.read(src.fileno(), 4096)
        if not b:
            break
        n += len(b)
        if counted and n > limit:
            dst.write(b[: len(b) - (n - limit)]); dst.flush()
            cut()
        dst.write(b); dst.flush()
    dst.close()
t = threading.Thread(target=pump, args=(sys.stdin.buffer, child.stdin, direction == "push"), daemon=True)
t.start()
pump(child.stdout, sys.stdout.buffer, direction == "fetch")
child.wait()
PY

trap 'sshd_stop; [ -n "${agent_pid:-}" ] && kill "$agent_pid" 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
sshd_start || { echo "1..0 # SKIP sshd cannot run here"; exit 0; }

# The shared bare repository, filled by a local workbook.
shared="$TMP/shared.git"
git init -q --bare --initial-branch=main "$shared"
a="$TMP/a"
"$CAIRN" demo "$a" >/dev/null
"$CAIRN" -C "$a" remote add origin "$shared" >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
url="ssh://$user@127.0.0.1:$port$shared"
fp=$(ssh-keygen -lf "$srv/host_ed25519.pub" | awk '{print $2}')

# An unknown host: shown with its fingerprint, refused, nothing written.
b="$TMP/b"
run c clone "$url" "$b"
diag "unknown: $err"
is "$rc" 3 "clone from an unknown host is refused"
like "$err" "127\.0\.0\.1\]:$port is not in .*known_hosts" "the message says the host is unknown"
like "$err" "ED25519|ssh-ed25519" "and names the key type"
has "$err" "$fp" "and shows the server's SHA-256 fingerprint, as ssh-keygen -l does"
has "$err" "--accept-host-key $fp" "and how to accept it"
[ ! -e "$b" ] && pass "no folder was made" || fail "no folder was made"
[ ! -s "$kh" ] && pass "known_hosts is untouched" || fail "known_hosts is untouched" "$(cat "$kh")"

run c clone --accept-host-key "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "$url" "$b"
is "$rc" 3 "accepting another fingerprint than the server's is a refusal"
[ ! -s "$kh" ] && pass "and remembers nothing" || fail "and remembers nothing"

run c clone --accept-host-key "$fp" "$url" "$b"
is "$rc" 0 "clone accepting the shown fingerprint"
like "$out" "Citizen City" "the clone opens"
like "$(cat "$kh" 2>/dev/null)" "^\\[127\\.0\\.0\\.1\\]:$port ssh-ed25519 " "the host key is remembered as ssh writes it"
run ssh-keygen -F "$hostname" -f "$kh"
is "$rc" 0 "and OpenSSH's own ssh-keygen -F finds it"
is "$(stat -c %a "$kh")" 600 "known_hosts is private"

# Edits go both ways over ssh; concurrent fields merge; a clash waits.
"$CAIRN" -C "$b" set milestone/M4 deadline=30/04/2016 >/dev/null
"$CAIRN" -C "$a" set milestone/M4 title="Evaluate the tools" >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
run c -C "$b" sync
is "$rc" 0 "sync over ssh merges and pushes"
like "$out" "1 merged from both sides.*pushed" "one record merged from both sides, pushed"
"$CAIRN" -C "$a" sync >/dev/null
run "$CAIRN" -C "$a" show milestone/M4 --json
like "$out" '"deadline": "2016-04-30"' "the ssh side's field reached the local side"
like "$out" '"title": "Evaluate the tools"' "and the local side's is kept"
"$CAIRN" -C "$a" set milestone/M5 title="Guidelines (A)" >/dev/null
"$CAIRN" -C "$b" set milestone/M5 title="Guidelines (B)" >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
run c -C "$b" sync
is "$rc" 4 "a same-field clash over ssh waits for a person"
run c -C "$b" resolve milestone/M5 title --theirs
run c -C "$b" sync
is "$rc" 0 "resolved, the merge is pushed over ssh"
"$CAIRN" -C "$a" sync >/dev/null
is "$(git -C "$a" rev-parse 'HEAD^{tree}')" "$(git -C "$b" rev-parse 'HEAD^{tree}')" "both replicas hold the same records"

# known_hosts written by ssh-keygen -H (hashed names) is read as well.
ssh-keygen -q -H -f "$kh" 2>/dev/null
rm -f "$kh.old"
run c -C "$b" sync
is "$rc" 0 "a hashed known_hosts entry is recognised"

# The server's key changes: always refused, even when told to accept.
sshd_stop
cp "$kh" "$TMP/kh.saved"
rm -f "$srv/host_ed25519" "$srv/host_ed25519.pub"
ssh-keygen -q -t ed25519 -N '' -C host2 -f "$srv/host_ed25519"
newfp=$(ssh-keygen -lf "$srv/host_ed25519.pub" | awk '{print $2}')
sshd_start
"$CAIRN" -C "$b" set milestone/M1 title="Not lost" >/dev/null
before=$(git -C "$b" rev-parse HEAD)
run c -C "$b" sync
diag "changed: $err"
is "$rc" 3 "a changed host key is refused"
like "$err" "CHANGED" "the message says the key changed"
has "$err" "$newfp" "and shows the new fingerprint"
like "$err" "ssh-keygen -R" "and how to forget the old key once the admin confirms"
run c -C "$b" sync --accept-host-key "$newfp"
is "$rc" 3 "a changed host key is refused even with --accept-host-key"
cmp -s "$kh" "$TMP/kh.saved" && pass "known_hosts is untouched" || fail "known_hosts is untouched"
is "$(git -C "$b" rev-parse HEAD)" "$before" "the workbook is as it was"
run "$CAIRN" -C "$b" show milestone/M1 --json
like "$out" '"title": "Not lost"' "the pending edit is kept"

# An @revoked line is a refusal too.
ssh-keygen -q -R "$hostname" -f "$kh" 2>/dev/null; rm -f "$kh.old"
printf '@revoked %s %s\n' "$hostname" "$(cut -d' ' -f1,2 "$srv/host_ed25519.pub")" >> "$kh"
run c -C "$b" sync --accept-host-key "$newfp"
is "$rc" 3 "a revoked host key is refused"
like "$err" "revoked" "and the message says so"
: > "$kh"
run c -C "$b" sync --accept-host-key "$newfp"
is "$rc" 0 "once the old key is removed, the new one is accepted and the sync completes"

# known_hosts listing an ssh-rsa key first for the host: Debian's libgit2
# 1.5.1 then asks for ssh-rsa only, and the server (ed25519 only) fails the
# key exchange.  The message says which line and what to do.
ssh-keygen -q -t rsa -b 2048 -N '' -f "$TMP/other_rsa"
cp "$kh" "$TMP/kh.good"
{ printf '%s %s\n' "$hostname" "$(cut -d' ' -f1,2 "$TMP/other_rsa.pub")"; cat "$TMP/kh.good"; } > "$kh"
run c -C "$b" sync
diag "rsa first: $err"
is "$rc" 3 "an ssh-rsa line first for the host breaks libgit2 1.5.1's key exchange"
like "$err" "line 1 lists an ssh-rsa key first" "the message names the line and the cause"
cp "$TMP/kh.good" "$kh"

# An RSA user key: libssh2 1.10 signs with SHA-1, which OpenSSH refuses.
mkdir -p "$TMP/keys"
mv "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519.pub" "$TMP/keys/"
ssh-keygen -q -t rsa -b 2048 -N '' -f "$HOME/.ssh/id_rsa"
cat "$HOME/.ssh/id_rsa.pub" >> "$srv/authorized_keys"
run c -C "$b" sync
diag "rsa: $err"
is "$rc" 3 "an RSA key cannot log in"
like "$err" "RSA key cannot log in to OpenSSH 8.8" "the message names the cause"
like "$err" "ssh-keygen -t ed25519" "and the fix"

# No key at all: the credentials are tried once each, then a clear stop.
rm -f "$HOME/.ssh/id_rsa" "$HOME/.ssh/id_rsa.pub"
run c -C "$b" sync
diag "no key: $err"
is "$rc" 3 "with no key, sync stops (libgit2 would ask for ever)"
like "$err" "no SSH key to log in with" "and says why"
like "$err" "ssh-keygen -t ed25519" "and what to do"

# The ssh agent: the key only in the agent.
eval "$(ssh-agent -s)" >/dev/null
agent_pid=$SSH_AGENT_PID
ssh-add -q "$TMP/keys/id_ed25519" 2>/dev/null
run c -C "$b" sync
is "$rc" 0 "the ssh agent's key logs in"
kill "$agent_pid"; agent_pid=""; unset SSH_AUTH_SOCK SSH_AGENT_PID
mv "$TMP/keys/id_ed25519" "$TMP/keys/id_ed25519.pub" "$HOME/.ssh/"

# A network that drops mid-fetch and mid-push.  Enough new data for the
# pack to be well over the cut: 40 tasks with 2 KB of noise each.
big_edits() {
	local wb=$1 tag=$2
	for i in $(seq 40); do
		"$CAIRN" -C "$wb" add task "$tag$i" title="$tag $i $(head -c 1500 /dev/urandom | base64 -w0)" milestone=M4 >/dev/null ||
			echo "cannot add task $tag$i" >&2
	done
}
with_drop() {   # direction limit: the next ssh sessions run through drop.py
	echo "$1 $2" > "$srv/drop"
	sed -i "s|^|command=\"/usr/bin/python3 $srv/drop.py $srv/drop\" |" "$srv/authorized_keys"
}
no_drop() { sed -i 's|^command="[^"]*" ||' "$srv/authorized_keys"; }

"$CAIRN" -C "$b" sync >/dev/null
big_edits "$a" tfetch
"$CAIRN" -C "$a" sync >/dev/null
"$CAIRN" -C "$b" set milestone/M2 title="Kept through a cut" >/dev/null
before=$(git -C "$b" rev-parse HEAD)
with_drop fetch 20000
run c -C "$b" sync
no_drop
diag "mid-fetch: $err"
is "$rc" 3 "a connection cut mid-fetch fails"
like "$err" "cannot fetch from origin: .*connection failed or was cut; nothing here was changed or lost" "with a clear message"
is "$(git -C "$b" rev-parse HEAD)" "$before" "nothing changed in the workbook"
ok_cmd "the repository is sound after the cut (git fsck)" git -C "$b" fsck --no-progress
run c -C "$b" sync
is "$rc" 0 "the next sync completes"
run "$CAIRN" -C "$b" show task/tfetch40 --json
is "$rc" 0 "what was being fetched arrived"
run "$CAIRN" -C "$a" sync
run "$CAIRN" -C "$a" show milestone/M2 --json
like "$out" "Kept through a cut" "and the edit made before the cut went out"

big_edits "$b" tpush
remote_before=$(git -C "$shared" rev-parse main)
with_drop push 20000
run c -C "$b" sync
no_drop
diag "mid-push: $err"
is "$rc" 3 "a connection cut mid-push fails"
like "$err" "cannot push to origin: .*connection failed or was cut" "with a clear message"
is "$(git -C "$shared" rev-parse main)" "$remote_before" "the remote did not move"
run "$CAIRN" -C "$b" show task/tpush40 --json
is "$rc" 0 "nothing is lost here"
run c -C "$b" sync
is "$rc" 0 "the next sync completes"
run "$CAIRN" -C "$a" sync
run "$CAIRN" -C "$a" show task/tpush40 --json
is "$rc" 0 "and the edits reach the others"
is "$(git -C "$a" rev-parse 'HEAD^{tree}')" "$(git -C "$b" rev-parse 'HEAD^{tree}')" "both replicas hold the same records"
ok_cmd "git fsck on the shared repository" git -C "$shared" fsck --no-progress

# The terminal interface asks about an unknown host on its bottom line.
if command -v tmux >/dev/null; then
	SOCK="cairn-ssh-$$"
	T() { tmux -L "$SOCK" "$@"; }
	screen() { T capture-pane -p -t t; }
	wait_for() {
		for _ in $(seq 80); do screen | grep -qE -- "$1" && return 0; sleep 0.1; done
		return 1
	}
	shows() { if wait_for "$1"; then pass "$2"; else fail "$2" "the screen:" "$(screen)"; fi; }
	: > "$kh"
	"$CAIRN" -C "$b" set milestone/M3 title="From the terminal" >/dev/null
	T -f /dev/null new-session -d -s t -x 100 -y 30 "env TERM=tmux-256color '$CAIRN' -C '$b'; sleep 30"
	wait_for "\\? help" || diag "cairn did not start: $(screen)"
	T send-keys -t t y
	shows "unknown host \\[127.0.0.1\\]:$port" "TUI sync: an unknown host is named"
	has "$(screen)" "$newfp ssh-ed25519" "TUI sync: with its fingerprint"
	shows "Accept this host key\\? \\(yes/no\\)" "TUI sync: and a question"
	T send-keys -t t n o Enter
	shows "host key refused|not in" "TUI sync: no refuses"
	[ ! -s "$kh" ] && pass "TUI sync: nothing remembered" || fail "TUI sync: nothing remembered"
	T send-keys -t t y
	wait_for "Accept this host key" >/dev/null
	T send-keys -t t y e s Enter
	shows "synced with origin" "TUI sync: yes accepts and the sync completes"
	like "$(cat "$kh")" "^\\[127\\.0\\.0\\.1\\]:$port ssh-ed25519 " "TUI sync: the key is remembered"
	T send-keys -t t Q
	sleep 0.5
	T kill-server 2>/dev/null
	is "$(git -C "$shared" log -1 --format=%s main)" "$(git -C "$b" log -1 --format=%s)" "TUI sync: pushed"
fi

# A server whose hook refuses the first push: over ssh, git's receive-pack
# reports it only through libgit2's push_update_reference callback while the
# push itself "succeeds".  A refusal is not tried again (exit 6); the next
# sync, once the hook agrees, lands.  The hook's text, escape sequences and
# all, is shown sanitised.
cat > "$shared/hooks/pre-receive" <<HOOK
#!/bin/sh
printf 'checking\033]0;owned\007 \033[2J\n' >&2
if [ ! -e "$TMP/refused-once" ]; then touch "$TMP/refused-once"; echo "busy, try again" >&2; exit 1; fi
exit 0
HOOK
chmod +x "$shared/hooks/pre-receive"
"$CAIRN" -C "$b" set task/T3 title="Through a hook" >/dev/null
run c -C "$b" sync
is "$rc" 6 "a push the server's hook refuses is a refusal, not tried again"
like "$err" "remote: busy, try again" "the server's words are shown"
hook_err=$err
run c -C "$b" sync
is "$rc" 0 "the next sync, the hook agreeing, lands"
is "$(git -C "$shared" rev-parse main)" "$(git -C "$b" rev-parse HEAD)" "the shared branch holds it"
# With only edits of ours to send, and their branch where our copy of it
# is, the sync logs in once: the push's connection shows nothing to fetch.
logins=$(grep -c 'Accepted publickey' "$srv/log")
"$CAIRN" -C "$b" set task/T3 title="Out in one login" >/dev/null
loose=$(git -C "$shared" count-objects -v | sed -n 's/^count: //p')
run c -C "$b" sync
is "$rc" 0 "a sync with only our edits to send"
is "$(git -C "$shared" rev-parse main)" "$(git -C "$b" rev-parse HEAD)" "pushes them"
is "$(grep -c 'Accepted publickey' "$srv/log")" "$((logins + 1))" "over one ssh login, not a fetch's and a push's"
# The pack cairn sends holds what the server lacks, and only that: the
# commit's own objects (a few: git's receive-pack unpacks them loose).
is "$(( $(git -C "$shared" count-objects -v | sed -n 's/^count: //p') - loose ))" \
	"$(git -C "$b" rev-list --objects HEAD --not HEAD^ | wc -l)" "sending only the objects the server lacks"
git -C "$shared" fsck >/dev/null 2>&1
is "$?" 0 "and the shared repository is whole (git fsck)"
# When they moved too, the push goes on that first connection after the
# fetch and the merge: two logins, as before.
"$CAIRN" -C "$a" sync >/dev/null
"$CAIRN" -C "$a" set task/T3 title="Theirs meanwhile" >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
"$CAIRN" -C "$b" set milestone/M2 title="Ours meanwhile" >/dev/null
logins=$(grep -c 'Accepted publickey' "$srv/log")
run c -C "$b" sync
is "$rc" 0 "a sync with edits on both sides, over ssh"
is "$(git -C "$shared" rev-parse main)" "$(git -C "$b" rev-parse HEAD)" "pushes the merge"
like "$("$CAIRN" -C "$b" show task/T3)" "Theirs meanwhile" "with their edit in it"
is "$(grep -c 'Accepted publickey' "$srv/log")" "$((logins + 2))" "over two ssh logins: the push's, kept, and the fetch's"
err="$hook_err"
like "$err" 'remote: checking\^\[\]0;owned\^G \^\[\[2J' "with its escape sequences made visible, not obeyed"
printf '%s' "$err" | grep -q $'\e' && fail "no raw ESC reaches the terminal" || pass "no raw ESC reaches the terminal"
rm "$shared/hooks/pre-receive"

# Convergence with one of five replicas over ssh (tests/cli/converge.py
# drives random edits and syncs and predicts every conflict).
for r in 0 1 2 3; do "$CAIRN" clone "$shared" "$TMP/r$r" >/dev/null 2>&1; done
c clone "$url" "$TMP/r4" >/dev/null 2>&1
is "$(git -C "$TMP/r4" config remote.origin.url)" "$url" "the fifth replica syncs over ssh"
seed=${CONVERGE_SEED:-$RANDOM}
while IFS= read -r line; do
	case $line in
	"not ok "*) fail "over ssh: ${line#not ok }" ;;
	"ok "*) pass "over ssh: ${line#ok }" ;;
	*) printf '%s\n' "$line" ;;
	esac
done < <(/usr/bin/python3 "$top_srcdir/tests/cli/converge.py" "$CAIRN" "$TMP" "$shared" \
	"$seed" "${CONVERGE_SSH_EDITS:-40}" 2>&1)

# A server that is gone: a clear error, quickly.
sshd_stop
run c -C "$b" sync
is "$rc" 3 "no server: sync fails"
like "$err" "cannot fetch from origin" "and says so"
done_testing
