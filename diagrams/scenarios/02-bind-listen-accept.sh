#!/bin/bash
# 02-bind-listen-accept.sh: lab 02 as a student runs it, for its sequence
# diagram.
#
#   scenarios/02-bind-listen-accept.sh BIN_DIR WORK_DIR
#
# The server in the background for one client, the client once the server
# listens, then the server's exit. The socket file is named relative to
# WORK_DIR, so that the diagram shows a short path.
set -u
bin=$1
cd "$2" || exit 1
. "$(dirname "$0")/lib.sh"

"$bin/server" demo.sock --count 1 &
server=$!
if ! wait_listening demo.sock "$server"; then
	echo "scenario: the server never listened at demo.sock" >&2
	kill "$server" 2> /dev/null
	wait "$server"
	exit 1
fi
status=0
if ! "$bin/client" demo.sock; then
	# The server may still wait for its one client: stop it.
	status=1
	kill "$server" 2> /dev/null
fi
wait "$server" || status=1
exit $status
