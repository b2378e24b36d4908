#!/bin/bash
# 07-framing.sh: lab 07 as a student runs it, for its sequence diagram.
#
#   scenarios/07-framing.sh BIN_DIR WORK_DIR
#
# fserver, its limit lowered to 16384 bytes, in the background for three
# clients. fclient sends the seed's message as one frame: a 4-byte header,
# then the payload, answered in kind. A second fclient sends a 12000-byte
# frame through a 4096-byte SO_SNDBUF: one send() that the server's readn()
# takes in pieces. A third sends a 20000-byte frame: the server reads its
# header, refuses it (EMSGSIZE) without reading the payload, and closes
# that connection only; that client fails, as it should.
set -u
bin=$1
cd "$2" || exit 1
. "$(dirname "$0")/lib.sh"

"$bin/fserver" demo.sock --max 16384 --clients 3 > server.log &
server=$!
if ! wait_listening demo.sock "$server"; then
	echo "scenario: fserver never listened at demo.sock" >&2
	kill "$server" 2> /dev/null
	wait "$server"
	exit 1
fi
status=0
"$bin/fclient" demo.sock > /dev/null || status=1
"$bin/fclient" demo.sock --size 12000 --sndbuf 4096 > /dev/null || status=1
# Over the server's limit: this client must fail.
"$bin/fclient" demo.sock --size 20000 > /dev/null 2>&1 && status=1
if ((status != 0)); then
	kill "$server" 2> /dev/null
fi
wait "$server" || status=1
# The server's log must say why it dropped the third client.
while read -r line; do
	[[ $line == "client 3:"*"end: EMSGSIZE"* ]] && exit $status
done < server.log
exit 1
