# What the benchmarks share (every bench/*.sh sources it): the cairn under
# test as an absolute path, the folder they work in ($dir, BENCH_DIR or
# /tmp/cairn-bench), a private home and identity for cairn and git, and
# the timer (t: bench/timeit.py) and ratio helpers.  Sourced after `here`
# is set.
CAIRN=${CAIRN:-$here/../cairn}
CAIRN=$(cd "$(dirname "$CAIRN")" && pwd)/$(basename "$CAIRN")
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/cairn-bench}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
export HOME="$dir/home" CAIRN_CONFIG="$dir/config" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
printf '[user]\nname = Bench\nemail = bench@example.org\n' > "$CAIRN_CONFIG"
git config --global user.name Bench; git config --global user.email bench@example.org
t() { python3 "$here/timeit.py" "$@"; }
ratio() { python3 -c "print('%.3f' % ($1 / $2))"; }

# The generated workbook of N records every benchmark starts from
# (bench/gen.py), made once in $dir and kept: sets wb to it.
generated_workbook() {
	wb="$dir/wb-$1"
	if [ ! -d "$wb/.git" ]; then
		echo "bench: generating a workbook of $1 records"
		python3 "$here/gen.py" "$1" "$wb" >/dev/null
	fi
}
