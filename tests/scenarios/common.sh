# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by every scenario: libraries, a work folder, results on failure.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
VTI_SRCDIR=$top
. "$top/tests/lib/check.sh"
. "$top/tests/lib/charon.sh"
. "$top/tests/lib/sites.sh"
. "$top/tests/lib/links.sh"

RESULTS=${VTI_RESULTS:-$WORK}
# capture_stop as well: a scenario may replace sites_teardown
trap 'capture_stop > /dev/null 2>&1; sites_teardown; rm -rf "$WORK"' EXIT

# scenario NAME: announce a scenario, remember its failures so far
scenario() {
	SCENARIO=$1
	FAILED_BEFORE=$VTI_FAILED
	echo "=== scenario: $SCENARIO"
}

# scenario_end: a line for the scenario; on failure, every daemon's log
# into the output and the results
scenario_end() {
	if [ "$VTI_FAILED" -eq "$FAILED_BEFORE" ]; then
		echo "=== scenario $SCENARIO: passed"
	else
		echo "=== scenario $SCENARIO: FAILED, charon logs follow"
		dump_logs | tee "$RESULTS/$SCENARIO.logs"
	fi
	sites_teardown
}
