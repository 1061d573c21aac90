#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The benchmark: what it costs to get a usable tunnel interface, measured in
# one run in the test bed (the qemu guest where this machine's kernel lacks
# VTI). Prints the table of figures against the project's targets and
# writes bench/results/bench.{csv,json} and table.txt (bench/summary.sh).
#
#   bench/run.sh     (VTI_BENCH_* narrow it: see bench/guest.sh;
#                     VTI_BENCH_TIMEOUT bounds the guest, default 5400 s)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/scripts/setup.sh" || exit 1
results="$top/bench/results"
rm -rf "$results"
mkdir -p "$results"
# the bench-hold plugin (bench/bench_hold.c): timestamps each CHILD_SA event
# before and after the listeners that act on it, inside charon
flags=$(sed -n 's/^STRONGSWAN_CPPFLAGS = //p' Makefile)
# shellcheck disable=SC2086
gcc -shared -fPIC -O2 -Wall -Wextra -Wno-unused-parameter -Werror $flags \
	-o "$results/libstrongswan-bench-hold.so" bench/bench_hold.c || exit 1
VTI_BENCH_HOLD_PLUGIN=$results/libstrongswan-bench-hold.so
export VTI_BENCH_HOLD_PLUGIN
start=$(date +%s)
if [ "${VTI_TESTBED:-auto}" = native ]; then
	VTI_RESULTS=$results bench/guest.sh
else
	# one guest at a time on this machine, whoever starts it: wait for
	# any other qemu to end (every 15 s, up to an hour)
	waited=0
	while pgrep -f qemu-system > /dev/null; do
		[ $waited -ge 3600 ] && { echo "another guest still runs after an hour" >&2; exit 1; }
		[ $waited = 0 ] && echo "waiting for the guest running now" >&2
		sleep 15
		waited=$((waited + 15))
	done
	tests/vm/run.sh -t "${VTI_BENCH_TIMEOUT:-5400}" -r "$results" bench/guest.sh
fi || { echo "the benchmark did not complete"; exit 1; }
echo "host_wall_seconds=$(( $(date +%s) - start ))" >> "$results/conditions.txt"
echo "commit=$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- plugin include bench 2>/dev/null || echo +changes)" >> "$results/conditions.txt"
sh "$top/bench/summary.sh" "$results"
