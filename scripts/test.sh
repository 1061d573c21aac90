#!/bin/sh
# Every test: installs what it needs, builds, runs the unit tests (Check),
# the load test against the real charon and the integration scenarios.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

"$top/scripts/setup.sh" || { echo "set-up failed"; exit 1; }

status=0
printf '\n==> unit and load tests (make check)\n'
make -s check > make-check.out 2>&1 || status=1
for t in tests/unit/vti_tests tests/load/load-test.sh; do
	echo "--- $t"
	cat "$t.log" 2>/dev/null
done
grep -E '^# (TOTAL|PASS|FAIL|ERROR):' make-check.out
[ $status -eq 0 ] || cat make-check.out

if [ -x "$top/tests/integration.sh" ]; then
	printf '\n==> integration scenarios\n'
	"$top/tests/integration.sh" || status=1
fi
exit $status
