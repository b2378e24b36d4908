#!/usr/bin/env bash
# run_selftests.sh: the body of `make test` (called by the Makefile with the
# make command and the build folder of the sanitizer variant).
#
# 1. unit tests of common/ and the harness;
# 2. every graded suite against solutions/: every check must pass (and
#    again with the checks run as an unprivileged uid, no namespaces);
# 3. every graded suite against the untouched starters in labs/: every
#    check must fail, with a message;
# 4. the grader's own tests on fixture submissions (tests/self/);
# 5. the bug zoo (tests/bugzoo/): references with one typical mistake
#    each, graded: every mistake must be caught by exactly the checks its
#    entry lists (BUGZOO=full adds the slower entries);
# 6. the Chinese guide (guide/zh/) has the English guide's chapters, with
#    the same headings, code blocks, images and links;
# 7. the course platforms run for real: the handout built and graded in an
#    empty folder, Gradescope's autograder on a fake /autograder, a batch of
#    three submissions (tests/self/platforms_test.c);
# 8. make report's page for the references, the starters and a submission
#    that does not compile, loaded in headless Chromium (skipped, with a
#    line that says so, when chromium is not installed);
# 9. the hints: every graded check of tests/labs/ has hint: and more: in
#    tests/hints/NN-topic.hints, and every block names a graded check
#    (hidden checks are exempt, and may have none);
# 10. the student's tools run for real: make status and make hint on a
#    submission, make grade's colours, make watch in a tmux terminal
#    (tests/self/student_test.c).
# The last line counts the steps: "selftest: N passed, M failed".
set -u
MAKE_CMD=${1:?make command}
OUT=${2:?build folder}
cd "$(dirname "$0")/.." || exit 2

log_dir=$(mktemp -d /tmp/selftest.XXXXXX)
trap 'rm -rf "$log_dir"' EXIT

step() {
	local name=$1 log=$log_dir/$2
	shift 2
	local start=$SECONDS
	if "$@" >"$log" 2>&1; then
		echo ok >"$log.status"
		printf 'ok    %-44s %3ds\n' "$name" $((SECONDS - start))
	else
		echo FAIL >"$log.status"
		printf 'FAIL  %-44s %3ds\n' "$name" $((SECONDS - start))
		sed 's/^/      | /' "$log" | tail -n 60
	fi
}

# Everything the steps share is built first, so that the steps (which run
# side by side) never build the same file at the same time.
jobs=-j$(nproc 2>/dev/null || echo 2)
if ! "$MAKE_CMD" --no-print-directory -s "$jobs" SAN=1 all IMPL=solutions >"$log_dir/build" 2>&1 ||
   ! "$MAKE_CMD" --no-print-directory -s "$jobs" SAN=1 all IMPL=labs >>"$log_dir/build" 2>&1 ||
   ! "$MAKE_CMD" --no-print-directory -s "$jobs" SAN=1 TESTS_DIR=tests/fixtures/grader \
	"$OUT/tests/fixtures/grader/99-selftest.o" >>"$log_dir/build" 2>&1; then
	cat "$log_dir/build"
	echo "selftest: 0 passed, 1 failed"
	exit 1
fi

GRADER=$OUT/tests/grader/grade
grade_expect() {
	local impl=$1 expect=$2
	shift 2
	"$GRADER" --make "$MAKE_CMD" --san --out "$OUT" --impl "$impl" --key "$impl" \
		--expect "$expect" --hidden tests/hidden "$@"
}

export GRADER MAKE_CMD BUILD_OUT=$OUT SAN_BUILD=1
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
# Two lanes side by side, one per core; each runs its steps in order.
{
	step "references score full marks" solutions grade_expect solutions pass
	# As root without namespaces the checks run as an unprivileged uid, as
	# they do for a student who is not root: the references must pass so
	# (after the step above, in this lane: both use the same build).
	if [ "$(id -u)" = 0 ]; then
		step "references, checks run without root or namespaces" solutions_uid \
			grade_expect solutions pass --no-namespaces
	fi
	step "starters fail every check" starters grade_expect labs fail
	step "bug zoo: every mistake caught as listed" bugzoo \
		"$OUT/tests/self/self_tests" --filter 'bugzoo/*' -j2 --short-filename
	if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
		step "make report, page loaded in headless Chromium" report env REPORT_TESTS=1 \
			"$OUT/tests/self/self_tests" --filter 'report/*' -j2 --short-filename
	else
		echo "skip  make report in headless Chromium: chromium is not installed" \
			"(apt-get install chromium)"
	fi
} &
{
	step "hints: every graded check has hint: and more:" hints \
		"$OUT/tests/progress/progress" hints-check --tests tests/labs --hidden tests/hidden
	step "unit tests (common/, harness)" unit "$OUT/tests/unit/unit_tests" -j1 --short-filename
	step "Chinese guide in step with the English one" guide_zh tests/self/guide_zh_check.sh guide
	step "grader on hostile fixture submissions" self \
		"$OUT/tests/self/self_tests" --filter 'grader/*' -j4 --short-filename
	step "same, namespaces turned off" self_no_ns env SELFTEST_NO_NS=1 \
		"$OUT/tests/self/self_tests" --filter 'grader/*' -j4 --short-filename
	step "course platforms (handout, Gradescope, grade-all)" platforms env PLATFORM_TESTS=1 \
		"$OUT/tests/self/self_tests" --filter 'platforms/*' -j2 --short-filename
	step "student tools (status, hint, watch in tmux)" student env STUDENT_TESTS=1 \
		"$OUT/tests/self/self_tests" --filter 'student/*' -j1 --short-filename
} &
wait

# Labs the hints step skipped, if any, are named rather than passed over.
grep -h '^hints-check: skipped' "$log_dir/hints" 2>/dev/null | sed 's/^/      /'

# Steps run in background subshells; their outcomes come back as files.
passed=$(cat "$log_dir"/*.status | grep -c '^ok$')
failed=$(cat "$log_dir"/*.status | grep -vc '^ok$')
echo "selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
