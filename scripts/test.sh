#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Every test: installs what it needs, builds, runs the unit tests (Check,
# then under valgrind and built with ASan/UBSan), the load test against the
# real charon (the plugin plain, under valgrind and built with ASan), the
# fuzz targets (VTI_FUZZ_SECONDS each, 30 by default), make distcheck and
# the integration scenarios (the package group builds the .deb and installs
# it in a guest), and ends with one line counting every check.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

"$top/scripts/setup.sh" || { echo "set-up failed"; exit 1; }

status=0
printf '\n==> unit and load tests (make check)\n'
make -s check > make-check.out 2>&1 || status=1
for t in tests/unit/vti_tests tests/unit/valgrind.sh tests/unit/sanitize.sh \
		tests/load/load-test.sh; do
	echo "--- $t"
	cat "$t.log" 2>/dev/null
done
[ $status -eq 0 ] || cat make-check.out
# Check: "100%: Checks: N, Failures: F, Errors: E"
unit=$(sed -n 's/^[0-9]*%: Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\)$/\1 \2 \3/p' \
	tests/unit/vti_tests.log 2>/dev/null)
set -- ${unit:-0 0 1}
passed=$(($1 - $2 - $3))
failed=$(($2 + $3))
# the shell tests: a PASS: or FAIL: line per check
for t in tests/unit/valgrind.sh tests/unit/sanitize.sh tests/load/load-test.sh; do
	if [ -f "$t.log" ]; then
		passed=$((passed + $(grep -c '^PASS: ' "$t.log")))
		failed=$((failed + $(grep -c '^FAIL: ' "$t.log")))
	else
		failed=$((failed + 1))
	fi
done

printf '\n==> fuzzing (libFuzzer with ASan and UBSan, %s s per target)\n' \
	"${VTI_FUZZ_SECONDS:-30}"
tests/fuzz/run.sh "${VTI_FUZZ_SECONDS:-30}" > fuzz.out 2>&1 || status=1
cat fuzz.out
# a PASS: or FAIL: line per target
if grep -q '^\(PASS\|FAIL\): fuzz' fuzz.out; then
	passed=$((passed + $(grep -c '^PASS: fuzz' fuzz.out)))
	failed=$((failed + $(grep -c '^FAIL: fuzz' fuzz.out)))
else
	failed=$((failed + 1))
fi

printf '\n==> make distcheck (the tarball builds and passes make check)\n'
if make -s distcheck > distcheck.log 2>&1; then
	echo "PASS: make distcheck"
	passed=$((passed + 1))
else
	tail -n 40 distcheck.log
	echo "FAIL: make distcheck (distcheck.log)"
	failed=$((failed + 1))
	status=1
fi
rm -f strongswan-vti-*.tar.gz

printf '\n==> integration scenarios\n'
"$top/tests/integration.sh" > integration.out 2>&1 || status=1
cat integration.out
it=$(sed -n 's/^integration: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' integration.out)
set -- ${it:-0 1}
passed=$((passed + $1))
failed=$((failed + $2))

[ $status -eq 0 ] || [ $failed -gt 0 ] || failed=1
echo
echo "all: $passed passed, $failed failed"
[ $status -eq 0 ] && [ $failed -eq 0 ]
