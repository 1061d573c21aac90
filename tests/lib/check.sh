# Counting checks: a line per check, one summary line at the end.
VTI_PASSED=0
VTI_FAILED=0

pass() {
	VTI_PASSED=$((VTI_PASSED + 1))
	echo "PASS: $*"
}

fail() {
	VTI_FAILED=$((VTI_FAILED + 1))
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

summary() {
	echo "$VTI_PASSED passed, $VTI_FAILED failed"
	[ "$VTI_FAILED" -eq 0 ]
}
