#!/bin/sh
# The benchmark: what it costs to get a usable tunnel interface, measured in
# one run in the test bed (the qemu guest where this machine's kernel lacks
# VTI). Prints a table with the ratios the project targets and writes
# bench/results/bench.{csv,json}.
#
#   bench/run.sh            (VTI_BENCH_SIZES, VTI_BENCH_IKE_SIZES narrow it)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/scripts/setup.sh" || exit 1
results="$top/bench/results"
rm -rf "$results"
mkdir -p "$results"
if [ "${VTI_TESTBED:-auto}" = native ]; then
	VTI_RESULTS=$results bench/guest.sh
else
	VTI_BENCH_SIZES=${VTI_BENCH_SIZES:-} VTI_BENCH_IKE_SIZES=${VTI_BENCH_IKE_SIZES:-}
	export VTI_BENCH_SIZES VTI_BENCH_IKE_SIZES
	[ -n "$VTI_BENCH_SIZES" ] || unset VTI_BENCH_SIZES
	[ -n "$VTI_BENCH_IKE_SIZES" ] || unset VTI_BENCH_IKE_SIZES
	tests/vm/run.sh -t 3000 -r "$results" bench/guest.sh
fi || { echo "the benchmark did not complete"; exit 1; }
csv="$results/bench.csv"
awk -F, -v json="$results/bench.json" '
NR == 1 { next }
{ v[$1 "," $2] = $3; extra[$1 "," $2] = $5; if (!($2 in seen)) { seen[$2] = 1; ns[++nn] = $2 } }
function r(a, b) { return (a == "" || b == "" || b == 0) ? "-" : sprintf("%.2f", a / b) }
END {
	printf "\n%-7s %12s %12s %12s %12s %12s %10s %10s\n", "n", "floor us/if", "ours us/if",
		"updown us/if", "ours/floor", "updown/ours", "heap B/tun", "delete o/f"
	for (i = 1; i <= nn; i++) {
		n = ns[i]
		h = extra["ours_create," n]; sub(/.*heap_per_tunnel=/, "", h)
		printf "%-7s %12s %12s %12s %12s %12s %10s %10s\n", n, v["floor_create," n],
			v["ours_create," n], v["updown_script," n] == "" ? "-" : v["updown_script," n],
			r(v["ours_create," n], v["floor_create," n]),
			r(v["updown_script," n], v["ours_create," n]), h,
			r(v["ours_delete," n], v["floor_delete," n])
	}
	printf "\nthrough charon (n IKE_SAs, a tunnel each, first initiate to last interface up):\n"
	for (i = 1; i <= nn; i++) {
		n = ns[i]
		if (v["ike_plugin_up," n] == "") continue
		printf "  n=%s: plugin %s us/tunnel (%s), updown plugin %s us/tunnel (%s): updown/ours %s\n", n,
			v["ike_plugin_up," n], extra["ike_plugin_up," n], v["ike_updown_up," n],
			extra["ike_updown_up," n], r(v["ike_updown_up," n], v["ike_plugin_up," n])
		if (v["ike_children_up," n] != "")
			printf "  n=%s on one IKE_SA (XFRM interfaces): plugin %s us/tunnel (%s)\n", n,
				v["ike_children_up," n], extra["ike_children_up," n]
	}
	s = r(v["ours_create,1000"], v["ours_create,10"])
	printf "\nscaling, ours cost(1000)/cost(10): %s (target <= 1.2)\n", s
	printf "{\n  \"rows\": [\n" > json
	first = 1
	for (k in v) {
		split(k, p, ",")
		printf "%s    {\"what\": \"%s\", \"n\": %s, \"per_if_us\": %s, \"extra\": \"%s\"}",
			first ? "" : ",\n", p[1], p[2], v[k] == "nan" ? "null" : v[k], extra[k] > json
		first = 0
	}
	printf "\n  ],\n  \"scaling_ours_1000_over_10\": \"%s\"\n}\n", s > json
}' "$csv"
echo
echo "written: $csv $results/bench.json"
