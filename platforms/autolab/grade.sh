#!/usr/bin/env bash
# grade.sh: grade one Autolab handin (run by autograde-Makefile).
#
#   grade.sh HANDIN
#
# HANDIN is the student's file as Autolab saved it: a tar archive (any
# compression), a zip archive, or a folder. It is extracted into a temp
# folder, its lab folders are found (platforms/find_labs.sh) and graded with
# `make grade AUTOLAB=1`, whose last line is Autolab's JSON. When nothing
# can be graded, a line with every lab at zero is printed instead, so that
# Autolab still records a result.
set -uo pipefail
handin=${1:-}
src=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=platforms/find_labs.sh
. "$src/platforms/find_labs.sh"

zero_line() {
	local sep="" f
	printf '{"scores": {'
	for f in "$src"/tests/labs/[0-9][0-9]-*.c; do
		printf '%s"lab%s": 0' "$sep" "$(basename "$f" | cut -c1-2)"
		sep=", "
	done
	printf '}}\n'
}

work=$(mktemp -d /tmp/autolab.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ -z "$handin" ] || [ ! -e "$handin" ]; then
	echo "grade.sh: no handin file found"
	zero_line
	exit 0
fi
if [ -d "$handin" ]; then
	cp -r "$handin/." "$work/"
elif tar -xf "$handin" -C "$work" 2>/dev/null; then
	:
elif command -v unzip >/dev/null && unzip -qo "$handin" -d "$work" 2>/dev/null; then
	:
else
	echo "grade.sh: $handin is neither a tar nor a zip archive"
	zero_line
	exit 0
fi
labs=$(plain_path "$(find_labs_dir "$work")" "$work.labs")
trap 'rm -rf "$work" "$work.labs"' EXIT
make -C "$src" --no-print-directory grade SUBMISSION="$labs" AUTOLAB=1 || {
	echo "grade.sh: the grader could not grade this handin"
	zero_line
}
