#!/bin/bash
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Mutation testing of the plugin's decisions and kernel requests: each
# mutant of tests/mutants.list is applied to a copy of this (configured,
# built) tree, the unit test binary is built and run there. A mutant the
# unit tests fail on is KILLED, one they pass is SURVIVED, one that does
# not compile is INVALID (never counted as killed). A mutant whose text no
# longer occurs exactly once in its file stops the run before anything is
# built: a stale mutant must not be "killed" by a build error. A mutant
# only the kernel can tell names an integration group ("scenario: GROUP"):
# the plugin is built with it and tests/integration.sh GROUP runs against
# it (one guest each): KILLED if the group fails.
#
#   tests/mutants.sh [-j 1|2] [--timeout SECONDS] [--keep] [--integration] [NAME...]
#   tests/mutants.sh --list
#
# -j       mutants built and run at once (default 1, at most 2)
# --timeout  seconds one run of the unit tests may take (default 300);
#          a run that takes longer is killed and counts as KILLED (hang)
# --keep   keep the work directory (each mutant's build and test logs)
# --integration  the mutants that name a scenario (by default the others)
# NAME     run only these mutants (whichever their kind)
#
# Exit status: 0 every mutant killed, 1 a mutant survived or is invalid,
# 2 the run could not be made (stale mutant, unit tests failing without
# any mutant, tree not built, bad arguments).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
list_file="$top/tests/mutants.list"
jobs=1
timeout=300
keep=no
only=()
list_only=no
integration=no

die() {
	echo "mutants: $*" >&2
	exit 2
}

usage() {
	sed -n '16,24s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	-j) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
	-j[0-9]*) jobs=${1#-j}; shift ;;
	--timeout) [ $# -ge 2 ] || usage; timeout=$2; shift 2 ;;
	--keep) keep=yes; shift ;;
	--list) list_only=yes; shift ;;
	--integration) integration=yes; shift ;;
	-h|--help) usage ;;
	-*) echo "mutants: unknown option $1" >&2; usage ;;
	*) only+=("$1"); shift ;;
	esac
done
case "$jobs" in 1|2) ;; *) die "-j takes 1 or 2 (the machine has 2 shared cores)" ;; esac
case "$timeout" in ''|*[!0-9]*) die "--timeout takes seconds" ;; esac

# the list: records of "key: value" lines (name, file, why, from, to),
# separated by blank lines; # starts a comment line; "to" may be empty;
# "scenario" (an integration group) is optional
names=() files=() whys=() froms=() tos=() scenarios=()

add_record() {
	local key
	[ -n "$r_keys" ] || return 0
	for key in name file why from to; do
		case "$r_keys" in
		*" $key "*) ;;
		*) die "$list_file:$r_line: mutant '${r_name:-?}' has no $key" ;;
		esac
	done
	[ -n "$r_name" ] && [ -n "$r_file" ] && [ -n "$r_from" ] ||
		die "$list_file:$r_line: mutant '${r_name:-?}': empty name, file or from"
	for key in "${names[@]}"; do
		[ "$key" != "$r_name" ] || die "$list_file:$r_line: mutant $r_name twice"
	done
	names+=("$r_name") files+=("$r_file") whys+=("$r_why")
	froms+=("$r_from") tos+=("$r_to") scenarios+=("$r_scenario")
	r_name= r_file= r_why= r_from= r_to= r_scenario= r_keys=
}

read_list() {
	local line n=0 key value
	r_name= r_file= r_why= r_from= r_to= r_scenario= r_line=0 r_keys=
	[ -r "$list_file" ] || die "no list $list_file"
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		case "$line" in
		'#'*) continue ;;
		'') add_record; continue ;;
		esac
		key=${line%%:*}
		value=${line#"$key:"}
		value=${value# }
		[ "$key" != "$line" ] || die "$list_file:$n: not 'key: value'"
		case "$key" in
		name) add_record; r_line=$n; r_name=$value; r_keys=" name " ;;
		file|why|from|to|scenario)
			case "$r_keys" in
			'') die "$list_file:$n: $key before name" ;;
			*" $key "*) die "$list_file:$n: $key twice" ;;
			esac
			eval "r_$key=\$value"
			r_keys="$r_keys$key " ;;
		*) die "$list_file:$n: unknown key '$key'" ;;
		esac
	done < "$list_file"
	add_record
}

# mutate FILE FROM TO [check]: the text FROM (escapes \n \t \\) must occur
# exactly once in FILE; it becomes TO, unless check is given
mutate() {
	MUT_FROM=$2 MUT_TO=$3 MUT_CHECK=${4:-} perl -e '
		sub unescape {
			my $s = shift;
			$s =~ s/\\(.)/$1 eq "n" ? "\n" : $1 eq "t" ? "\t" :
				$1 eq "\\" ? "\\" : die "unknown escape \\$1\n"/ge;
			return $s;
		}
		my ($path) = @ARGV;
		my $from = unescape($ENV{MUT_FROM});
		my $to = unescape($ENV{MUT_TO});
		open(my $in, "<", $path) or die "$path: $!\n";
		my $text = do { local $/; <$in> };
		close($in);
		my ($count, $at) = (0, -1);
		while (($at = index($text, $from, $at + 1)) >= 0) {
			$count++;
		}
		die "the text occurs $count times in $path, not once\n"
			if $count != 1;
		exit 0 if $ENV{MUT_CHECK};
		substr($text, index($text, $from), length($from)) = $to;
		open(my $out, ">", $path) or die "$path: $!\n";
		print $out $text;
		close($out) or die "$path: $!\n";
	' "$1"
}

read_list
[ ${#names[@]} -gt 0 ] || die "no mutant in $list_file"

if [ "$list_only" = yes ]; then
	for i in "${!names[@]}"; do
		printf '%-34s %s\n' "${names[$i]}" "${whys[$i]}"
	done
	exit 0
fi

# which mutants run, in the order of the list
selected=()
if [ ${#only[@]} -eq 0 ]; then
	for i in "${!names[@]}"; do
		case "$integration:${scenarios[$i]:+scenario}" in
		yes:scenario|no:) selected+=("$i") ;;
		esac
	done
	if [ ${#selected[@]} -eq 0 ] && [ "$integration" = yes ]; then
		echo "SKIP: no mutant of tests/mutants.list names an integration scenario yet"
		exit 0
	fi
else
	for want in "${only[@]}"; do
		found=
		for i in "${!names[@]}"; do
			[ "${names[$i]}" != "$want" ] || found=$i
		done
		[ -n "$found" ] || die "no mutant named $want (tests/mutants.sh --list)"
		selected+=("$found")
	done
fi

# every selected mutant must apply to the sources as they are
stale=0
for i in "${selected[@]}"; do
	if ! err=$(mutate "$top/${files[$i]}" "${froms[$i]}" "${tos[$i]}" check 2>&1)
	then
		echo "mutants: STALE ${names[$i]}: $err" >&2
		stale=$((stale + 1))
	fi
done
[ "$stale" -eq 0 ] || die "$stale mutants no longer apply: update $list_file"

[ -f "$top/Makefile" ] || die "the tree is not configured: run ./scripts/setup.sh"
echo "mutants: building the unit tests of $top"
make -C "$top" -s tests/unit/vti_tests > /dev/null ||
	die "the unit tests do not build without a mutant"

work=$(mktemp -d "${TMPDIR:-/tmp}/vti-mutants.XXXXXX")
cleanup() {
	if [ "$keep" = yes ]; then
		echo "mutants: work directory kept: $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

# run_tests DIR LOG: the unit tests of the tree in DIR, as make check runs
# them; the status of timeout(1) (124: it took longer than $timeout s)
run_tests() {
	local rc=0
	(cd "$1" && VTI_TOP_BUILDDIR=$1 VTI_TOP_SRCDIR=$1 \
		GLIBC_TUNABLES=glibc.malloc.tcache_count=0 \
		timeout -k 10 "$timeout" tests/unit/vti_tests) > "$2" 2>&1 || rc=$?
	return $rc
}

# the first test Check reports failed (file:line:F|E:tcase:test:iter: msg)
first_failure() {
	local line
	line=$(grep -m1 -E '^[^:]+:[0-9]+:[FE]:[^:]*:[^:]*:[0-9]+:' "$1") || {
		echo "no test named (the runner itself failed, see its log)"
		return 0
	}
	echo "$line" | awk -F: '{
		msg = $0
		for (i = 0; i < 6; i++)
			msg = substr(msg, index(msg, ":") + 1)
		sub(/^ */, "", msg)
		printf "%s/%s (%s:%s): %.90s\n", $4, $5, $1, $2, msg
	}'
}

# copy_tree DEST: this tree as built, without git and generated caches;
# file times kept, so that only the mutated file is compiled again
copy_tree() {
	mkdir -p "$1"
	tar -C "$top" --exclude=./.git --exclude=./autom4te.cache \
		--exclude=./sanitize --exclude=./fuzz-out --exclude=./tests/vm/cache \
		-cf - . | tar -C "$1" -xf -
}

# run_scenario INDEX DIR: the plugin built in DIR against the mutant's
# integration group; sets result and detail
run_scenario() {
	local s=${scenarios[$1]}
	if ! make -C "$2" -s > "$2/build.log" 2>&1; then
		result=INVALID detail="the plugin does not compile"
	elif VTI_PLUGIN=$2/.libs/libstrongswan-vti.so VTI_RESULTS_DIR=$2/results \
			"$top/tests/integration.sh" "$s" > "$2/run.log" 2>&1; then
		result=SURVIVED detail="the $s group passes"
	else
		result=KILLED
		detail="$s: $(grep -m1 '^FAIL: ' "$2/run.log" | cut -c7-100)"
	fi
}

# run_mutant INDEX: one line RESULT<TAB>name<TAB>detail in $work/result.INDEX
run_mutant() {
	local i=$1 dir="$work/m$1" result detail rc=0
	copy_tree "$dir"
	if ! detail=$(mutate "$dir/${files[$i]}" "${froms[$i]}" "${tos[$i]}" 2>&1)
	then
		result=INVALID detail="not applied: $detail"
	elif ! make -C "$dir" -s tests/unit/vti_tests > "$dir/build.log" 2>&1; then
		result=INVALID
		detail="does not compile: $(grep -m1 -E 'error|Error' "$dir/build.log" |
			cut -c1-120)"
	elif [ -n "${scenarios[$i]}" ]; then
		run_scenario "$i" "$dir"
	else
		run_tests "$dir" "$dir/run.log" || rc=$?
		if [ "$rc" -eq 0 ]; then
			result=SURVIVED detail="the unit tests pass"
		elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			result=KILLED detail="hang: no end of the unit tests in ${timeout}s"
		else
			result=KILLED detail=$(first_failure "$dir/run.log")
		fi
	fi
	printf '%s\t%s\t%s\n' "$result" "${names[$i]}" "$detail" > "$work/result.$i"
	printf '%-8s %-34s %s\n' "$result" "${names[$i]}" "$detail"
	if [ "$keep" = yes ]; then
		for f in build run; do
			[ ! -f "$dir/$f.log" ] || mv "$dir/$f.log" "$work/${names[$i]}.$f.log"
		done
	fi
	rm -rf "$dir"
}

# run_slot K: the selected mutants K, K+jobs, ...
run_slot() {
	local k=$1 n
	for ((n = k; n < ${#selected[@]}; n += jobs)); do
		run_mutant "${selected[$n]}"
	done
}

echo "mutants: the unit tests without a mutant"
base_start=$(date +%s)
rc=0
run_tests "$top" "$work/baseline.log" || rc=$?
if [ "$rc" -ne 0 ]; then
	tail -20 "$work/baseline.log" >&2
	die "the unit tests fail without a mutant (exit $rc): nothing to judge"
fi
echo "mutants: they pass in $(($(date +%s) - base_start))s;" \
	"${#selected[@]} mutants, $jobs at a time"

start=$(date +%s)
pids=()
for ((k = 0; k < jobs && k < ${#selected[@]}; k++)); do
	run_slot "$k" &
	pids+=($!)
done
for pid in "${pids[@]}"; do
	wait "$pid" || die "a worker of the run failed (exit $?)"
done

killed=0 survived=0 invalid=0
echo
echo "mutants: results ($(($(date +%s) - start))s)"
for i in "${selected[@]}"; do
	[ -f "$work/result.$i" ] || die "no result for ${names[$i]}"
	IFS=$'\t' read -r result name detail < "$work/result.$i"
	case "$result" in
	KILLED) killed=$((killed + 1)) ;;
	SURVIVED) survived=$((survived + 1)) ;;
	*) invalid=$((invalid + 1)) ;;
	esac
	printf '%-8s %-34s %s\n' "$result" "$name" "$detail"
done
valid=$((killed + survived))
echo "mutants: score $killed/$valid killed ($survived survived, $invalid invalid)"
[ "$survived" -eq 0 ] && [ "$invalid" -eq 0 ]
