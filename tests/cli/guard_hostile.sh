#!/bin/bash
# cairn guard against what a member with plain git can push: trees that
# would harm a peer (a link, .git, a name that is no UTF-8, a folder 200
# deep, a file over 100 MiB), a huge record, thousands of commits, a
# commit in another person's name, a record moved to another kind's
# folder, the persons or the settings removed, a merge that slips in a
# change of its own.  Each is refused whole with a message naming what,
# or taken, in bounded time and memory.
. "$(dirname "$0")/lib.sh"

guard_group
"$CAIRN" guard install "$shared" >/dev/null

git clone -q "$shared" "$TMP/m"
git -C "$TMP/m" config user.name "Maria Rossi"
git -C "$TMP/m" config user.email maria@example.org
m4=$(cd "$TMP/m" && ls milestones/*/M4)
t2=$(cd "$TMP/m" && ls tasks/*/T2)
start=$(git -C "$shared" rev-parse main)

# push AS: maria's clone pushed as that gitolite user; $out, $rc; then the
# clone is put back where the shared branch is.
push() {
	out=$(GL_USER=$1 git -C "$TMP/m" push -q origin main 2>&1); rc=$?
}
reset() { git -C "$TMP/m" fetch -q origin && git -C "$TMP/m" reset -q --hard origin/main && git -C "$TMP/m" clean -qfdx; }
refused() {   # refused NAME PATTERN: the last push was refused, saying PATTERN, and took nothing
	local name=$1 pattern=$2
	like "$out" "remote: cairn guard: refused: refs/heads/main: .*$pattern" "$name: refused, saying so"
	is "$(git -C "$shared" rev-parse main)" "$(git -C "$TMP/m" rev-parse origin/main)" "$name: the shared branch did not move"
	reset
}

# A link in a record folder.
ln -s /etc/passwd "$TMP/m/tasks/evil"
git -C "$TMP/m" add -A && git -C "$TMP/m" commit -qm "a link"
push maria
refused "a link" "commit [0-9a-f]{12} refused: \"tasks/evil\" has mode 120000: a symbolic link"

# .git in another spelling, in a folder of the group's.
# (git will not add it: the trees are made by hand.)
blob=$(echo x | git -C "$TMP/m" hash-object -w --stdin)
dotgit=$(printf '100644 blob %s\tconfig\n' "$blob" | git -C "$TMP/m" mktree)
docs=$(printf '040000 tree %s\t.GIT\n' "$dotgit" | git -C "$TMP/m" mktree)
root=$({ git -C "$TMP/m" ls-tree HEAD; printf '040000 tree %s\tdocs\n' "$docs"; } | git -C "$TMP/m" mktree)
git -C "$TMP/m" reset -q --soft "$(git -C "$TMP/m" commit-tree -p HEAD -m "dot git" "$root")"
push maria
refused ".GIT" "commit [0-9a-f]{12} refused: \"docs/.GIT\""

# A name that is no UTF-8: refused, and the byte never reaches the pusher.
name=$(printf 'notes-\377\376.txt')
echo x > "$TMP/m/$name"
git -C "$TMP/m" add -A && git -C "$TMP/m" commit -qm "a name of bytes"
push maria
is "$(printf '%s' "$out" | LC_ALL=C grep -c "$(printf '\377')")" "0" "a name that is no UTF-8: no raw byte of it in the message"
refused "a name that is no UTF-8" "commit [0-9a-f]{12} refused: \"[^\"]*notes-"

# A folder 200 deep.
deep="$TMP/m/docs"
for _ in $(seq 200); do deep="$deep/d"; done
mkdir -p "$deep" && echo x > "$deep/leaf"
git -C "$TMP/m" add -A && git -C "$TMP/m" commit -qm "deep"
push maria
refused "a folder 200 deep" "refused: .*deeper than"

# A file over 100 MiB (zeros: the pack stays small).
head -c 101M /dev/zero > "$TMP/m/docs-big.bin"
git -C "$TMP/m" add -A && git -C "$TMP/m" commit -qm "big file"
t0=$(date +%s)
push maria
refused "a file over 100 MiB" "refused: \"docs-big.bin\" is larger than 100 MiB"
is "$([ $(( $(date +%s) - t0 )) -lt 60 ] && echo fast)" "fast" "and refused within a minute"

# A huge record: 5 MiB in the task assigned to her.
{ cat "$TMP/m/$t2"; printf 'notes: '; head -c 5M /dev/zero | tr '\0' 'x'; echo; } > "$TMP/m/$t2.new"
mv "$TMP/m/$t2.new" "$TMP/m/$t2"
git -C "$TMP/m" commit -qam "huge notes"
push maria
refused "a record of 5 MiB" "commit [0-9a-f]{12} \\(\"huge notes\"\\): $t2 is not a record cairn can read \\(.*more than a record may hold"

# A file in a record folder that is no record's place.
echo "title: x" > "$TMP/m/tasks/stray"
git -C "$TMP/m" add -A && git -C "$TMP/m" commit -qm "stray"
push maria
refused "a file in tasks/ that is no record" "commit [0-9a-f]{12} \\(\"stray\"\\): tasks/stray: a record sits in a two-digit shard folder"

# A record moved to another kind's folder: a milestone removed, a task added.
t_path=$(dirname "$t2")
mkdir -p "$TMP/m/tasks/$(basename "$(dirname "$m4")")"
git -C "$TMP/m" mv "$m4" "tasks/$(basename "$(dirname "$m4")")/M4"
git -C "$TMP/m" commit -qm "M4 is a task now"
push maria
refused "a record moved across kinds" "\\(\"M4 is a task now\"\\): (milestone/M4: only a leader may remove it|task/M4: only a leader may add it)"

# A commit in another person's name, whose change is hers to make.
printf 'notes: by maria\n' >> "$TMP/m/$t2"
git -C "$TMP/m" -c user.name="Test Person" -c user.email=TEST@example.org commit -qam "T2 notes"
push maria
refused "a forged author" "\\(\"T2 notes\"\\): its author is person/test \\(TEST@example.org\\), and the pusher, maria, is person/maria: push commits made in your own name"

# The persons removed, by a key person; every leader removed, by the leader.
git -C "$TMP/m" rm -q -r persons
git -C "$TMP/m" commit -qm "no persons"
push maria
refused "a key person removing the persons" "person/(maria|test): only a leader may remove it"
git -C "$TMP/m" rm -q "$(cd "$TMP/m" && ls persons/*/test)"
git -C "$TMP/m" -c user.email=test@example.org commit -qm "no leader"
push "$me"
refused "the last leader removed" "after the push no person is a leader"
git -C "$TMP/m" rm -q cairn.ini
git -C "$TMP/m" -c user.email=test@example.org commit -qm "no settings"
push "$me"
refused "cairn.ini removed, even by a leader" "the push removes cairn.ini"

# One e-mail, one login, one person: not even a leader gives another
# person's to someone else.
maria_path=$(cd "$TMP/m" && ls persons/*/maria)
sed -i 's/^email: .*/email: TEST@example.org/' "$TMP/m/$maria_path"
git -C "$TMP/m" -c user.email=test@example.org commit -qam "maria's e-mail"
push "$me"
refused "an e-mail made two persons'" "after the push the e-mail or login (TEST|test)@example.org is both person/(maria|test)'s and person/(maria|test)'s"
sed -i "s/^login: .*/login: $me/" "$TMP/m/$maria_path"
git -C "$TMP/m" -c user.email=test@example.org commit -qam "maria's login"
push "$me"
refused "a login made two persons'" "the e-mail or login $me is both"

# A merge that slips in a change no parent has.
git -C "$TMP/m" checkout -q -b side
printf 'notes: side\n' >> "$TMP/m/$t2"
git -C "$TMP/m" commit -qam "T2 side"
git -C "$TMP/m" checkout -q main
sed -i 's/^title: .*/title: Interviews (main)/' "$TMP/m/$t2"
git -C "$TMP/m" commit -qam "T2 main"
git -C "$TMP/m" merge -q --no-commit side >/dev/null 2>&1
sed -i 's/^deadline: .*/deadline: 2016-06-30/' "$TMP/m/$m4"
git -C "$TMP/m" add -A && git -C "$TMP/m" commit -qm "Merge side"
push maria
refused "an evil merge" "\\(\"Merge side\"\\): milestone/M4: deadline: only a leader may change it"
git -C "$TMP/m" branch -q -D side
# The same merge, honest, is taken: each side's value is a parent's.
git -C "$TMP/m" checkout -q -b side
printf 'notes: side\n' >> "$TMP/m/$t2"
git -C "$TMP/m" commit -qam "T2 side"
git -C "$TMP/m" checkout -q main
sed -i 's/^title: .*/title: Interviews (main)/' "$TMP/m/$t2"
git -C "$TMP/m" commit -qam "T2 main"
git -C "$TMP/m" merge -q -m "Merge side" side >/dev/null 2>&1
push maria
is "$rc" 0 "an honest merge of her own two sides is taken" || diag "$out"
reset

# A merge that drops what the other side added: the leader's new
# milestone, which a key person may not remove.
sed -i 's/^title: .*/title: Interviews, before the merge/' "$TMP/m/$t2"
git -C "$TMP/m" commit -qam "T2 before the merge"
"$CAIRN" -C "$wb" sync >/dev/null 2>&1
"$CAIRN" -C "$wb" add milestone M9 title="Wrap-up" deadline=30/09/2016 owner=test >/dev/null
run "$CAIRN" -C "$wb" sync
is "$rc" 0 "(the leader adds a milestone and pushes it)" || diag "$err"
git -C "$TMP/m" fetch -q origin
git -C "$TMP/m" merge -q --no-commit origin/main >/dev/null 2>&1
git -C "$TMP/m" rm -qf "$(cd "$TMP/m" && ls milestones/*/M9)"
git -C "$TMP/m" commit -qm "Merge, without M9"
push maria
like "$out" "\(\"Merge, without M9\"\): milestone/M9: only a leader may remove it" "a merge that drops the other side's new record: refused"
is "$(git -C "$shared" rev-parse main)" "$(git -C "$TMP/m" rev-parse origin/main)" "the shared branch did not move"
git -C "$TMP/m" reset -q --hard HEAD~1
git -C "$TMP/m" merge -q -m "Merge" origin/main >/dev/null 2>&1
push maria
is "$rc" 0 "the same merge, keeping it, is taken" || diag "$out"
reset

# Thousands of commits: 2,000 of her own notes are taken in bounded time
# and memory; one refused commit at the end refuses them all.
many() {   # many N: N commits on main, each changing T2's notes
	local n=$1 parent tip=$(git -C "$TMP/m" rev-parse HEAD)
	{
		for i in $(seq "$n"); do
			printf 'commit refs/heads/main\ncommitter Maria Rossi <maria@example.org> %s +0000\ndata 9\nnote %04d\n' "$((1500000000 + i))" "$i"
			[ "$i" = 1 ] && printf 'from %s\n' "$tip"
			body="$(grep -v '^notes:' "$TMP/m/$t2")
notes: round $i"
			printf 'M 100644 inline %s\ndata %d\n%s\n\n' "$t2" "$(( ${#body} + 1 ))" "$body"
		done
	} | git -C "$TMP/m" fast-import --quiet
	git -C "$TMP/m" reset -q --hard main
}
many 2000
tip=$(git -C "$TMP/m" rev-parse HEAD)
base=$(git -C "$shared" rev-parse main)
# The objects go in a ref the guard leaves alone, then the guard is timed
# on main's move by itself, as git would run it.
git -C "$TMP/m" push -q origin "HEAD:refs/staging/many" 2>/dev/null
/usr/bin/time -f '%e %M' -o "$TMP/time" env GIT_DIR="$shared" GL_USER=maria "$CAIRN" guard <<< "$base $tip refs/heads/main"
is "$?" 0 "2,000 commits of her own: the guard takes them"
read -r secs kib < "$TMP/time"
diag "2,000 commits: $secs s, $kib KiB"
is "$(awk -v s="$secs" 'BEGIN { print (s < 20) ? "bounded" : s }')" "bounded" "in bounded time (under 20 s here)"
# (AddressSanitizer's shadow and quarantine take more.)
limit=200000; [ -n "${ASAN_OPTIONS:-}" ] && limit=1000000
is "$(awk -v k="$kib" -v l="$limit" 'BEGIN { print (k < l) ? "bounded" : k }')" "bounded" "and memory (under $((limit / 1000)) MB)"
sed -i 's/^deadline: .*/deadline: 2016-06-30/' "$TMP/m/$m4"
git -C "$TMP/m" commit -qam "M4 later"
push maria
refused "2,000 good commits and one bad" "\\(\"M4 later\"\\): milestone/M4: deadline"
git -C "$TMP/m" reset -q --hard "$tip"
push maria
is "$rc" 0 "and the 2,000 good ones alone are taken" || diag "$out"

done_testing
