#!/bin/bash
# 03-naming.sh: lab 03 as a student runs it, for its sequence diagram.
#
#   scenarios/03-naming.sh BIN_DIR WORK_DIR
#
# One server at a pathname and one at an abstract name, each for one
# client; the second client lets the kernel choose its name (autobind).
# The diagram shows the exact address length of each kind of name in
# bind() and connect(), and each name read back with getsockname().
set -u
bin=$1
cd "$2" || exit 1
. "$(dirname "$0")/lib.sh"

# serve ADDR [CLIENT OPTION]: one namesrv for one namecli.
serve() {
	local addr=$1 server
	"$bin/namesrv" "$addr" --count 1 &
	server=$!
	if ! wait_listening "$addr" "$server"; then
		echo "scenario: namesrv never listened at $addr" >&2
		kill "$server" 2> /dev/null
		wait "$server"
		return 1
	fi
	if ! "$bin/namecli" ${2:+"$2"} "$addr"; then
		kill "$server" 2> /dev/null
		wait "$server"
		return 1
	fi
	wait "$server"
}

status=0
serve "$PWD/demo.sock" || status=1
# Abstract names are global on the machine: SEQ_TAG (see trace_scenario.sh)
# keeps this one ours.
serve "@lab03-demo-${SEQ_TAG:-$$}" --autobind || status=1
exit $status
