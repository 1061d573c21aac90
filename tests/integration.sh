#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the integration scenarios against a kernel that has VTI, XFRM
# interfaces and ESP: natively when the machine's kernel has them, otherwise
# in a qemu guest booting Debian's kernel, one guest per group of scenarios.
#
#   VTI_TESTBED=vm|native|auto (default auto)   tests/integration.sh [GROUP...]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
VTI_PLUGIN=${VTI_PLUGIN:-$top/.libs/libstrongswan-vti.so}
export VTI_PLUGIN

native_ok() {
	ns=vti-probe-$$
	ip netns add "$ns" 2>/dev/null || return 1
	ok=1
	for kind in vti vti6 xfrm; do
		modprobe -q "ip_$kind" 2>/dev/null
		case $kind in
			xfrm) ip -n "$ns" link add probe type xfrm if_id 1 2>/dev/null ;;
			vti) ip -n "$ns" link add probe type vti local 127.0.0.1 key 1 2>/dev/null ;;
			vti6) ip -n "$ns" link add probe type vti6 local ::1 key 1 2>/dev/null ;;
		esac || ok=0
		ip -n "$ns" link del probe 2>/dev/null
	done
	modprobe -q esp4 && modprobe -q esp6 || ok=0
	ip netns del "$ns"
	[ $ok = 1 ]
}

mode=${VTI_TESTBED:-auto}
if [ "$mode" = auto ]; then
	if native_ok; then mode=native; else mode=vm; fi
fi
echo "test bed: $mode ($(uname -r) $( [ $mode = vm ] && echo 'lacks vti/xfrm/esp: Debian kernel in qemu'))"

groups=${*:-testbed core ondemand orders selfheal soak xfrm status three-sites package}
out=$(mktemp /tmp/vti-integration.XXXXXX)
results=${VTI_RESULTS_DIR:-/tmp/vti-results}
status=0
for g in $groups; do
	echo "=== group $g"
	g_start=$(date +%s)
	script="$top/tests/scenarios/$g.sh"
	# shown as it happens, kept for the count
	{
		# package builds the .deb here and boots a guest of its own to
		# install it: it never runs on this machine
		if [ "$mode" = vm ] && [ "$g" != package ]; then
			tests/vm/run.sh -t "${VTI_GROUP_TIMEOUT:-900}" -r "$results/$g" "$script"
		else
			"$script"
		fi
		echo $? > "$out.$g.status"
	} 2>&1 | tee "$out.$g"
	g_status=$(cat "$out.$g.status" 2>/dev/null)
	rm -f "$out.$g.status"
	grep -E '^(PASS|FAIL|SKIP): ' "$out.$g" > "$out.$g.checks"
	if ! grep -qE '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$out.$g"; then
		echo "FAIL: group $g ended without its summary" | tee -a "$out.$g.checks"
	elif [ "$g_status" != 0 ] && ! grep -q '^FAIL: ' "$out.$g.checks"; then
		# a failure no check named (set -e, a guest killed at its deadline)
		echo "FAIL: group $g exited with status ${g_status:-unknown}" |
			tee -a "$out.$g.checks"
	fi
	[ "$g_status" = 0 ] || status=1
	# one line a group, for scripts/test.sh's table
	echo "group $g: $(grep -c '^PASS: ' "$out.$g.checks") passed," \
		"$(grep -c '^FAIL: ' "$out.$g.checks") failed," \
		"$(grep -c '^SKIP: ' "$out.$g.checks") skipped in $(($(date +%s) - g_start)) s"
	cat "$out.$g.checks" >> "$out"
	rm -f "$out.$g" "$out.$g.checks"
done
passed=$(grep -c '^PASS: ' "$out")
failed=$(grep -c '^FAIL: ' "$out")
skipped=$(grep -c '^SKIP: ' "$out")
rm -f "$out"
if [ "$skipped" -gt 0 ]; then
	echo "integration: $passed passed, $failed failed, $skipped skipped"
else
	echo "integration: $passed passed, $failed failed"
fi
[ $status -eq 0 ] && [ "$failed" -eq 0 ]
