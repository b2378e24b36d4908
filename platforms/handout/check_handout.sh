#!/usr/bin/env bash
# check_handout.sh: the handout, checked as a student would get it (run by
# `make handout-check` in the course repository, after `make handout`).
#
#   check_handout.sh MAKE HANDOUT.tar.gz
#
# Lists the tarball (no solutions/, no hidden checks, no project tests),
# extracts it into an empty temp folder and runs `make handout-check`
# there: a fresh build from nothing, the starters graded to Score: 0/Y,
# `make report` writing its page, `make test` refusing politely. The temp folder is removed afterwards.
set -uo pipefail
make_cmd=${1:?usage: check_handout.sh MAKE HANDOUT.tar.gz}
tgz=${2:?usage: check_handout.sh MAKE HANDOUT.tar.gz}

list=$(tar -tzf "$tgz") || exit 1
bad=$(grep -E '^(\./)?(solutions|tests/hidden|tests/self|tests/unit|tests/bugzoo|tests/fixtures|platforms|\.ci)(/|$)' <<<"$list")
if [ -n "$bad" ]; then
	echo "handout-check: staff material in $tgz:" >&2
	printf '%s\n' "$bad" | head >&2
	exit 1
fi
for f in Makefile README.md .gitignore labs/ common/ tests/harness/ tests/grader/ \
	tests/report/ tests/labs/ tests/progress/ tests/hints/ guide/ diagrams/; do
	if ! grep -qxF -e "./$f" -e "$f" <<<"$list"; then
		echo "handout-check: $f is missing from $tgz" >&2
		exit 1
	fi
done

dir=$(mktemp -d /tmp/handout-check.XXXXXX)
trap 'rm -rf "$dir"' EXIT
tar -xzf "$tgz" -C "$dir" || exit 1
# A student's shell: none of this make's variables (SAN=1, say) leak in.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$make_cmd" -C "$dir" --no-print-directory handout-check
