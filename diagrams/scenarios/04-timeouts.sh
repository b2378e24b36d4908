#!/bin/bash
# 04-timeouts.sh: lab 04 as a student runs it, for its sequence diagram.
#
#   scenarios/04-timeouts.sh BIN_DIR WORK_DIR
#
# tclient against a peer that accepts and reads but never answers (socat,
# traced but not drawn: its own housekeeping calls would hide the lesson):
# the timeouts are set and read back, 100 bytes go out, and the read gives
# up with EAGAIN when SO_RCVTIMEO (300 ms) runs out.
set -u
bin=$1
cd "$2" || exit 1
. "$(dirname "$0")/lib.sh"

name=lab04-demo-${SEQ_TAG:-$$}
socat -u "ABSTRACT-LISTEN:$name" OPEN:/dev/null &
peer=$!
if ! wait_listening "@$name" "$peer"; then
	echo "scenario: socat never listened at @$name" >&2
	kill "$peer" 2> /dev/null
	wait "$peer"
	exit 1
fi
"$bin/tclient" "@$name" --rcv 300 --snd 300 --send 100
got=$?
# The read timeout is the expected end (TCLIENT_EXIT_READ_TIMEOUT).
status=0
((got == 5)) || status=1
((got == 5)) || kill "$peer" 2> /dev/null
wait "$peer"
exit $status
