#!/bin/bash
# 05-reconnect.sh: lab 05 as a student runs it, for its sequence diagram.
#
#   scenarios/05-reconnect.sh BIN_DIR WORK_DIR
#
# The daemon (with a journal) and the app, ticking every 50 ms. After the
# app's 2nd acknowledgement the daemon is killed with SIGKILL; after the
# app's 3rd refused connect a new daemon starts; the app reconnects,
# resends what was not acknowledged, and stops after 6 messages. Each step
# follows a line the app prints (read from its stdout): no fixed sleep.
# (The "varies:" line is for make report, which shows it beside the diff.)
# varies: the messages sent before the kill, the connects refused before the restart
set -u
bin=$1
cd "$2" || exit 1
. "$(dirname "$0")/lib.sh"

start_daemon() {
	"$bin/daemon" d.sock --journal journal.txt &
	daemon=$!
	wait_listening d.sock "$daemon"
}

if ! start_daemon; then
	echo "scenario: the daemon never listened" >&2
	kill "$daemon" 2> /dev/null
	wait
	exit 1
fi
coproc APP { "$bin/app" d.sock --tick-ms 50 --base-ms 10 --cap-ms 80 --seed 7 \
	--session demo --count 6; }
# bash forgets APP once the app exits: keep our own copy of its stdout.
exec {app_out}<&"${APP[0]}"
app=$APP_PID
# Whatever happens, no daemon outlives the scenario.
trap 'kill "$daemon" "$app" 2> /dev/null' EXIT
killed=0 refused=0 done=0
# Each line must come within 5 s: a deadline, not a pause.
while read -r -t 5 line <&"$app_out"; do
	echo "app: $line"
	case $line in
	"ack 2:"*)
		kill -KILL "$daemon"
		wait "$daemon" 2> /dev/null
		killed=1
		;;
	"connect: ECONNREFUSED"*)
		refused=$((refused + 1))
		((refused == 3)) && { start_daemon || break; }
		;;
	"all 6 messages acknowledged"*)
		done=1
		;;
	esac
done
wait "$app" 2> /dev/null
# The second daemon ends cleanly on SIGTERM (it removes its socket file).
kill -TERM "$daemon" 2> /dev/null
wait "$daemon"
((done && killed && refused >= 3))
