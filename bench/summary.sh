#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Turns a benchmark run's bench.csv and conditions.txt (bench/guest.sh) into
# the table (stdout and table.txt) and bench.json, with the targets.
#
#   bench/summary.sh [RESULTS_DIR]      (default bench/results)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
results=${1:-$top/bench/results}
csv="$results/bench.csv"
[ -f "$csv" ] || { echo "no $csv" >&2; exit 1; }
awk -F, -v json="$results/bench.json" -v condfile="$results/conditions.txt" '
function num(x) { return x != "" && x != "nan" && x != "-" }
function fmt(x, d) { return num(x) ? sprintf("%." d "f", x) : "-" }
function ratio(a, b) { return (num(a) && num(b) && b != 0) ? a / b : "" }
function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return s }
# median over the numbered rounds of a figure
function med(s, w, n,   k, i, j, t, c, a) {
	c = 0
	for (k = 1; k <= nrows; k++)
		if (S[k] == s && W[k] == w && N[k] == n && R[k] ~ /^[0-9]+$/ && R[k] > 0 && num(V[k]))
			a[++c] = V[k] + 0
	if (!c) return ""
	for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
}
function get(s, w, n, r) { return ((s SUBSEP w SUBSEP n SUBSEP r) in X) ? X[s, w, n, r] : "" }
function note(s, w, n, r) { return ((s SUBSEP w SUBSEP n SUBSEP r) in NOTE) ? NOTE[s, w, n, r] : "" }
function sum(s, w, n,   k, t) {
	t = ""
	for (k = 1; k <= nrows; k++)
		if (S[k] == s && W[k] == w && N[k] == n && R[k] ~ /^[0-9]+$/ && num(V[k])) t += V[k]
	return t
}
function rounds(how, n,   k, c, t) {
	c = t = 0
	for (k = 1; k <= nrows; k++)
		if (S[k] == "charon" && W[k] == how "_complete" && N[k] == n) { t++; if (V[k] == 1) c++ }
	return c "/" t
}
function line(s) { print s; print s > table }
function label(how) {
	return how == "none" ? "no plugin" : how == "ours" ? "ours" : how == "ours_noresync" ? "ours, resync = 0" : how == "ours_quiet" ? "ours, CHD at level 1" : how == "updown" ? "updown plugin + script" : how
}
function target(name, value, limit, met, why) {
	nt++
	TN[nt] = name; TV[nt] = value; TL[nt] = limit; TM[nt] = met; TW[nt] = why
}
BEGIN {
	table = json; sub(/bench\.json$/, "table.txt", table)
	while ((getline l < condfile) > 0) {
		i = index(l, "="); if (!i) continue
		C[substr(l, 1, i - 1)] = substr(l, i + 1); CK[++nc] = substr(l, 1, i - 1)
	}
}
NR == 1 { next }
{
	nrows++
	S[nrows] = $1; W[nrows] = $2; N[nrows] = $3; R[nrows] = $4; V[nrows] = $5; U[nrows] = $6; T[nrows] = $7
	X[$1, $2, $3, $4] = $5; NOTE[$1, $2, $3, $4] = $7
	if ($1 == "floor" && !($3 in seenn)) { seenn[$3] = 1; sizes[++ns] = $3 }
	if ($1 == "charon" && !($3 in seeni)) { seeni[$3] = 1; ike[++ni] = $3 }
}
END {
	line(sprintf("Run %s, %s: kernel %s, %s CPUs (%s), %s MB; strongSwan %s, iproute2 %s, commit %s",
		C["date"], C["where"], C["kernel"], C["cpus"], C["cpu"], C["memory_mb"], C["strongswan"],
		C["iproute2"], C["commit"]))
	line(sprintf("rounds: %s of floor/ours per N, %s of each IKE burst (updown once, N <= %s; ours with CHD at level 1 N <= %s); run took %s s in the guest, %s s on the host; clock %s",
		C["rounds"], C["ike_rounds"], C["updown_max"], C["quiet_max"], C["run_seconds"], C["host_wall_seconds"], C["clocksource"]))

	big = sizes[ns]
	line("")
	line("Bus hold per CHILD_SA up event, us                       p50       p99       max  samples")
	for (i = 1; i <= ns; i++) {
		n = sizes[i]
		line(sprintf("  ours, manager_bench child_up, N=%-5s (median of rounds) %9s %9s %9s  %s", n,
			fmt(med("ours", "hold_child_up_p50", n), 1), fmt(med("ours", "hold_child_up_p99", n), 1),
			fmt(med("ours", "hold_child_up_max", n), 1), n))
	}
	for (i = 1; i <= ns; i++) {
		n = sizes[i]
		if (med("ours_hold_only", "hold_child_up_p50", n) == "") continue
		line(sprintf("  ours alone, no worker running, N=%-5s (median of rounds) %9s %9s %9s  %s", n,
			fmt(med("ours_hold_only", "hold_child_up_p50", n), 1), fmt(med("ours_hold_only", "hold_child_up_p99", n), 1),
			fmt(med("ours_hold_only", "hold_child_up_max", n), 1), n))
	}
	for (j = 1; j <= ni; j++) {
		n = ike[j]
		split("ours ours_noresync ours_quiet none updown", hows, " ")
		for (h = 1; h <= 5; h++) {
			how = hows[h]
			if (get("charon", how "_hold_up_p50", n, "all") == "") continue
			lbl = how == "none" ? "no plugin (the measure itself)" : label(how) (how == "updown" ? "" : how == "ours_quiet" ? "" : ", CHD 3")
			s = note("charon", how "_hold_up_p50", n, "all"); sub(/samples=/, "", s)
			line(sprintf("  %-31s N=%-5s (bench-hold) %9s %9s %9s  %s", lbl, n,
				fmt(get("charon", how "_hold_up_p50", n, "all"), 1), fmt(get("charon", how "_hold_up_p99", n, "all"), 1),
				fmt(get("charon", how "_hold_up_max", n, "all"), 1), s))
		}
	}
	for (i = 1; i <= ns; i++) {
		n = sizes[i]
		if (get("script", "hold_p50", n, 1) == "") continue
		s = note("script", "hold_p50", n, 1); sub(/samples=/, "", s)
		line(sprintf("  updown script alone, timed, N=%-5s                   %9s %9s %9s  %s", n,
			fmt(get("script", "hold_p50", n, 1), 0), fmt(get("script", "hold_p99", n, 1), 0),
			fmt(get("script", "hold_max", n, 1), 0), s))
	}

	line("")
	line("IKE_SA setup through charon: N IKE_SAs with marks and MOBIKE, started at once; seconds from loading")
	line("the connections to the last CHILD_SA up / last interface up, median of the complete rounds")
	line("  N      kind                         complete   CHILD_SA s   interface s   none/this (interface)   none/this (CHILD_SA)")
	split("none ours ours_noresync ours_quiet updown", hows, " ")
	for (j = 1; j <= ni; j++) {
		n = ike[j]
		a = get("charon", "none_last_child_s", n, "median")
		for (h = 1; h <= 5; h++) {
			how = hows[h]
			if (rounds(how, n) == "0/0") continue
			b = get("charon", how "_last_child_s", n, "median")
			c = get("charon", how "_last_if_s", n, "median")
			if (how == "ours") tp[n] = ratio(a, c)
			if (how == "ours_noresync") tpn[n] = ratio(a, c)
			line(sprintf("  %-6s %-28s %8s   %10s   %11s   %21s   %20s", n, label(how), rounds(how, n), fmt(b, 2), fmt(c, 2),
				how == "none" ? "" : fmt(ratio(a, c), 2), how == "none" ? "" : fmt(ratio(a, b), 2)))
		}
	}
	bad = 0
	for (k = 1; k <= nrows; k++)
		if (S[k] == "charon" && W[k] ~ /_complete$/ && V[k] != 1) {
			if (!bad++) line("  runs in which not every tunnel came up (left out of every figure above):")
			how = W[k]; sub(/_complete$/, "", how)
			line(sprintf("    %s N=%s round %s: %s", how, N[k], R[k], T[k]))
		}

	line("")
	line("Event (child_updown up) to interface ready, ours through charon, us, vs the ip -batch floor per interface")
	line("  N      kind                   p50       p99       max   worker us/if   floor us/if at N   p50/floor  worker/floor")
	split("ours ours_noresync", hows, " ")
	for (j = 1; j <= ni; j++) for (h = 1; h <= 2; h++) {
		n = ike[j]; how = hows[h]
		if (get("charon", how "_e2r_p50", n, "all") == "") continue
		f = med("floor", "create_per_if", n)
		wk = med("charon", how "_worker_per_if", n)
		line(sprintf("  %-6s %-16s %9s %9s %9s   %12s   %16s   %9s  %12s", n, label(how), fmt(get("charon", how "_e2r_p50", n, "all"), 0),
			fmt(get("charon", how "_e2r_p99", n, "all"), 0), fmt(get("charon", how "_e2r_max", n, "all"), 0),
			fmt(wk, 0), fmt(f, 0), fmt(ratio(get("charon", how "_e2r_p50", n, "all"), f), 2), fmt(ratio(wk, f), 2)))
	}
	line("")
	line("Ours without IKE (manager_bench, resync = 0) vs the floor (ip -batch), us per interface, median of rounds")
	line("  N       floor      ours   ours/floor  delete o/f  heap B/tunnel  script alone us/if")
	for (i = 1; i <= ns; i++) {
		n = sizes[i]
		f = med("floor", "create_per_if", n); o = med("ours", "create_per_if", n)
		of[n] = ratio(o, f); oc[n] = o
		line(sprintf("  %-6s %9s %9s %10s %11s %14s %18s", n, fmt(f, 0), fmt(o, 0), fmt(of[n], 2),
			fmt(ratio(med("ours", "delete_per_if", n), med("floor", "delete_per_if", n)), 2),
			fmt(med("ours", "heap_per_tunnel", n), 0), fmt(get("script", "create_per_if", n, 1), 0)))
		heap[n] = med("ours", "heap_per_tunnel", n)
	}
	if (get("ours_default_resync", "create_per_if", big, 1) != "")
		line(sprintf("  N=%s once more with the default resync (60 s): create %s us/if, delete %s us/if %s", big,
			fmt(get("ours_default_resync", "create_per_if", big, 1), 0), fmt(get("ours_default_resync", "delete_per_if", big, 1), 0),
			note("ours_default_resync", "delete_per_if", big, 1) != "" ? "(" note("ours_default_resync", "delete_per_if", big, 1) ")" : ""))
	base = ("10" in oc) ? "10" : sizes[1]
	scale = ratio(oc[big], oc[base])
	line(sprintf("  cost per interface at N=%s / at N=%s: %s", big, base, fmt(scale, 2)))
	if (get("why", "ours_syscalls_per_if", 100, 1) != "")
		line(sprintf("  per interface, create and delete, N=100 (strace -c): ours %s system calls, %s netlink sends; floor %s, %s (ip and sh processes included)",
			get("why", "ours_syscalls_per_if", 100, 1), get("why", "ours_netlink_sends_per_if", 100, 1),
			get("why", "floor_syscalls_per_if", 100, 1), get("why", "floor_netlink_sends_per_if", 100, 1)))
	nb = get("naming", "as_born_per_if", 200, 1); nr = get("naming", "renamed_per_if", 200, 1)
	nt2 = get("naming", "renamed_name_taken_per_if", 200, 1)
	if (nb != "" && nr != "")
		line(sprintf("  naming in the move (ip -batch, N=200, create + move) us/if: born under its name %s, named in the move %s, named in the move with the temporary name taken there %s", fmt(nb, 0), fmt(nr, 0), fmt(nt2, 0)))

	line("")
	line("Roaming during the bursts (initiator log, summed over rounds): MOBIKE address-list updates sent / interface deleted lines")
	for (j = 1; j <= ni; j++) {
		n = ike[j]
		s = "  N=" n ":"
		split("none ours ours_noresync ours_quiet updown", hows, " ")
		for (h = 1; h <= 5; h++)
			if (sum("charon", hows[h] "_mobike_updates", n) != "")
				s = s sprintf("  %s %s / %s", hows[h], sum("charon", hows[h] "_mobike_updates", n) + 0,
					sum("charon", hows[h] "_ifaces_deleted", n) + 0)
		line(s)
	}

	# targets
	p99c = ""; nc2 = ""
	for (j = ni; j >= 1; j--) if (get("charon", "ours_hold_up_p99", ike[j], "all") != "") { p99c = get("charon", "ours_hold_up_p99", ike[j], "all"); nc2 = ike[j]; break }
	p99m = med("ours", "hold_child_up_p99", big)
	target("bus hold p99 (manager_bench, N=" big ")", fmt(p99m, 1) " us", "< 100 us", num(p99m) && p99m < 100)
	if (nc2 != "")
		target("bus hold p99 (through charon, N=" nc2 ")", fmt(p99c, 1) " us", "< 100 us", p99c < 100)
	for (j = 1; j <= ni; j++) {
		target("setup throughput ours/none (N=" ike[j] ")", fmt(tp[ike[j]], 2), ">= 0.95", num(tp[ike[j]]) && tp[ike[j]] >= 0.95)
		if (num(tpn[ike[j]]))
			target("  the same, ours with resync = 0 (N=" ike[j] ")", fmt(tpn[ike[j]], 2), ">= 0.95", tpn[ike[j]] >= 0.95)
	}
	target("ours/floor per interface (N=" big ")", fmt(of[big], 2), "<= 1.0", num(of[big]) && of[big] <= 1.0,
		nb != "" && nt2 != "" ? sprintf("ours names each link in its move past the placeholder (ip -batch: %s us/if so, %s born under its name); the %s us/if left is not broken down", fmt(nt2, 0), fmt(nb, 0), fmt(oc[big] - med("floor", "create_per_if", big), 0)) : "")
	target("heap per tunnel (N=" big ")", fmt(heap[big], 0) " B", "< 1024 B", num(heap[big]) && heap[big] < 1024)
	target("cost per interface N=" big " / N=" base, fmt(scale, 2), "<= 1.1", num(scale) && scale <= 1.1)
	line("")
	line("Targets")
	for (t = 1; t <= nt; t++)
		line(sprintf("  %-44s %12s  target %-9s %s", TN[t], TV[t], TL[t], TV[t] ~ /^-/ ? "no figure (not measured)" : TM[t] ? "met" : "MISSED" (TW[t] != "" ? ": " TW[t] : "")))

	# bench.json
	printf "{\n  \"conditions\": {" > json
	for (i = 1; i <= nc; i++) printf "%s\n    \"%s\": \"%s\"", (i > 1 ? "," : ""), esc(CK[i]), esc(C[CK[i]]) > json
	printf "\n  },\n  \"targets\": [" > json
	for (t = 1; t <= nt; t++)
		printf "%s\n    {\"figure\": \"%s\", \"value\": \"%s\", \"target\": \"%s\", \"met\": %s}", (t > 1 ? "," : ""),
			esc(TN[t]), esc(TV[t]), esc(TL[t]), (TM[t] ? "true" : "false") > json
	printf "\n  ],\n  \"rows\": [" > json
	for (k = 1; k <= nrows; k++)
		printf "%s\n    {\"section\": \"%s\", \"what\": \"%s\", \"n\": %s, \"round\": \"%s\", \"value\": %s, \"unit\": \"%s\", \"note\": \"%s\"}",
			(k > 1 ? "," : ""), S[k], W[k], N[k], R[k], (num(V[k]) ? V[k] : "null"), U[k], esc(T[k]) > json
	printf "\n  ]\n}\n" > json
}' "$csv"
# the code the figures are of, beside them (issue 18's layout targets)
{
	echo
	echo "Code (bench/code-size.sh, $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "no git"))"
	sh "$top/bench/code-size.sh" "$top"
} | tee -a "$results/table.txt"
echo
echo "written: $csv $results/bench.json $results/table.txt"
