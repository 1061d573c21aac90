#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The randomized soak (issue 13, item 1): two real charons with the plugin,
# gateway A (site 1) and gateway B with three roadwarriors (site 2, the
# roadwarriors from addresses of their own), 28 connections mixing fixed
# and %unique marks and if_ids, down_action = delete and down, MOBIKE, and
# the roadwarriors sharing one VTI on A (remote any). A driver plays N
# events drawn from a seeded generator and checks the invariants at the
# quiet point after each (tests/lib/soak-check.pl); the first broken one
# stops the run with the seed, the event history, both charons' logs and
# the command that replays it.
#
#   tests/soak.sh [--seed S] [--events N] [--without-plugin]
#
# --without-plugin plays the same events against charons without the
# plugin and checks only that they run: their own figures, to tell the
# plugin's growth from charon's.
#
# Where this machine's kernel lacks VTI, XFRM interfaces or ESP (the test
# bed's "vm" mode), it runs itself in the test-bed guest (tests/vm/run.sh).
# VTI_RESULTS (set in the guest) or VTI_SOAK_RESULTS keeps the history,
# the figures and the logs.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
SEED=
EVENTS=150
WITHOUT=
while [ $# -gt 0 ]; do
	case $1 in
		--seed) SEED=$2; shift 2 ;;
		--events) EVENTS=$2; shift 2 ;;
		--without-plugin) WITHOUT=$1; shift ;;
		*) echo "usage: $0 [--seed S] [--events N] [--without-plugin]" >&2; exit 2 ;;
	esac
done
case $SEED in
	'') SEED=$(( $(date +%s%N) / 1000 % 1000000007 )) ;;
	*[!0-9]*) echo "the seed is a number" >&2; exit 2 ;;
esac
case $EVENTS in
	''|*[!0-9]*) echo "the number of events is a number" >&2; exit 2 ;;
esac

# plugin_built: the plugin to test exists (a soak without it breaks
# invariants for a reason it does not tell); stops the run otherwise
plugin_built() {
	[ -n "$WITHOUT" ] || [ -f "$VTI_PLUGIN" ] && return 0
	echo "FAIL: soak: the plugin $VTI_PLUGIN is not there (build it:" \
		"./scripts/setup.sh, or set VTI_PLUGIN)"
	echo "0 passed, 1 failed"
	exit 1
}

if [ -z "${VTI_IN_GUEST:-}" ] && [ "${VTI_TESTBED:-vm}" != native ]; then
	VTI_PLUGIN=${VTI_PLUGIN:-$top/.libs/libstrongswan-vti.so}
	export VTI_PLUGIN
	plugin_built
	# about 3 s an event at most, and the set-up
	exec "$top/tests/vm/run.sh" -t $((600 + EVENTS * 3)) \
		-r "${VTI_SOAK_RESULTS:-/tmp/vti-results/soak}" \
		"$top/tests/soak.sh" --seed "$SEED" --events "$EVENTS" $WITHOUT
fi

# shellcheck disable=SC2034 # charon.sh reads it
VTI_SRCDIR=$top
: "${VTI_PLUGIN:=$top/.libs/libstrongswan-vti.so}"
plugin_built
. "$top/tests/lib/check.sh"
. "$top/tests/lib/charon.sh"
. "$top/tests/lib/sites.sh"
. "$top/tests/lib/links.sh"
. "$top/tests/lib/plugin.sh"
# the same events against charons without the plugin: what charon's own
# figures do (the interfaces are not checked)
[ -z "$WITHOUT" ] || VTI_PLUGIN=
RESULTS=${VTI_RESULTS:-${VTI_SOAK_RESULTS:-$WORK}}
mkdir -p "$RESULTS"
SERVER=
# the libraries' teardown expects no set -e
trap 'set +e; server_stop; sites_teardown; rm -rf "$WORK"' EXIT
# a write to the checker once it ended fails instead of killing the soak
trap '' PIPE

# malloc's own figures beside VmRSS: tests/lib/heapstat.c, preloaded. No
# per-thread cache in charon's malloc (tcache): what it keeps counts as in
# use, and it filled over a whole long run as each of charon's threads met
# each size (in use grew 713 -> 3,097 KiB in 464 events, ever slower)
HEAPDIR=$WORK/heap
mkdir -p "$HEAPDIR"
heapstat_build() {
	${CC:-cc} -O2 -shared -fPIC -o "$WORK/heapstat.so" "$top/tests/lib/heapstat.c" -lpthread
}
CHARON="env LD_PRELOAD=$WORK/heapstat.so VTI_HEAPSTAT_DIR=$HEAPDIR GLIBC_TUNABLES=glibc.malloc.tcache_count=0 $CHARON"

MODEL=$WORK/model STATE=$WORK/state HISTORY=$RESULTS/soak-history
FIGURES=$RESULTS/soak-figures COUNTS=$WORK/counts
: > "$STATE"
: > "$HISTORY"
: > "$FIGURES"
: > "$COUNTS"
echo "soak: seed $SEED, $EVENTS events (replay: tests/soak.sh --seed $SEED --events $EVENTS)"

# --- the generator: a linear congruential one, the same in every shell ---
RNG=$SEED
# rnd N: R = the next number from 0 to N - 1
rnd() {
	RNG=$(( (RNG * 1103515245 + 12345) % 2147483648 ))
	R=$(( RNG / 65536 % $1 ))
}

# nth N WORD...: NTH = the N-th WORD (no process: under TCG each costs)
nth() {
	NTH=$(($1 + 1))
	eval "NTH=\${$NTH}"
}

# shellcheck source=tests/lib/soak-conns.sh
. "$top/tests/lib/soak-conns.sh"

# --- the checker: tests/lib/soak-check.pl, one process for the run ---
# server_start: start it, its commands on fd 3, its answers on fd 4
server_start() {
	mkfifo "$WORK/checker.in" "$WORK/checker.out"
	perl "$top/tests/lib/soak-check.pl" --model "$MODEL" --state "$STATE" \
		--figures "$FIGURES" --counts "$COUNTS" --heap "$HEAPDIR" $WITHOUT \
		"1:$(site_dir 1):priv1:pub1" "2:$(site_dir 2):priv2:pub2" \
		< "$WORK/checker.in" > "$WORK/checker.out" 2> "$RESULTS/soak-checker.err" &
	SERVER=$!
	exec 3> "$WORK/checker.in"
	exec 4< "$WORK/checker.out"
}

# server_stop: its input closed, it ends (within 10 s, or is killed)
server_stop() {
	[ -n "$SERVER" ] || return 0
	exec 3>&- 4<&-
	ss_end=$(( $(date +%s) + 10 ))
	while pid_alive "$SERVER" && [ "$(date +%s)" -lt $ss_end ]; do
		sleep 0.1
	done
	pid_alive "$SERVER" && kill -KILL "$SERVER"
	wait "$SERVER" 2>/dev/null || true
	SERVER=
}

# ask COMMAND ARGS...: a command to the checker; prints its answer, returns
# its status (3 if the checker ended: its messages in soak-checker.err)
ask() {
	printf '%s\n' "$*" >&3 || { echo "the checker is gone"; return 3; }
	while IFS= read -r ask_line <&4; do
		case $ask_line in
			"end "*) return "${ask_line#end }" ;;
		esac
		printf '%s\n' "$ask_line"
	done
	echo "the checker ended"
	return 3
}

# shellcheck source=tests/lib/soak-events.sh
. "$top/tests/lib/soak-events.sh"


# soak_check N: the quiet point after event N and its invariants
soak_check() {
	ask check "$1"
}

# broken N OUTPUT: the first broken invariant, at event N: its lines, the
# history, both charons' logs and how to replay it
broken() {
	printf '%s\n' "$2" | sed -n 's/^FAIL: //p' | while IFS= read -r line; do
		echo "FAIL: $line"
	done
	if ! printf '%s\n' "$2" | grep -q '^FAIL: '; then
		printf '%s\n' "$2"
		fail "soak: event $1: the checker gave no answer"
	fi
	VTI_FAILED=$((VTI_FAILED + $(printf '%s\n' "$2" | grep -c '^FAIL: ' || true)))
	echo "soak: an invariant broke at event $1 of $EVENTS, seed $SEED"
	echo "soak: replay it with: tests/soak.sh --seed $SEED --events $1"
	echo "----- the last 40 events (all of them in $HISTORY)"
	awk -v from=$(($1 - 39)) '/^event / { n = $2 + 0 } n >= from' "$HISTORY"
	for s in 1 2; do
		cp "$(site_dir $s)/charon.log" "$RESULTS/soak-charon$s.log" 2>/dev/null || true
		echo "----- the last 150 lines of site $s's charon log ($RESULTS/soak-charon$s.log)"
		tail -n 150 "$(site_dir $s)/charon.log"
	done
}

# table_sizes SITE: from the resyncs the site's charon logged (each logs
# the plugin's table), the first ten against the last ten: "N EXTRA1
# EXTRA2 DECL1 DECL2 IFS1 IFS2" (N resyncs; the most holders beyond
# charon's CHILD_SAs, declined CHILD_SAs and interfaces in each)
table_sizes() {
	sed -n 's/.*vti: resync: charon has \([0-9]*\) CHILD_SAs for interfaces, the table \([0-9]*\) holders ([0-9]* retired, [0-9]* IKE_SAs), \([0-9]*\) interfaces, \([0-9]*\) declined.*/\1 \2 \3 \4/p' \
		"$(site_dir "$1")/charon.log" | awk '
		{ n++; x[n] = $2 - $1; i[n] = $3; d[n] = $4 }
		function mx(a, from, to,   k, m) {
			m = -1e9
			for (k = from; k <= to; k++) if (a[k] > m) m = a[k]
			return m
		}
		END {
			if (n < 2) exit 1
			w = n < 10 ? n : 10
			print n, mx(x, 1, w), mx(x, n - w + 1, n), mx(d, 1, w), mx(d, n - w + 1, n),
				mx(i, 1, w), mx(i, n - w + 1, n)
		}'
}

# report: the figures of the run, a PASS line per kind of invariant
report() {
	awk -F '\t' '{ n[$1] += $2; all += $2 } END {
			for (k in n) printf "PASS: soak: %s: %d checks\n", k, n[k]
			printf "soak: %d invariant checks\n", all
		}' "$COUNTS" | sort > "$WORK/kinds"
	grep '^PASS' "$WORK/kinds" | while IFS= read -r line; do echo "$line"; done
	VTI_PASSED=$((VTI_PASSED + $(grep -c '^PASS' "$WORK/kinds" || true)))
	checks=$(sed -n 's/^soak: \([0-9]*\) invariant checks$/\1/p' "$WORK/kinds")
	# no check made is no pass: the checker counted nothing
	check "soak: $1 events, ${checks:-0} invariant checks (seed $SEED)" \
		test "${checks:-0}" -gt 0 -a "$1" -gt 0
	vmax=$(awk '$6 > m { m = $6 } END { print m + 0 }' "$FIGURES")
	echo "    vici version answered within $vmax ms at most"
	for s in 1 2; do
		growth_report $s
		# shellcheck disable=SC2046
		set -- $(table_sizes $s) || true
		if [ $# -lt 7 ]; then
			skip "soak: site $s's table sizes: fewer than 2 resyncs logged"
			continue
		fi
		echo "    site $s: the plugin's table over $1 resyncs, the first ten and" \
			"the last ten: holders beyond charon's CHILD_SAs at most $2, $3;" \
			"declined $4, $5; interfaces $6, $7"
		# site 2's charon restarts: only site 1's runs the whole soak
		[ "$s" = 2 ] && continue
		if [ "$1" -lt 20 ]; then
			skip "soak: site 1's table growth: $1 resyncs, fewer than 20"
			continue
		fi
		check "soak: site 1's table holds no more beyond charon's CHILD_SAs ($2 -> $3)" \
			test "$3" -le "$(( ($2 > 0 ? $2 : 0) + 2 ))"
	done
}

# growth_report SITE: the open fds, VmRSS and malloc's bytes in use of the
# site's longest-lived charon (tests/lib/soak-growth.awk), judged where it
# saw a hundred quiet points
growth_report() {
	gr_s=$1
	# shellcheck disable=SC2046
	set -- $(awk -v site="$1" -f "$top/tests/lib/soak-growth.awk" "$FIGURES") || true
	if [ $# -lt 19 ]; then
		fail "soak: site $gr_s's figures"
		return 0
	fi
	echo "    site $gr_s: charon $1 over $2 quiet points, the first hundred and the" \
		"last: open fds median $3, $4 (at most $5, $6); VmRSS median $7 KiB, $8 KiB" \
		"(smaps_rollup ${18} KiB, ${19} KiB); malloc in use median $9 KiB, ${10} KiB," \
		"held ${11} KiB, ${12} KiB, in ${13}, ${14} arenas; in use where the site held" \
		"as many CHILD_SAs: ${16} KiB more over ${17} events (median over ${15} such numbers)"
	if [ "$2" -lt 100 ]; then
		skip "soak: site $gr_s: charon $1's growth: $2 quiet points, fewer than 100"
		return 0
	fi
	check "soak: site $gr_s: charon $1 keeps its open fds ($3 -> $4)" test "$4" -le "$3"
	# what the allocator keeps: 5 % or 1 MiB
	check "soak: site $gr_s: charon $1's VmRSS does not grow ($7 -> $8 KiB)" \
		test $(( ($8 - $7) * 100 )) -le $(( $7 * 5 > 102400 ? $7 * 5 : 102400 ))
	if [ "${15}" = 0 ]; then
		skip "soak: site $gr_s: charon $1's heap: no number of CHILD_SAs in both hundreds"
		return 0
	fi
	check "soak: site $gr_s: charon $1's heap in use grows no faster than charon's own (${16} KiB over ${17} events)" \
		heap_steady "${16}" "${17}" "$9" "${10}"
}

# heap_steady GROWTH SPAN HEAP1 HEAP2: the heap in use (HEAP1, HEAP2 the
# medians: -1 where tests/lib/heapstat.c told nothing) grew GROWTH KiB over
# SPAN events, at most 64 KiB or 256 bytes an event: charon alone grows
# 73-132 bytes an event in this soak (README, "Soak"), the plugin's own
# code none (the longrun unit tests)
heap_steady() {
	[ "$3" -ge 0 ] && [ "$4" -ge 0 ] &&
		[ "$1" -le $(( $2 / 4 > 64 ? $2 / 4 : 64 )) ]
}

# plugin_loaded: both charons loaded the plugin: their logs list vti
# among the loaded plugins and none says it failed to load (the lines that
# do are shown); true at once with --without-plugin
plugin_loaded() {
	[ -z "$WITHOUT" ] || return 0
	for pl_s in 1 2; do
		pl_log="$(site_dir $pl_s)/charon.log"
		! grep -E "plugin 'vti':? failed to load" "$pl_log" || return 1
		grep -q 'loaded plugins:.* vti\( \|$\)' "$pl_log" || return 1
	done
}

# precondition DESC COMMAND...: a check without which the run means
# nothing: if COMMAND fails, the run stops here with its reason and the
# charons' logs (check returns 0 either way: it cannot stop anything)
precondition() {
	pc_desc=$1
	shift
	if "$@"; then
		pass "$pc_desc"
		return 0
	fi
	fail "$pc_desc"
	echo "soak: stopped: $pc_desc failed"
	dump_logs || true
	summary || true
	exit 1
}

precondition "soak: malloc's figures reporter (tests/lib/heapstat.c) built" heapstat_build
precondition "soak: sites 1 (A) and 2 (B, three roadwarriors) up with their connections" setup
precondition "soak: both charons loaded the plugin ($VTI_PLUGIN)" plugin_loaded
server_start
start=$(date +%s)
i=0
while [ $i -lt "$EVENTS" ]; do
	i=$((i + 1))
	# what failed in an event is in EV; a failure is the checker's to find
	play || true
	if out=$(soak_check $i); then ok=yes; else ok=no; fi
	printf 'event %d: %s\n%s\n' "$i" "$EV" "$out" >> "$HISTORY"
	if [ $((i % 25)) = 0 ] || [ $ok = no ]; then
		echo "    event $i, $(( $(date +%s) - start )) s: $EV"
	fi
	if [ $ok = no ]; then
		broken $i "$out"
		break
	fi
done
end=$(date +%s)
if [ "$VTI_FAILED" = 0 ]; then
	report $i
fi
echo "    $i events in $((end - start)) s: $(awk "BEGIN { printf \"%.2f\", ($end - $start) / ($i ? $i : 1) }") s an event" \
	"($(awk '/^    event [0-9.]* s, quiet point and checks/ { a += $2; c += $8; n++ }
		END { if (n) printf "%.2f s the event, %.2f s the quiet point and checks", a / n, c / n }' "$HISTORY"))"
echo "    history: $HISTORY, figures: $FIGURES (seed $SEED)"
summary
