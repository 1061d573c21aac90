#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The unit tests once more, built with AddressSanitizer and
# UndefinedBehaviorSanitizer (gcc; -fno-sanitize-recover: the first
# finding ends the run) in a directory of their own (BUILDDIR/sanitize),
# run in one process (CK_FORK=no, as under valgrind) with LeakSanitizer at
# exit. One PASS or FAIL line. (tests/load/load-test.sh builds the plugin
# so and loads it into the real charon.)
set -u
top=${VTI_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${VTI_TOP_BUILDDIR:-$top}
. "$top/tests/lib/sanitize.sh"

bin=$san_out/vti_tests
if ! san_build_tests "$bin"; then
	cat "$bin.log"
	echo "FAIL: the unit tests build with -fsanitize=address,undefined ($san_cc)"
	san_done
	exit 1
fi
san_done
echo "built $bin with -fsanitize=address,undefined ($san_cc)"

log=$san_out/vti_tests.out
CK_FORK=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
	"$bin" > "$log" 2>&1
status=$?
grep -E '^[0-9]+%: Checks|^SKIP: |^Skipped: ' "$log"
if grep -qE '^==[0-9]+==ERROR|^SUMMARY: [A-Za-z]+Sanitizer|runtime error:' "$log"; then
	grep -E -A 40 '^==[0-9]+==ERROR|runtime error:' "$log" | head -n 80
	echo "FAIL: the unit tests built with ASan and UBSan ($san_cc): findings ($log)"
	exit 1
elif [ $status -ne 0 ]; then
	grep -E ':[EF]:' "$log" | head -n 20
	echo "FAIL: the unit tests built with ASan and UBSan ($san_cc): exit status $status ($log)"
	exit 1
fi
echo "PASS: the unit tests pass built with ASan and UBSan ($san_cc), no finding, no leak"
