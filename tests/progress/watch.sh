#!/usr/bin/env bash
# watch.sh: the loop behind `make watch LAB=NN`: grade the lab again on
# every save, and show only what matters now: its first failing check with
# the check's message and first hint, or that the lab is done and which
# one comes next.
#
# Set by the Makefile: MAKE_CMD, PROGRESS_TOOL, STATE_FILE, IMPL_DIR,
# TESTS_DIR, HIDDEN (may be empty), SUFFIX, LAB_NUM ("01"), LAB_DIR
# ("01-socket-basics"), GRADE_LOG (where each grading's full report goes).
#
# Changes are seen by inotifywait (Debian's inotify-tools), started before
# the first grading so that no save is missed; a burst of events (an editor
# writes a file in several steps) makes one grading, and events that do not
# change the lab's sources (an editor's swap file) make none: `progress
# stale` compares the sources with what was graded. The screen is cleared
# only on a terminal; into a pipe the rounds follow each other. Ctrl-C
# stops the grading under way (the grader kills what it started) and ends
# the watch with status 0.
set -u
: "${MAKE_CMD:?}" "${PROGRESS_TOOL:?}" "${STATE_FILE:?}" "${IMPL_DIR:?}" "${TESTS_DIR:?}"
: "${LAB_NUM:?}" "${LAB_DIR:?}" "${GRADE_LOG:?}"
dir=$IMPL_DIR/$LAB_DIR

if [ ! -d "$dir" ]; then
	echo "watch: $dir/ does not exist: nothing to watch" >&2
	exit 2
fi
if ! command -v inotifywait >/dev/null; then
	echo "watch: inotifywait is missing; as root: apt-get install inotify-tools" >&2
	exit 2
fi

args=(--state "$STATE_FILE" --impl "$IMPL_DIR" --tests "$TESTS_DIR" --suffix "${SUFFIX:-}"
      --lab "$LAB_NUM")
[ -z "${HIDDEN:-}" ] || args+=(--hidden "$HIDDEN")
mkdir -p "$(dirname "$GRADE_LOG")"

on_tty=0
if [ -t 1 ] && [ "${TERM:-dumb}" != dumb ]; then
	on_tty=1
fi
new_screen() {
	if [ "$on_tty" = 1 ]; then
		printf '\033[H\033[2J'
	else
		printf '\n----------------------------------------------------------------\n'
	fi
}

inw_pid=
stop() {
	trap - INT TERM HUP
	[ -z "$inw_pid" ] || kill "$inw_pid" 2>/dev/null
	printf '\nwatch: stopped.\n'
	exit 0
}
trap stop INT TERM HUP

# Every change below the lab's folder, one line each; the watches are set
# up before anything is graded (the "Watches established." line).
exec {events}< <(exec inotifywait -m -r -e close_write,create,delete,moved_to,moved_from \
	--format '%e %w%f' "$dir" 2>&1)
inw_pid=$!
ready=0
while read -r -t 10 -u "$events" line; do
	if [ "$line" = "Watches established." ]; then
		ready=1
		break
	fi
done
if [ "$ready" != 1 ]; then
	echo "watch: inotifywait could not watch $dir/: ${line:-no answer in 10 s}" >&2
	kill "$inw_pid" 2>/dev/null
	exit 2
fi

grade_round() {
	new_screen
	echo "watch: grading lab $LAB_NUM ($dir/) ..."
	"$MAKE_CMD" --no-print-directory -s grade LAB="$LAB_NUM" GRADE_PROGRESS=1 RESULTS= \
		AUTOLAB= >"$GRADE_LOG"
	local rc=$?
	new_screen
	if [ "$rc" -ne 0 ]; then
		tail -n 20 "$GRADE_LOG"
		echo "watch: make grade LAB=$LAB_NUM stopped with status $rc (report: $GRADE_LOG)"
	else
		"$PROGRESS_TOOL" watch-summary "${args[@]}"
	fi
	printf '\nwatch: waiting for changes in %s/ (Ctrl-C to stop)\n' "$dir"
}

grade_round
while read -r -u "$events" line; do
	# The rest of a burst: an editor's save is several events.
	while read -r -t 0.3 -u "$events" line; do :; done
	stale=$("$PROGRESS_TOOL" stale "${args[@]}" --who watch 2>/dev/null)
	[ -z "$stale" ] || grade_round
done
echo "watch: inotifywait stopped (was $dir/ removed?)" >&2
exit 1
