#!/bin/bash
# trace_scenario.sh: runs a lab's scenario under strace and draws its
# sequence diagram (used by `make diagrams` and `make diagram`).
#
#   diagrams/trace_scenario.sh SEQDIAG LAB_DIR BIN_DIR OUT_BASE NOTE [--strict]
#                              [--compare REF.rows | --no-compare] [--formats LIST]
#
# The scenario diagrams/scenarios/LAB_DIR.sh gets BIN_DIR and a fresh
# temporary directory, and runs the lab's programs as a student would.
# Only processes that executed a program from BIN_DIR become lifelines
# (and programs the scenario names on a "# keep: prog,prog" line).
# The title is the lab's chapter title (first line of guide/LAB_DIR.md)
# and NOTE, which says whose run it is. Writes OUT_BASE.svg and .png (and
# .dot, except with --strict), and OUT_BASE.rows, the row list that runs
# are compared by; prints their paths. With --strict (reference diagrams)
# a failing scenario is an error; otherwise the diagram is drawn anyway,
# since it shows what went wrong, and compared with the reference's row
# list diagrams/LAB_DIR.rows (or REF.rows): the rows that differ are
# marked, and OUT_BASE.diff lists the alignment. --formats svg draws only
# the SVG (default svg,png).
#
# The scenario finds in SEQ_TAG a short random word, unique to this run
# while it lasts: names that must be unique on the machine (abstract
# socket names) use it (or the scenario's pid, $$), and the row list
# shows it as "*", so that two runs give the same list.
set -u
if (($# < 5)); then
	echo "usage: $0 SEQDIAG LAB_DIR BIN_DIR OUT_BASE NOTE [--strict]" \
		"[--compare REF.rows | --no-compare] [--formats LIST]" >&2
	exit 2
fi
seqdiag=$1 lab=$2 bin=$3 out=$4 note=$5
shift 5
strict='' compare=default formats=svg,png
while (($#)); do
	case $1 in
	--strict) strict=--strict ;;
	--compare) compare=${2:?--compare needs a file}; shift ;;
	--no-compare) compare= ;;
	--formats) formats=${2:?--formats needs a list}; shift ;;
	*) echo "trace_scenario: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
here=$(cd "$(dirname "$0")" && pwd)
name="Lab ${lab%%-*}: ${lab#*-}"
if [[ -f $here/../guide/$lab.md ]]; then
	read -r first < "$here/../guide/$lab.md"
	[[ $first == "# "* ]] && name=${first#\# }
fi
title="$name ($note)"
scenario=$here/scenarios/$lab.sh
[[ -f $scenario ]] || { echo "trace_scenario: no scenario $scenario" >&2; exit 2; }
[[ -d $bin ]] || { echo "trace_scenario: no programs in $bin (build them first)" >&2; exit 1; }
bin=$(cd "$bin" && pwd)

# A short directory: paths in the diagram stay readable.
work=$(mktemp -d /tmp/seq.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
mkdir "$work/r"
export SEQ_TAG=${work##*.}
# LeakSanitizer cannot work under ptrace: in a sanitizer build (SAN=1) it
# would end every traced program with status 1 instead of its own.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# The calls a diagram can show; %process gives execve, forks and exits.
set_="%network,%process,read,write,readv,writev,close,unlink,unlinkat,umask,chmod,fchmod,fchmodat,fcntl,poll,ppoll,select,pselect6,epoll_wait,epoll_pwait"
opts=(-f -yy -ttt -T -s 64 -q -e "trace=$set_")
# --seccomp-bpf stops the programs only at traced calls (much faster);
# --kill-on-exit takes the programs down if strace is stopped. Use each
# only when this strace supports it.
for extra in --seccomp-bpf --kill-on-exit; do
	if strace -f "$extra" -e trace=close -o /dev/null /bin/true 2> /dev/null; then
		opts+=("$extra")
	fi
done

# A hung program (a server whose client never came) ends at the deadline.
timeout 20 strace "${opts[@]}" -o "$work/trace" bash "$scenario" "$bin" "$work/r" \
	> "$work/output" 2>&1
status=$?
if ((status == 124)); then
	echo "trace_scenario: the $lab scenario did not finish within 20 s (a program" \
		"waited for something that never came) and was stopped; its output:" >&2
elif ((status != 0)); then
	echo "trace_scenario: the $lab scenario failed (status $status); its output:" >&2
fi
if ((status != 0)); then
	sed 's/^/  | /' "$work/output" >&2
	if [[ $strict == --strict ]]; then
		exit 1
	fi
	echo "trace_scenario: drawing the diagram anyway: it shows what happened." >&2
fi
# A scenario may name outside programs to draw too ("# keep: socat").
keep=$(sed -n 's/^# keep: *//p' "$scenario" | head -n 1)
[[ $compare == default ]] && compare=$here/$lab.rows
[[ -n $strict || ! -f $compare ]] && compare=
# The scenario's own pid ($$ in it, the trace's first pid) may be in a
# name too: the row list masks it like SEQ_TAG.
read -r root_pid _ < "$work/trace"
[[ $root_pid =~ ^[0-9]+$ ]] || root_pid=$SEQ_TAG
"$seqdiag" --bin "$bin" ${keep:+--keep "$keep"} --title "$title" --mask "$SEQ_TAG" \
	--mask "$root_pid" \
	${compare:+--compare "$compare"} --format "$formats" -o "$work/diagram" \
	"$work/trace" > /dev/null || exit 1
# Reference diagrams are committed as SVG, PNG and the row list; a
# student's run also keeps the DOT text, to look at or to re-render, and
# the comparison with the reference's run.
kinds="${formats//,/ } rows"
[[ $strict == --strict ]] || kinds="dot $kinds${compare:+ diff}"
mkdir -p "$(dirname "$out")"
for k in $kinds; do
	cp "$work/diagram.$k" "$out.$k" || exit 1
	echo "$out.$k"
done
if [[ -n $compare ]]; then
	awk -F '\t' '/^#/ { next } { n[$1]++ }
		END { printf "compared with the reference'"'"'s run: %d rows the same, %d not in it, " \
			"%d changed, %d of its rows missing\n", n["="], n["+"], n["~"], n["-"] }' \
		"$out.diff"
fi
