#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs integration groups one after the other on a kernel that has VTI,
# XFRM interfaces and ESP (the test-bed guest's, or this machine's): each
# group with its own deadline (VTI_GROUP_TIMEOUT seconds, 600 by default)
# and its results in VTI_RESULTS/GROUP; after each, a FAIL line for every
# namespace, link, XFRM state or policy and daemon it left behind (in the
# guest these are then removed: the next group starts clean). For each
# group it prints "=== group G", the group's output and
#   group G: N passed, M failed, K skipped in S s
#
#   tests/groups.sh GROUP...      (run by tests/integration.sh)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. "$top/tests/lib/charon.sh"
results=${VTI_RESULTS:-/tmp/vti-results}
out=$(mktemp /tmp/vti-groups.XXXXXX)
trap 'rm -f "$out" "$out".*' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# state: what groups may leave behind, one line each: namespaces, links
# (but the fallback devices the kernel adds to every namespace when a
# tunnel module loads) and XFRM states and policies of this namespace,
# daemons a group starts (run natively on a machine where others work,
# their namespaces and daemons would count too)
state() {
	ip netns list 2>/dev/null | sed 's/ .*//; s/^/namespace /'
	ip -o link show 2>/dev/null | sed 's/^[0-9]*: \([^:@]*\).*/link \1/' |
		grep -vxE 'link (ip_vti0|ip6_vti0|ip6tnl0|tunl0|sit0|gre0|gretap0|erspan0|ip6gre0)'
	ip xfrm state list 2>/dev/null | sed -n 's/^src \([^ ]*\) dst \([^ ]*\)$/xfrm state \1 -> \2/p'
	ip xfrm policy list 2>/dev/null | sed -n 's/^src \([^ ]*\) dst \([^ ]*\).*/xfrm policy \1 -> \2/p'
	for p in charon charon-systemd tcpdump; do
		pgrep -x "$p" | sed "s/^/process $p /"
	done
}

# clean_up LEFTOVERS: in the guest, remove what a group left behind
# (daemons by their PID), so that the next group starts as the first did
clean_up() {
	[ -n "${VTI_IN_GUEST:-}" ] || return 0
	while read -r kind a b c; do
		case $kind in
			process) kill -KILL "$b" 2>/dev/null ;;
			namespace) ip netns pids "$a" 2>/dev/null | xargs -r kill -KILL
				ip netns del "$a" ;;
			link) ip link del "$a" ;;
		esac
	done < "$1"
	ip xfrm state flush
	ip xfrm policy flush
}

# package_debs: in the guest, the package group's .debs, built on the host
# while the groups before it ran (tests/integration.sh): wait for them
package_debs() {
	[ -n "${VTI_IN_GUEST:-}" ] && [ -z "${VTI_DEBS:-}" ] || return 0
	VTI_DEBS=$results/package.debs
	VTI_DEB_CACHE=$VTI_DEBS/cache
	export VTI_DEBS VTI_DEB_CACHE
	pd_end=$(($(date +%s) + ${VTI_GROUP_TIMEOUT:-600}))
	while [ ! -f "$VTI_DEBS/ready" ] && [ "$(date +%s)" -lt $pd_end ]; do
		sleep 1
	done
	[ -f "$VTI_DEBS/ready" ] ||
		echo "FAIL: package: the .debs were not built on the host in time"
}

# run_group G: G's script with its deadline, its output shown and kept
run_group() {
	mkdir -p "$results/$1"
	[ "$1" = package ] && package_debs
	VTI_RESULTS=$results/$1 timeout -k 10 "${VTI_GROUP_TIMEOUT:-600}" \
		"$top/tests/scenarios/$1.sh" < /dev/null
	rg_status=$?
	# why a charon did not answer (tests/lib/charon.sh), whatever the
	# scenario did with the output
	for rg_file in "$results/$1"/charon-stacks.*.txt; do
		[ -f "$rg_file" ] && cat "$rg_file"
	done
	if [ $rg_status = 124 ] || [ $rg_status = 137 ]; then
		echo "FAIL: group $1 stopped at its deadline (${VTI_GROUP_TIMEOUT:-600} s)"
		# what the daemons it left were doing: why it hung
		for rg_pid in $(pgrep -x charon); do
			echo "----- the threads of charon $rg_pid"
			process_stacks "$rg_pid"
		done
	fi
	return $rg_status
}

state | sort > "$out.before"
status=0
for g; do
	echo "=== group $g"
	g_start=$(date +%s)
	{ run_group "$g"; echo $? > "$out.status"; } 2>&1 | tee "$out.g"
	g_status=$(cat "$out.status" 2>/dev/null)
	grep -E '^(PASS|FAIL|SKIP): ' "$out.g" > "$out.checks"
	if ! grep -qE '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$out.g"; then
		echo "FAIL: group $g ended without its summary" | tee -a "$out.checks"
	elif [ "$g_status" != 0 ] && ! grep -q '^FAIL: ' "$out.checks"; then
		# a failure no check named (set -e, a deadline)
		echo "FAIL: group $g exited with status ${g_status:-unknown}" |
			tee -a "$out.checks"
	fi
	[ "$g_status" = 0 ] || status=1
	state | sort | comm -13 "$out.before" - > "$out.left"
	while read -r left; do
		echo "FAIL: group $g left behind: $left" | tee -a "$out.checks"
		status=1
	done < "$out.left"
	clean_up "$out.left"
	echo "group $g: $(grep -c '^PASS: ' "$out.checks") passed," \
		"$(grep -c '^FAIL: ' "$out.checks") failed," \
		"$(grep -c '^SKIP: ' "$out.checks") skipped in $(($(date +%s) - g_start)) s"
done
exit $status
