#!/bin/bash
# 11-performance.sh: lab 11 as a student runs it, for its sequence diagram.
#
#   scenarios/11-performance.sh BIN_DIR WORK_DIR
#
# bench, as small as it goes, over a UNIX stream socket only: a ping-pong
# of three timed 1-byte round trips (no warm-up) with a forked echo peer,
# then a stream of three 1000-byte messages to a forked receiver, with its
# "ready" before and its acknowledgement after. No baseline, no memcpy:
# only the exchanges the lab's functions make. The clock readings are not
# in the diagram: clock_gettime() runs in the vDSO, without a system call.
set -u
bin=$1
cd "$2" || exit 1
"$bin/bench" --kv --transports unix-stream --rounds 3 --warmup 0 \
	--sizes 1000 --messages 3 --repeat 1 --no-baseline --no-memcpy > /dev/null
