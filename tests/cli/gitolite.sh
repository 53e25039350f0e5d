#!/bin/bash
# The README's "Hosting with gitolite", run as it is written (its code
# blocks are read from README.md, never copied here) with Debian's
# gitolite3, real Unix users and a real sshd on 127.0.0.1 that this test
# starts and stops by its PID: gitolite's account set up with the admin's
# key, the rules pushed with plain git (a writer with a path rule, a
# read-only member), the workbook pushed and cloned with cairn.  The
# read-only member's push and the writer's push that touches a protected
# path are refusals: gitolite's own reason shown, exit 6, never retried.
. "$(dirname "$0")/lib.sh"
# diag, every line of it a comment (a line of doctor's "ok: ..." is no test)
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

SSHD=$(command -v sshd || echo /usr/sbin/sshd)
if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null || ! command -v runuser >/dev/null ||
	[ ! -x "$SSHD" ] || ! command -v gitolite >/dev/null; then
	echo "1..0 # SKIP needs root, useradd, runuser, sshd and gitolite3 (./bootstrap installs them)"
	exit 0
fi
mkdir -p /run/sshd && chmod 755 /run/sshd
[ -n "${ASAN_OPTIONS:-}" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"

# Unix names of our own, so that tests running at the same time never
# meet; gitolite's names for the members (maria, ahmed, lucia) are its own.
tag=$$
host="glhost$tag"
chmod 755 "$TMP"
srv="$TMP/sshd"
mkdir -p "$srv" "$TMP/users" "$TMP/bin"
chmod 755 "$TMP/users"
cairn_for_others || exit 1
ln -s "$CAIRN" "$TMP/bin/cairn"
declare -A unix=([maria]="glmaria$tag" [ahmed]="glahmed$tag" [lucia]="gllucia$tag")
sshd_pid=""
cleanup() {
	[ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null && wait "$sshd_pid" 2>/dev/null
	for u in "$host" "${unix[@]}"; do id "$u" >/dev/null 2>&1 && userdel "$u" 2>/dev/null; done
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT

readme_blocks "Hosting with gitolite"
for n in 1 2 3 4 5; do
	[ -s "$TMP/block.$n" ] && pass "the README's section has code block $n" ||
		fail "the README's section has code block $n"
done
# Where the README says /var/lib/gitolite3 and the account gitolite3, this
# test uses its own; "server" is each member's ~/.ssh/config alias for the
# sshd below.  Everything else runs as written.
here() { sed -e "s|/var/lib/gitolite3|$TMP/glhome|g" -e "s|\\bgitolite3\\b|$host|g" "$TMP/block.$1"; }
# The administrator's sudo, as root already; apt-get has nothing to do
# (./bootstrap installed gitolite3).
sudo() {
	if [ "$1" = -u ]; then
		local who=$2
		shift 2
		[ "$1" = -H ] && shift
		runuser -u "$who" -- env HOME="$(getent passwd "$who" | cut -d: -f6)" "$@"
	elif [ "$1" = apt-get ]; then
		command -v gitolite >/dev/null
	else
		"$@"
	fi
}

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ssh-keygen -q -t ed25519 -N '' -C host -f "$srv/host_ed25519"
# Each member: a Unix account on "their machine" (this one), an ed25519
# key, ~/.ssh/config naming the server, its key known.
for m in maria ahmed lucia; do
	u=${unix[$m]} h="$TMP/users/${unix[$m]}"
	useradd -M -d "$h" -s /bin/bash "$u"
	mkdir -p "$h/.ssh"
	ssh-keygen -q -t ed25519 -N '' -C "$m" -f "$h/.ssh/id_ed25519"
	printf 'Host server\n    HostName 127.0.0.1\n    Port %s\n' "$port" > "$h/.ssh/config"
	echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$srv/host_ed25519.pub")" > "$h/.ssh/known_hosts"
	printf '[user]\nname = %s\nemail = %s@example.org\n' "$m" "$m" > "$h/cairn-config"
	git config -f "$h/.gitconfig" user.name "$m"
	git config -f "$h/.gitconfig" user.email "$m@example.org"
	git config -f "$h/.gitconfig" init.defaultBranch main
done
# maria has the others' keys (they sent them to her), and hers is on the
# server as maria.pub, in the administrator's folder.
mh="$TMP/users/${unix[maria]}"
cp "$TMP/users/${unix[ahmed]}/.ssh/id_ed25519.pub" "$mh/ahmed.pub"
cp "$TMP/users/${unix[lucia]}/.ssh/id_ed25519.pub" "$mh/lucia.pub"
for m in maria ahmed lucia; do
	chown -R "${unix[$m]}:${unix[$m]}" "$TMP/users/${unix[$m]}"
	chmod 700 "$TMP/users/${unix[$m]}" "$TMP/users/${unix[$m]}/.ssh"
done
mkdir -p "$TMP/admin"
cp "$mh/.ssh/id_ed25519.pub" "$TMP/admin/maria.pub"

# Block 1, the administrator's, in the folder that holds maria.pub.
here 1 > "$TMP/admin.sh"
( cd "$TMP/admin" && . "$TMP/admin.sh" ) > "$TMP/admin.log" 2>&1
is "$?" 0 "the administrator's commands run as written" || diag "$(cat "$TMP/admin.log")"
# The test's sshd runs without PAM, which refuses a locked account (a
# --system account has no password): no password, not locked.
usermod -p '*' "$host"
like "$(cat "$TMP/glhome/.ssh/authorized_keys" 2>/dev/null)" "gitolite-shell maria" \
	"gitolite's account lets maria's key in, through gitolite-shell"

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

# as MEMBER COMMAND...: as that member's Unix account, in their home.
as() {
	local who=${unix[$1]}
	shift
	run runuser -u "$who" -- env -i PATH="$TMP/bin:$PATH" HOME="$TMP/users/$who" USER="$who" \
		LC_ALL=C.UTF-8 TZ=UTC CAIRN_CONFIG="$TMP/users/$who/cairn-config" \
		CAIRN_LOCALEDIR="${CAIRN_LOCALEDIR:-}" CAIRN_SHARE="$CAIRN_SHARE" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
		LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
		bash -c "cd ~ && $*"
}

# Block 2, maria's, with plain git.
as maria "$(here 2)"
is "$rc" 0 "maria pushes the rules and the keys with plain git, as written" || diag "$err"
glrepos="$TMP/glhome/repositories"
[ -d "$glrepos/citizen-city.git" ] && pass "gitolite made the repository" || fail "gitolite made the repository"
is "$(stat -c %U "$glrepos/citizen-city.git")" "$host" "in its own account"

# maria pushes the workbook, as the README's paragraph says.
remote=$(sed -n 's/.*`\(cairn -C ~\/citizen-city remote add origin [^`]*\)`.*/\1/p' "$top_srcdir/README.md" |
	grep gitolite3 | sed "s|\\bgitolite3\\b|$host|g")
as maria "cairn demo ~/citizen-city >/dev/null && $remote && cairn -C ~/citizen-city sync"
diag "$err"; is "$rc" 0 "maria pushes the workbook with cairn"
like "$out" "pushed" "said pushed"

# Block 3, by the other two.
for m in ahmed lucia; do
	as $m "$(here 3)"
	is "$rc" 0 "$m clones as the README says" || diag "$err"
done

# ahmed writes where the rules let him: the push goes through.
as ahmed "cairn -C ~/citizen-city set milestone/M4 'title=Set by ahmed' >/dev/null && cairn -C ~/citizen-city sync"
is "$rc" 0 "ahmed's edit of a milestone is pushed" || diag "$err"
as lucia "cairn -C ~/citizen-city sync >/dev/null && cairn -C ~/citizen-city show milestone/M4"
like "$out" "Set by ahmed" "and lucia reads it"

glog() { cat "$TMP/glhome/.gitolite/logs/"*.log 2>/dev/null; }
# The path rule: a person record is not ahmed's to change.
before=$(glog | grep -c 'DENIED')
as ahmed "cairn -C ~/citizen-city set person/bwg-1 'name=Set by ahmed' >/dev/null && cairn -C ~/citizen-city sync"
diag "the path rule: $err"
is "$rc" 6 "ahmed's push changing a person record is refused (exit 6)"
like "$err" "remote: FATAL: W VREF/NAME/persons/.* citizen-city ahmed DENIED by VREF/NAME/persons/" \
	"with gitolite's own reason, as a line of the server's"
like "$err" "Nothing is lost here" "saying nothing is lost"
unlike "$err" "kept moving|connection failed" "never a race or a dropped connection"
is "$(( $(glog | grep -c 'DENIED') - before ))" "1" "gitolite was asked once: no retry"
as ahmed "git -C ~/citizen-city log -1 --format=%s"
like "$out" "bwg-1" "the commit stays in ahmed's workbook"

# The read-only member.
before=$(glog | grep -c 'DENIED')
as lucia "cairn -C ~/citizen-city set milestone/M5 'title=Set by lucia' >/dev/null && cairn -C ~/citizen-city sync"
diag "read-only: $err"
is "$rc" 6 "lucia's push is refused (exit 6)"
like "$err" "remote: FATAL: W any citizen-city lucia DENIED by fallthru" "with gitolite's own reason, as a line of the server's"
like "$err" "ask the repository's administrator" "and whom to ask for write access"
unlike "$err" "kept moving|connection failed" "never a race or a dropped connection"
unlike "$err" '\^J' "the server's lines show as lines"
is "$(( $(glog | grep -c 'DENIED') - before ))" "1" "gitolite was asked once: no retry"

# cairn doctor, run by the read-only member, says why a push cannot go.
as lucia "cairn -C ~/citizen-city doctor"
diag "doctor, read-only: $out"
is "$rc" 1 "doctor: the read-only member's remote has a problem (exit 1)"
like "$out" "DENIED by fallthru" "naming gitolite's refusal"
as ahmed "cairn -C ~/citizen-city doctor"
is "$rc" 0 "doctor: the writer's remote is fine" || diag "$out"
like "$out" "sends $host@server:citizen-city to \\[$host@127.0.0.1:$port\\]:citizen-city" \
	"saying where ~/.ssh/config sends the alias, the path left as gitolite wants it"

# maria may change what ahmed may not.
as maria "cairn -C ~/citizen-city sync >/dev/null && cairn -C ~/citizen-city set person/bwg-1 'name=Set by maria' >/dev/null && cairn -C ~/citizen-city sync"
is "$rc" 0 "maria's push changing a person record goes through" || diag "$err"
ok_cmd "gitolite's repository is whole (git fsck)" git -c safe.directory='*' -C "$glrepos/citizen-city.git" fsck --strict

# The guard, as the section's block 4 installs it: maria, a leader, gives
# ahmed his gitolite name as login and turns the rules on; gitolite tells
# the guard who pushes (GL_USER), whatever Unix account they push from.
as maria "cairn -C ~/citizen-city set person/lead email=maria@example.org login=maria >/dev/null &&
	cairn -C ~/citizen-city set person/bwg-1 email=ahmed@example.org login=ahmed >/dev/null &&
	printf '\n[rules]\nmode = enforced\n' >> ~/citizen-city/cairn.ini && git -C ~/citizen-city commit -qam 'Rules on' &&
	cairn -C ~/citizen-city sync"
is "$rc" 0 "guard: maria turns the rules on and names the members' logins" || diag "$err"
( PATH="$TMP/bin:$PATH"; . <(here 4) ) > "$TMP/guard.log" 2>&1
is "$?" 0 "guard: block 4, the administrator's cairn guard install, runs as written" || diag "$(cat "$TMP/guard.log")"
[ -x "$glrepos/citizen-city.git/hooks/pre-receive" ] && pass "guard: the hook is in gitolite's repository" ||
	fail "guard: the hook is in gitolite's repository"
srvmain() { git -c safe.directory='*' -C "$glrepos/citizen-city.git" rev-parse main; }
# (ahmed's workbook holds the person edit gitolite refused: a fresh one.)
as ahmed "cairn clone $host@server:citizen-city ~/guarded >/dev/null && cairn -C ~/guarded set T2 'title=Interviews, by ahmed' >/dev/null && cairn -C ~/guarded sync"
is "$rc" 0 "guard: ahmed's edit of the task assigned to him is taken" || diag "$err"
before=$(srvmain)
printf '[user]\nname = ahmed\nemail = maria@example.org\n' > "$TMP/users/${unix[ahmed]}/forged-config"
chown "${unix[ahmed]}" "$TMP/users/${unix[ahmed]}/forged-config"
as ahmed "CAIRN_CONFIG=~/forged-config cairn -C ~/guarded set M4 deadline=30/06/2016 >/dev/null && cairn -C ~/guarded sync"
diag "guard: $err"
is "$rc" 6 "guard: ahmed's cairn sync moving a deadline, with maria's e-mail in his configuration, is refused (exit 6)"
like "$err" "remote: cairn guard: refused: refs/heads/main: commit [0-9a-f]{12} \\(\"[^\"]*M4[^\"]*\"\\): milestone/M4: deadline: only a leader may change it, and the pusher, ahmed, is person/bwg-1 \\(key-person\\)" \
	"naming the commit, the record, the field, the rule and gitolite's name for the pusher"
is "$(srvmain)" "$before" "the shared branch did not move"
as ahmed "git clone -q $host@server:citizen-city ~/git &&
	cd ~/git && sed -i 's/^deadline: .*/deadline: 2016-07-02/' milestones/*/M4 && git commit -qam 'M4 later' && git push -q origin main"
diag "guard, plain git: $err"
like "$err" "remote: cairn guard: refused: refs/heads/main: commit [0-9a-f]{12} \\(\"M4 later\"\\): milestone/M4: deadline: only a leader may change it, and the pusher, ahmed" \
	"guard: ahmed's plain git push is refused the same way"
is "$(srvmain)" "$before" "the shared branch did not move"
as lucia "cairn -C ~/citizen-city sync >/dev/null; git -C ~/citizen-city log -1 --format=%s origin/main"
like "$out" "T2: title" "lucia reads what the guard took, and nothing else"

# Block 5: the guard as a VREF instead (the hook taken away first).
rm -f "$glrepos/citizen-city.git/hooks/pre-receive"
( PATH="$TMP/bin:$PATH"; . <(here 5) ) > "$TMP/vref.log" 2>&1
is "$?" 0 "VREF: block 5, the administrator's, runs as written" || diag "$(cat "$TMP/vref.log")"
vrule=$(sed -n 's/.*(`\(-   VREF\/CAIRN = @all\)`.*/\1/p' "$top_srcdir/README.md")
is "$vrule" "-   VREF/CAIRN = @all" "the README names the rule maria adds"
as maria "cd ~/gitolite-admin && printf '    %s\n' '$vrule' >> conf/gitolite.conf && git commit -qam 'cairn guard as a VREF' && git push -q"
is "$rc" 0 "VREF: maria adds the rule with plain git" || diag "$err"
before=$(srvmain)
as ahmed "cd ~/git && git fetch -q && git reset -q --hard origin/main && sed -i 's/^deadline: .*/deadline: 2016-07-03/' milestones/*/M4 && git commit -qam 'M4 later again' && git push -q origin main"
diag "VREF: $err"
like "$err" "cairn guard: refused: refs/heads/main: commit [0-9a-f]{12} \\(\"M4 later again\"\\): milestone/M4: deadline: only a leader may change it, and the pusher, ahmed" \
	"VREF: gitolite runs the guard, and ahmed's plain git push is refused the same way"
is "$(srvmain)" "$before" "the shared branch did not move"
as ahmed "cairn -C ~/guarded sync >/dev/null 2>&1; git -C ~/guarded reset -q --hard origin/main; cairn -C ~/guarded set T2 'title=Interviews, again by ahmed' >/dev/null && cairn -C ~/guarded sync"
is "$rc" 0 "VREF: his edit of the task assigned to him is taken" || diag "$err"

done_testing
