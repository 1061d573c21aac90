# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Counting checks: a line per check, one summary line at the end.
VTI_PASSED=0
VTI_FAILED=0
VTI_SKIPPED=0

# VTI_LAST: the last check's description (host_test_end names it)
pass() {
	VTI_PASSED=$((VTI_PASSED + 1))
	VTI_LAST=$*
	echo "PASS: $*"
}

fail() {
	VTI_FAILED=$((VTI_FAILED + 1))
	VTI_LAST=$*
	echo "FAIL: $*"
}

# check DESCRIPTION COMMAND...: pass if COMMAND succeeds
check() {
	desc=$1
	shift
	if "$@"; then
		pass "$desc"
	else
		fail "$desc"
	fi
}

# skip WHAT: a check that could not be made here, and why; counted apart,
# never as a pass
skip() {
	VTI_SKIPPED=$((VTI_SKIPPED + 1))
	echo "SKIP: $*"
}

# summary: "N passed, M failed", with ", K skipped" where K > 0
# (VTI_SUMMARIZED: it ran)
summary() {
	VTI_SUMMARIZED=yes
	if [ "$VTI_SKIPPED" -gt 0 ]; then
		echo "$VTI_PASSED passed, $VTI_FAILED failed, $VTI_SKIPPED skipped"
	else
		echo "$VTI_PASSED passed, $VTI_FAILED failed"
	fi
	[ "$VTI_FAILED" -eq 0 ]
}

# wait_for SECONDS COMMAND...: poll COMMAND until it succeeds
wait_for() {
	end=$(( $(date +%s) + $1 ))
	shift
	while [ "$(date +%s)" -lt "$end" ]; do
		"$@" > /dev/null 2>&1 && return 0
		sleep 0.3
	done
	return 1
}

# text_has TEXT GREP_ARGS...: grep (its options and pattern, -e PATTERN
# for one that starts with -) finds a line in TEXT
text_has() (
	text=$1
	shift
	printf '%s\n' "$text" | grep -q "$@"
)

# text_lacks TEXT GREP_ARGS...: TEXT is not empty and grep finds no line
# in it (an empty TEXT proves nothing: nothing was read; a grep error
# fails too)
text_lacks() (
	text=$1
	shift
	[ -n "$text" ] || exit 1
	printf '%s\n' "$text" | grep -q "$@"
	[ $? -eq 1 ]
)
