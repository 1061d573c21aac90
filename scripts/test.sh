#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Every test: installs what it needs, builds; then the integration
# scenarios in one qemu guest (the package group's .deb built on the host
# meanwhile) and beside them, one after the other: the
# unit tests (Check, then under valgrind and built with ASan/UBSan) and the
# load test against the real charon (the plugin plain, under valgrind and
# built with ASan), the fuzz targets (VTI_FUZZ_SECONDS each, 30 by
# default) and make distcheck. It ends with one table: each group, its
# checks passed, failed and skipped, and its time; then every skip with its
# reason, and one line counting every check:
#   all: N passed, M failed, K skipped
#
# --long adds, after all of that (beside the guest they starved it: in a
# run with 300 s fuzzing beside it the orders group took 617 s instead of
# 125 and produced no rekey collision), the 2,000-event soak (a guest of
# its own), fuzzing of 300 s a target (VTI_LONG_FUZZ_SECONDS), make
# distcheck with every test and the mutants (their unit part, then those
# an integration scenario tells), each a row of the table.
#
#   scripts/test.sh [--long] [GROUP...]   GROUPs: the integration groups to
#                                  run (tests/integration.sh's; all by default)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ "${1:-}" = --long ]; then
	shift
	VTI_TEST_LONG=yes
fi

# RECORDS: one line a group: GROUP PASSED FAILED SKIPPED SECONDS
# (tab-separated); SKIPS: a line a skip: GROUP REASON. HOST_PID: the
# fuzzing and distcheck beside the guest while they run.
HOST_PID=

# stop_host_side: stop the fuzzing and distcheck beside the guest, if they
# still run, by the PID of their process group (host_side starts it with
# setsid): every process they started goes with it
stop_host_side() {
	[ -n "$HOST_PID" ] || return 0
	if kill -0 "$HOST_PID" 2>/dev/null; then
		kill -TERM -- "-$HOST_PID" 2>/dev/null
		wait "$HOST_PID" 2>/dev/null
	fi
	HOST_PID=
}
# record GROUP PASSED FAILED SKIPPED SECONDS
record() {
	printf '%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RECORDS"
}

# skips_of GROUP FILE: each reason of FILE's "SKIP: reason" lines into
# SKIPS, once, with how many times where more than once
skips_of() {
	grep '^SKIP: ' "$2" 2>/dev/null | sort | uniq -c |
		awk -v g="$1" '{ n = $1; sub(/^ *[0-9]+ SKIP: /, "")
			print g "\t" $0 (n > 1 ? " (" n " times)" : "") }' >> "$SKIPS"
}

# count_lines GROUP FILE STATUS SECONDS: a group that prints a PASS:, FAIL:
# or SKIP: line per check; one that printed none, or failed (STATUS) with
# no FAIL: line, counts one failure
count_lines() {
	cl_p=$(grep -c '^PASS: ' "$2" 2>/dev/null)
	cl_f=$(grep -c '^FAIL: ' "$2" 2>/dev/null)
	cl_s=$(grep -c '^SKIP: ' "$2" 2>/dev/null)
	cl_p=${cl_p:-0} cl_f=${cl_f:-0} cl_s=${cl_s:-0}
	if [ $((cl_p + cl_f + cl_s)) -eq 0 ]; then
		echo "FAIL: $1: no PASS, FAIL or SKIP line in $2"
		cl_f=1
	elif [ "$3" -ne 0 ] && [ "$3" -ne 77 ] && [ "$cl_f" -eq 0 ]; then
		echo "FAIL: $1: exit status $3 ($2)"
		cl_f=1
	fi
	skips_of "$1" "$2"
	record "$1" "$cl_p" "$cl_f" "$cl_s" "$4"
}

# count_unit STATUS SECONDS: Check's "N%: Checks: C, Failures: F, Errors:
# E" and the suite's "Skipped: K" (a skip is a pass to Check: taken out)
count_unit() {
	cu_log=tests/unit/vti_tests.log
	cu=$(sed -n 's/^[0-9]*%: Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\)$/\1 \2 \3/p' \
		"$cu_log" 2>/dev/null)
	cu_k=$(sed -n 's/^Skipped: \([0-9]*\)$/\1/p' "$cu_log" 2>/dev/null)
	if [ -z "$cu" ] || [ -z "$cu_k" ]; then
		echo "FAIL: unit: no Checks or Skipped line in $cu_log"
		record unit 0 1 0 "$2"
		return
	fi
	# shellcheck disable=SC2086
	set -- $cu "$cu_k" "$1" "$2"
	cu_f=$(($2 + $3))
	[ "$5" -eq 0 ] || [ "$cu_f" -gt 0 ] || cu_f=1
	skips_of unit "$cu_log"
	record unit $(($1 - $2 - $3 - $4)) "$cu_f" "$4" "$6"
}

# make_check GROUP TEST: TEST alone through make check (its .log), timed
make_check() {
	mc_start=$(date +%s)
	make -s check TESTS="$2" >> make-check.out 2>&1
	mc_status=$?
	mc_time=$(($(date +%s) - mc_start))
	echo "--- $2 ($mc_time s)"
	# no log: the build failed, make said why
	cat "$2.log" 2>/dev/null || tail -n 40 make-check.out
	if [ "$1" = unit ]; then
		count_unit "$mc_status" "$mc_time"
	else
		# make check's own status for a skip (77) is 0: the log tells
		count_lines "$1" "$2.log" "$mc_status" "$mc_time"
	fi
}

# run_fuzz GROUP SECONDS: the fuzz targets for SECONDS each, a PASS: or
# FAIL: line each, into GROUP.out
run_fuzz() {
	rf_start=$(date +%s)
	tests/fuzz/run.sh "$2" > "$1.out" 2>&1
	rf_status=$?
	count_lines "$1" "$1.out" "$rf_status" $(($(date +%s) - rf_start)) \
		>> "$1.out"
}

# distcheck_failures: which checks failed in the tarball's make check, from
# the test logs a failed distcheck leaves in its build directory (make's
# own output names only the test): each FAIL: or ERROR: line with the two
# lines after it (what the check printed), or Check's :F: or :E: line, at
# most 30 lines
distcheck_failures() {
	df_failed='^(FAIL|ERROR)|:[FE]:'
	for df_log in strongswan-vti-*/_build/sub/tests/*/*.log; do
		[ -f "$df_log" ] || continue
		case $df_log in */test-suite.log) continue ;; esac
		grep -qE "$df_failed" "$df_log" || continue
		echo "--- ${df_log#*/_build/sub/}: its failed checks"
		grep -E -A 2 "$df_failed" "$df_log"
	done | head -n 30
}

# run_distcheck GROUP [all]: the tarball builds and passes make check
# (GROUP.log); without all, the make check of the tarball leaves out the
# valgrind and sanitizer runs, which the tree's make check ran beside the
# guest on the same code (they only slow the guest there)
run_distcheck() {
	rd_start=$(date +%s)
	rd_group=$1
	set --
	[ "${2:-}" = all ] || set -- TESTS='$(QUICK_TESTS)'
	if make -s distcheck "$@" > "$rd_group.log" 2>&1; then
		echo "PASS: make distcheck" >> "$rd_group.log"
		rd_f=0
	else
		distcheck_failures >> "$rd_group.log"
		echo "FAIL: make distcheck ($rd_group.log)" >> "$rd_group.log"
		rd_f=1
	fi
	rm -f strongswan-vti-*.tar.gz
	record "$rd_group" $((1 - rd_f)) "$rd_f" 0 $(($(date +%s) - rd_start))
	grep -q '^FAIL: make distcheck' "$rd_group.log" && tail -n 40 "$rd_group.log"
	grep -E '^(PASS|FAIL): make distcheck' "$rd_group.log"
}

# run_mutants GROUP [OPTION]: tests/mutants.sh [OPTION] into GROUP.out, a
# PASS: line for each mutant KILLED, a FAIL: line for any other, from its
# results
run_mutants() {
	rm_start=$(date +%s)
	tests/mutants.sh ${2:+"$2"} > "$1.out" 2>&1
	rm_status=$?
	sed -n '/^mutants: results/,$ {
		s/^KILLED  *\([^ ]*\)  *\(.*\)/PASS: mutant \1 killed: \2/p
		s/^\(SURVIVED\|INVALID\)  *\([^ ]*\)  *\(.*\)/FAIL: mutant \2 \1: \3/p
	}' "$1.out" >> "$1.out"
	count_lines "$1" "$1.out" "$rm_status" $(($(date +%s) - rm_start)) >> "$1.out"
}

# run_make_check: every test make check knows (Makefile.am's TESTS), one
# at a time: a new one is run and counted without being named here
run_make_check() {
	: > make-check.out
	for t in $(make -s --eval 'vti-print-tests: ; @echo $(TESTS)' vti-print-tests); do
		case $t in
			tests/unit/vti_tests) g=unit ;;
			tests/unit/valgrind.sh) g=valgrind ;;
			tests/unit/sanitize.sh) g=sanitizers ;;
			tests/load/load-test.sh) g=load ;;
			*) g=$(basename "$t" .sh) ;;
		esac
		make_check "$g" "$t"
	done
}

# host_side: make check's tests, the fuzzing, then make distcheck, beside
# the guest (which, under TCG, wants more than one core: this slows it);
# in a process group of its own (setsid), stopped as one
host_side() {
	run_make_check > host-tests.out 2>&1
	run_fuzz fuzz "${VTI_FUZZ_SECONDS:-30}"
	run_distcheck distcheck > /dev/null
}

# long_after: with --long, once the guest and the host side are done, one
# after the other: the 2,000-event soak, the longer fuzzing, make
# distcheck with every test, the mutants
long_after() {
	printf '\n==> the 2,000-event soak (in a guest of its own)\n'
	ls_start=$(date +%s)
	{ tests/soak.sh --events 2000; echo $? > soak-2000.status; } 2>&1 |
		tee soak-2000.out
	count_lines soak-2000 soak-2000.out "$(cat soak-2000.status)" \
		$(($(date +%s) - ls_start))
	rm -f soak-2000.status
	printf '\n==> fuzzing (%s s per target)\n' "${VTI_LONG_FUZZ_SECONDS:-300}"
	run_fuzz fuzz-long "${VTI_LONG_FUZZ_SECONDS:-300}"
	cat fuzz-long.out
	printf '\n==> make distcheck with every test (valgrind, sanitizers)\n'
	run_distcheck distcheck-all all
	printf '\n==> the mutants against the unit tests\n'
	run_mutants mutants -j2
	cat mutants.out
	printf '\n==> the mutants an integration scenario tells\n'
	run_mutants mutants-integration --integration
	cat mutants-integration.out
}

# count_integration SECONDS: the "group G: N passed, M failed, K skipped
# in S s" lines tests/integration.sh prints, a record each; its SKIP:
# lines go to the group above them
count_integration() {
	if ! grep -q '^group [a-z0-9-]*: ' integration.out; then
		echo "FAIL: integration: no group line in integration.out"
		record integration 0 1 0 "$1"
		return
	fi
	sed -n 's/^group \([a-z0-9-]*\): \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped in \([0-9]*\) s$/integration:\1 \2 \3 \4 \5/p' \
		integration.out | while read -r ci_g ci_p ci_f ci_s ci_t; do
		record "$ci_g" "$ci_p" "$ci_f" "$ci_s" "$ci_t"
	done
	# a group begun without its line, or a run cut short: a failure each
	for ci_g in $(sed -n 's/^=== group \([a-z0-9-]*\)$/\1/p' integration.out); do
		grep -q "^group $ci_g: " integration.out && continue
		echo "FAIL: integration:$ci_g: begun, never ended (integration.out)"
		record "integration:$ci_g" 0 1 0 0
	done
	if ! grep -qE '^integration: [0-9]+ passed, [0-9]+ failed' integration.out; then
		echo "FAIL: integration: tests/integration.sh ended without its last line"
		record integration 0 1 0 "$1"
	fi
	awk '/^=== group / { g = "integration:" $3 }
		/^SKIP: / && g { sub(/^SKIP: /, ""); print g "\t" $0 }' integration.out |
		sort | uniq -c | awk '{ n = $1; sub(/^ *[0-9]+ /, "")
			print $0 (n > 1 ? " (" n " times)" : "") }' >> "$SKIPS"
}

# table: the host's groups, then the integration groups as they ran; the
# skips' reasons; the total
table() {
	printf '\n==> summary\n'
	awk -F '\t' '
		BEGIN { split("unit valgrind sanitizers load fuzz distcheck host-side", o, " ")
			for (i in o) rank[o[i]] = i }
		{ print ($1 in rank ? rank[$1] : 100 + NR) "\t" $0 }' "$RECORDS" |
		sort -n | cut -f 2- | awk -F '\t' '
		BEGIN { printf "%-24s %7s %7s %8s %9s\n", "group", "passed", "failed", "skipped", "time" }
		{
			printf "%-24s %7d %7d %8d %5dm%02ds\n", $1, $2, $3, $4, $5 / 60, $5 % 60
			p += $2; f += $3; s += $4
		}
		END { printf "%-24s %7d %7d %8d\n", "total", p, f, s }'
	if [ -s "$SKIPS" ]; then
		echo "skipped:"
		awk -F '\t' '{ printf "  %s: %s\n", $1, $2 }' "$SKIPS"
	fi
}

# scripts/test.sh --host-side RECORDS SKIPS: host_side alone, as the
# process group leader the main run starts with setsid
if [ "${1:-}" = --host-side ]; then
	RECORDS=$2 SKIPS=$3
	host_side
	exit 0
fi

RECORDS=$(mktemp /tmp/vti-test-records.XXXXXX)
SKIPS=$(mktemp /tmp/vti-test-skips.XXXXXX)
trap 'stop_host_side; rm -f "$RECORDS" "$SKIPS"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start=$(date +%s)
"$top/scripts/setup.sh" || { echo "set-up failed"; echo "all: 0 passed, 1 failed"; exit 1; }
echo "set-up: $(($(date +%s) - start)) s"

printf '\n==> beside the guest: make check (one test at a time) into host-tests.out, fuzzing (%s s per target) into fuzz.out, make distcheck into distcheck.log\n' \
	"${VTI_FUZZ_SECONDS:-30}"
setsid "$top/scripts/test.sh" --host-side "$RECORDS" "$SKIPS" < /dev/null > host-side.log 2>&1 &
HOST_PID=$!

printf '\n==> integration scenarios\n'
it_start=$(date +%s)
"$top/tests/integration.sh" "$@" 2>&1 | tee integration.out
count_integration $(($(date +%s) - it_start))

# the host side's own deadline: make check's, the fuzzing's and a
# distcheck's time, twice
hs_end=$(($(date +%s) + 4 * ${VTI_FUZZ_SECONDS:-30} * 2 + 2400))
while kill -0 "$HOST_PID" 2>/dev/null && [ "$(date +%s)" -lt $hs_end ]; do
	sleep 1
done
if kill -0 "$HOST_PID" 2>/dev/null; then
	echo "FAIL: make check, fuzzing and make distcheck still ran at their deadline: stopped"
	stop_host_side
	record host-side 0 1 0 0
fi
wait "$HOST_PID" 2>/dev/null
HOST_PID=

printf '\n==> unit and load tests (make check, one test at a time)\n'
cat host-tests.out
grep -q '^unit	' "$RECORDS" || record unit 0 1 0 0

printf '\n==> fuzzing (libFuzzer with ASan and UBSan, %s s per target)\n' \
	"${VTI_FUZZ_SECONDS:-30}"
cat fuzz.out
grep -q '^fuzz	' "$RECORDS" || record fuzz 0 1 0 0
printf '\n==> make distcheck (the tarball builds and passes make check)\n'
grep -q '^FAIL: make distcheck' distcheck.log && tail -n 40 distcheck.log
grep -E '^(PASS|FAIL): make distcheck' distcheck.log
grep -q '^distcheck	' "$RECORDS" || record distcheck 0 1 0 0
if [ -n "${VTI_TEST_LONG:-}" ]; then
	long_after
	for g in soak-2000 fuzz-long distcheck-all mutants mutants-integration; do
		grep -q "^$g	" "$RECORDS" || record "$g" 0 1 0 0
	done
fi

table
echo "wall time: $(($(date +%s) - start)) s"
awk -F '\t' '{ p += $2; f += $3; s += $4 } END {
		printf "all: %d passed, %d failed, %d skipped\n", p, f, s
		exit f > 0 }' "$RECORDS"
