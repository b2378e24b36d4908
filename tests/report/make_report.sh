#!/usr/bin/env bash
# make_report.sh: the diagrams of `make report`, and the page (run by the
# Makefile once the grader has written WORK/results.json).
#
#   tests/report/make_report.sh SEQDIAG HTML_TOOL IMPL_DIR BUILD_OUT IMPL_OUT REPORT_DIR \
#       LAB_DIR... -- MAKE [MAKE_ARGS...]
#
# For each lab that has a diagram scenario (diagrams/scenarios/LAB.sh):
# the reference's diagram and row list (diagrams/LAB.svg, .rows; drawn
# now from solutions/ when the row list is missing and solutions/ is
# here), then the student's programs built (MAKE MAKE_ARGS lab-build-LAB,
# a no-op after grading) and run by the scenario under strace, drawn and
# compared with the reference's run. Whatever fails becomes a sentence in
# REPORT_DIR/work/LAB.why (or .refwhy, .diffwhy) that the page shows in
# place of the picture. Then HTML_TOOL writes REPORT_DIR/index.html.
set -u
if (($# < 8)); then
	echo "usage: $0 SEQDIAG HTML_TOOL IMPL_DIR BUILD_OUT IMPL_OUT REPORT_DIR LAB_DIR..." \
		"-- MAKE [ARGS...]" >&2
	exit 2
fi
seqdiag=$1 html_tool=$2 impl=$3 build_out=$4 impl_out=$5 dir=$6
shift 6
labs=()
while (($#)) && [[ $1 != -- ]]; do
	labs+=("$1")
	shift
done
shift
make_cmd=("$@")
((${#make_cmd[@]})) || { echo "make_report: no make command after --" >&2; exit 2; }
cd "$(dirname "$0")/../.." || exit 2
work=$dir/work
impl=${impl%/}
case $impl in
labs) tree="your work in labs/" ;;
solutions) tree="the references in solutions/" ;;
*) tree="$impl/" ;;
esac

# what FILE TEXT: writes a sentence (and maybe details) for the page.
say() {
	printf '%s\n' "$2" > "$1"
}

# The lines a failed scenario printed, from trace_scenario's stderr.
scenario_output() {
	sed -n 's/^  | //p' "$1"
}

# reference LAB: the reference's diagram into work/LAB.ref.svg; prints
# the path of its row list (empty when there is none).
reference() {
	local lab=$1 rows=diagrams/$1.rows svg=diagrams/$1.svg
	if [[ -f $rows && -f $svg ]]; then
		cp "$svg" "$work/$lab.ref.svg"
		echo "$rows"
		return
	fi
	if [[ -d solutions/$lab ]]; then
		# The course's repository without a committed row list: the
		# reference's run, drawn now.
		if "${make_cmd[@]}" -s IMPL=solutions SUBMISSION= "lab-build-$lab" \
			> "$work/$lab.ref.log" 2>&1 &&
			diagrams/trace_scenario.sh "$seqdiag" "$lab" "$build_out/impl/solutions/$lab/bin" \
				"$work/$lab.ref" "reference run of solutions/" --strict --formats svg \
				>> "$work/$lab.ref.log" 2>&1; then
			echo "$work/$lab.ref.rows"
			return
		fi
		{
			echo "the reference's run failed (a fault of the course, not yours):"
			tail -n 20 "$work/$lab.ref.log"
		} > "$work/$lab.refwhy"
		rm -f "$work/$lab.ref.svg"
		return
	fi
	if [[ -f $svg ]]; then
		cp "$svg" "$work/$lab.ref.svg"
		say "$work/$lab.diffwhy" "Not compared: diagrams/$lab.rows, the reference's row list, is missing (make diagrams LAB=${lab%%-*} draws it)."
	else
		say "$work/$lab.refwhy" "diagrams/$lab.svg is missing (make diagrams LAB=${lab%%-*} draws it)."
	fi
}

# yours LAB REF_ROWS: the student's run drawn into work/LAB.svg.
yours() {
	local lab=$1 ref_rows=$2 log=$work/$1.log
	if [[ ! -d $impl/$lab ]]; then
		say "$work/$lab.why" "the folder $lab/ is missing from $impl/."
		return 1
	fi
	if ! "${make_cmd[@]}" -s "lab-build-$lab" > "$work/$lab.build" 2>&1; then
		{
			echo "your programs do not build; the compiler's first messages:"
			grep -v '^make\|^  CC \|^  LD ' "$work/$lab.build" | head -n 25
		} > "$work/$lab.why"
		return 1
	fi
	local compare=(--no-compare)
	[[ -n $ref_rows ]] && compare=(--compare "$ref_rows")
	if ! diagrams/trace_scenario.sh "$seqdiag" "$lab" "$impl_out/$lab/bin" "$work/$lab" \
		"your run of $impl/" --formats svg "${compare[@]}" > /dev/null 2> "$log"; then
		{
			echo "the diagram of your run could not be drawn:"
			grep -v '^  | ' "$log" | tail -n 12
			if grep -q '^  | ' "$log"; then
				echo "The scenario's output:"
				scenario_output "$log" | tail -n 30
			fi
		} > "$work/$lab.why"
		rm -f "$work/$lab.svg" "$work/$lab.diff"
		return 1
	fi
	# A scenario that failed was drawn all the same: say why above it.
	if grep -q '^trace_scenario: the .* scenario ' "$log"; then
		{
			sed -n 's/^trace_scenario: the .* scenario \(.*\); its output:$/The scenario \1./p' \
				"$log" | head -n 1
			scenario_output "$log"
		} > "$work/$lab.note"
	fi
	return 0
}

for lab in "${labs[@]}"; do
	scenario=diagrams/scenarios/$lab.sh
	[[ -f $scenario ]] || continue
	start=$SECONDS
	echo "$scenario" > "$work/$lab.scenario"
	sed -n 's/^# varies: *//p' "$scenario" | head -n 1 > "$work/$lab.varies"
	ref_rows=$(reference "$lab")
	if yours "$lab" "$ref_rows"; then
		if [[ -f $work/$lab.diff ]]; then
			what=$(awk -F '\t' '/^#/ { next } $1 != "=" { n++ } END { print n + 0 }' \
				"$work/$lab.diff")
			what="$what rows differ from the reference's run"
		else
			what="not compared"
		fi
	else
		what="no diagram: $(head -n 1 "$work/$lab.why")"
		[[ -f $work/$lab.diffwhy ]] ||
			say "$work/$lab.diffwhy" "Nothing to compare: your run has no diagram."
	fi
	echo "report: ${lab%%-*}: $what ($((SECONDS - start)) s)"
done

"$html_tool" --results "$work/results.json" --work "$work" --guide guide \
	--tree "$tree" -o "$dir/index.html" "${labs[@]}" > /dev/null || exit 1
echo "report: $dir/index.html"
