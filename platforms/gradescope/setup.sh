#!/usr/bin/env bash
# setup.sh: Gradescope runs this once, as root, when it builds the
# autograder's image, with the zip extracted in /autograder/source.
#
# Installs make and the Debian/Ubuntu packages the lab needs (the list lives
# in the Makefile: `make deps`), then builds everything grading needs
# besides a submission (the grader, common/, the harness, the graded and
# hidden suites), so that each submission only builds its own labs.
# AUTOGRADER_ROOT replaces /autograder (the project's own tests use it).
set -euo pipefail
root=${AUTOGRADER_ROOT:-/autograder}
src=$root/source
export DEBIAN_FRONTEND=noninteractive
if ! command -v make >/dev/null; then
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends make >/dev/null
fi
make -C "$src" --no-print-directory deps
make -C "$src" --no-print-directory -s -j"$(nproc)" grade-prep
echo "setup.sh: the grader and the lab's own code are built in $src/build"
