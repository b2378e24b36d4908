#!/bin/bash
# 09-credentials.sh: lab 09 as a student runs it, for its sequence diagram.
#
#   scenarios/09-credentials.sh BIN_DIR WORK_DIR
#
# credsrv listens at a path with mode 0666 (the umask set around bind())
# and holds a file of mode 0600. credcli, as the server's own user, is
# welcomed by SO_PEERCRED and receives the file's open descriptor
# (SCM_RIGHTS). Where the scenario runs as root, a second credcli runs as
# uid 65534: the mode lets it connect, SO_PEERCRED gets it DENIED.
set -u
bin=$1
cd "$2" || exit 1
. "$(dirname "$0")/lib.sh"

printf 'a file only its owner may open\n' > secret
chmod 600 secret
sock=$PWD/demo.sock
clients=1
other=0
if ((EUID == 0)) && setpriv --reuid 65534 --regid 65534 --clear-groups test -x "$bin/credcli" 2> /dev/null; then
	other=1
	clients=2
	# The other user must be able to reach the socket file.
	chmod 711 "$PWD" "$PWD/.."
fi

"$bin/credsrv" "$sock" --mode 0666 --file secret --count $clients &
server=$!
if ! wait_listening "$sock" "$server"; then
	echo "scenario: credsrv never listened at $sock" >&2
	kill "$server" 2> /dev/null
	wait "$server"
	exit 1
fi
status=0
"$bin/credcli" "$sock" --get 1 || status=1
if ((other)); then
	# Refused: credcli exits with CRED_CLI_EXIT_DENIED (6).
	setpriv --reuid 65534 --regid 65534 --clear-groups "$bin/credcli" "$sock"
	(($? == 6)) || status=1
fi
((status == 0)) || kill "$server" 2> /dev/null
wait "$server" || status=1
exit $status
