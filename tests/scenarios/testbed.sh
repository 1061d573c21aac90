#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The test bed's own checks: the baseline scenarios pass, and a scenario
# broken on purpose (wrong PSK) fails within its deadline and shows both
# charons' logs.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/check.sh"

"$here/baseline.sh"
base=$?

echo "=== scenario: a broken scenario (wrong PSK on site 2) must fail"
start=$(date +%s)
out=$(BROKEN_PSK=not-the-secret timeout 120 "$here/baseline.sh" vti6 2>&1)
status=$?
took=$(( $(date +%s) - start ))
echo "$out" | grep -E '^(PASS|FAIL|===)' | sed 's/^/    | /'
check "broken scenario fails" test "$status" -ne 0 -a "$status" -ne 124
check "broken scenario fails within its deadline (${took}s)" test "$took" -lt 90
check "broken scenario shows site 1's charon log" \
	text_has "$out" "charon log of site 1"
check "broken scenario's logs show the IKE_SA_INIT" text_has "$out" "IKE_SA_INIT"
check "broken scenario shows site 2's charon log" \
	text_has "$out" "charon log of site 2"
check "broken scenario's logs show the failed authentication" \
	text_has "$out" "tried 1 shared key"
summary
[ $base -eq 0 ] && [ "$VTI_FAILED" -eq 0 ]
