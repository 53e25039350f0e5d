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

done_testing
