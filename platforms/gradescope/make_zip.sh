#!/usr/bin/env bash
# make_zip.sh: Gradescope's autograder.zip (run by `make gradescope`).
#
#   make_zip.sh OUT.zip
#
# At the root of the zip: setup.sh and run_autograder (Gradescope looks for
# them there), beside the source the grader needs (platforms/grader_files.sh:
# the Makefile, common/, the harness, the grader, the graded suites and the
# staff's hidden checks). Neither the starters nor the references are in it.
set -euo pipefail
out=${1:?usage: make_zip.sh OUT.zip}
cd "$(dirname "$0")/../.."

stage=$(dirname "$out")/stage
rm -rf "$stage"
mkdir -p "$stage"
platforms/grader_files.sh "$stage"
cp -p platforms/gradescope/setup.sh platforms/gradescope/run_autograder "$stage/"
chmod 755 "$stage/setup.sh" "$stage/run_autograder"

rm -f "$out"
abs_out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
if command -v zip >/dev/null; then
	(cd "$stage" && zip -qr -X "$abs_out" .)
elif command -v python3 >/dev/null; then
	(cd "$stage" && python3 -m zipfile -c "$abs_out" ./*)
else
	echo "make_zip: needs zip (apt-get install zip) or python3" >&2
	exit 1
fi
rm -rf "$stage"
hidden=$(find tests/hidden -name '[0-9][0-9]-*.c' 2>/dev/null | wc -l)
echo "gradescope: $out (setup.sh and run_autograder at its root; $hidden hidden suite(s))"
