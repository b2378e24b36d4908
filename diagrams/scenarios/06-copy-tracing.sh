#!/bin/bash
# 06-copy-tracing.sh: lab 06 as a student runs it, for its sequence
# diagram.
#
#   scenarios/06-copy-tracing.sh BIN_DIR WORK_DIR
#
# copysrv in the background for one client, copycli sending two requests
# (the seed's 23-byte message) and reading each 15-byte reply once the
# server listens, then the server's exit. Every write in the diagram is
# tied to the read that took its bytes: the two copies of each byte.
set -u
bin=$1
cd "$2" || exit 1
. "$(dirname "$0")/lib.sh"

"$bin/copysrv" demo.sock --count 1 > /dev/null &
server=$!
if ! wait_listening demo.sock "$server"; then
	echo "scenario: copysrv never listened at demo.sock" >&2
	kill "$server" 2> /dev/null
	wait "$server"
	exit 1
fi
status=0
if ! "$bin/copycli" demo.sock -n 2 > /dev/null; then
	# The server may still wait for its one client: stop it.
	status=1
	kill "$server" 2> /dev/null
fi
wait "$server" || status=1
exit $status
