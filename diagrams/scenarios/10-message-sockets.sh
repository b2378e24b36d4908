#!/bin/bash
# 10-message-sockets.sh: lab 10 as a student runs it, for its sequence
# diagram.
#
#   scenarios/10-message-sockets.sh BIN_DIR WORK_DIR
#
# First a SEQPACKET server with a 16-byte buffer and a client that sends
# two messages back to back: each arrives alone, the second is cut and
# reported with its real length (MSG_TRUNC), and the client's shutdown is
# the server's end of file. Then a DGRAM server at a path and an
# autobound client: bind() with the family alone (length 2), and each
# reply goes to the address and length recvmsg() reported (the five hex
# digits, length 8).
set -u
bin=$1
cd "$2" || exit 1
. "$(dirname "$0")/lib.sh"

# wait_bound NAME PID: like wait_listening, for a datagram socket, which
# never listens: Type 0002 (SOCK_DGRAM) bound at NAME is ready.
wait_bound() {
	local name=$1 pid=$2 end=$((SECONDS + 5))
	local num ref proto flags type st inode path
	while ((SECONDS < end)); do
		while read -r num ref proto flags type st inode path; do
			[[ $type == 0002 && $path == "$name" ]] && return 0
		done < /proc/net/unix
		kill -0 "$pid" 2> /dev/null || return 1
	done
	return 1
}

# stop PID: ends a server that is still there (a failed run).
stop() {
	kill "$1" 2> /dev/null
	wait "$1"
}

status=0
"$bin/msgsrv" "$PWD/demo.sock" --type seqpacket --max 16 --count 1 &
server=$!
if ! wait_listening "$PWD/demo.sock" "$server"; then
	echo "scenario: msgsrv never listened at $PWD/demo.sock" >&2
	stop "$server"
	exit 1
fi
"$bin/msgcli" "$PWD/demo.sock" --type seqpacket hello "a message longer than 16" ||
	{ status=1; kill "$server" 2> /dev/null; }
wait "$server" || status=1

# A path in the run's own directory: unique to this run, and of the same
# length in every run (the report compares the two diagrams row by row).
name=$PWD/dgram.sock
"$bin/msgsrv" "$name" --type dgram --count 2 &
server=$!
if ! wait_bound "$name" "$server"; then
	echo "scenario: msgsrv never bound $name" >&2
	stop "$server"
	exit 1
fi
"$bin/msgcli" "$name" --type dgram --autobind one three ||
	{ status=1; kill "$server" 2> /dev/null; }
wait "$server" || status=1
exit $status
