#!/bin/bash
# 08-many-clients.sh: lab 08 as a student runs it, for its sequence
# diagram.
#
#   scenarios/08-many-clients.sh BIN_DIR WORK_DIR
#
# One server, three clients connected at once (bash coprocesses, one
# after another in that order): A and B take turns sending a line and
# reading its reply, while C is connected and sends nothing; the server
# serves A and B regardless, from one poll() loop. Then A, B and C leave,
# and the server, started with --clients 3, exits. Each step waits for
# the line the previous one printed (a reply, "connected to ..."): no
# fixed sleep.
set -u
bin=$1
cd "$2" || exit 1
. "$(dirname "$0")/lib.sh"

"$bin/server" demo.sock --clients 3 > server.log &
server=$!
if ! wait_listening demo.sock "$server"; then
	echo "scenario: the server never listened at demo.sock" >&2
	kill "$server" 2> /dev/null
	wait "$server"
	exit 1
fi
# Whatever happens, nothing outlives the scenario.
trap 'kill "$server" ${A_PID:-} ${B_PID:-} ${C_PID:-} 2> /dev/null' EXIT

# say NAME LINE: sends LINE as client NAME and prints the reply; fails
# when none comes within 5 s. With no LINE, only reads (the greeting).
say() {
	local -n co=$1
	local reply
	[[ -z ${2:-} ]] || printf '%s\n' "$2" >&"${co[1]}" || return 1
	read -r -t 5 reply <&"${co[0]}" || return 1
	echo "$1: $reply"
}

# bash warns about a second coprocess while the first runs; the warning
# is all that the redirections below silence.
coproc A { "$bin/client" demo.sock; }
say A || exit 1
{ coproc B { "$bin/client" demo.sock; }; } 2> /dev/null
say B || exit 1
{ coproc C { "$bin/client" demo.sock; }; } 2> /dev/null
say C || exit 1

status=0
say A "hello from a" && say B "hello from b" && say A "bye from a" || status=1

# End of input: each client shuts down its side, the server closes.
for name in A B C; do
	declare -n co=$name
	fd=${co[1]}
	exec {fd}>&-
	unset -n co
done
wait "$A_PID" "$B_PID" "$C_PID" 2> /dev/null
wait "$server" || status=1
trap - EXIT
exit $status
