# A private sshd on 127.0.0.1 for one test or benchmark.  Source it, then
#   sshd_prepare DIR [CONFIG-LINE...]
#       makes DIR and the server's host key (DIR/host_ed25519), picks a
#       free port above 20000 into $port, and writes DIR/sshd_config: the
#       keys DIR/authorized_keys holds (the caller fills it), no PAM, no
#       passwords, the log in DIR/log, and any further lines given;
#   sshd_start    starts it, sets $sshd_pid and waits until it listens
#                 (1, with its log on stderr, when it does not);
#   sshd_stop     stops it by its PID.
SSHD=${SSHD:-$(command -v sshd || echo /usr/sbin/sshd)}
sshd_pid=""

sshd_prepare() {
	local srv=$1
	shift
	mkdir -p "$srv"
	[ "$(id -u)" -eq 0 ] && mkdir -p /run/sshd && chmod 755 /run/sshd
	ssh-keygen -q -t ed25519 -N '' -C host -f "$srv/host_ed25519" </dev/null
	port=$(python3 -c 'import random, socket
while True:
    p = random.randint(20001, 60000); s = socket.socket()
    try: s.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass')
	{
		cat <<CFG
Port $port
ListenAddress 127.0.0.1
HostKey $srv/host_ed25519
AuthorizedKeysFile $srv/authorized_keys
PidFile $srv/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
CFG
		[ $# -eq 0 ] || printf '%s\n' "$@"
	} > "$srv/sshd_config"
	sshd_dir=$srv
}

sshd_start() {
	"$SSHD" -D -f "$sshd_dir/sshd_config" -E "$sshd_dir/log" &
	sshd_pid=$!
	for _ in $(seq 100); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "sshd did not start:" >&2
	cat "$sshd_dir/log" >&2
	return 1
}

sshd_stop() {
	[ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null
	[ -n "$sshd_pid" ] && wait "$sshd_pid" 2>/dev/null
	sshd_pid=""
}
