#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Netlink requests, sends and system calls per interface (create and
# delete, N=100 vti6 with one address each) of one or more builds of
# bench/manager_bench, under strace; not timed. Runs where the kernel has
# vti6 (the test-bed guest):
#
#   tests/vm/run.sh -r RESULTS bench/requests.sh [MANAGER_BENCH...]
#
# (default: this tree's bench/manager_bench). A request is a netlink header
# strace shows in a send; a batch is one send holding several.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${VTI_RESULTS:-/tmp/vti-requests}
mkdir -p "$out"
n=${VTI_BENCH_N:-100}

. "$top/bench/netns.sh"

# per_if COUNT: COUNT / n, two decimals
per_if() {
	awk -v a="$1" -v n="$n" 'BEGIN { printf "%.2f", a / n }'
}

# measure LABEL BIN: prints the figures of BIN
measure() {
	label=$1 bin=$2
	fresh_ns
	strace -f -qq -c -o "$out/calls-$label.txt" \
		ip netns exec bench-pub "$bin" "$n" bench-priv 0 > "$out/bench-$label.txt" 2> "$out/bench-$label.err"
	fresh_ns
	strace -f -qq -e trace=sendto,sendmsg -o "$out/sends-$label.txt" \
		ip netns exec bench-pub "$bin" "$n" bench-priv 0 > /dev/null 2>&1
	sends=$(grep -c 'sendto(\|sendmsg(' "$out/sends-$label.txt" || true)
	reqs=$(grep -o 'nlmsg_len=' "$out/sends-$label.txt" | wc -l)
	total=$(awk '$NF == "total" { print $4 }' "$out/calls-$label.txt")
	echo "$label ($bin): per interface, N=$n: $(per_if "$reqs") netlink requests in $(per_if "$sends") sends, $(per_if "${total:-0}") system calls"
	# rtnetlink message types as strace prints them undecoded
	grep -o 'nlmsg_type=0x[0-9a-f]*' "$out/sends-$label.txt" | sort | uniq -c |
		awk -v n="$n" 'BEGIN { split("10 RTM_NEWLINK 11 RTM_DELLINK 12 RTM_GETLINK 14 RTM_NEWADDR 16 RTM_GETADDR 1a RTM_GETROUTE 6c RTM_NEWLINKPROP", m, " ")
			for (i = 1; i < 14; i += 2) name["0x" m[i]] = m[i + 1] }
			{ t = substr($2, 12); printf "  %-16s %6.2f\n", (t in name) ? name[t] : t, $1 / n }'
	grep -h '^stuck' "$out/bench-$label.txt" || true
}

[ $# -gt 0 ] || set -- "$top/bench/manager_bench"
i=0
for bin in "$@"; do
	i=$((i + 1))
	measure "$i" "$bin"
done
