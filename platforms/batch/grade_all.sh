#!/usr/bin/env bash
# grade_all.sh: grade every submission folder of a directory (run by
# `make grade-all SUBMISSIONS=DIR`, after `make grade-prep`).
#
#   grade_all.sh SUBMISSIONS_DIR DEST_DIR
#
# Environment (set by the Makefile): GRADER (the grader binary), MAKE_CMD,
# BUILD_OUT (build/rel or build/san), SAN_BUILD (1 for build/san),
# TESTS_DIR, HIDDEN_DIR (empty: no hidden checks), JOBS (submissions graded
# at once), GRADE_ALL_LIMIT (seconds one submission may take in all), LAB
# (NN[,NN]: only those labs, as with make grade).
#
# Each entry of SUBMISSIONS_DIR is one student (its name is the row's name);
# its lab folders are found as on Gradescope (platforms/find_labs.sh). Each
# submission is built under its own key (build/.../impl/ga-<hash>), so that
# parallel builds never share an object; everything else was built once
# before. Out: DEST_DIR/<student>/{results.json,report.txt} and
# DEST_DIR/gradebook.csv, one row per student: the per-lab scores, the
# total, the maximum and a status. A submission that does not compile,
# hangs, lacks labs or holds garbage scores what it scores; it never stops
# the batch.
set -uo pipefail
subs=${1:?usage: grade_all.sh SUBMISSIONS_DIR DEST_DIR}
dest=${2:?usage: grade_all.sh SUBMISSIONS_DIR DEST_DIR}
: "${GRADER:?}" "${MAKE_CMD:?}" "${BUILD_OUT:?}" "${TESTS_DIR:?}"
HIDDEN_DIR=${HIDDEN_DIR:-}
JOBS=${JOBS:-$(nproc)}
GRADE_ALL_LIMIT=${GRADE_ALL_LIMIT:-3600}
if [ ! -d "$subs" ]; then
	echo "grade-all: $subs is not a folder" >&2
	exit 2
fi
# Paths given relative to where make ran, which is the repository's root.
subs=$(cd "$subs" && pwd)
mkdir -p "$dest" && dest=$(cd "$dest" && pwd)
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=platforms/find_labs.sh
. platforms/find_labs.sh

rows=$dest/.rows
rm -rf "$rows"
mkdir -p "$rows"
# The gradebook's lab columns: every lab, or those of LAB=NN[,NN].
mapfile -t lab_nums < <(for f in "$TESTS_DIR"/[0-9][0-9]-*.c; do
	[ -e "$f" ] || continue
	n=$(basename "$f" | cut -c1-2)
	if [ -z "${LAB:-}" ] || [[ ",${LAB// /}," == *",$((10#$n)),"* ]] ||
	   [[ ",${LAB// /}," == *",$n,"* ]]; then
		echo "$n"
	fi
done)
if [ "${#lab_nums[@]}" -eq 0 ]; then
	echo "grade-all: no lab matches LAB=${LAB:-}" >&2
	exit 2
fi

# A CSV field: quoted when it holds a comma, a quote or a line break.
csv_field() {
	case $1 in
	*[,\"$'\n\r']*) printf '"%s"' "${1//\"/\"\"}" ;;
	*) printf '%s' "$1" ;;
	esac
}

# grade_one INDEX NAME: grades SUBMISSIONS_DIR/NAME and leaves its row in
# .rows/INDEX (the index in the sorted list keeps the rows in order and
# makes the build key unique).
grade_one() {
	local index=$1 name=$2 entry=$subs/$2 out=$dest/$2
	local key row status="graded" line score max i
	key=$(printf 'ga-%04d-%s' "$index" "$(printf '%s' "$name" | cksum | cut -d' ' -f1)")
	row=$rows/$(printf '%06d' "$index")
	mkdir -p "$out"
	rm -f "$out/results.json"
	local -a scores=()
	if [ ! -d "$entry" ]; then
		status="not a folder"
		echo "grade-all: $name is not a folder, not graded" >"$out/report.txt"
	else
		local labs link=$BUILD_OUT/impl/$key.src
		mkdir -p "$BUILD_OUT/impl"
		labs=$(plain_path "$(find_labs_dir "$entry")" "$link")
		timeout -k 30 "$GRADE_ALL_LIMIT" "$GRADER" --make "$MAKE_CMD" \
			--out "$BUILD_OUT" --tests "$TESTS_DIR" \
			${HIDDEN_DIR:+--hidden "$HIDDEN_DIR"} ${SAN_BUILD:+--san} \
			${LAB:+--lab "$LAB"} \
			--impl "$labs" --key "$key" --fresh --autolab \
			--results "$out/results.json" >"$out/report.txt" 2>&1
		local rc=$?
		rm -f "$link"
		# The objects are no longer needed; 50 submissions' worth of
		# them would only fill the disk.
		[ -n "${KEEP_BUILDS:-}" ] || rm -rf "${BUILD_OUT:?}/impl/$key"
		case $rc in
		0) ;;
		124 | 137) status="grader stopped after ${GRADE_ALL_LIMIT} s" ;;
		*) status="not graded (grader status $rc, see report.txt)" ;;
		esac
		# Autolab's line, the last one, has the per-lab scores.
		line=$(tail -n 1 "$out/report.txt")
		if [ "$rc" -eq 0 ] && [[ $line == '{"scores":'* ]]; then
			for i in "${lab_nums[@]}"; do
				score=$(grep -o "\"lab$i\":[0-9.]*" <<<"$line" | cut -d: -f2)
				scores+=("${score:-0}")
			done
		fi
	fi
	score=0
	max=$(grep -o '^Score: [0-9]*/[0-9]*$' "$out/report.txt" 2>/dev/null | cut -d/ -f2)
	[ "${#scores[@]}" -gt 0 ] || for i in "${lab_nums[@]}"; do scores+=(0); done
	for i in "${scores[@]}"; do score=$((score + ${i%.*})); done
	{
		csv_field "$name"
		for i in "${scores[@]}"; do printf ',%s' "$i"; done
		printf ',%s,%s,' "$score" "${max:-}"
		csv_field "$status"
		printf '\n'
	} >"$row.tmp" && mv "$row.tmp" "$row"
	printf 'grade-all: %-24s %s/%s  %s\n' "$name" "$score" "${max:-?}" "$status"
}

start=$(date +%s%N)
mapfile -d '' names < <(find "$subs" -mindepth 1 -maxdepth 1 ! -name '.*' \
	-printf '%f\0' | sort -z)
if [ "${#names[@]}" -eq 0 ]; then
	echo "grade-all: no submission in $subs" >&2
	exit 2
fi
echo "grade-all: ${#names[@]} submissions from $subs, $JOBS at a time"
for i in "${!names[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		wait -n
	done
	grade_one "$i" "${names[$i]}" &
done
wait

# The gradebook, in the order of the students' names.
{
	printf 'student'
	for i in "${lab_nums[@]}"; do printf ',lab%s' "$i"; done
	printf ',total,max,status\n'
	cat "$rows"/[0-9]*[0-9]
} >"$dest/gradebook.csv.tmp"
mv "$dest/gradebook.csv.tmp" "$dest/gradebook.csv"
rm -rf "$rows"
end=$(date +%s%N)
ms=$(((end - start) / 1000000))
printf 'grade-all: %d rows in %s, %d.%01d s\n' "${#names[@]}" "$dest/gradebook.csv" \
	$((ms / 1000)) $((ms % 1000 / 100))
