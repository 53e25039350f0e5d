#!/bin/bash
# Record work in proportion to a record's size (make bench, or alone).
# milestone/M3 holding 100,000 fields of 9 bytes (900 KB) beside its anchor,
# the same bytes in 100 fields of 9 KB: `cairn show` (parse and show),
# `cairn set` (parse, check, save) and a `cairn sync` merging both sides'
# changes to it field by field, as medians of CAIRN_BIG_RUNS runs (3), with
# the ratio.  Linear work gives a ratio near 1; a quadratic field lookup
# gave minutes.  BENCH_DIR is the folder.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CAIRN=${CAIRN:-$here/../cairn}
CAIRN=$(cd "$(dirname "$CAIRN")" && pwd)/$(basename "$CAIRN")
runs=${CAIRN_BIG_RUNS:-3}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/cairn-bench}/bigrecord
rm -rf "$dir"; mkdir -p "$dir/home"
export HOME="$dir/home" CAIRN_CONFIG="$dir/config" GIT_CONFIG_NOSYSTEM=1 CAIRN_SHARE=${CAIRN_SHARE:-$here/../share}
printf '[user]\nname = Bench\nemail = bench@example.org\n' > "$CAIRN_CONFIG"
git config --global user.name Bench; git config --global user.email bench@example.org
git config --global init.defaultBranch main
t() { python3 "$here/timeit.py" "$@"; }
ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }

# make SHAPE: a workbook $dir/SHAPE whose M3 is wide (100,000 fields) or
# narrow (100 fields, the same bytes), and a peer $dir/SHAPE-peer.
make() {
	local wb="$dir/$1" peer="$dir/$1-peer" m3
	git init -q --bare "$dir/$1.git"
	"$CAIRN" demo "$wb" >/dev/null
	"$CAIRN" -C "$wb" remote add origin "$dir/$1.git" >/dev/null
	"$CAIRN" -C "$wb" sync >/dev/null
	git clone -q "$dir/$1.git" "$peer"
	m3=$(cd "$peer" && grep -l '^title: Map of needs' -r milestones)
	python3 - "$peer/$m3" "$1" <<'PY'
import sys
digits = '0123456789abcdefghijklmnopqrstuvwxyz'
def key(n):
    s = ''
    for _ in range(4):
        s = digits[n % 36] + s
        n //= 36
    return 'x' + s
lines = ['%s: %d\n' % (key(i), i % 10) for i in range(100000)]
if sys.argv[2] == 'narrow':
    # The same bytes, 1,000 lines to a field.
    lines = ['%s: %s\n' % (key(j), ' '.join(l.strip() for l in lines[j*1000:(j+1)*1000]))
             for j in range(100)]
with open(sys.argv[1], 'a') as f:
    f.write(''.join(lines))
PY
	git -C "$peer" commit -qam "M3 grows" && git -C "$peer" push -q origin main
	"$CAIRN" -C "$wb" sync >/dev/null
	git -C "$peer" pull -q --no-rebase origin main
	echo "$m3" > "$dir/$1.m3"
}
for shape in wide narrow; do make $shape; done
declare -A show save merge
for shape in wide narrow; do
	wb="$dir/$shape" peer="$dir/$shape-peer" m3=$(cat "$dir/$shape.m3")
	show[$shape]=$(t "$runs" -- "'$CAIRN' -C '$wb' show milestone/M3")
	# A counter, not $RANDOM: timeit runs commands with /bin/sh.
	ctr="$dir/$shape.ctr"; echo 0 > "$ctr"
	next="n=\$((\$(cat '$ctr') + 1)); echo \$n > '$ctr'"
	save[$shape]=$(t "$runs" -- "$next; '$CAIRN' -C '$wb' set milestone/M3 title=\"Map \$n\"")
	"$CAIRN" -C "$wb" sync >/dev/null
	git -C "$peer" pull -q --no-rebase origin main
	# Before each timed sync: the peer moves the deadline and pushes, we
	# change the status, so the sync merges M3 from both sides.
	merge[$shape]=$(t "$runs" --before "$next; sed -i \"s/^deadline: .*/deadline: 2016-05-\$(printf %02d \$((n % 28 + 1)))/\" '$peer/$m3' && git -C '$peer' commit -qam dl && git -C '$peer' push -q origin main && '$CAIRN' -C '$wb' set milestone/M3 note=\"note \$n\"" \
		-- "'$CAIRN' -C '$wb' sync && git -C '$peer' pull -q --no-rebase origin main")
done
printf '\n%-40s %12s  %-28s %12s  %8s\n' "M3 of 100,000 fields (900 KB)" time "anchor: 100 fields, same bytes" time ratio
for what in show save merge; do
	declare -n m=$what
	printf '%-40s %9s ms  %-28s %9s ms  %7sx\n' "cairn $what" "${m[wide]}" "cairn $what" "${m[narrow]}" "$(ratio "${m[wide]}" "${m[narrow]}")"
done
