#!/bin/bash
# The README's "A shared repository for a Unix group", run as it is written
# (its code blocks are read from README.md, never copied here) with real
# Unix users and a real sshd on 127.0.0.1: two members, one with umask 022
# and one with umask 077, take turns syncing on the plain path and over
# ssh for many rounds, and every sync goes through; the repository stays
# the group's alone.  Also: what a member is told when the server's git or
# libgit2 refuses a repository owned by someone else, and a read-only
# shared repository refusing a push.
. "$(dirname "$0")/lib.sh"

SSHD=$(command -v sshd || echo /usr/sbin/sshd)
if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null || ! command -v runuser >/dev/null ||
	[ ! -x "$SSHD" ]; then
	echo "1..0 # SKIP needs root, useradd, runuser and sshd (./bootstrap installs openssh-server)"
	exit 0
fi
mkdir -p /run/sshd && chmod 755 /run/sshd
[ -n "${ASAN_OPTIONS:-}" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"

# Names of our own, so that tests running at the same time never meet.
tag=$$
u1="cairnown$tag" u2="cairnmem$tag" grp="cairngrp$tag"
chmod 755 "$TMP"
srv="$TMP/sshd"
mkdir -p "$srv" "$TMP/users"
chmod 755 "$TMP/users"
# The README says `cairn`: the one built here, on every member's PATH.
cairn_for_others || exit 1
mkdir -p "$TMP/bin" && ln -s "$CAIRN" "$TMP/bin/cairn"
sshd_pid=""
cleanup() {
	[ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null && wait "$sshd_pid" 2>/dev/null
	for u in "$u1" "$u2"; do id "$u" >/dev/null 2>&1 && userdel "$u" 2>/dev/null; done
	getent group "$grp" >/dev/null && groupdel "$grp" 2>/dev/null
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT

readme_blocks "A shared repository for a Unix group"
for n in 1 2 3; do
	[ -s "$TMP/block.$n" ] && pass "the README's section has code block $n" ||
		fail "the README's section has code block $n"
done

# Where the README says /srv/cairn, maria and citizen-city, this test uses
# a folder and names of its own; everything else runs as written.
here() { sed -e "s|/srv/cairn|$TMP/srv|g" -e "s|citizen-city|$grp|g" -e "s|maria@server|$2@127.0.0.1:$port|g" \
	-e "s|maria|$2|g" "$TMP/block.$1"; }

# The administrator's sudo, as root already: "sudo CMD" and "sudo -u USER CMD".
sudo() {
	if [ "$1" = -u ]; then
		local who=$2
		shift 2
		runuser -u "$who" -- "$@"
	else
		"$@"
	fi
}

for u in "$u1" "$u2"; do
	useradd -M -d "$TMP/users/$u" -s /bin/bash "$u"
	usermod -p '*' "$u"             # no password, not locked: sshd lets keys in
	mkdir -p "$TMP/users/$u/.ssh"
done
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# Block 1, the administrator's, with the second member added to the group
# too ("and every other member").
{ here 1 "$u1"; echo "sudo usermod -aG $grp $u2"; } > "$TMP/admin.sh"
( . "$TMP/admin.sh" ) > "$TMP/admin.log" 2>&1
is "$?" 0 "the administrator's commands run as written"
repo="$TMP/srv/$grp.git"
is "$(stat -c '%U %G %a' "$repo")" "$u1 $grp 2770" "the repository is its owner's and the group's, and the group's alone"
is "$(git config -f "$repo/config" core.sharedRepository)" "0660" "core.sharedRepository says 0660"

# Each member: a home, an ed25519 key the server knows, the server's key
# known, a name for cairn.
ssh-keygen -q -t ed25519 -N '' -C host -f "$srv/host_ed25519"
for u in "$u1" "$u2"; do
	h="$TMP/users/$u"
	ssh-keygen -q -t ed25519 -N '' -C "$u" -f "$h/.ssh/id_ed25519"
	cp "$h/.ssh/id_ed25519.pub" "$h/.ssh/authorized_keys"
	echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$srv/host_ed25519.pub")" > "$h/.ssh/known_hosts"
	printf '[user]\nname = %s\nemail = %s@example.org\n' "$u" "$u" > "$h/cairn-config"
	chown -R "$u:$u" "$h"
	chmod 700 "$h" "$h/.ssh"
done
cat > "$srv/sshd_config" <<CFG
Port $port
ListenAddress 127.0.0.1
HostKey $srv/host_ed25519
AuthorizedKeysFile .ssh/authorized_keys
PidFile $srv/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
LogLevel VERBOSE
CFG
"$SSHD" -D -f "$srv/sshd_config" -E "$srv/log" &
sshd_pid=$!
for _ in $(seq 100); do
	/usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
	sleep 0.1
done

# as USER UMASK COMMAND...: run as that member, in their home, with their
# umask; $out, $err and $rc as run sets them.
as() {
	local who=$1 mask=$2
	shift 2
	run runuser -u "$who" -- env -i PATH="$TMP/bin:$PATH" HOME="$TMP/users/$who" USER="$who" \
		LC_ALL=C.UTF-8 TZ=UTC CAIRN_CONFIG="$TMP/users/$who/cairn-config" \
		CAIRN_LOCALEDIR="${CAIRN_LOCALEDIR:-}" CAIRN_SHARE="$CAIRN_SHARE" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
		LSAN_OPTIONS="${LSAN_OPTIONS:-}" CAIRN="$CAIRN" \
		bash -c "cd ~ && umask $mask && $*"
}

# The owner fills the repository from the server, with the plain path.
as "$u1" 022 "'$CAIRN' demo ~/seed >/dev/null && '$CAIRN' -C ~/seed remote add origin '$repo' && '$CAIRN' -C ~/seed sync"
is "$rc" 0 "the owner pushes the first workbook" || diag "$err"

# Before trusting it, the other member is told what to do, and where.
plain_clone=$(here 3 "$u2" | grep -v 'ssh://' | sed 's|~/[a-z0-9-]*$|~/plain|')
ssh_clone=$(here 3 "$u2" | grep 'ssh://' | sed 's|~/[a-z0-9-]*$|~/ssh|')
as "$u2" 077 "$ssh_clone"
diag "server's git, untrusted: $err"
isnt_zero() { [ "$1" != 0 ] && pass "$2" || fail "$2"; }
isnt_zero "$rc" "over ssh, a repository the member's account does not trust is refused"
like "$err" "dubious ownership" "naming the server's git's reason"
like "$err" "in your own account" "saying the setting belongs in the member's account on the server"
like "$err" "git config --global --add safe.directory $repo" "with the command and the repository's path"
unlike "$err" '\^J' "the server's lines show as lines, not ^J"
like "$err" "  remote: " "each indented under the message"
as "$u2" 077 "$plain_clone"
diag "libgit2, untrusted: $err"
isnt_zero "$rc" "on the plain path too"
like "$err" "belongs to another user \\($u1|owner $u1" "naming the owner"
like "$err" "as yourself on this machine: git config --global --add safe.directory $repo" "and what to run, where"

# Block 2 in each member's account, then block 3: two workbooks each,
# one on the plain path, one over ssh.
for u in "$u1" "$u2"; do
	as "$u" 022 "$(here 2 "$u")"
	is "$rc" 0 "$u trusts the repository, as the README says" || diag "$err"
done
for u in "$u1" "$u2"; do
	m=022; [ "$u" = "$u2" ] && m=077
	as "$u" "$m" "$(here 3 "$u" | grep -v 'ssh://' | sed 's|~/[a-z0-9-]*$|~/plain|')"
	is "$rc" 0 "$u clones on the plain path (umask $m)" || diag "$err"
	as "$u" "$m" "$(here 3 "$u" | grep 'ssh://' | sed 's|~/[a-z0-9-]*$|~/ssh|')"
	is "$rc" 0 "$u clones over ssh (umask $m)" || diag "$err"
done

# Rounds: each workbook edits its own milestone and syncs, in turn.
bad=0 syncs=0
for round in 1 2 3 4 5 6; do
	k=0
	for wb in "$u1:plain" "$u2:ssh" "$u2:plain" "$u1:ssh"; do
		k=$((k + 1))
		u=${wb%%:*} w=${wb#*:}
		m=022; [ "$u" = "$u2" ] && m=077
		as "$u" "$m" "'$CAIRN' -C ~/$w set milestone/M$k 'title=round $round by $u on $w' >/dev/null && '$CAIRN' -C ~/$w sync"
		syncs=$((syncs + 1))
		[ "$rc" = 0 ] || { bad=$((bad + 1)); diag "round $round, $u on $w: $err"; }
	done
done
is "$bad" 0 "all $syncs syncs go through, umask 022 and 077, plain path and ssh"

for wb in "$u1:plain" "$u2:ssh" "$u2:plain" "$u1:ssh"; do
	u=${wb%%:*} w=${wb#*:}
	as "$u" 077 "'$CAIRN' -C ~/$w sync >/dev/null && git -C ~/$w rev-parse HEAD^{tree}"
	trees="${trees:-} $out"
done
main_tree=$(git -c safe.directory='*' -C "$repo" rev-parse 'main^{tree}')
is "$(echo $trees | tr ' ' '\n' | sort -u)" "$main_tree" "every workbook ends with the shared repository's tree"
like "$(git -c safe.directory='*' -C "$repo" grep -h 'round 6' main -- . 2>/dev/null)" "round 6" "with the last round's edits"
is "$(find "$repo" ! -group "$grp" | head -3)" "" "every file and folder is the group's"
is "$(find "$repo" -perm /o=rwx | head -3)" "" "nothing is open to others"
is "$(find "$repo" -type f ! -perm -g=r | head -3)" "" "the group reads every file"
is "$(find "$repo" -type d ! -perm -g=rwx | head -3)" "" "and writes in every folder"
is "$(find "$repo/refs" -type f ! -perm -g=w | head -3)" "" "and writes every ref"
ok_cmd "the shared repository is whole (git fsck)" git -c safe.directory='*' -C "$repo" fsck --strict

# cairn doctor, run by a member: a healthy repository, then the broken
# setups the README's recipe avoids.
as "$u2" 077 "cairn -C ~/plain doctor origin"
is "$rc" 0 "doctor: the README's repository is healthy on the plain path" || diag "$out"
like "$out" "fit to share" "doctor says so"
like "$out" "your account trusts" "and that this account trusts it"
as "$u2" 077 "cairn -C ~/ssh doctor"
is "$rc" 0 "doctor: and over ssh" || diag "$out"
like "$out" "ssh-ed25519 SHA256:" "naming the server's key"
like "$out" "logged in with .*id_ed25519" "the key that logged in"
like "$out" "the server's git opens" "and the server's git opening it"
as "$u2" 077 "git config --global --unset-all safe.directory && cairn -C ~/ssh doctor; git config --global --add safe.directory '$repo'"
is "$rc" 0 "(the member stops trusting it, then trusts it again)"
like "$out" "problem: .*dubious ownership" "doctor over ssh: the server's git refusing"
like "$out" "in your own account \(not on this machine\): git config --global --add safe.directory $repo" "with where and what to set"

rootrepo="$TMP/srv/byroot.git"
git init -q --bare --shared=group --initial-branch=main "$rootrepo"
as "$u2" 077 "cairn -C ~/plain remote add byroot '$rootrepo' >/dev/null && cairn -C ~/plain doctor byroot"
diag "doctor, root's repository: $out"
is "$rc" 1 "doctor: a repository made by root with --shared=group has problems (exit 1)"
like "$out" "problem: $rootrepo belongs to root" "it belongs to root"
like "$out" "fix: as an administrator, give it to a member and the group: sudo chown -R" "give it to a member"
like "$out" "problem: $rootrepo.* is readable by every user of this machine" "it is readable by everyone"
like "$out" "fix: sudo chmod -R o-rwx $rootrepo" "take that away"
like "$out" "problem: you \($u2\) may not write to $rootrepo" "this member may not write"
like "$out" "sudo usermod -aG root $u2|ask its administrator" "and whom to ask"
like "$out" "problem: your account does not trust $rootrepo" "safe.directory is needed"
like "$out" "fix: on this machine, in your own account \($u2\): git config --global --add safe.directory $rootrepo" "here, in this account"

chmod 600 "$repo/refs/heads/main"
as "$u2" 077 "cairn -C ~/plain doctor origin"
is "$rc" 1 "doctor: a ref the group cannot read is a problem"
like "$out" "problem: $repo/refs/heads/main is mode 0600" "named with its mode"
like "$out" "fix: sudo chmod -R g\+rwX $repo" "and the fix"
chmod 660 "$repo/refs/heads/main"
as "$u2" 077 "cairn -C ~/plain doctor origin"
is "$rc" 0 "mended, doctor is content"

# A read-only shared repository: the push is refused, at once, with what to
# do, and the commit stays here.
chmod -R a-w "$repo/objects" "$repo/refs"
as "$u2" 077 "'$CAIRN' -C ~/plain set milestone/M5 title=readonly >/dev/null && '$CAIRN' -C ~/plain sync"
diag "read-only, plain path: $err"
is "$rc" 6 "a read-only repository refuses the push (exit 6)"
like "$err" "$u2 may not write to $repo/objects" "saying who may not write where"
like "$err" "Nothing is lost here" "and that nothing is lost"
unlike "$err" "kept moving|connection failed" "never a race or a dropped connection"
as "$u2" 077 "git -C ~/plain log -1 --format=%s"
like "$out" "M5: title" "the commit stays in the workbook"
as "$u2" 077 "'$CAIRN' -C ~/ssh set milestone/M5 title=readonly-ssh >/dev/null && '$CAIRN' -C ~/ssh sync"
diag "read-only, ssh: $err"
is "$rc" 6 "over ssh too"
like "$err" "refused the push" "said as a refusal"
like "$err" "unpacking the sent packfile failed on the remote" "with the server's reason"
unlike "$err" "connection failed or was cut" "not as a dropped connection"
chmod -R u+w,g+w "$repo/objects" "$repo/refs"

# The guard, as the section's block 4 installs it: the owner, a leader,
# gives both members their Unix user as login and turns the rules on;
# then git runs the guard as whoever pushes, over ssh and on the plain
# path.
as "$u1" 022 "'$CAIRN' -C ~/plain sync >/dev/null && '$CAIRN' -C ~/plain set person/lead email=$u1@example.org login=$u1 >/dev/null &&
	'$CAIRN' -C ~/plain set person/bwg-1 email=$u2@example.org login=$u2 >/dev/null &&
	printf '\n[rules]\nmode = enforced\n' >> ~/plain/cairn.ini && git -C ~/plain -c user.name=$u1 -c user.email=$u1@example.org commit -qam 'Rules on' && '$CAIRN' -C ~/plain sync"
is "$rc" 0 "guard: the owner turns the rules on and names the members' logins" || diag "$err"
( PATH="$TMP/bin:$PATH"; . <(here 4 "$u1") ) > "$TMP/guard.log" 2>&1
is "$?" 0 "guard: block 4, the administrator's cairn guard install, runs as written" || diag "$(cat "$TMP/guard.log")"
main_before=$(git -c safe.directory='*' -C "$repo" rev-parse main)
# (The member's workbooks above hold a refused edit of the read-only
# round: a fresh one.)
as "$u2" 077 "'$CAIRN' clone 'ssh://$u2@127.0.0.1:$port$repo' ~/sg >/dev/null && '$CAIRN' -C ~/sg set person/bwg-1 'name=Second member' >/dev/null && '$CAIRN' -C ~/sg sync"
is "$rc" 0 "guard over ssh: a member's change of their own name is taken" || diag "$err"
main_before=$(git -c safe.directory='*' -C "$repo" rev-parse main)
# A member who wrote the leader's e-mail in their configuration passes
# cairn's own check; the server knows better.
printf '[user]\nname = %s\nemail = %s@example.org\n' "$u2" "$u1" > "$TMP/users/$u2/forged-config"
chown "$u2" "$TMP/users/$u2/forged-config"
as "$u2" 077 "CAIRN_CONFIG=~/forged-config '$CAIRN' -C ~/sg set M4 deadline=30/06/2016 >/dev/null && '$CAIRN' -C ~/sg sync"
diag "guard over ssh: $err"
is "$rc" 6 "guard over ssh: a key person's cairn sync moving a deadline is refused (exit 6)"
like "$err" "remote: cairn guard: refused: refs/heads/main: commit [0-9a-f]{12} \\(\"[^\"]*M4[^\"]*\"\\): milestone/M4: deadline: only a leader may change it, and the pusher, $u2, is person/bwg-1 \\(key-person\\)" \
	"naming the commit, the record, the field, the rule and the Unix user who pushed"
like "$err" "Nothing is lost here" "and that nothing is lost"
is "$(git -c safe.directory='*' -C "$repo" rev-parse main)" "$main_before" "the shared branch did not move"
as "$u2" 077 "export CAIRN_CONFIG=~/forged-config && '$CAIRN' clone '$repo' ~/plain-guard >/dev/null && '$CAIRN' -C ~/plain-guard set M4 deadline=01/07/2016 >/dev/null && '$CAIRN' -C ~/plain-guard sync"
diag "guard on the plain path: $err"
is "$rc" 6 "guard on the plain path: cairn runs the hook, and the push is refused"
is "$(git -c safe.directory='*' -C "$repo" rev-parse main)" "$main_before" "and the shared branch did not move"
like "$err" "milestone/M4: deadline: only a leader may change it, and the pusher, $u2, is person/bwg-1" "with the same reason"
as "$u2" 077 "export CAIRN_CONFIG=~/forged-config && GL_USER=$u1 REMOTE_USER=$u1 '$CAIRN' -C ~/plain-guard sync"
is "$rc" 6 "guard on the plain path: GL_USER or REMOTE_USER in the member's own environment name nobody"
like "$err" "and the pusher, $u2, is person/bwg-1" "the Unix user pushed"
# Plain git, over ssh.
as "$u2" 077 "git clone -q 'ssh://$u2@127.0.0.1:$port$repo' ~/git && cd ~/git && git config user.email $u2@example.org && git config user.name $u2 &&
	sed -i 's/^deadline: .*/deadline: 2016-07-02/' milestones/*/M4 && git commit -qam 'M4 later' && git push -q origin main"
diag "guard, plain git push: $err"
like "$err" "remote: cairn guard: refused: refs/heads/main: commit [0-9a-f]{12} \\(\"M4 later\"\\): milestone/M4: deadline" \
	"guard: a plain git push over ssh is refused the same way"
is "$(git -c safe.directory='*' -C "$repo" rev-parse main)" "$main_before" "and the shared branch did not move"
as "$u1" 022 "'$CAIRN' -C ~/ssh sync >/dev/null 2>&1; '$CAIRN' -C ~/ssh set M4 deadline=30/06/2016 >/dev/null && '$CAIRN' -C ~/ssh sync"
is "$rc" 0 "guard over ssh: the leader's move of the deadline is taken" || diag "$err"

# Relaying, over ssh: the key person's commit reaches the leader by a git
# bundle, not through the shared repository, and the leader's cairn sync
# relays it, judged for its author; the key person may not push the
# leader's commit until the leader has, then hers over it is taken.
as "$u2" 077 "cd ~/git && git fetch -q origin && git reset -q --hard origin/main && sed -i 's/^name: .*/name: Relayed member/' persons/*/bwg-1 &&
	git commit -qam 'My name, relayed' && git bundle create ~/relay.bundle origin/main..main 2>/dev/null"
is "$rc" 0 "relay: the key person's commit, in a bundle" || diag "$err"
cp "$TMP/users/$u2/relay.bundle" "$TMP/relay.bundle" && chmod 644 "$TMP/relay.bundle"
as "$u1" 022 "git -C ~/ssh pull -q --ff-only '$TMP/relay.bundle' main && '$CAIRN' -C ~/ssh sync"
is "$rc" 0 "relay over ssh: the leader's cairn sync pushes a member's commit that is hers to make" || diag "$err"
is "$(git -c safe.directory='*' -C "$repo" log -1 --format=%ae main)" "$u2@example.org" "and the shared branch has it in her name"
# (A change the key person may make herself: what is refused is the name
# it is in.)
as "$u1" 022 "'$CAIRN' -C ~/ssh set person/bwg-1 'name=Member (WP2)' >/dev/null && git -C ~/ssh bundle create ~/lead.bundle origin/main..main 2>/dev/null"
cp "$TMP/users/$u1/lead.bundle" "$TMP/lead.bundle" && chmod 644 "$TMP/lead.bundle"
main_before=$(git -c safe.directory='*' -C "$repo" rev-parse main)
as "$u2" 077 "cd ~/git && git pull -q --ff-only origin main && git pull -q --ff-only '$TMP/lead.bundle' main && git push -q origin main"
like "$err" "remote: cairn guard: refused: refs/heads/main: commit [0-9a-f]{12} \\(\"[^\"]*bwg-1[^\"]*\"\\): its author is person/lead \\($u1@example.org\\), and the pusher, $u2, is person/bwg-1: push commits made in your own name" \
	"relay over ssh: a key person's push of the leader's unshared commit is refused, naming the commit"
is "$(git -c safe.directory='*' -C "$repo" rev-parse main)" "$main_before" "and the shared branch did not move"
as "$u1" 022 "'$CAIRN' -C ~/ssh sync"
is "$rc" 0 "(the leader pushes it)" || diag "$err"
as "$u2" 077 "cd ~/git && git pull -q --no-rebase origin main && sed -i 's/^name: .*/name: Second member/' persons/*/bwg-1 && git commit -qam 'My name' && git push -q origin main"
is "$rc" 0 "relay over ssh: once the shared branch holds it, the key person's own push over it is taken" || diag "$err"

done_testing
