# shellcheck shell=bash
# find_labs.sh: where a submission keeps its lab folders (sourced by the
# Gradescope and batch-grading scripts; bash).
#
# Students hand in the lab folders (01-socket-basics/, ...) at the top of
# their upload, or a labs/ folder holding them, or a whole copy of their
# tree (socket-lab/labs/...). find_labs_dir DIR prints the folder to grade:
# DIR when lab folders sit at its top, else DIR/labs when that holds them,
# else the shallowest folder below DIR (at most four levels, build/ and
# dot-folders skipped) that holds them. When none does it prints DIR, and
# the grader then says, lab by lab, that the folder is missing.

# True when folder $1 holds at least one lab folder NN-topic/.
has_lab_folders() {
	local d
	for d in "$1"/[0-9][0-9]-*/; do
		[ -d "$d" ] && return 0
	done
	return 1
}

find_labs_dir() {
	local root=${1%/} best="" best_depth=99 lab parent depth
	if has_lab_folders "$root"; then
		printf '%s\n' "$root"
		return
	fi
	if has_lab_folders "$root/labs"; then
		printf '%s\n' "$root/labs"
		return
	fi
	while IFS= read -r -d '' lab; do
		parent=${lab%/*}
		depth=$(printf '%s' "${parent#"$root"}" | tr -cd / | wc -c)
		if [ "$depth" -lt "$best_depth" ]; then
			best=$parent
			best_depth=$depth
		fi
	done < <(find "$root" -mindepth 1 -maxdepth 4 \
			\( -name build -o -name '.*' \) -prune -o \
			-type d -name '[0-9][0-9]-*' -print0 2>/dev/null)
	printf '%s\n' "${best:-$root}"
}

# plain_path DIR LINK: prints DIR's absolute path when make can take it as
# it is; make splits words at spaces, so for a path with spaces or other
# odd characters (a student's name) LINK is made a symbolic link to DIR and
# printed instead. The caller removes LINK when it is printed.
plain_path() {
	local dir
	dir=$(cd "$1" && pwd) || return 1
	if [[ $dir =~ ^[A-Za-z0-9_./+-]+$ ]]; then
		printf '%s\n' "$dir"
		return
	fi
	ln -sfn "$dir" "$2" && printf '%s\n' "$2"
}
