#!/bin/bash
# 01-socket-basics.sh: lab 01 as a student runs it, for its sequence diagram.
#
#   scenarios/01-socket-basics.sh BIN_DIR WORK_DIR
#
# Three runs of sockprobe: socket() probes that succeed and fail, then the
# socketpair exchange on a stream (two writes, one read gets both) and on
# a seqpacket pair (the boundaries stay).
set -u
bin=$1
cd "$2" || exit 1
status=0
"$bin/sockprobe" unix stream 0 unix dgram 0 unix raw 0 inet seqpacket 0 || status=1
"$bin/sockprobe" pair stream || status=1
"$bin/sockprobe" pair seqpacket || status=1
exit $status
