#!/usr/bin/env bash
# make_handout.sh: the students' tarball (run by `make handout`).
#
#   make_handout.sh OUT.tar.gz
#
# Copies what a student needs into a staging folder and packs it, with the
# files at the top of the archive (extract it into an empty folder). Left
# out: solutions/, the staff's hidden checks (tests/hidden/), the project's
# own tests (tests/self, tests/unit, tests/bugzoo, tests/fixtures,
# tests/run_selftests.sh), the course platforms (platforms/), CI (.ci/),
# this chapter for staff (guide/staff.md) and anything built. The README is
# the students' one, platforms/handout/README.md.
set -euo pipefail
out=${1:?usage: make_handout.sh OUT.tar.gz}
cd "$(dirname "$0")/../.."

# Only what git tracks or would track (untracked files that .gitignore does
# not exclude), so that a stray build product never ships.
files() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files --cached --others --exclude-standard -- "$@"
	else
		find "$@" -type f ! -name '*.o' ! -name '*.d'
	fi
}

stage=$(dirname "$out")/stage
rm -rf "$stage"
mkdir -p "$stage"
# Deleted but still indexed files are skipped by the -e test.
files Makefile .gitignore labs common guide diagrams \
	tests/harness tests/grader tests/report tests/labs tests/progress tests/hints |
	while IFS= read -r f; do
		[ -e "$f" ] || continue
		# The staff's chapter (platforms, hidden checks) is not for students.
		[ "$f" != guide/staff.md ] || continue
		mkdir -p "$stage/$(dirname "$f")"
		cp -p "$f" "$stage/$f"
	done
cp platforms/handout/README.md "$stage/README.md"

# The handout must hold none of the staff's material, whatever was copied.
for p in solutions tests/hidden tests/self tests/unit tests/bugzoo tests/fixtures \
	platforms .ci; do
	if [ -e "$stage/$p" ]; then
		echo "make_handout: $p must not be in the handout" >&2
		exit 1
	fi
done
if grep -rlq 'solutions/[0-9]' "$stage/labs" 2>/dev/null; then
	echo "make_handout: a starter in labs/ mentions solutions/" >&2
fi

tar -czf "$out.tmp" -C "$stage" --owner=0 --group=0 --numeric-owner \
	--sort=name .
mv "$out.tmp" "$out"
rm -rf "$stage"
n=$(tar -tzf "$out" | grep -vc '/$')
echo "handout: $out ($n files; solutions/ and tests/hidden/ left out)"
