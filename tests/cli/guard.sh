#!/bin/bash
# cairn guard: the rules at a shared bare repository on this machine, as
# its pre-receive hook.  Plain git pushes from members meet it; a push
# with one refused commit is refused whole; cairn sync meets it too.
. "$(dirname "$0")/lib.sh"

guard_group

run "$CAIRN" guard install "$TMP/lead"
is "$rc" 1 "guard install refuses a folder that is not a bare repository"
run "$CAIRN" guard install "$shared"
is "$rc" 0 "cairn guard install BARE-REPO"
ok_cmd "the hook is there and runs this cairn" grep -q "'$CAIRN' guard" "$shared/hooks/pre-receive"
run "$CAIRN" guard install "$shared"
is "$rc" 0 "installing again is fine"
git init -q --bare "$TMP/other.git"
printf '#!/bin/sh\nexit 0\n' > "$TMP/other.git/hooks/pre-receive"
run "$CAIRN" guard install "$TMP/other.git"
is "$rc" 1 "another program's hook is left alone"
like "$err" "is another program's hook: move it aside" "and the message says what to do"

# maria works with plain git.
git clone -q "$shared" "$TMP/m"
git -C "$TMP/m" config user.name "Maria Rossi"
git -C "$TMP/m" config user.email maria@example.org
m4=$(cd "$TMP/m" && ls milestones/*/M4)
t2=$(cd "$TMP/m" && ls tasks/*/T2)
before=$(git -C "$shared" rev-parse main)

sed -i 's/^deadline: .*/deadline: 2016-06-30/' "$TMP/m/$m4"
git -C "$TMP/m" commit -qam "M4 later"
out=$(GL_USER=maria git -C "$TMP/m" push -q origin main 2>&1); rc=$?
is "$([ "$rc" -ne 0 ] && echo refused)" "refused" "a key person's plain git push moving M4's deadline is refused"
like "$out" "remote: cairn guard: refused: refs/heads/main: commit [0-9a-f]{12} \\(\"M4 later\"\\): milestone/M4: deadline: only a leader may change it, and the pusher, maria, is person/maria \\(key-person\\)" "naming the commit, the record, the field and the rule"
is "$(git -C "$shared" rev-parse main)" "$before" "the shared branch did not move"
said=$(grep '^remote: cairn guard: refused:' "$top_srcdir/README.md")
got=$(printf '%s\n' "$out" | grep '^remote: cairn guard' | sed -E 's/ +$//; s/commit [0-9a-f]{12}/commit 1a2b3c4d5e6f/')
is "$got" "$said" "as the README shows it"

# A push that mixes an allowed commit and a refused one is refused whole.
git -C "$TMP/m" reset -q --hard origin/main
printf 'notes: Two interviews done\n' >> "$TMP/m/$t2"
git -C "$TMP/m" commit -qam "T2 notes"
sed -i 's/^deadline: .*/deadline: 2016-06-30/' "$TMP/m/$m4"
git -C "$TMP/m" commit -qam "M4 later"
out=$(GL_USER=maria git -C "$TMP/m" push -q origin main 2>&1); rc=$?
like "$out" "M4 later" "a push with one refused commit among allowed ones is refused"
is "$(git -C "$shared" rev-parse main)" "$before" "whole: nothing of it is taken"

git -C "$TMP/m" reset -q --hard HEAD~1
out=$(GL_USER=maria git -C "$TMP/m" push -q origin main 2>&1); rc=$?
is "$rc" 0 "the assignee's own task notes are taken"

# The pusher who maps to no person.
sed -i 's/^notes: .*/notes: Three interviews done/' "$TMP/m/$t2"
git -C "$TMP/m" commit -qam "T2 three"
out=$(GL_USER=ghost git -C "$TMP/m" push -q origin main 2>&1); rc=$?
like "$out" "the pusher, ghost, is no person of the workbook \\(no person has login: ghost\\)" "a pusher who maps to nobody is refused"
out=$(REMOTE_USER=maria git -C "$TMP/m" push -q origin main 2>&1); rc=$?
is "$rc" 0 "REMOTE_USER names the pusher too"

# A key person may not turn the rules off.
sed -i 's/^mode = enforced/mode = open/' "$TMP/m/cairn.ini"
git -C "$TMP/m" commit -qam "No rules"
out=$(GL_USER=maria git -C "$TMP/m" push -q origin main 2>&1); rc=$?
like "$out" "cairn.ini: the workbook's settings \\(its rules among them\\) are a leader's" "nor turn the rules off"
git -C "$TMP/m" reset -q --hard origin/main

# The leader, by the Unix user, through cairn sync.
"$CAIRN" -C "$wb" sync >/dev/null 2>&1
run "$CAIRN" -C "$wb" set M4 deadline=30/04/2016
run "$CAIRN" -C "$wb" sync
is "$rc" 0 "the leader's cairn sync (the Unix user) passes the guard"
is "$(git -C "$shared" rev-parse main)" "$(git -C "$wb" rev-parse HEAD)" "and the shared branch has it"

# The workbook's own, tighter rule holds at the shared repository too.
printf 'task.* = leader\n' >> "$wb/cairn.ini"
git -C "$wb" commit -qam "Only leaders change tasks"
run "$CAIRN" -C "$wb" sync
is "$rc" 0 "the leader pushes a rule of the workbook's own" || diag "$err"
git -C "$TMP/m" pull -q --no-rebase origin main 2>/dev/null || { git -C "$TMP/m" fetch -q origin; git -C "$TMP/m" reset -q --hard origin/main; }
sed -i 's/^notes: .*/notes: Four interviews done/' "$TMP/m/$t2"
git -C "$TMP/m" commit -qam "T2 four"
out=$(GL_USER=maria git -C "$TMP/m" push -q origin main 2>&1); rc=$?
like "$out" "task/T2: notes: only a leader may change it, and the pusher, maria, is person/maria" "the guard holds the assignee to it"
printf 'task.* = boss\n' >> "$wb/cairn.ini"
git -C "$wb" commit -qam "A typo"
run "$CAIRN" -C "$wb" sync
like "$err" "cairn.ini: \\[rules\\] task.\\*: who may is some of" "a rule that cannot be read is not taken, even from a leader"

# As git's update hook (REF OLD NEW on the command line), one ref at a time.
git -C "$TMP/m" fetch -q origin && git -C "$TMP/m" reset -q --hard origin/main
git init -q --bare --initial-branch=main "$TMP/upd.git"
git -C "$TMP/upd.git" fetch -q "$shared" main:main
printf '#!/bin/sh\nexec %s guard "$@"\n' "'$CAIRN'" > "$TMP/upd.git/hooks/update"
chmod 755 "$TMP/upd.git/hooks/update"
sed -i 's/^deadline: .*/deadline: 2016-06-30/' "$TMP/m/$m4"
git -C "$TMP/m" commit -qam "M4 later"
out=$(GL_USER=maria git -C "$TMP/m" push -q "$TMP/upd.git" main 2>&1); rc=$?
like "$out" "remote: cairn guard: refused: refs/heads/main: commit [0-9a-f]{12} \\(\"M4 later\"\\): milestone/M4: deadline: only a leader" "as an update hook (cairn guard REF OLD NEW), the same refusal"
is "$(git -C "$TMP/upd.git" rev-parse main)" "$(git -C "$shared" rev-parse main)" "and the branch did not move"

# Relaying: a leader pushes commits a member made (fetched from her
# workbook, not yet shared), each judged for its author; a member pushes
# only her own, until the shared branch holds the others'.
git -C "$TMP/m" fetch -q origin && git -C "$TMP/m" reset -q --hard origin/main
git clone -q "$shared" "$TMP/l"
git -C "$TMP/l" config user.name "Test Person"
git -C "$TMP/l" config user.email test@example.org
mp=$(cd "$TMP/m" && ls persons/*/maria)
sed -i 's/^name: .*/name: Maria R. Rossi/' "$TMP/m/$mp"
git -C "$TMP/m" commit -qam "My name"
git -C "$TMP/l" pull -q --ff-only "$TMP/m" main
out=$(git -C "$TMP/l" push -q origin main 2>&1); rc=$?
is "$rc" 0 "a leader relays a member's commit that is hers to make" || diag "$out"
is "$(git -C "$shared" log -1 --format=%ae main)" "maria@example.org" "and the shared branch has it in her name"
sed -i 's/^notes: .*/notes: Five interviews done/' "$TMP/m/$t2"
git -C "$TMP/m" commit -qam "T2 five"
git -C "$TMP/l" pull -q --ff-only "$TMP/m" main
before=$(git -C "$shared" rev-parse main)
out=$(git -C "$TMP/l" push -q origin main 2>&1); rc=$?
like "$out" "\\(\"T2 five\"\\): task/T2: notes: only a leader may change it, and its author is person/maria \\(key-person\\), whose commit the pusher, $me, relays" \
	"a relayed commit its author may not make is refused, for its author, even from a leader"
is "$(git -C "$shared" rev-parse main)" "$before" "and nothing is taken"
git -C "$TMP/l" reset -q --hard origin/main
git -C "$TMP/m" reset -q --hard origin/main
# (A change she may make herself: what is refused is the name it is in.)
sed -i 's/^name: .*/name: Maria Rossi (WP2)/' "$TMP/l/$mp"
git -C "$TMP/l" commit -qam "Maria's name"
git -C "$TMP/m" pull -q --ff-only "$TMP/l" main
out=$(GL_USER=maria git -C "$TMP/m" push -q origin main 2>&1); rc=$?
like "$out" "\\(\"Maria's name\"\\): its author is person/test \\(test@example.org\\), and the pusher, maria, is person/maria: push commits made in your own name.*only a leader relays another member's commits" \
	"a member may not push another member's commit the shared branch does not hold"
out=$(git -C "$TMP/l" push -q origin main 2>&1); rc=$?
is "$rc" 0 "(its author pushes it)"
sed -i 's/^name: .*/name: Maria Rossi/' "$TMP/m/$mp"
git -C "$TMP/m" commit -qam "My name again"
out=$(GL_USER=maria git -C "$TMP/m" push -q origin main 2>&1); rc=$?
is "$rc" 0 "once the shared branch holds it, her push over it is taken: what a peer pushed never blocks her" || diag "$out"

done_testing
