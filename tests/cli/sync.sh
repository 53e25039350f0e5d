#!/bin/bash
# Sync against a real bare repository: clone, push, field-by-field merges
# with both parents, conflicts that hold everything and push nothing,
# resolve, a server that refuses a push, dry runs that change nothing.
. "$(dirname "$0")/lib.sh"

shared="$TMP/shared.git"
git init -q --bare --initial-branch=main "$shared"
a="$TMP/a"
"$CAIRN" demo "$a" >/dev/null
run "$CAIRN" -C "$a" sync
like "$err" "no remote to sync with: cairn remote add origin URL" "without a remote, sync says how to add one"
ok_cmd "remote add" "$CAIRN" -C "$a" remote add origin "$shared"
run "$CAIRN" -C "$a" remote list
like "$out" "^origin	$shared" "remote list"
run "$CAIRN" -C "$a" remote add origin "$shared"
is "$rc" 1 "the same remote twice is refused"
run "$CAIRN" -C "$a" sync
is "$rc" 0 "the first sync pushes the workbook"
is "$(git -C "$shared" rev-parse main)" "$(git -C "$a" rev-parse HEAD)" "the shared repository holds it"

run "$CAIRN" clone "$shared" "$TMP/b"
is "$rc" 0 "cairn clone"
like "$out" "Citizen City -- today 20/03/2016" "the clone opens with its index built"
b="$TMP/b"

# Different fields of one record, changed on both sides: merged.
"$CAIRN" -C "$a" set milestone/M4 deadline=30/04/2016 >/dev/null
"$CAIRN" -C "$b" set milestone/M4 title="Evaluation of tools" >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
before=$(git -C "$shared" rev-parse main)
run "$CAIRN" -C "$b" sync --dry-run
is "$rc" 0 "a dry run"
like "$out" "merged: milestone/M4" "tells what would be merged"
is "$(git -C "$shared" rev-parse main)" "$before" "and pushes nothing"
run "$CAIRN" -C "$b" show milestone/M4 --json
like "$out" '"deadline": "2016-04-15"' "and changes nothing here"
run "$CAIRN" -C "$b" sync
is "$rc" 0 "sync merges"
run "$CAIRN" -C "$b" show milestone/M4 --json
like "$out" '"title": "Evaluation of tools"' "our field is kept"
like "$out" '"deadline": "2016-04-30"' "their field comes in"
is "$(git -C "$b" rev-list --parents -n 1 HEAD | wc -w)" "3" "the merge commit has both parents"
is "$(git -C "$shared" rev-parse main)" "$(git -C "$b" rev-parse HEAD)" "and is pushed"
run "$CAIRN" -C "$a" sync --dry-run
like "$out" "in: milestone/M4: title Evaluation of existing tools -> Evaluation of tools" \
	"a dry run tells what comes in, field by field"
run "$CAIRN" -C "$a" sync
like "$out" "fast-forward" "the other side fast-forwards"
run "$CAIRN" -C "$a" show milestone/M4 --json
like "$out" '"title": "Evaluation of tools"' "and has both edits"
is "$(git -C "$a" status --porcelain)" "" "git status is clean after a sync"
ok_cmd "the index agrees with the records" "$CAIRN" -C "$a" check

# The same field changed on both sides: a conflict; nothing is lost or pushed.
# Each side keeps who set its value and when.
printf '[user]\nname = Anna Other\nemail = anna@example.org\n' > "$TMP/anna.cfg"
CAIRN_CONFIG="$TMP/anna.cfg" "$CAIRN" -C "$a" set milestone/M4 deadline=01/05/2016 >/dev/null
"$CAIRN" -C "$b" set milestone/M4 deadline=02/05/2016 >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
before=$(git -C "$shared" rev-parse main)
run "$CAIRN" -C "$b" sync
is "$rc" 4 "a conflict: sync exits 4"
like "$err" "1 conflict waits" "saying how many"
like "$out" 'conflict: milestone/M4: deadline: ours "2016-05-02", theirs "2016-05-01"' "naming record, field and both values"
is "$(git -C "$shared" rev-parse main)" "$before" "nothing is pushed over a conflict"
run "$CAIRN" -C "$b" conflicts
is "$rc" 4 "cairn conflicts exits 4 while any wait"
like "$out" "base +2016-04-30" "and keeps the base"
like "$out" "ours +2016-05-02" "ours"
like "$out" "theirs +2016-05-01" "and theirs"
after() { printf '%s\n' "$out" | grep -A1 -E "^ +$1 " | tail -1; }
like "$(after theirs)" "^ +set by Anna Other <anna@example.org>, [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} [-+][0-9]{4}$" "with who set theirs, and when"
like "$(after ours)" "^ +set by Test Person <test@example.org>, " "and who set ours"
like "$(after base)" "^ +set by " "and who set the base"
ok_cmd "the workbook stays usable: other edits are saved" "$CAIRN" -C "$b" set task/T3 status=active
run "$CAIRN" -C "$b" resolve milestone/M4 deadline --value 03/05/2016
is "$rc" 0 "resolve with a value of our own"
run "$CAIRN" -C "$b" sync
is "$rc" 0 "the next sync merges"
run "$CAIRN" -C "$b" show milestone/M4 --json
like "$out" '"deadline": "2016-05-03"' "with the value chosen (typed as dd/mm/yyyy, stored ISO)"
run "$CAIRN" -C "$b" conflicts
is "$rc" 0 "and no conflict is left"
"$CAIRN" -C "$a" sync >/dev/null
like "$("$CAIRN" -C "$a" show milestone/M4 --json)" '"deadline": "2016-05-03"' "the other side gets it"

# Removed on one side, changed on the other: never a silent delete.
"$CAIRN" -C "$a" rm task/T10 >/dev/null 2>&1 || "$CAIRN" -C "$a" rm task/T9 >/dev/null
gone=$(git -C "$a" log -1 --format=%s | grep -oE 'T[0-9]+' | head -1)
"$CAIRN" -C "$b" set "task/$gone" title="Still needed" >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
run "$CAIRN" -C "$b" sync
is "$rc" 4 "a removal against a change is a conflict"
like "$out" "conflict: task/$gone: they removed it|we changed it, they removed it" "said as such"
like "$("$CAIRN" -C "$b" show "task/$gone")" "Still needed" "our change is still here"
run "$CAIRN" -C "$b" resolve "task/$gone" --ours
is "$rc" 0 "resolve a whole record with --ours"
run "$CAIRN" -C "$b" sync
is "$rc" 0 "then sync goes through"
"$CAIRN" -C "$a" sync >/dev/null
like "$("$CAIRN" -C "$a" show "task/$gone")" "Still needed" "and the task is back on the other side, as chosen"

# A multiple-choice answer changed on both sides merges as a set.
ev=evaluation/fixmystreet/eip-1
"$CAIRN" -C "$a" set "$ev" "answer.engagement=As user" >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
"$CAIRN" -C "$b" sync >/dev/null
"$CAIRN" -C "$a" set "$ev" "answer.engagement=As user, As participant" >/dev/null
"$CAIRN" -C "$b" set "$ev" "answer.engagement=As co-creator" >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
run "$CAIRN" -C "$b" sync
is "$rc" 0 "a multiple choice changed on both sides"
run "$CAIRN" -C "$b" show "$ev" --json
like "$out" '"answer.engagement": "As participant\\nAs co-creator"' \
	"keeps what either side added and drops what either removed"

# Someone pushes first, between our fetch and our push (their push made
# from the hook that runs before ours lands): the push lost a race, and is
# fetched, merged and pushed again.
"$CAIRN" -C "$b" sync >/dev/null
"$CAIRN" -C "$b" set task/T2 title="Pushed first" >/dev/null
cat > "$shared/hooks/pre-receive" <<HOOK
#!/bin/sh
cat >/dev/null
if [ ! -e "$TMP/raced-once" ]; then touch "$TMP/raced-once"; (unset GIT_DIR; cd "$b" && git push -q origin main); fi
exit 0
HOOK
chmod +x "$shared/hooks/pre-receive"
"$CAIRN" -C "$a" set task/T3 title="Interviews" >/dev/null
run "$CAIRN" -C "$a" sync
is "$rc" 0 "a push that lost the race is fetched, merged and pushed again"
is "$(git -C "$shared" rev-parse main)" "$(git -C "$a" rev-parse HEAD)" "and lands"
like "$(git -C "$shared" log --format=%s main)" "T2: title" "with the other push kept"
rm "$shared/hooks/pre-receive"

# A file a sync would rewrite, edited by hand, stops it: nothing typed is
# overwritten.  Hand edits elsewhere are left alone and do not stop it.
"$CAIRN" -C "$b" sync >/dev/null
"$CAIRN" -C "$b" set task/T4 title="Changed over there" >/dev/null
"$CAIRN" -C "$b" sync >/dev/null
t4=$(git -C "$a" ls-files 'tasks/*' | grep '/T4$')
printf 'notes: typed by hand\n' >> "$a/$t4"
before=$(git -C "$a" rev-parse HEAD)
run "$CAIRN" -C "$a" sync
is "$rc" 4 "a hand edit in a file the sync would rewrite stops it"
like "$err" "changed by hand \\($t4\\): run \`cairn commit\` first" "naming the file and saying what to do"
is "$(git -C "$a" rev-parse HEAD)" "$before" "nothing moved"
like "$(cat "$a/$t4")" "typed by hand" "the hand edit is still there"
git -C "$a" checkout -q -- "$t4"
printf '\n' >> "$(git -C "$a" ls-files 'tasks/*' | grep '/T5$' | sed "s|^|$a/|")"
run "$CAIRN" -C "$a" sync
is "$rc" 0 "a hand edit elsewhere does not stop a sync"

# Plain git stays a peer.
git -C "$a" checkout -q -- .
"$CAIRN" -C "$b" set milestone/M5 title="Testing in ten cities" >/dev/null
"$CAIRN" -C "$b" sync >/dev/null
git -C "$a" pull -q --ff-only origin main
like "$("$CAIRN" -C "$a" show milestone/M5)" "Testing in ten cities" "a plain git pull is noticed by cairn"
ok_cmd "git fsck is clean" git -C "$b" fsck --no-dangling

# Plain git merges records field by field too, through cairn's merge driver
# (registered by clone in .git/config and .git/info/attributes).
like "$(git -C "$b" config merge.cairn.driver)" "merge-file %O %A %B %P" "clone registers the merge driver"
like "$(cat "$b/.git/info/attributes")" "/milestones/\*\* merge=cairn" "for the record folders, untracked"
"$CAIRN" -C "$b" sync >/dev/null
git clone -q "$shared" "$TMP/plain"          # plain git: no driver
"$CAIRN" -C "$a" set milestone/M2 deadline=29/01/2016 >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
"$CAIRN" -C "$b" set milestone/M2 result="A webinar, recorded" >/dev/null
m2=$(git -C "$b" ls-files 'milestones/*' | grep '/M2$')
sed -i 's/^result: .*/result: A webinar, recorded/' "$TMP/plain/$m2"
git -C "$TMP/plain" commit -qam "result, by plain git"
git -C "$TMP/plain" pull -q --no-rebase origin main >/dev/null 2>&1
is "$?" 1 "without the driver, git's line merge clashes on neighbouring fields"
run git -C "$b" pull -q --no-rebase origin main
is "$rc" 0 "with it, a plain git pull merges them"
run "$CAIRN" -C "$b" show milestone/M2 --json
like "$out" '"deadline": "2016-01-29"' "their field"
like "$out" '"result": "A webinar, recorded"' "and ours"

# The plain clone's stopped merge (conflict markers in M2): a verb that
# only looks says so and changes nothing; one that may write takes it over,
# merged field by field and committed.
plain="$TMP/plain"
grep -q '^<<<<<<<' "$plain/$m2" && pass "git left conflict markers in the record" ||
	fail "git left conflict markers in the record"
before=$(sha1sum "$plain/$m2")
run "$CAIRN" -C "$plain" status
is "$rc" 0 "cairn opens the workbook all the same"
like "$err" "a plain git merge is under way: \`cairn commit\` \(or any verb that saves\) takes over its record files" \
	"a verb that only looks says a merge waits, and what takes it over"
is "$(sha1sum "$plain/$m2")" "$before" "and leaves the file as git wrote it"
[ -e "$plain/.git/MERGE_HEAD" ] && pass "and git's merge under way" || fail "and git's merge under way"
run "$CAIRN" -C "$plain" commit
like "$err" "plain git merge of commit [0-9a-f]{12} stopped on 1 record file with conflict markers; cairn merged it field by field and committed the merge" "a verb that may write takes it over, and says what it did"
run "$CAIRN" -C "$plain" show milestone/M2 --json
like "$out" '"result": "A webinar, recorded"' "and ours"
unlike "$(cat "$plain/$m2")" '^(<<<<<<<|=======|>>>>>>>)' "no marker is left in the file"
is "$(git -C "$plain" rev-list --parents -n 1 HEAD | wc -w)" 3 "the merge commit has both parents"
is "$(git -C "$plain" status --porcelain)" "" "git status is clean"
[ ! -e "$plain/.git/MERGE_HEAD" ] && pass "git's merge is over" || fail "git's merge is over"
ok_cmd "cairn check is clean" "$CAIRN" -C "$plain" check
ok_cmd "and it syncs" "$CAIRN" -C "$plain" sync

# The same field changed on both sides through plain git: a cairn conflict,
# settled with cairn resolve, which commits the merge.
"$CAIRN" -C "$a" sync >/dev/null
"$CAIRN" -C "$a" set milestone/M2 title="Webinar (a)" >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
sed -i 's/^title: .*/title: Webinar (plain)/' "$plain/$m2"
git -C "$plain" commit -qam "title, by plain git"
git -C "$plain" pull -q --no-rebase origin main >/dev/null 2>&1
"$CAIRN" -C "$plain" commit >/dev/null 2>&1
run "$CAIRN" -C "$plain" conflicts
is "$rc" 4 "a same-field clash left by plain git is a cairn conflict"
like "$out" "milestone/M2 title" "naming record and field"
like "$out" "ours +Webinar \\(plain\\)" "with our value"
like "$out" "theirs +Webinar \\(a\\)" "and theirs"
like "$(cat "$plain/$m2")" "^title: Webinar \\(plain\\)$" "the file holds our side meanwhile, without markers"
run "$CAIRN" -C "$plain" conflicts --json
is "$rc" 4 "conflicts --json exits 4 as well"
is "$(printf '%s' "$out" | jq -r '.[0].record + " " + .[0].field + " " + .[0].ours + " / " + .[0].theirs')" \
	"milestone/M2 title Webinar (plain) / Webinar (a)" "and gives record, field and both values as JSON"
like "$(printf '%s' "$out" | jq -r '.[0].theirs_by')" "^Test Person <test@example.org>, " "with who set each"
run "$CAIRN" -C "$plain" resolve milestone/M2 title --theirs
like "$out" "the merge is committed" "settling it commits the merge"
is "$(git -C "$plain" rev-list --parents -n 1 HEAD | wc -w)" 3 "with both parents"
like "$("$CAIRN" -C "$plain" show milestone/M2)" "Webinar \\(a\\)" "their title, as chosen"
is "$(git -C "$plain" status --porcelain)" "" "git status is clean"

# From a folder, cairn fetches by itself (libgit2's transport would pack
# with a delta search over every object): the commits it lacks are read
# from the folder's repository and written here as one pack of its own,
# which git itself must read.  A file:// URL is a folder too.
"$CAIRN" clone "$shared" "$TMP/c" >/dev/null
"$CAIRN" clone "file://$shared" "$TMP/d" >/dev/null
for i in 1 2 3; do "$CAIRN" -C "$TMP/c" set task/T$i title="Packed $i" >/dev/null; done
"$CAIRN" -C "$TMP/c" set milestone/M3 title="Packed too" >/dev/null
"$CAIRN" -C "$TMP/c" sync >/dev/null
"$CAIRN" -C "$TMP/d" set task/T4 title="Here, meanwhile" >/dev/null
packs=$(ls "$TMP/d/.git/objects/pack" | wc -l)
run "$CAIRN" -C "$TMP/d" sync
is "$rc" 0 "a file:// remote syncs"
like "$(git -C "$TMP/d" reflog --format=%gs refs/remotes/origin/main)" "fetch: from a folder" \
	"fetching by cairn's own way"
is "$(ls "$TMP/d/.git/objects/pack" | wc -l)" $((packs + 2)) "into one new pack and its index"
like "$("$CAIRN" -C "$TMP/d" show task/T3)" "Packed 3" "their edits are in"
like "$("$CAIRN" -C "$TMP/d" show task/T4)" "Here, meanwhile" "and ours"
is "$(git -C "$shared" rev-parse main)" "$(git -C "$TMP/d" rev-parse HEAD)" "the merge is pushed"
ok_cmd "the shared repository passes git fsck --full --strict" \
	git -C "$shared" fsck --full --strict --no-dangling
newest=$(ls -t "$shared"/objects/pack/*.idx | head -1)
is "$(stat -c %a "$newest" "${newest%.idx}.pack" | sort -u)" 444 \
	"the pushed pack and index are read-only for all, as git leaves them"
ok_cmd "git verify-pack accepts every pack" sh -c \
	"for i in '$TMP/d'/.git/objects/pack/*.idx; do git verify-pack \"\$i\" || exit 1; done"
ok_cmd "git fsck --full --strict is clean" git -C "$TMP/d" fsck --full --strict --no-dangling
ok_cmd "cairn check is clean" "$CAIRN" -C "$TMP/d" check
run "$CAIRN" -C "$TMP/d" sync
is "$rc" 0 "the next sync has nothing to fetch"
is "$(ls "$TMP/d/.git/objects/pack" | wc -l)" $((packs + 2)) "and writes no pack"
git init -q --bare "$TMP/not-a-workbook.git"
rm -rf "$TMP/not-a-workbook.git/objects"
"$CAIRN" -C "$TMP/d" remote add broken "$TMP/not-a-workbook.git" >/dev/null
run "$CAIRN" -C "$TMP/d" sync broken
[ "$rc" -ne 0 ] && pass "a folder that is no repository is refused" ||
	fail "a folder that is no repository is refused"
like "$err" "broken" "naming the remote"
"$CAIRN" -C "$TMP/d" remote add gone "$TMP/no-such-folder" >/dev/null
run "$CAIRN" -C "$TMP/d" sync gone
like "$err" "cannot fetch from gone: there is no folder $TMP/no-such-folder \(\`cairn remote list\`" \
	"a folder that is not there is named, with what to do"

# Only what a ref reaches is whole, as git has it: a lone commit object
# (an interrupted plain git fetch or push writes commits before their
# trees) is sent again, both ways, not taken for the whole history.
lone="$TMP/lone.git"
git init -q --bare --initial-branch=main "$lone"
"$CAIRN" -C "$TMP/d" remote add lone "$lone" >/dev/null
"$CAIRN" -C "$TMP/d" sync lone >/dev/null
"$CAIRN" -C "$TMP/d" set task/T5 title="Lone 1" >/dev/null
git -C "$TMP/d" cat-file commit HEAD | git -C "$lone" hash-object -t commit -w --stdin >/dev/null
"$CAIRN" -C "$TMP/d" set task/T5 title="Lone 2" >/dev/null
run "$CAIRN" -C "$TMP/d" sync lone
is "$rc" 0 "a push past a lone commit object of ours in their folder"
ok_cmd "leaves their repository whole (git fsck)" git -C "$lone" fsck --full --no-dangling
"$CAIRN" clone "$lone" "$TMP/e" >/dev/null
"$CAIRN" -C "$TMP/d" set task/T6 title="Lone 3" >/dev/null
"$CAIRN" -C "$TMP/d" sync lone >/dev/null
git -C "$lone" cat-file commit main | git -C "$TMP/e" hash-object -t commit -w --stdin >/dev/null
run "$CAIRN" -C "$TMP/e" sync
is "$rc" 0 "a fetch past a lone commit object of theirs here"
like "$("$CAIRN" -C "$TMP/e" show task/T6)" "Lone 3" "brings its files"
ok_cmd "and leaves the workbook whole (git fsck)" git -C "$TMP/e" fsck --full --no-dangling
# Our own commits go out as they are when peers would take them: a file a
# member added with plain git deep in a folder of its own is carried.
mkdir -p "$TMP/e/attachments/2024/q1/report"
echo "minutes" > "$TMP/e/attachments/2024/q1/report/x.txt"
git -C "$TMP/e" add attachments && git -C "$TMP/e" commit -qm "attachments, by plain git"
run "$CAIRN" -C "$TMP/e" sync
is "$rc" 0 "a commit of ours with files deep outside the record folders is pushed"
is "$(git -C "$lone" rev-parse main)" "$(git -C "$TMP/e" rev-parse HEAD)" "it is there"

# But a commit every other member's sync would refuse (a link, made with
# plain git) stays here: pushed, it would block them all for good.
before=$(git -C "$lone" rev-parse main)
ln -s /etc/passwd "$TMP/e/evil-link"
git -C "$TMP/e" add evil-link && git -C "$TMP/e" commit -qm "a link, by plain git"
run "$CAIRN" -C "$TMP/e" sync
is "$rc" 1 "a commit of ours that every peer would refuse is not pushed"
like "$err" "nothing was pushed: every other member would refuse a commit of ours \\(.*a symbolic link" \
	"saying why"
like "$err" "\\`git reset --soft [0-9a-f]{12}\\` \\(the changes stay staged\\)" "and the way out that keeps every change"
is "$(git -C "$lone" rev-parse main)" "$before" "their branch did not move"
git -C "$TMP/e" reset -q --soft "$(git -C "$TMP/e" rev-parse 'HEAD~1')"
git -C "$TMP/e" rm -q --cached evil-link && rm "$TMP/e/evil-link"
run "$CAIRN" -C "$TMP/e" sync
is "$rc" 0 "after the way out, the sync goes through"

# Hostile remotes: tests/cli/hostile.sh.
done_testing
