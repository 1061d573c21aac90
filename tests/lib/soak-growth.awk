# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The soak's growth figures of one site (tests/soak.sh): from its figures
# file (lines "EVENT SITE PID FDS RSS VICI_MS HEAP HELD ARENAS HOLDS
# WALKED", the sizes in KiB, HOLDS "IKE_SAs/CHILD_SAs/interfaces"), the
# site's
# longest-lived charon, its first hundred quiet points against its last
# hundred:
#
#   awk -v site=S -f tests/lib/soak-growth.awk FIGURES
#
# prints "PID N FD1 FD2 FDMAX1 FDMAX2 RSS1 RSS2 HEAP1 HEAP2 HELD1 HELD2
# ARENAS1 ARENAS2 STATES GROWTH SPAN WALKED1 WALKED2": medians of open fds,
# VmRSS, malloc's bytes in use and held, the largest fd and arena counts,
# the events from the middle of the first hundred to the middle of the
# last (SPAN), the Rss smaps_rollup counts (WALKED), and the heap's
# growth where the site held as many CHILD_SAs: for each such
# state seen in both hundreds, the median in use of the last less that of
# the first; GROWTH is the median of those over the STATES matched (the
# heap follows what charon holds, and the first hundred events bring the
# tunnels up).
# Exits 1 where the site has no figures.

$2 == site {
	n[$3]++
	k = n[$3]
	fd[$3, k] = $4; rss[$3, k] = $5; heap[$3, k] = $7; held[$3, k] = $8
	# what the heap follows: the CHILD_SAs (each with its IKE_SA but
	# during a reauthentication; an interface of ours is a few hundred
	# bytes, and they come and go by hand)
	arenas[$3, k] = $9; split($10, sas, "/"); holds[$3, k] = sas[2]
	walked[$3, k] = $11 == "" ? -1 : $11; event[$3, k] = $1
}

# sort v[1..k] in place
function sort(v, k,   i, j, t) {
	for (i = 2; i <= k; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
}

function med(a, p, from, to,   i, k, v) {
	k = 0
	for (i = from; i <= to; i++) v[++k] = a[p, i]
	sort(v, k)
	return v[int((k + 1) / 2)]
}

function mx(a, p, from, to,   i, m) {
	m = 0
	for (i = from; i <= to; i++) if (a[p, i] > m) m = a[p, i]
	return m
}

# the median of the in use figures of p's quiet points from..to holding h
function med_of(p, from, to, h,   i, k, v) {
	k = 0
	for (i = from; i <= to; i++) if (holds[p, i] == h) v[++k] = heap[p, i]
	if (!k) return ""
	sort(v, k)
	return v[int((k + 1) / 2)]
}

END {
	for (p in n) if (n[p] > best) { best = n[p]; pid = p }
	if (!best) exit 1
	w = best < 100 ? best : 100
	last = best - w + 1
	states = 0
	for (i = 1; i <= w; i++) {
		h = holds[pid, i]
		if (h in seen) continue
		seen[h] = 1
		first_med = med_of(pid, 1, w, h)
		last_med = med_of(pid, last, best, h)
		if (last_med == "") continue
		diff[++states] = last_med - first_med
	}
	sort(diff, states)
	growth = states ? diff[int((states + 1) / 2)] : 0
	print pid, best, med(fd, pid, 1, w), med(fd, pid, last, best),
		mx(fd, pid, 1, w), mx(fd, pid, last, best),
		med(rss, pid, 1, w), med(rss, pid, last, best),
		med(heap, pid, 1, w), med(heap, pid, last, best),
		med(held, pid, 1, w), med(held, pid, last, best),
		mx(arenas, pid, 1, w), mx(arenas, pid, last, best), states, growth,
		med(event, pid, last, best) - med(event, pid, 1, w),
		med(walked, pid, 1, w), med(walked, pid, last, best)
}
