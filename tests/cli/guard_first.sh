#!/bin/bash
# cairn guard on the first push into an empty shared repository: there is
# no branch to judge it against, so its first commit must be cairn init's
# (its first leader, by the commit's author), its pusher that first leader
# (by login), and every later commit is judged for its author against the
# persons and rules of its parent; hostile trees are refused as on any
# push, into an open workbook too.
. "$(dirname "$0")/lib.sh"

me=$(id -un)
bare() {   # bare NAME: a new empty bare repository with the guard, its path
	git init -q --bare --initial-branch=main "$TMP/$1.git"
	"$CAIRN" guard install "$TMP/$1.git" >/dev/null
	echo "$TMP/$1.git"
}

# A fresh cairn init workbook: its first push founds the shared one.
run "$CAIRN" init "$TMP/fresh" --name group
like "$(cat "$TMP/fresh/persons/"*/test)" "login: $me" "cairn init records its maker's login with the first leader"
shared=$(bare fresh)
"$CAIRN" -C "$TMP/fresh" remote add origin "$shared" >/dev/null
run "$CAIRN" -C "$TMP/fresh" sync
is "$rc" 0 "the first cairn sync of a fresh cairn init workbook into a guarded empty repository is taken" || diag "$err"
is "$(git -C "$shared" rev-parse main 2>/dev/null)" "$(git -C "$TMP/fresh" rev-parse HEAD)" "and the shared branch is the workbook's"
"$CAIRN" -C "$TMP/fresh" add person maria name="Maria Rossi" email=maria@example.org category=other role=key-person login=maria >/dev/null
run "$CAIRN" -C "$TMP/fresh" sync
is "$rc" 0 "the next push is judged as any other, and taken" || diag "$err"
shared=$(bare plain)
out=$(git -C "$TMP/fresh" push -q "$shared" main 2>&1); rc=$?
is "$rc" 0 "a plain git push of the same history into another empty guarded repository is taken" || diag "$out"

# A history several members made before it was shared: each commit is
# judged for its author at its parent.
wb="$TMP/lead"
"$CAIRN" init "$wb" --name group >/dev/null
"$CAIRN" -C "$wb" add person maria name="Maria Rossi" email=maria@example.org category=other role=key-person login=maria >/dev/null
"$CAIRN" -C "$wb" add milestone M4 title="Evaluation of existing tools" deadline=15/04/2016 owner=test >/dev/null
"$CAIRN" -C "$wb" add task T2 title="Interviews" assignee=maria milestone=M4 >/dev/null
m4=$(cd "$wb" && ls milestones/*/M4)
t2=$(cd "$wb" && ls tasks/*/T2)
maria=$(cd "$wb" && ls persons/*/maria)
printf 'notes: Two interviews done\n' >> "$wb/$t2"
git -C "$wb" -c user.name="Maria Rossi" -c user.email=maria@example.org commit -qam "T2 notes"
good=$(git -C "$wb" rev-parse HEAD)
shared=$(bare history)
out=$(git -C "$wb" push -q "$shared" main 2>&1); rc=$?
is "$rc" 0 "a first push whose history keeps the rules is taken, a member's own task notes among it" || diag "$out"

sed -i 's/^deadline: .*/deadline: 2016-06-30/' "$wb/$m4"
git -C "$wb" -c user.name="Maria Rossi" -c user.email=maria@example.org commit -qam "M4 later"
shared=$(bare broken)
out=$(git -C "$wb" push -q "$shared" main 2>&1); rc=$?
like "$out" "remote: cairn guard: refused: refs/heads/main: commit [0-9a-f]{12} \\(\"M4 later\"\\): milestone/M4: deadline: only a leader may change it, and its author is person/maria \\(key-person\\), whose commit the pusher, $me, relays" \
	"a first push whose history breaks the rules is refused, naming the commit, the record, the field and its author"
is "$(git -C "$shared" rev-parse -q --verify main)" "" "and the empty repository stays empty"
git -C "$wb" reset -q --hard "$good"
sed -i 's/^role: .*/role: leader/' "$wb/$maria"
git -C "$wb" -c user.name="Maria Rossi" -c user.email=maria@example.org commit -qam "I lead"
sed -i 's/^deadline: .*/deadline: 2016-06-30/' "$wb/$m4"
git -C "$wb" -c user.name="Maria Rossi" -c user.email=maria@example.org commit -qam "M4 later"
out=$(git -C "$wb" push -q "$shared" main 2>&1); rc=$?
like "$out" "\\(\"I lead\"\\): person/maria: role: only a leader may change it" "a key person who made herself a leader in the history is refused there, not let on by the tip's roles"
git -C "$wb" reset -q --hard "$good"

# Who pushes first: the first leader, by login.
out=$(GL_USER=maria git -C "$wb" push -q "$shared" main 2>&1); rc=$?
like "$out" "the first push founds the shared workbook and is its first leader's, person/test, and the pusher, maria, is person/maria" "a member who is not the first leader may not found it"
out=$(GL_USER=ghost git -C "$wb" push -q "$shared" main 2>&1); rc=$?
like "$out" "the pusher, ghost, is no person of the workbook.*cairn set person/test login=ghost" "nor one who is no person, told how the first leader sets their login"
is "$(git -C "$shared" rev-parse -q --verify main)" "" "nothing was taken"

# A first commit that is not cairn init's.
mk_root() {   # mk_root DIR AUTHOR-EMAIL EXTRA-FILE: a repository whose first commit is handmade
	git init -q "$1"
	cp "$wb/cairn.ini" "$wb/.gitignore" "$1/"
	mkdir -p "$1/$(dirname "$maria")" && sed 's/^role: .*/role: leader/' "$wb/persons/"*/test > "$1/$(dirname "$maria")/test"
	[ -n "$3" ] && mkdir -p "$1/$(dirname "$3")" && cp "$wb/$3" "$1/$3"
	git -C "$1" add -A && git -C "$1" -c user.name=X -c user.email="$2" commit -qm "Start"
}
mk_root "$TMP/r1" test@example.org "$m4"
out=$(git -C "$TMP/r1" push -q "$shared" main 2>&1); rc=$?
like "$out" "\\(\"Start\"\\): a workbook's first commit is what \`cairn init\` makes: cairn.ini, .gitignore and one person, its first leader .*; $m4 is not that" \
	"a first commit holding more than cairn init's is refused, naming the file"
mk_root "$TMP/r2" other@example.org ""
out=$(git -C "$TMP/r2" push -q "$shared" main 2>&1); rc=$?
like "$out" "whose e-mail is the commit's author's; .*test is not that" "a first leader who is not the first commit's author is refused"
git -C "$TMP/r2" -c user.email=test@example.org commit -q --amend --reset-author --no-edit
run git -C "$TMP/r2" push -q "$shared" main
is "$rc" 0 "the same first commit by its first leader is taken" || diag "$err"

# Two first commits: another workbook's history merged in.
shared=$(bare tworoots)
git -C "$wb" fetch -q "$TMP/r2" main:other
git -C "$wb" merge -q --allow-unrelated-histories -s ours -m "Both" other
is "$(git -C "$wb" rev-list --max-parents=0 HEAD | wc -l)" 2 "(a history with two first commits)"
out=$(git -C "$wb" push -q "$shared" main 2>&1); rc=$?
like "$out" "a second first commit: a workbook has one history" "a history with two first commits is refused"
git -C "$wb" reset -q --hard "$good"

# Hostile trees, in an enforced and in an open workbook.
ln -s /etc/passwd "$wb/tasks/evil"
git -C "$wb" add -A && git -C "$wb" commit -qm "a link"
out=$(git -C "$wb" push -q "$shared" main 2>&1); rc=$?
like "$out" "refused: \"tasks/evil\" has mode 120000: a symbolic link" "a first push holding a link is refused"
"$CAIRN" init --open "$TMP/open" --name open >/dev/null
"$CAIRN" -C "$TMP/open" add milestone M1 title=First deadline=01/01/2016 >/dev/null
cp -P "$wb/tasks/evil" "$TMP/open/evil-link"
git -C "$TMP/open" add -A && git -C "$TMP/open" commit -qm "a link"
shared=$(bare open)
out=$(GL_USER=anyone git -C "$TMP/open" push -q "$shared" main 2>&1); rc=$?
like "$out" "refused: \"evil-link\" has mode 120000: a symbolic link" "into an open workbook too"
git -C "$TMP/open" reset -q --hard HEAD~1
out=$(GL_USER=anyone git -C "$TMP/open" push -q "$shared" main 2>&1); rc=$?
is "$rc" 0 "an open workbook's first push has no rules to meet" || diag "$out"

# A workbook made open whose rules were turned on before it was shared:
# no first commit names its founder, so the first push is a leader's.
"$CAIRN" init --open "$TMP/later" --name later >/dev/null
"$CAIRN" -C "$TMP/later" add person test name="Test Person" email=test@example.org category=other role=leader "login=$me" >/dev/null
"$CAIRN" -C "$TMP/later" add person maria name="Maria Rossi" email=maria@example.org category=other role=key-person login=maria >/dev/null
printf '\n[rules]\nmode = enforced\n' >> "$TMP/later/cairn.ini"
git -C "$TMP/later" commit -qam "Rules on"
"$CAIRN" -C "$TMP/later" add milestone M1 title=First deadline=01/01/2016 owner=maria >/dev/null
shared=$(bare later)
out=$(GL_USER=maria git -C "$TMP/later" push -q "$shared" main 2>&1); rc=$?
like "$out" "the first push founds the shared workbook and is a leader's, and the pusher, maria, is person/maria \\(key-person\\)" \
	"a workbook made open, its rules on since: a key person may not found it"
out=$(git -C "$TMP/later" push -q "$shared" main 2>&1); rc=$?
is "$rc" 0 "a leader may, its later commits judged at their parents" || diag "$out"

done_testing
