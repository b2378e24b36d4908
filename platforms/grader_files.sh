#!/usr/bin/env bash
# grader_files.sh: the files a grading machine needs (the Gradescope zip and
# the Autolab tarball are made of these): the Makefile, common/, the
# harness, the grader (with tests/progress/, which it links), the graded
# suites, the staff's hidden checks, the platform scripts that run there,
# and the starters (labs/): the build takes a lab's given files (main
# files, helpers) from there when a submission holds only the files its
# student wrote. No references.
#
#   grader_files.sh STAGE_DIR     copies them into STAGE_DIR
set -euo pipefail
stage=${1:?usage: grader_files.sh STAGE_DIR}
cd "$(dirname "$0")/.."
paths=(Makefile common labs tests/harness tests/grader tests/progress tests/labs tests/hidden
       platforms/find_labs.sh platforms/autolab/grade.sh)
{
	# What git tracks or would track: never a stray build product.
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files --cached --others --exclude-standard -- "${paths[@]}"
	else
		find "${paths[@]}" -type f ! -name '*.o' ! -name '*.d' 2>/dev/null
	fi
} | while IFS= read -r f; do
	[ -e "$f" ] || continue
	mkdir -p "$stage/$(dirname "$f")"
	cp -p "$f" "$stage/$f"
done
