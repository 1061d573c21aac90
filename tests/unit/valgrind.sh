#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The unit tests once more under valgrind, in one process: no invalid
# access and no leak in the plugin's code.
top=${VTI_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${VTI_TOP_BUILDDIR:-$top}
command -v valgrind > /dev/null || { echo "SKIP: no valgrind"; exit 77; }
log=$(mktemp)
CK_FORK=no valgrind --leak-check=full --show-leak-kinds=definite,indirect \
	--child-silent-after-fork=yes \
	--num-callers=30 --log-file="$log" "$build/tests/unit/vti_tests" > "$log.out" 2>&1
status=$?
cat "$log.out"
failed=0
if [ $status -ne 0 ]; then
	echo "FAIL: the unit tests fail under valgrind"
	failed=1
else
	echo "PASS: the unit tests pass under valgrind"
fi
if awk -f "$top/tests/lib/valgrind-ours.awk" "$log"; then
	echo "PASS: valgrind finds no invalid access or leak in the plugin's code"
else
	echo "FAIL: valgrind finds invalid accesses or leaks in the plugin's code"
	failed=1
fi
grep 'ERROR SUMMARY' "$log"
rm -f "$log" "$log.out"
exit $failed
