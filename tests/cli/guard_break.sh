#!/bin/bash
# cairn guard, attacked: what a hostile member with plain git tried
# against a guarded shared repository, each refused whole.
. "$(dirname "$0")/lib.sh"

guard_group
git clone -q "$shared" "$TMP/m"
git -C "$TMP/m" config user.name "Maria Rossi"
git -C "$TMP/m" config user.email maria@example.org
m4=$(cd "$TMP/m" && ls milestones/*/M4)
mp=$(cd "$TMP/m" && ls persons/*/maria)

push() { out=$(GL_USER=$1 git -C "$TMP/m" push -q "${@:2}" origin main 2>&1); rc=$?; }
reset() { git -C "$TMP/m" fetch -q origin && git -C "$TMP/m" reset -q --hard origin/main && git -C "$TMP/m" clean -qfdx; }

# The leader moves M4's deadline (allowed); the old commit is still there.
old=$(git -C "$shared" rev-parse main)
"$CAIRN" -C "$wb" set M4 deadline=30/04/2016 >/dev/null
"$CAIRN" -C "$wb" sync >/dev/null 2>&1
reset
moved=$(git -C "$shared" rev-parse main)

# A force-push back to the commit before: the leader's change undone,
# with no new commit for the walk to judge.
git -C "$TMP/m" reset -q --hard "$old"
push maria --force
is "$(git -C "$shared" rev-parse main)" "$moved" "a key person's force-push back to an old commit does not undo the leader's deadline" || diag "$out"
like "$out" "refs/heads/main: the push drops commits the shared branch holds \\(it is no fast-forward\\): only a leader may rewrite it; the pusher, maria, is key-person" "saying so"
reset

# Her own login to another's name at the server.
sed -i 's/^login: .*/login: ghost/' "$TMP/m/$mp"
git -C "$TMP/m" commit -qam "my login"
push maria
is "$(git -C "$shared" rev-parse main)" "$moved" "a key person may not change her own login (the leader gives it)" || diag "$out"
like "$out" "person/maria: login: only a leader may change it" "saying so"
reset


# An octopus merge that takes the deadline back from an old commit: a
# value one parent holds, the merge base of the first two has not.
"$CAIRN" -C "$wb" set T2 title="Interviews, round one" >/dev/null
"$CAIRN" -C "$wb" sync >/dev/null 2>&1
reset
now=$(git -C "$shared" rev-parse main)
git -C "$TMP/m" show "$old:$m4" > "$TMP/m/$m4"
git -C "$TMP/m" add -A
tree=$(git -C "$TMP/m" write-tree)
octo=$(git -C "$TMP/m" commit-tree -p "$now" -p "$moved" -p "$old" -m "merge" "$tree")
git -C "$TMP/m" reset -q --hard "$octo"
push maria
is "$(git -C "$shared" rev-parse main)" "$now" "an octopus merge may not bring an old deadline back" || diag "$out"
like "$out" "milestone/M4: deadline: only a leader may change it" "saying which field"
reset
# The same with two parents, the old one second.
git -C "$TMP/m" show "$old:$m4" > "$TMP/m/$m4"
git -C "$TMP/m" add -A
tree=$(git -C "$TMP/m" write-tree)
git -C "$TMP/m" reset -q --hard "$(git -C "$TMP/m" commit-tree -p "$now" -p "$old" -m "merge" "$tree")"
push maria
is "$(git -C "$shared" rev-parse main)" "$now" "nor a merge with an old commit" || diag "$out"
reset

# A pusher who is no person, with no record in the push.
now=$(git -C "$shared" rev-parse main)
echo "mine now" > "$TMP/m/NOTES.txt"
git -C "$TMP/m" add -A && git -C "$TMP/m" -c user.email=test@example.org commit -qm "the leader's notes"
push ghost
is "$(git -C "$shared" rev-parse main)" "$now" "a pusher who is no person pushes nothing, not even a file no record is" || diag "$out"
like "$out" "the pusher, ghost, is no person of the workbook" "saying so"
reset

# A record moved to another shard of its folder; a person removed.
t2=$(cd "$TMP/m" && ls tasks/*/T2)
mkdir -p "$TMP/m/tasks/00" && git -C "$TMP/m" mv "$t2" tasks/00/T2
git -C "$TMP/m" commit -qm "moved"
push maria
is "$(git -C "$shared" rev-parse main)" "$now" "a task moved to another shard is refused" || diag "$out"
reset
tp=$(cd "$TMP/m" && ls persons/*/test)
git -C "$TMP/m" rm -q "$tp" && git -C "$TMP/m" commit -qm "no leader"
push maria
is "$(git -C "$shared" rev-parse main)" "$now" "a key person may not remove the leader's person file" || diag "$out"
reset
# A second person file for the leader, in other case, or a settings file
# spelled otherwise.
sed 's/^role: .*/role: leader/' "$TMP/m/$mp" > "$TMP/m/$(dirname "$mp")/Maria"
git -C "$TMP/m" add -A && git -C "$TMP/m" commit -qm "Maria"
push maria
is "$(git -C "$shared" rev-parse main)" "$now" "a person file in another case is refused" || diag "$out"
reset
mkdir -p "$TMP/m/Persons/61" && sed 's/^role: .*/role: leader/' "$TMP/m/$mp" > "$TMP/m/Persons/61/maria"
git -C "$TMP/m" add -A && git -C "$TMP/m" commit -qm "Persons"
push maria
is "$(git -C "$shared" rev-parse main)" "$now" "a Persons folder is refused" || diag "$out"
reset
# A submodule (a gitlink) in a record folder.
root=$({ git -C "$TMP/m" ls-tree HEAD | grep -v 'tasks$'; printf '040000 tree %s\ttasks\n' "$({ git -C "$TMP/m" ls-tree HEAD:tasks; printf '160000 commit %s\tsub\n' "$now"; } | git -C "$TMP/m" mktree)"; } | git -C "$TMP/m" mktree)
git -C "$TMP/m" reset -q --soft "$(git -C "$TMP/m" commit-tree -p HEAD -m "a gitlink" "$root")"
push maria
is "$(git -C "$shared" rev-parse main)" "$now" "a gitlink in a record folder is refused" || diag "$out"
reset

# Tags and other branches: a key person's tag pointing at a link, a side
# branch of her own, a ref outside refs/heads.
ln -s /etc/passwd "$TMP/m/tasks/evil"
git -C "$TMP/m" add -A && git -C "$TMP/m" commit -qm "a link"
git -C "$TMP/m" tag evil
out=$(GL_USER=maria git -C "$TMP/m" push -q origin evil 2>&1)
is "$(git -C "$shared" tag)" "" "a key person may not push a tag (here on a link)" || diag "$out"
like "$out" "refs/tags/evil: only a leader may push a branch other than main, a tag or another ref" "saying so"
out=$(GL_USER=maria git -C "$TMP/m" push -q origin HEAD:refs/notes/x HEAD:refs/heads/side 2>&1)
is "$(git -C "$shared" for-each-ref --format='%(refname)' | grep -v refs/heads/main)" "" "nor another branch or ref" || diag "$out"
git -C "$TMP/m" tag -d evil >/dev/null
reset

# Legitimate work is never blocked: maria (cairn, her own identity)
# and the leader change one task at once; each sync merges the other's.
printf '[user]\nname = Maria Rossi\nemail = maria@example.org\n' > "$TMP/maria.ini"
"$CAIRN" -C "$wb" sync >/dev/null 2>&1
CAIRN_CONFIG="$TMP/maria.ini" "$CAIRN" clone "$shared" "$TMP/mc" >/dev/null 2>&1
mc() { CAIRN_CONFIG="$TMP/maria.ini" GL_USER=maria "$CAIRN" -C "$TMP/mc" "$@"; }
run mc set T2 "notes=Round one booked"
is "$rc" 0 "the assignee writes her task's notes" || diag "$err"
run "$CAIRN" -C "$wb" set T2 "title=Interviews (WP2)"
run "$CAIRN" -C "$wb" sync
is "$rc" 0 "the leader syncs first" || diag "$err"
run mc sync
is "$rc" 0 "maria's sync merges the leader's title and pushes her notes over it" || diag "$err"
run "$CAIRN" -C "$wb" set M4 "title=Evaluation of tools"
run mc set T2 "notes=Round one done"
run mc sync
is "$rc" 0 "she syncs first this time" || diag "$err"
run "$CAIRN" -C "$wb" sync
is "$rc" 0 "the leader's sync merges hers and pushes the merge" || diag "$err"
run mc sync
is "$rc" 0 "and hers after it (a fast-forward)" || diag "$err"
is "$("$CAIRN" -C "$TMP/mc" show T2 | grep -c 'Round one done\|Interviews (WP2)')" 2 "both changes held"
reset

# And locally, maria with cairn: her login, the leader's e-mail, her role,
# M4's deadline by a hand edit, by import.
mh=$(git -C "$TMP/mc" rev-parse HEAD)
run mc set person/maria login=test
is "$rc" 1 "locally a key person may not change her login" || diag "$out"
like "$err" "person/maria: login: only a leader may change it" "saying who may"
run mc set person/maria email=test@example.org
is "$rc" 1 "nor take the leader's e-mail"
run mc set person/maria role=leader
is "$rc" 1 "nor make herself a leader"
sed -i 's/^deadline: .*/deadline: 2016-06-30/' "$TMP/mc/$m4"
run mc commit
is "$rc" 1 "nor commit a hand edit of M4's deadline" || diag "$out"
git -C "$TMP/mc" checkout -q -- "$m4"
printf '[{"kind":"person","id":"maria","fields":{"role":"leader"}}]\n' > "$TMP/me.json"
run mc import json "$TMP/me.json"
is "$rc" 1 "nor import herself a leader" || diag "$err"
like "$err" "person/maria: role: only a leader" "saying so"
is "$(git -C "$TMP/mc" rev-parse HEAD)" "$mh" "nothing was saved"

# Into an empty guarded repository, before main: a tag, another branch.
git init -q --bare --initial-branch=main "$TMP/empty.git"
"$CAIRN" guard install "$TMP/empty.git" >/dev/null
git -C "$TMP/m" tag evil2
out=$(GL_USER=ghost git -C "$TMP/m" push -q "$TMP/empty.git" evil2 HEAD:refs/heads/side 2>&1)
is "$(git -C "$TMP/empty.git" for-each-ref --format='%(refname)')" "" "nothing is pushed into an empty repository before main (a tag, a branch)" || diag "$out"
like "$out" "refs/tags/evil2: the repository has no branch main yet" "saying so"
git -C "$TMP/m" tag -d evil2 >/dev/null

# The top .gitignore (the one hidden file that comes in) told to hide
# every record.
now=$(git -C "$shared" rev-parse main)
printf '*\n' >> "$TMP/m/.gitignore"
git -C "$TMP/m" commit -qam "ignore all"
push maria
is "$(git -C "$shared" rev-parse main)" "$now" "a key person may not change .gitignore" || diag "$out"
like "$out" "\\.gitignore: what git hides in the workbook is a leader's to change, and the pusher, person/maria, is key-person" "saying so"
reset

# The Citizen City evaluations, by the leader, with each member's login.
"$CAIRN" -C "$(demo_workbook)" ls --json > "$TMP/demo.json"
"$CAIRN" -C "$wb" import json "$TMP/demo.json" >/dev/null
for p in bwg-1 bwg-2 eip-1 eip-2 city-1 industry-1 ec-1; do
	"$CAIRN" -C "$wb" set "person/$p" "email=$p@example.org" "login=$p" >/dev/null
done
"$CAIRN" -C "$wb" sync >/dev/null 2>&1
git clone -q "$shared" "$TMP/e"
git -C "$TMP/e" config user.name "E"
pushas() {   # pushas LOGIN: commit all in $TMP/e as LOGIN's e-mail, push as LOGIN
	git -C "$TMP/e" -c user.email="$1@example.org" commit -qam "$2"
	out=$(GL_USER=$1 git -C "$TMP/e" push -q origin main 2>&1); rc=$?
	git -C "$TMP/e" fetch -q origin && git -C "$TMP/e" reset -q --hard origin/main
}
ev() { (cd "$TMP/e" && ls evaluations/*/"$1"); }
held() {   # held NAME: the last push was refused, and took nothing
	is "$(git -C "$shared" rev-parse main)" "$tip" "$1" || diag "$out"
}
taken() { isnt_tip=$(git -C "$shared" rev-parse main); is "$rc:$([ "$isnt_tip" != "$tip" ] && echo moved)" "0:moved" "$1" || diag "$out"; tip=$isnt_tip; }
tip=$(git -C "$shared" rev-parse main)

# Its evaluator validates her own draft with plain git.
sed -i 's/^status: .*/status: validated/' "$TMP/e/$(ev fixmystreet/eip-1)"
pushas eip-1 "validated by myself"
held "an evaluator may not set her draft validated herself"
like "$out" "evaluation/fixmystreet/eip-1: status: only the workflow's steps may change it" "saying who may"
# ... nor her submitted one.
sed -i 's/^status: .*/status: validated/' "$TMP/e/$(ev transformcity/bwg-1)"
pushas bwg-1 "validated by myself"
held "an evaluator may not validate her own submitted evaluation"
# ... nor mark it a good practice (a leader's step).
printf 'good_practice: yes\n' >> "$TMP/e/$(ev fixmystreet/eip-1)"
pushas eip-1 "a good practice"
held "an evaluator may not mark her evaluation a good practice"
# ... nor wipe the comments on it (a step only adds a line).
sed -i '/^comments:/d' "$TMP/e/$(ev decidim/city-1)"
pushas city-1 "no comments"
held "an evaluator (not a leader) may not wipe the comments on her evaluation"
# A validator may not validate what is not submitted.
sed -i 's/^status: .*/status: validated/' "$TMP/e/$(ev fixmystreet/eip-2)"
pushas bwg-1 "validated early"
held "a validator may not validate an evaluation its evaluator has not submitted"
# A validator changes the score; an evaluator names her own validator.
sed -i 's/^answer.sustainability: .*/answer.sustainability: 1/' "$TMP/e/$(ev transformcity/bwg-1)"
pushas eip-1 "the score"
held "a validator may not change the evaluator's score"
like "$out" "answer.sustainability: only its evaluator" "saying whose it is"
sed -i 's/^validator: .*/validator: city-1/' "$TMP/e/$(ev transformcity/bwg-1)"
pushas bwg-1 "my validator"
held "an evaluator may not choose her validator"

# What the steps do, with plain git, is taken: its evaluator submits,
# its validator validates, returns with a comment line, the evaluator
# starts her assigned one.
sed -i 's/^status: .*/status: submitted/' "$TMP/e/$(ev fixmystreet/eip-1)"
pushas eip-1 "submit"
taken "its evaluator submits her draft"
sed -i 's/^status: .*/status: validated/' "$TMP/e/$(ev fixmystreet/eip-1)"
printf 'validated_answers: 0123456789abcdef0123456789abcdef01234567\n' >> "$TMP/e/$(ev fixmystreet/eip-1)"
pushas bwg-2 "validate"
taken "its validator validates it"
sed -i 's/^status: .*/status: returned/; /^validated_answers:/d' "$TMP/e/$(ev fixmystreet/eip-1)"
printf 'comments: 2016-03-21 bwg-2: one more source, please\n' >> "$TMP/e/$(ev fixmystreet/eip-1)"
pushas bwg-2 "return"
taken "and returns it with a comment"
sed -i 's/^status: .*/status: draft/' "$TMP/e/$(ev design-game/industry-1)"
printf 'answer.excluded: no\n' >> "$TMP/e/$(ev design-game/industry-1)"
pushas industry-1 "start"
taken "an evaluator starts her assigned evaluation"


# The workflow's steps with cairn itself, each member by their login,
# through the guard: the evaluator answers and submits, the validator
# validates with a comment, the leader marks it, the validator returns it.
member() {   # member ID: cairn in ID's own workbook, as ID
	local id=$1; shift
	[ -d "$TMP/w-$id" ] || {
		printf '[user]\nname = %s\nemail = %s@example.org\n' "$id" "$id" > "$TMP/$id.ini"
		CAIRN_CONFIG="$TMP/$id.ini" "$CAIRN" clone "$shared" "$TMP/w-$id" >/dev/null 2>&1
	}
	CAIRN_CONFIG="$TMP/$id.ini" GL_USER=$id "$CAIRN" -C "$TMP/w-$id" "$@"
}
E=evaluation/transformcity/bwg-1
run member eip-1 validate $E --comment "Good sources"
is "$rc" 0 "its validator validates it with a comment" || diag "$err"
run member eip-1 sync
is "$rc" 0 "his sync passes the guard" || diag "$err"
"$CAIRN" -C "$wb" sync >/dev/null 2>&1
run "$CAIRN" -C "$wb" mark $E good-practice
run "$CAIRN" -C "$wb" sync
is "$rc" 0 "the leader marks it and syncs" || diag "$err"
member eip-1 sync >/dev/null 2>&1
run member eip-1 return $E --comment "One figure is off"
is "$rc" 0 "the validator returns it" || diag "$err"
run member eip-1 sync
is "$rc" 0 "through the guard" || diag "$err"
member bwg-1 sync >/dev/null 2>&1
run member bwg-1 set $E "answer.participants=1500"
is "$rc" 0 "its evaluator mends the answer" || diag "$err"
run member bwg-1 submit $E
is "$rc" 0 "and submits it again" || diag "$err"
run member bwg-1 sync
is "$rc" 0 "her sync passes the guard" || diag "$err"
run member eip-1 sync
is "$rc" 0 "and the validator's sync takes it" || diag "$err"
like "$(member eip-1 show $E)" "status +submitted" "submitted again"

"$CAIRN" -C "$wb" sync >/dev/null 2>&1
unlike "$("$CAIRN" -C "$wb" log $E)" "! authorship" "cairn log flags none of the steps"

done_testing
