#!/bin/bash
# The guard benchmark of issue 16 (make bench, or alone: bench/guard.sh).
# A shared bare repository of the generated workbook of N records, its
# rules enforced, receives a push of C commits by a key person (each
# changes a field of a tool or a pilot, which the rules let a key person
# change, in their own name).  Process start to exit, as a median of
# repeated runs, on the very same push (its objects already in the
# repository, as git has them when it runs the pre-receive hook):
#   `cairn guard`, as the hook runs it, for the pusher (GL_USER), beside
#   (a) `git rev-list` of the pushed commits, the least a hook can do, and
#   (b) `git log --raw` of them: every commit with the files it changed;
# and the whole `git push` of those commits into the shared repository
# with the guard as its hook, beside the same push into a copy without it.
# Also the guard's time per hundred commits (goal: well under a second).
# Exits non-zero, with a FAIL line, when the guard refuses the legal push or
# takes a refused one (the same push with one deadline moved at the end).
#
# CAIRN_GUARD_SIZES overrides the sizes ("100000"); CAIRN_GUARD_COMMITS the
# commits (1000); CAIRN_GUARD_RUNS the runs (3); BENCH_DIR the folder.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
sizes=${CAIRN_GUARD_SIZES:-100000}
commits=${CAIRN_GUARD_COMMITS:-1000}
runs=${CAIRN_GUARD_RUNS:-3}
fail() { echo "FAIL: guard: $*"; exit 1; }
rows=()

for n in $sizes; do
	generated_workbook "$n"
	g="$dir/guard-$n"
	rm -rf "$g" && mkdir -p "$g"
	git clone -q "$wb" "$g/work"
	git -C "$g/work" config user.name Bench && git -C "$g/work" config user.email bench@example.org
	# The rules on, a leader (the second key person), and the pusher: the
	# first, with a login.
	persons=$(git -C "$g/work" ls-tree -r --name-only HEAD persons)
	pusher_path=$(cd "$g/work" && grep -l '^role: key-person' $persons | head -1)
	leader_path=$(cd "$g/work" && grep -l '^role: key-person' $persons | sed -n 2p)
	[ -n "$pusher_path" ] && [ -n "$leader_path" ] || fail "the generated workbook has fewer than two key persons"
	pusher=${pusher_path##*/}
	printf 'login: %s\n' "$pusher" >> "$g/work/$pusher_path"
	sed -i 's/^role: .*/role: leader/' "$g/work/$leader_path"
	printf '\n[rules]\nmode = enforced\n' >> "$g/work/cairn.ini"
	git -C "$g/work" commit -qam "Rules on"
	git clone -q --bare "$g/work" "$g/shared.git"
	git clone -q --bare "$g/work" "$g/plain.git"
	"$CAIRN" guard install "$g/shared.git" >/dev/null
	cp -a "$g/shared.git" "$g/guarded.git"
	base=$(git -C "$g/work" rev-parse HEAD)
	email=$(git -C "$g/work" show "HEAD:$pusher_path" | sed -n 's/^email: //p')

	# C commits in the pusher's name, each changing one tool's or pilot's
	# notes (fast-import: seconds, not minutes).
	git -C "$g/work" ls-tree -r --name-only HEAD tools pilots > "$g/paths"
	python3 - "$g/work" "$g/paths" "$commits" "$pusher" "$email" "$base" <<'PY' | git -C "$g/work" fast-import --quiet
import random, subprocess, sys
work, paths, commits, pusher, email, base = sys.argv[1:]
paths = [p for p in open(paths).read().split("\n") if p]
random.seed(16)
picked = [random.choice(paths) for _ in range(int(commits))]
cat = subprocess.Popen(["git", "-C", work, "cat-file", "--batch"], stdin=subprocess.PIPE,
                       stdout=subprocess.PIPE)
current = {}
out = sys.stdout.buffer
for i, p in enumerate(picked):
    if p not in current:
        cat.stdin.write(("HEAD:%s\n" % p).encode()); cat.stdin.flush()
        size = int(cat.stdout.readline().split()[2])
        current[p] = cat.stdout.read(size + 1)[:-1].decode()
    lines = [l for l in current[p].split("\n") if l and not l.startswith("title:")]
    current[p] = "title: Changed %d\n" % i + "\n".join(lines) + "\n"
    body = current[p].encode()
    msg = ("%s: title -> Changed %d\n" % (p.split("/")[-1], i)).encode()
    out.write(b"commit refs/heads/main\n")
    out.write(("author %s <%s> %d +0000\n" % (pusher, email, 1500000000 + i)).encode())
    out.write(("committer %s <%s> %d +0000\n" % (pusher, email, 1500000000 + i)).encode())
    out.write(b"data %d\n%s" % (len(msg), msg))
    if i == 0:
        out.write(("from %s\n" % base).encode())
    out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (p.encode(), len(body), body))
PY
	tip=$(git -C "$g/work" rev-parse main)
	[ "$(git -C "$g/work" rev-list --count "$base..$tip")" = "$commits" ] || fail "the push does not hold $commits commits"
	# The objects go where git keeps them while the hook runs.
	git -C "$g/work" push -q "$g/shared.git" "$tip:refs/staging/push"
	line="$base $tip refs/heads/main"
	echo "$line" > "$g/line"
	GIT_DIR="$g/shared.git" GL_USER=$pusher "$CAIRN" guard < "$g/line" ||
		fail "the guard refuses the key person's legal push"
	guard=$(t "$runs" -- "GIT_DIR='$g/shared.git' GL_USER='$pusher' '$CAIRN' guard < '$g/line'")
	revlist=$(t "$runs" -- "git -C '$g/shared.git' rev-list '$base..$tip' >/dev/null")
	gitlog=$(t "$runs" -- "git -C '$g/shared.git' log --raw --no-abbrev '$base..$tip' >/dev/null")
	# The push as a member meets it: each run into a fresh copy of the
	# repository as it was before the push (the copy is the same work for
	# both, and counted in both).
	push_into() { echo "rm -rf '$g/into' && cp -a '$g/$1' '$g/into' && GL_USER='$pusher' git -C '$g/work' push -q '$g/into' '$tip:refs/heads/main' 2>/dev/null"; }
	eval "$(push_into guarded.git)" || fail "the guarded push of the legal commits is refused"
	pushed=$(t "$runs" -- "$(push_into guarded.git)")
	plainpush=$(t "$runs" -- "$(push_into plain.git)")
	# The same push with one refused commit at its end is refused.
	m=$(git -C "$g/work" ls-tree -r --name-only HEAD milestones | head -1)
	sed -i 's/^deadline: .*/deadline: 2099-01-01/' "$g/work/$m"
	git -C "$g/work" -c user.email="$email" commit -qam "deadline moved"
	bad=$(git -C "$g/work" rev-parse HEAD)
	git -C "$g/work" push -q "$g/shared.git" "$bad:refs/staging/bad"
	if echo "$base $bad refs/heads/main" | GIT_DIR="$g/shared.git" GL_USER=$pusher "$CAIRN" guard 2>/dev/null; then
		fail "the guard takes a push whose last commit moves a deadline"
	fi
	records=$(git -C "$wb" ls-tree -r --name-only HEAD | grep -c /)
	per100=$(python3 -c "print('%.1f' % ($guard * 100 / $commits))")
	rows+=("$(printf '%-7s %-30s %9s ms  %-24s %9s ms  %7sx' "$records" "cairn guard ($commits commits)" "$guard" "git rev-list" "$revlist" "$(ratio "$guard" "$revlist")")")
	rows+=("$(printf '%-7s %-30s %9s ms  %-24s %9s ms  %7sx' "$records" "cairn guard ($commits commits)" "$guard" "git log --raw" "$gitlog" "$(ratio "$guard" "$gitlog")")")
	rows+=("$(printf '%-7s %-30s %9s ms  %-24s %9s ms  %7sx' "$records" "git push, guarded" "$pushed" "git push, no hook" "$plainpush" "$(ratio "$pushed" "$plainpush")")")
	rows+=("$(printf '%-7s %-30s %9s ms  (goal: well under 1000 ms per 100 commits)' "$records" "cairn guard, per 100 commits" "$per100")")
	rm -rf "$g"
done

printf '\n%-7s %-30s %12s  %-24s %12s  %8s\n' records cairn time anchor time ratio
printf '%s\n' "${rows[@]}"
