#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the libFuzzer targets (clang -fsanitize=fuzzer,address,undefined,
# against the configured strongSwan source and the installed libstrongswan)
# and runs each for SECONDS (default 30) from its seed corpus in
# tests/fuzz/TARGET/; prints a PASS or FAIL line per target with libFuzzer's
# final figures (executions, cov, ft, corpus) and fails on a crash, a
# broken invariant, a leak or a timeout, keeping the input that did it
# (and printing it in base64). Where llvm-profdata and llvm-cov are, it
# also reports the share of the plugin source's lines the corpus reached
# (replayed once by a build with clang's source-based coverage).
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     targets: config names
#                                               addresses nlreply
#   tests/fuzz/run.sh --build                   only build them
#
# VTI_FUZZ_OUT: where binaries, corpora and crashes go (BUILDDIR/fuzz-out);
# each run starts from the seeds alone unless VTI_FUZZ_KEEP_CORPUS=yes.
# A crash replays with: VTI_FUZZ_OUT/bin/fuzz_TARGET CRASHFILE
set -u
top=${VTI_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${VTI_TOP_BUILDDIR:-$top}
out=${VTI_FUZZ_OUT:-$build/fuzz-out}
cc=${VTI_FUZZ_CC:-clang}
build_only=
secs=30
case ${1:-} in
	--build) build_only=yes; shift ;;
	[0-9]*) secs=$1; shift ;;
esac
targets=${*:-config names addresses nlreply}

command -v "$cc" > /dev/null || { echo "FAIL: fuzz: no $cc (apt install clang)"; exit 1; }
[ -f "$build/Makefile" ] || { echo "FAIL: fuzz: $build is not configured"; exit 1; }
mk() { sed -n "s/^$1 = //p" "$build/Makefile"; }
cppflags="$(mk STRONGSWAN_CPPFLAGS) -I$top/include -I$top/tests/fuzz"
libdir=$(mk STRONGSWAN_LIBDIR)
warn="-Wall -Werror -Wno-unused-parameter -Wno-unused-function"
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=all $warn"
covflags="-g -O1 -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping
	$warn"
libs="-L$libdir -Wl,-rpath,$libdir -lstrongswan $(mk MNL_LIBS)"

sources() {
	case $1 in
		config|names|addresses)
			echo "$top/plugin/vti_config.c $top/plugin/vti_config_values.c" ;;
		nlreply) echo "$top/plugin/vti_nlreply.c" ;;
	esac
}
max_len() {
	case $1 in
		config) echo 4096 ;;
		names) echo 128 ;;
		addresses) echo 1024 ;;
		nlreply) echo 4096 ;;
	esac
}

# lines_covered TARGET "SOURCE..." CORPUS...: "NN.NN% of the lines of SOURCE"
# for each SOURCE, reached by the inputs of CORPUS..., or nothing without
# the tools
lines_covered() {
	command -v llvm-profdata > /dev/null && command -v llvm-cov > /dev/null ||
		return 0
	cov="$out/bin/cov_$1"
	src=$2
	shift 2
	# shellcheck disable=SC2086
	$cc $covflags $cppflags -o "$cov" "$top/tests/fuzz/fuzz_$t.c" $src \
		$libs > "$out/build-cov-$t.log" 2>&1 || return 0
	rm -f "$out/$t.profraw"
	LLVM_PROFILE_FILE="$out/$t.profraw" "$cov" -runs=0 "$@" > /dev/null 2>&1
	llvm-profdata merge -o "$out/$t.profdata" "$out/$t.profraw" 2> /dev/null ||
		return 0
	# the Lines Cover column of each source's row
	for f in $src; do
		llvm-cov report "$cov" -instr-profile="$out/$t.profdata" "$f" 2> /dev/null |
			awk -v f="$f" '$1 == f { print $10 " of the lines of " f }' |
			sed "s|$top/||"
	done | paste -sd, - | sed 's/,/, /g'
}

mkdir -p "$out/bin"
passed=0
failed=0
for t in $targets; do
	src=$(sources "$t")
	if [ -z "$src" ]; then
		echo "FAIL: fuzz $t: no such target"
		failed=$((failed + 1))
		continue
	fi
	bin="$out/bin/fuzz_$t"
	# shellcheck disable=SC2086
	if ! $cc $flags $cppflags -o "$bin" "$top/tests/fuzz/fuzz_$t.c" $src \
			$libs > "$out/build-$t.log" 2>&1; then
		cat "$out/build-$t.log"
		echo "FAIL: fuzz $t: does not build"
		failed=$((failed + 1))
		continue
	fi
	[ -n "$build_only" ] && continue

	corpus="$out/corpus/$t"
	crashes="$out/crashes/$t"
	[ "${VTI_FUZZ_KEEP_CORPUS:-}" = yes ] || rm -rf "$corpus"
	# what an earlier run kept (its unit test written by now) moves aside
	if [ -n "$(ls "$crashes" 2>/dev/null)" ]; then
		rm -rf "$crashes.previous"
		mv "$crashes" "$crashes.previous"
	fi
	mkdir -p "$corpus" "$crashes"
	dict=
	[ -f "$top/tests/fuzz/$t.dict" ] && dict="-dict=$top/tests/fuzz/$t.dict"
	log="$out/fuzz-$t.log"
	start=$(date +%s)
	# shellcheck disable=SC2086
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
		"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
		-max_len="$(max_len "$t")" -artifact_prefix="$crashes/" $dict \
		"$corpus" "$top/tests/fuzz/$t" > "$log" 2>&1
	status=$?
	took=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
	cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$done_line" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	figures="${execs:-?} executions in ${took} s, cov ${cov:-?} ft ${ft:-?}, corpus ${corp:-?}"
	kept=$(ls "$crashes" 2>/dev/null)
	if [ $status -eq 0 ] && [ -z "$kept" ]; then
		lines=$(lines_covered "$t" "$src" "$corpus" "$top/tests/fuzz/$t")
		echo "PASS: fuzz $t: $figures${lines:+, $lines}"
		passed=$((passed + 1))
	else
		grep -E -A 30 '^(==[0-9]+==ERROR|.*runtime error|.*invariant broken|ALARM|==[0-9]+== ERROR)' "$log" | head -n 60
		for f in $kept; do
			echo "kept: $crashes/$f (replay: $bin $crashes/$f), base64:"
			base64 "$crashes/$f" | head -n 40
		done
		echo "FAIL: fuzz $t: exit status $status, ${figures}; log $log"
		failed=$((failed + 1))
	fi
done
[ -n "$build_only" ] && [ $failed -eq 0 ] && exit 0
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
