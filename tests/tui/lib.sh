# What the terminal-interface tests share: tmux on a private socket, the
# demo workbook, and reading the screen.  Source it after nothing else.
#
#   open_session W H COMMAND   a fresh tmux session of W x H running COMMAND
#   keys KEY...                type (then wait KEY_DELAY seconds, 0.3)
#   screen                     what the pane shows now
#   wait_for PATTERN           up to 5 s for the screen to show it
#   shows PATTERN NAME / lacks PATTERN NAME   test points on the screen
#   reads TEXT NAME            the screen's lines, trimmed, joined with spaces, hold
#                              TEXT (a wrapped message read whole)
#   cairn_pid                  the cairn process on $wb (not its shell)
. "$(dirname "$0")/../cli/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }
SOCK="cairn-$(basename "$0" .sh)-$$"
T() { tmux -L "$SOCK" "$@"; }
wb="$TMP/demo"
trap 'pkill -9 -f "^$CAIRN -C $wb\$"; T kill-server 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT

"$CAIRN" demo "$wb" >/dev/null
# The person at the keyboard is industry-1, the evaluator of design-game.
"$CAIRN" -C "$wb" set person/industry-1 email=test@example.org >/dev/null

open_session() {
	local w=$1 h=$2 try
	T kill-server 2>/dev/null
	# A server still shutting down can refuse the next one for a moment.
	for try in 1 2 3 4 5; do
		T -f /dev/null new-session -d -s t -x "$w" -y "$h" "$3" 2>/dev/null && break
		sleep 0.3
	done
}
screen() { T capture-pane -p -t t; }
keys() { T send-keys -t t "$@"; sleep "${KEY_DELAY:-0.3}"; }
wait_for() {
	local i=0
	while [ $i -lt 50 ]; do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
shows() { if wait_for "$1"; then pass "$2"; else fail "$2" "the screen:" "$(screen)"; fi; }
lacks() { if screen | grep -qE -- "$1"; then fail "$2" "the screen:" "$(screen)"; else pass "$2"; fi; }
joined() { screen | sed 's/^ *//; s/ *$//' | tr '\n' ' '; }
reads() {
	local i=0
	while [ $i -lt 50 ]; do
		joined | grep -qF -- "$1" && { pass "$2"; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	fail "$2" "the screen:" "$(screen)"
}
cairn_pid() { pgrep -n -f "^$CAIRN -C $wb\$"; }
