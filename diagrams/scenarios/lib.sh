# lib.sh: helpers shared by the scenario scripts (sourced, bash).
#
# A scenario runs under strace, which records every process it starts, so
# the helpers use shell builtins only: a `grep` or `sleep` here would add
# processes (and lines) to the trace for nothing.

# wait_listening NAME PID: polls /proc/net/unix until a socket bound to
# NAME ("demo.sock" as the server was given it, or "@name") is listening.
# Returns 1 when PID exits first or 5 seconds pass. Never a fixed sleep.
wait_listening() {
	local name=$1 pid=$2 end=$((SECONDS + 5))
	local num ref proto flags type st inode path
	while ((SECONDS < end)); do
		while read -r num ref proto flags type st inode path; do
			# Flags 00010000 is __SO_ACCEPTCON: listen() was called.
			[[ $flags == 00010000 && $path == "$name" ]] && return 0
		done < /proc/net/unix
		kill -0 "$pid" 2> /dev/null || return 1
	done
	return 1
}
