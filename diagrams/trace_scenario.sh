#!/bin/bash
# trace_scenario.sh: runs a lab's scenario under strace and draws its
# sequence diagram (used by `make diagrams` and `make diagram`).
#
#   diagrams/trace_scenario.sh SEQDIAG LAB_DIR BIN_DIR OUT_BASE NOTE [--strict]
#
# The scenario diagrams/scenarios/LAB_DIR.sh gets BIN_DIR and a fresh
# temporary directory, and runs the lab's programs as a student would.
# Only processes that executed a program from BIN_DIR become lifelines
# (and programs the scenario names on a "# keep: prog,prog" line).
# The title is the lab's chapter title (first line of guide/LAB_DIR.md)
# and NOTE, which says whose run it is. Writes OUT_BASE.svg and .png (and
# .dot, except with --strict), and prints their paths. With
# --strict (reference diagrams) a failing scenario is an error; otherwise
# the diagram is drawn anyway, since it shows what went wrong.
set -u
if (($# < 5)); then
	echo "usage: $0 SEQDIAG LAB_DIR BIN_DIR OUT_BASE NOTE [--strict]" >&2
	exit 2
fi
seqdiag=$1 lab=$2 bin=$3 out=$4 note=$5 strict=${6:-}
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
if ((status != 0)); then
	echo "trace_scenario: the $lab scenario failed (status $status); its output:" >&2
	sed 's/^/  | /' "$work/output" >&2
	if [[ $strict == --strict ]]; then
		exit 1
	fi
	echo "trace_scenario: drawing the diagram anyway: it shows what happened." >&2
fi
# A scenario may name outside programs to draw too ("# keep: socat").
keep=$(sed -n 's/^# keep: *//p' "$scenario" | head -n 1)
"$seqdiag" --bin "$bin" ${keep:+--keep "$keep"} --title "$title" -o "$work/diagram" \
	"$work/trace" > /dev/null || exit 1
# Reference diagrams are committed as SVG and PNG; a student's run also
# keeps the DOT text, to look at or to re-render.
kinds="svg png"
[[ $strict == --strict ]] || kinds="dot svg png"
mkdir -p "$(dirname "$out")"
for k in $kinds; do
	cp "$work/diagram.$k" "$out.$k" || exit 1
	echo "$out.$k"
done
