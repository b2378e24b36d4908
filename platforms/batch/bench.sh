#!/usr/bin/env bash
# bench.sh: how long a batch takes (run by `make bench-grade-all`). A figure
# for planning a course's grading, not a test: it fails only when the batch
# itself cannot run.
#
#   bench.sh MAKE N DIR
#
# Writes N submissions into DIR/subs, a mix of what a course receives:
# copies of the references (full marks), untouched starters, references
# and starters mixed, a lab that does not compile, missing labs, garbage
# files, folders nested in a student's own tree, and one submission whose
# lab 01 hangs in fd_reuse(). Grades them with `make grade-all` (JOBS at a
# time, default the number of cores) and prints the wall time, then how
# many of the full copies got full marks (fewer would mean checks that are
# not reliable under a parallel batch).
set -uo pipefail
make_cmd=${1:?usage: bench.sh MAKE N DIR}
n=${2:?usage: bench.sh MAKE N DIR}
dir=${3:?usage: bench.sh MAKE N DIR}
cd "$(dirname "$0")/../.." || exit 2

subs=$dir/subs
rm -rf "$dir"
mkdir -p "$subs"
mapfile -t labs < <(cd solutions && ls -d [0-9][0-9]-*)

# copy_labs DEST TREE [LAB...]: the given labs (default all) of TREE.
copy_labs() {
	local to=$1 tree=$2
	shift 2
	mkdir -p "$to"
	local l
	for l in "${@:-${labs[@]}}"; do
		cp -r "$tree/$l" "$to/"
	done
}

full=()
for ((i = 0; i < n; i++)); do
	s=$subs/$(printf 'student%02d' "$i")
	case $((i % 10)) in
	0 | 1 | 2)
		copy_labs "$s" solutions
		full+=("$(basename "$s")") ;;
	3 | 4)
		copy_labs "$s" labs ;;
	5)	# the first labs done, the others untouched, in a labs/ folder
		copy_labs "$s/labs" solutions "${labs[@]:0:3}"
		copy_labs "$s/labs" labs "${labs[@]:3}" ;;
	6)	# one lab does not compile
		copy_labs "$s" solutions
		l=${labs[$((i / 10 % ${#labs[@]}))]}
		printf 'int broken(void)\n{\n\treturn\n}\n' >"$s/$l/broken.c" ;;
	7)	# only the first two labs handed in
		copy_labs "$s" solutions "${labs[@]:0:2}" ;;
	8)	# garbage beside the work, nested in the student's own tree
		copy_labs "$s/my repo/labs" solutions
		head -c 4096 /dev/urandom >"$s/my repo/labs/${labs[0]}/core"
		head -c 512 /dev/urandom >"$s/my repo/notes.pdf"
		mkdir -p "$s/my repo/build" && echo junk >"$s/my repo/build/x.o" ;;
	9)	if [ "$i" -eq 9 ]; then
			# lab 01's fd_reuse() never returns
			copy_labs "$s" solutions
			sed -i 's/^int fd_reuse(int fds\[4\])$/&\n{\n\tfor (;;)\n\t\tpause();\n}\nstatic int fd_reuse_unused(int fds[4])/' \
				"$s/${labs[0]}/socket_basics.c"
			grep -q 'pause();' "$s/${labs[0]}/socket_basics.c" ||
				echo "bench: could not plant the hang" >&2
		else
			copy_labs "$s/socket-lab/labs" solutions
			full+=("$(basename "$s")")
		fi ;;
	esac
done
echo "bench: $n submissions in $subs"

start=$(date +%s%N)
"$make_cmd" --no-print-directory grade-all SUBMISSIONS="$subs" GRADE_ALL_DIR="$dir/out" || exit 1
end=$(date +%s%N)
ms=$(((end - start) / 1000000))

book=$dir/out/gradebook.csv
max=$(awk -F, 'NR == 2 { print $(NF - 1) }' "$book")
ok=0
for s in "${full[@]}"; do
	grep -q "^$s,.*,$max,$max,graded$" "$book" && ok=$((ok + 1))
done
cores=$(nproc)
printf 'bench-grade-all: %d submissions graded in %d.%01d s wall (%d cores, %s at a time), %.1f s per submission\n' \
	"$n" $((ms / 1000)) $((ms % 1000 / 100)) "$cores" "${JOBS:-$cores}" \
	"$(awk -v ms="$ms" -v n="$n" 'BEGIN { print ms / 1000 / n }')"
printf 'bench-grade-all: %d of %d copies of the references got full marks (%s); gradebook: %s\n' \
	"$ok" "${#full[@]}" "$max" "$book"
