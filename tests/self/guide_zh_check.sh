#!/usr/bin/env bash
# guide_zh_check.sh: the Chinese guide (guide/zh/) is kept in step with the
# English one (guide/): every English chapter has its Chinese twin, with the
# same headings (same levels, in the same order), the same code blocks
# (byte for byte: commands, traces and outputs are not translated) and the
# same images and links to other chapters. Prints one line per problem and
# exits 1 when there is any.
#
#   tests/self/guide_zh_check.sh [GUIDE_DIR]
set -u
guide=${1:-guide}
zh=$guide/zh
status=0
problem() {
	printf 'guide/zh: %s\n' "$*"
	status=1
}

# The outline of a chapter, one item per line: "H2" for a level-2 heading,
# "CODE <n> <checksum>" for the n-th code block, "IMG <target>" for an
# image, "LINK <target>" for a link to another chapter (.md) or a diagram.
outline() {
	awk '
	function flush_code() { print "CODE " ncode " " code_sum; }
	/^[ \t]*```/ {
		if (in_code) { flush_code(); in_code = 0 }
		else { in_code = 1; ncode++; code_sum = 0; code_text = "" }
		next
	}
	in_code {
		# A cheap order-sensitive checksum of the block (awk has no
		# hashing): sums of character codes weighted by position.
		for (i = 1; i <= length($0); i++)
			code_sum = (code_sum * 31 + index(chars, substr($0, i, 1)) + 1) % 1000000007;
		code_sum = (code_sum * 31 + 10) % 1000000007;
		next
	}
	/^#+ / { match($0, /^#+/); print "H" RLENGTH; }
	{
		line = $0
		while (match(line, /!?\[[^]]*\]\([^)]*\)/)) {
			item = substr(line, RSTART, RLENGTH)
			line = substr(line, RSTART + RLENGTH)
			target = item
			sub(/^!?\[[^]]*\]\(/, "", target)
			sub(/\)$/, "", target)
			if (item ~ /^!/)
				print "IMG " target
			else if (target ~ /\.(md|svg|png)(#.*)?$/ && target !~ /^https?:/)
				print "LINK " target
		}
	}
	BEGIN {
		for (c = 32; c < 127; c++) chars = chars sprintf("%c", c)
	}
	' "$1"
}

shopt -s nullglob
english=("$guide"/*.md)
((${#english[@]})) || { echo "guide/zh: no English chapters in $guide" >&2; exit 2; }
[ -d "$zh" ] || { problem "the folder $zh is missing"; exit 1; }
for en in "${english[@]}"; do
	name=$(basename "$en")
	twin=$zh/$name
	if [ ! -f "$twin" ]; then
		problem "$name has no Chinese twin ($twin)"
		continue
	fi
	# Links from guide/zh/ point one folder further up: ../X in English
	# is ../../X in Chinese, and a sibling chapter stays a sibling.
	diff_out=$(diff <(outline "$en") \
		<(outline "$twin" | sed -E 's#^(IMG|LINK) \.\./#\1 #')) || {
		problem "$name and zh/$name differ in outline (< English, > Chinese):"
		printf '%s\n' "$diff_out" | head -n 20 | sed 's/^/    /'
	}
done
for twin in "$zh"/*.md; do
	[ -f "$guide/$(basename "$twin")" ] ||
		problem "zh/$(basename "$twin") has no English original"
done
((status == 0)) && echo "guide/zh: ${#english[@]} chapters in step"
exit $status
