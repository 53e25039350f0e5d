#!/bin/bash
# One whole story in a real terminal: a key person opens the demo, fills in
# the evaluation of the tool assigned to them question by question, submits
# it; the validator opens cairn as themselves and validates it; the
# dashboard's counts move and git log shows who did what.
. "$(dirname "$0")/lib.sh"

"$CAIRN" -C "$wb" set person/city-1 email=city@example.org >/dev/null
validator_config="$TMP/validator-config"
printf '[user]\nname = Carla Città\nemail = city@example.org\n' > "$validator_config"
# Long answers are written by an "editor" that writes a sentence.
printf '#!/bin/sh\necho "Workshops in every district, with minutes published." > "$1"\n' > "$TMP/editor"
chmod +x "$TMP/editor"

quit_cairn() {
	keys Escape Escape Q
	wait_for "cairn exited" >/dev/null
}
start_as() {   # config
	open_session 120 40 \
		"env TERM=tmux-256color CAIRN_CONFIG='$1' EDITOR='$TMP/editor' '$CAIRN' -C '$wb'; echo \"cairn exited \$?\"; sleep 30"
	wait_for "\? help" >/dev/null
}

start_as "$CAIRN_CONFIG"
shows "all +2 +1 +1 +1 +1$" "the dashboard counts the evaluations"
keys 6 / d e s i g n Enter Enter
shows "evaluation/design-game/industry-1" "the key person opens the evaluation assigned to them"

# Submit; while required answers are missing, answer the one the cursor
# was taken to, the way its type asks.
answered=0
for _ in $(seq 1 20); do
	keys S
	sleep 0.3
	if screen | grep -q "status assigned -> submitted\|status draft -> submitted"; then
		break
	fi
	selected=$(screen | grep '^> ' | head -1)
	case $selected in
	*"[yes/no]"*) keys e ;;
	*"[long text]"*) keys e; sleep 0.5 ;;
	*"[multiple choice]"*|*"[single choice]"*) keys e C-u 1 Enter ;;
	*"[scale 1-5]"*) keys e C-u 4 Enter ;;
	*"[percentage]"*) keys e C-u 35 Enter ;;
	*"[number]"*) keys e C-u 120 Enter ;;
	*"[date]"*) keys e C-u 01/03/2016 Enter ;;
	*) keys e C-u "The city's participation office" Enter ;;
	esac
	answered=$((answered + 1))
done
diag "answered $answered questions through the form"
[ "$answered" -ge 9 ] && pass "each required question was reached by submit and answered ($answered)" ||
	fail "each required question was reached by submit and answered" "only $answered"
shows "saved .*status (assigned|draft) -> submitted" "then submit goes through"
run "$CAIRN" -C "$wb" show evaluation/design-game/industry-1 --json
like "$out" '"status": "submitted"' "the evaluation is submitted"
like "$out" '"missing_required": 0' "with every required answer"
keys V
shows "only its validator \(city-1\)" "the evaluator cannot validate it"
keys q q 1
shows "all +1 +1 +2 +1 +1$" "the dashboard counts moved"
quit_cairn

# The validator, as themselves.
start_as "$validator_config"
keys 6 / d e s i g n Enter Enter
shows "evaluation/design-game/industry-1" "the validator opens it"
keys V
shows "saved .*status submitted -> validated" "and validates it"
keys q q 1
shows "all +1 +1 +1 +1 +2$" "the dashboard shows one more validated"
quit_cairn

# History: who did what, in plain git.
log=$(git -C "$wb" log --format='%an|%s' -- evaluations/)
like "$log" "^Carla Città\|design-game/industry-1: status submitted -> validated" "the validation is a commit by the validator"
like "$log" "Test Person\|design-game/industry-1: status (assigned|draft) -> submitted" "the submission is a commit by the key person"
is "$(echo "$log" | grep -c '^Test Person|design-game/industry-1: .*answer\.')" "$answered" \
	"every answer is a commit of its own by the key person"
ok_cmd "git fsck is clean" git -C "$wb" fsck --no-dangling
is "$(git -C "$wb" status --porcelain)" "" "git status is clean"
done_testing
