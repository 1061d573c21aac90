#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs every measurement of the benchmark in one kernel (the test-bed
# guest, or natively) and writes, into VTI_RESULTS:
#   bench.csv        section,what,n,round,value,unit,note (one figure a row)
#   conditions.txt   what the run ran on and with
#   raw/             the samples behind each percentile
# bench/run.sh turns them into the table and bench.json.
#
# Sizes and rounds (environment):
#   VTI_BENCH_SIZES       N of the floor, ours without IKE, the script alone
#   VTI_BENCH_IKE_SIZES   N of the IKE_SA bursts through charon
#   VTI_BENCH_ROUNDS      rounds of the floor and ours without IKE
#   VTI_BENCH_IKE_ROUNDS  rounds of the bursts without plugin and with ours
#   VTI_BENCH_UPDOWN_MAX  largest burst the updown plugin runs (once)
#   VTI_BENCH_QUIET_MAX   largest burst ours runs with CHD at level 1 too
#   VTI_BENCH_NORESYNC_FROM  from this N on, the IKE rounds run ours with
#                         resync = 0 and ours as it comes once after them
#                         (default: never; the plugin as users run it)
#   VTI_BENCH_HOLD_PLUGIN libstrongswan-bench-hold.so (bench/bench_hold.c)
#   VTI_BENCH_BUDGET      seconds the bursts may take in all: a burst that
#                         would not fit (judged by the last one of its kind)
#                         is skipped, and the table says so
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
VTI_SRCDIR=$top
. "$top/tests/lib/charon.sh"
# ip -batch keeps a descriptor open for each "link set ... netns" (iproute2
# 6.1: "Too many open files" at the 1,019th move with the default 1,024)
ulimit -n 65536 2>/dev/null ||
	echo "warning: open files limited to $(ulimit -n): the floor stops at that many moves" >&2
out=${VTI_RESULTS:-/tmp/vti-bench}
mkdir -p "$out/raw"
csv="$out/bench.csv"
echo "section,what,n,round,value,unit,note" > "$csv"
SIZES=${VTI_BENCH_SIZES:-1 10 100 1000}
IKE_SIZES=${VTI_BENCH_IKE_SIZES:-100 1000}
ROUNDS=${VTI_BENCH_ROUNDS:-3}
IKE_ROUNDS=${VTI_BENCH_IKE_ROUNDS:-3}
UPDOWN_MAX=${VTI_BENCH_UPDOWN_MAX:-100}
QUIET_MAX=${VTI_BENCH_QUIET_MAX:-100}
NORESYNC_FROM=${VTI_BENCH_NORESYNC_FROM:-}
HOLD_PLUGIN=${VTI_BENCH_HOLD_PLUGIN:-}
BUDGET=${VTI_BENCH_BUDGET:-4500}
HOLD_SO=/usr/lib/ipsec/plugins/libstrongswan-bench-hold.so
if [ -n "$HOLD_PLUGIN" ]; then
	# charon finds plugins only in its own directory (in the guest a
	# throw-away overlay; natively taken out again at exit)
	cp "$HOLD_PLUGIN" "$HOLD_SO" || HOLD_PLUGIN=
	[ -n "${VTI_IN_GUEST:-}" ] || trap 'rm -f "$HOLD_SO"' EXIT
fi
bench_start=$(date +%s)

now_ns() { date +%s%N; }
# row SECTION WHAT N ROUND VALUE UNIT [NOTE]
row() {
	note=$(printf '%s' "${7:-}" | tr ',\n' '; ')
	echo "$1,$2,$3,$4,$5,$6,$note" >> "$csv"
	echo "  $1 $2 n=$3 round=$4: $5 $6 ${note:+($note)}"
}
per_if() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.1f", t / 1000 / n }'; }
# stats [SCALE]: numbers on stdin (one a line, multiplied by SCALE) ->
# "count p50 p99 max mean", nearest-rank percentiles
stats() {
	sort -g | awk -v s="${1:-1}" '{ v[n++] = $1 * s; sum += $1 * s }
	function rank(p,  i) { i = int(p * n); if (i < p * n) i++; return v[i - 1] }
	END {
		if (!n) { print "0 nan nan nan nan"; exit }
		printf "%d %.1f %.1f %.1f %.1f\n", n, rank(0.5), rank(0.99), v[n - 1], sum / n
	}'
}
# stat_rows SECTION PREFIX N ROUND UNIT FILE [SCALE]: p50, p99, max rows
stat_rows() {
	st=$(stats "${7:-1}" < "$6")
	c=$(echo "$st" | cut -d' ' -f1)
	row "$1" "$2_p50" "$3" "$4" "$(echo "$st" | cut -d' ' -f2)" "$5" "samples=$c"
	row "$1" "$2_p99" "$3" "$4" "$(echo "$st" | cut -d' ' -f3)" "$5" "samples=$c"
	row "$1" "$2_max" "$3" "$4" "$(echo "$st" | cut -d' ' -f4)" "$5" "samples=$c"
}
median() { sort -g | awk '{ v[n++] = $1 } END { if (!n) print "nan"; else if (n % 2) print v[int(n / 2)]; else printf "%.3f\n", (v[n / 2 - 1] + v[n / 2]) / 2 }'; }

{
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "where=$([ -n "${VTI_IN_GUEST:-}" ] && echo "qemu guest" || echo native)"
	echo "kernel=$(uname -r)"
	echo "cpus=$(nproc)"
	echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "memory_mb=$(awk '/^MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo)"
	echo "strongswan=$(dpkg-query -W -f '${Version}' strongswan-charon 2>/dev/null)"
	echo "iproute2=$(ip -V | sed 's/.*iproute2-//; s/,.*//')"
	echo "sizes=$SIZES"
	echo "ike_sizes=$IKE_SIZES"
	echo "rounds=$ROUNDS"
	echo "ike_rounds=$IKE_ROUNDS"
	echo "updown_max=$UPDOWN_MAX"
	echo "quiet_max=$QUIET_MAX"
	echo "noresync_from=${NORESYNC_FROM:-never}"
	echo "budget_s=$BUDGET"
	echo "clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)"
} > "$out/conditions.txt"
sed 's/^/  /' "$out/conditions.txt"

. "$top/bench/netns.sh"

# floor_batches N CREATE CONFIGURE DELETE: the floor's ip -batch files:
# create and move, configure and up, delete N vti6
floor_batches() {
	for i in $(seq 1 "$1"); do
		printf 'link add vti%d type vti6 local 2001:db8::1 remote 2001:db8:1::%x key %d\nlink set vti%d netns bench-priv\n' "$i" "$i" "$i" "$i" >> "$2"
		printf 'link set vti%d mtu 1426\naddr add 2001:db8:ff::6/127 dev vti%d\nlink set vti%d up\n' "$i" "$i" "$i" >> "$3"
		printf 'link del vti%d\n' "$i" >> "$4"
	done
}

# floor N ROUND: the kernel's own cost, with ip -batch (one process a step)
floor() {
	n=$1
	fresh_ns
	b=$(mktemp) c=$(mktemp) d=$(mktemp)
	floor_batches "$n" "$b" "$c" "$d"
	t0=$(now_ns)
	ip -n bench-pub -batch "$b"
	ip netns exec bench-priv sh -c 'for i in $(seq 1 '"$n"'); do echo 1 > /proc/sys/net/ipv4/conf/vti$i/disable_policy; done'
	ip -n bench-priv -batch "$c"
	t1=$(now_ns)
	up=$(ip -n bench-priv -o link show up | grep -c ' vti')
	ip -n bench-priv -batch "$d"
	t2=$(now_ns)
	row floor create_per_if "$n" "$2" "$(per_if $((t1 - t0)) "$n")" us "up=$up"
	row floor delete_per_if "$n" "$2" "$(per_if $((t2 - t1)) "$n")" us
	rm -f "$b" "$c" "$d"
}

# ours N ROUND [WHAT RESYNC TIMEOUT]: the manager and netlink backend
# without IKE; the rounds run with the periodic resync off (RESYNC 0): see
# ours_default_resync for why. TIMEOUT (600 s) bounds each phase, and is
# at least 0.12 s an interface: 8,297 of 10,000 were made in 600 s
ours() {
	n=$1 what=${3:-ours}
	limit=${5:-600}
	[ $((n * 12 / 100)) -gt "$limit" ] && limit=$((n * 12 / 100))
	fresh_ns
	err="$out/raw/manager-$what-$n-$2.err"
	res=$(ip netns exec bench-pub "$top/bench/manager_bench" "$n" bench-priv ${4:-0} "$limit" 2> "$err")
	rc=$?
	[ $rc = 0 ] || echo "manager_bench $n: exit status $rc" >> "$err"
	get() { echo "$1" | sed -n "s/.* $2=\([0-9.]*\).*/\1/p"; }
	made=$(echo "$res" | grep '^ours_create')
	gone=$(echo "$res" | grep '^ours ')
	stuck=$(echo "$res" | grep '^stuck')
	why=
	if [ -n "$stuck" ]; then
		why="$stuck; the table's namespace listed $(grep -c 'is ours but its name is taken' "$err") times over by resyncs"
	elif [ $rc != 0 ]; then
		why="exit status $rc: $(tail -n 1 "$err")"
	fi
	row "$what" create_per_if "$n" "$2" "$( [ -n "$made" ] && get "$made" create_us_per_if || echo nan)" us "$why"
	row "$what" delete_per_if "$n" "$2" "$( [ -n "$gone" ] && get "$gone" delete_us_per_if || echo nan)" us "$why"
	[ -n "$made" ] && row "$what" heap_per_tunnel "$n" "$2" "$(get "$made" heap_bytes_per_tunnel)" B
	for w in child_up child_down; do
		h=$(echo "$res" | grep "^hold $w ")
		[ -n "$h" ] || continue
		for p in p50 p99 max; do
			row "$what" "hold_${w}_$p" "$n" "$2" "$(get "$h" "${p}_us")" us "calls=$n"
		done
	done
}

# hold_only N ROUND: child_up() alone, the kernel worker never running
# (nothing contends for the table's lock): what ours costs the bus by itself
hold_only() {
	fresh_ns
	res=$(VTI_BENCH_HOLD_ONLY=1 ip netns exec bench-pub "$top/bench/manager_bench" "$1" bench-priv 0 2> /dev/null)
	h=$(echo "$res" | grep '^hold child_up ')
	for p in p50 p99 max; do
		row ours_hold_only "hold_child_up_$p" "$1" "$2" "$(echo "$h" | sed -n "s/.* ${p}_us=\([0-9.]*\).*/\1/p")" us "calls=$1; no worker"
	done
}

echo "== floor (ip -batch) and ours without IKE (bench/manager_bench), $ROUNDS rounds"
for r in $(seq 1 "$ROUNDS"); do
	for n in $SIZES; do
		floor "$n" "$r"
		ours "$n" "$r"
		hold_only "$n" "$r"
	done
done

# what each interface costs in system calls and netlink requests, ours and
# the floor's, create and delete (strace -c; N=100, not timed)
why() {
	n=100
	command -v strace > /dev/null || { echo "  (no strace: no call counts)"; return; }
	fresh_ns
	strace -f -qq -c -o "$out/raw/strace-ours.txt" \
		ip netns exec bench-pub "$top/bench/manager_bench" "$n" bench-priv 0 > /dev/null 2>&1
	fresh_ns
	b=$(mktemp) c=$(mktemp) d=$(mktemp)
	floor_batches "$n" "$b" "$c" "$d"
	strace -f -qq -c -o "$out/raw/strace-floor.txt" sh -c "ip -n bench-pub -batch $b
		ip netns exec bench-priv sh -c 'for i in \$(seq 1 $n); do echo 1 > /proc/sys/net/ipv4/conf/vti\$i/disable_policy; done'
		ip -n bench-priv -batch $c
		ip -n bench-priv -batch $d"
	rm -f "$b" "$c" "$d"
	for who in ours floor; do
		f="$out/raw/strace-$who.txt"
		# columns: % time, seconds, usecs/call, calls, [errors,] syscall
		sends=$(awk '$NF == "sendmsg" || $NF == "sendto" { s += $4 } END { print s + 0 }' "$f")
		total=$(awk '$NF == "total" { print $4 }' "$f")
		row why "${who}_netlink_sends_per_if" "$n" 1 "$(awk -v a="$sends" -v n="$n" 'BEGIN { printf "%.1f", a / n }')" count "sendmsg+sendto, create and delete"
		row why "${who}_syscalls_per_if" "$n" 1 "$(awk -v a="${total:-0}" -v n="$n" 'BEGIN { printf "%.1f", a / n }')" count "create and delete"
	done
}
# the largest N once more with the plugin's default resync (60 s): a resync
# in the run, as charon would have one, bounded to 180 s a phase (0.12 s
# an interface above 1,500)
big=$(echo $SIZES | tr ' ' '\n' | sort -n | tail -n 1)
echo "== ours without IKE, N=$big, the default resync"
ours "$big" 1 ours_default_resync - 180
sleep 5

# naming N: what naming in the move costs the kernel, ip -batch, create +
# move per interface: born under its name (as the floor), born under the
# temporary name and named in the move (as ours: charon ignores that name),
# the same with the temporary name taken in the target (the kernel then
# names it as it moves it: dev_change_name() finds it named and returns at
# once, without its grace period). Each starts from empty namespaces: the
# links of the one before are deleted, untimed, before fresh_ns
naming() {
	n=$1
	for how in as_born renamed renamed_name_taken; do
		fresh_ns
		[ $how = renamed_name_taken ] && ip -n bench-priv link add "$VTI_TEMP" \
			type vti6 local 2001:db8::2 remote 2001:db8::3 key 999999
		b=$(mktemp) d=$(mktemp)
		if [ $how = as_born ]; then
			floor_batches "$n" "$b" /dev/null "$d"
		else
			for i in $(seq 1 "$n"); do
				printf 'link add %s type vti6 local 2001:db8::1 remote 2001:db8:1::%x key %d\nlink set %s netns bench-priv name vti%d\n' "$VTI_TEMP" "$i" "$i" "$VTI_TEMP" "$i"
				printf 'link del vti%d\n' "$i" >> "$d"
			done > "$b"
		fi
		t0=$(now_ns)
		ip -n bench-pub -batch "$b"
		t1=$(now_ns)
		made=$(ip -n bench-priv -o link show | grep -c ': vti[0-9]*[@:]')
		if [ "$made" = "$n" ]; then
			row naming "${how}_per_if" "$n" 1 "$(per_if $((t1 - t0)) "$n")" us "create and move"
		else
			row naming "${how}_per_if" "$n" 1 nan us "$made of $n made"
		fi
		ip -n bench-priv -batch "$d" 2> /dev/null
		rm -f "$b" "$d"
	done
}
VTI_TEMP=strongswan-vti

echo "== system calls per interface (strace -c)"
why

echo "== naming in the move, ip -batch, N=200"
naming 200

echo "== the updown script alone, each call timed (what it holds the bus for)"
for n in $SIZES; do
	[ "$n" -gt 100 ] && continue
	fresh_ns
	raw="$out/raw/script-$n.txt"
	: > "$raw"
	t0=$(now_ns)
	for i in $(seq 1 "$n"); do
		a=$(now_ns)
		BENCH_NETNS=bench-priv PLUTO_VERB=up-client-v6 PLUTO_MARK_IN="$i/0xffffffff" \
			PLUTO_ME=2001:db8::1 PLUTO_PEER=$(printf '2001:db8:1::%x' "$i") \
			ip netns exec bench-pub "$top/bench/updown-vti.sh" 2>/dev/null
		b=$(now_ns)
		echo $((b - a)) >> "$raw"
	done
	t1=$(now_ns)
	up=$(ip -n bench-priv -o link show up | grep -c ' vti')
	row script create_per_if "$n" 1 "$(per_if $((t1 - t0)) "$n")" us "up=$up"
	stat_rows script hold "$n" 1 us "$raw" 0.001
done

# IKE bursts: one initiator (bench-pub, 2001:db8::1) with N connections, a
# responder (bench-peer) on N addresses; each connection one IKE_SA with
# MOBIKE and one CHILD_SA with marks i/i, all started at once.
#   none: no interfaces; ours: the plugin; updown: the updown plugin
#   running bench/updown-vti.sh
ike_setup() {
	n=$1
	fresh_ns
	ip netns add bench-peer
	ip -n bench-peer link set lo up
	ip -n bench-pub link del wan0
	ip -n bench-pub link add wan0 type veth peer name wan0 netns bench-peer
	# no link-local addresses: one appearing after charon started would
	# make it roam, which is not what is counted
	ip -n bench-pub link set wan0 addrgenmode none
	ip -n bench-peer link set wan0 addrgenmode none
	ip -n bench-pub addr add 2001:db8::1/64 dev wan0 nodad
	ip -n bench-pub link set wan0 up
	for i in $(seq 1 "$n"); do
		printf 'address add 2001:db8::1:%x/64 dev wan0 nodad\n' "$i"
	done > /tmp/bench-addrs
	ip -n bench-peer -batch /tmp/bench-addrs
	ip -n bench-peer link set wan0 up
}

ike_confs() {
	n=$1 how=$2 w=$3
	{
		echo "connections {"
		for i in $(seq 1 "$n"); do
			cat <<-CONF
			t$i {
				local_addrs = 2001:db8::1
				remote_addrs = $(printf '2001:db8::1:%x' "$i")
				proposals = aes128gcm16-prfsha256-x25519
				mobike = yes
				local { auth = psk
					id = init }
				remote { auth = psk
					id = resp }
				children { t$i {
					local_ts = ::/0
					remote_ts = ::/0
					mark_in = $i
					mark_out = $i
					esp_proposals = aes128gcm16
					start_action = start
					$([ "$how" = updown ] && echo "updown = $top/bench/updown-vti.sh bench-priv")
				} }
			}
			CONF
		done
		echo "}"
		echo "secrets { ike { id-1 = init
			id-2 = resp
			secret = bench-secret-bench-secret } }"
	} > "$w/init.conf"
	cat > "$w/resp.conf" <<-CONF
	connections {
		resp {
			remote_addrs = 2001:db8::1
			proposals = aes128gcm16-prfsha256-x25519
			mobike = yes
			local { auth = psk
				id = resp }
			remote { auth = psk
				id = init }
			children { resp {
				local_ts = ::/0
				remote_ts = ::/0
				mark_in = %unique
				mark_out = %unique
				esp_proposals = aes128gcm16
			} }
		}
	}
	secrets { ike { id-1 = init
		id-2 = resp
		secret = bench-secret-bench-secret } }
	CONF
}

# the same for every kind of run: charon's DoS protection off (one peer
# address opens them all), a hash table sized for the SAs, CHD at level 3
# (the plugin's timestamps; ours_quiet: charon's default level 1, to see
# what the log lines add to the hold), the bench-hold plugin on the
# initiator
CHARON_COMMON="dos_protection = no
	ikesa_table_size = 1024
	ikesa_table_segments = 16"

# why a burst fell short: the commonest failure lines of both charons
reasons() {
	cat "$1/init/charon.log" "$1/resp/charon.log" 2>/dev/null |
		grep -E 'giving up|failed|retransmit [0-9]+ of|error|refused|timed out|unable|vti: .*(fail|cannot|declin|name is taken)' |
		sed 's/^[0-9:.]* //; s/<[^>]*>//g; s/{[0-9]*}//g; s/[0-9a-f:.]*:[0-9a-f:.]*//g; s/[0-9][0-9]*/N/g' |
		sort | uniq -c | sort -rn | head -n 3 | sed 's/^ *//' | tr '\n' '|'
}

# ike_run HOW N ROUND
ike_run() {
	how=$1 n=$2 r=$3
	tag="$how-$n-$r"
	chd=3
	[ "$how" = ours_quiet ] && chd=1
	ike_setup "$n"
	w=$(mktemp -d /tmp/bench-ike.XXXXXX)
	hold_conf=
	if [ -n "$HOLD_PLUGIN" ]; then
		hold_conf="plugins { bench-hold { load = 100
			file = $w/hold.txt } }"
	fi
	vti_conf=
	VTI_PLUGIN=
	case $how in
	ours*)
		VTI_PLUGIN=$top/.libs/libstrongswan-vti.so
		vti_conf="plugins { vti { netns = bench-priv
			mtu = 1426
			addresses = 2001:db8:ff::6/127
			$([ "$how" = ours_noresync ] && echo "resync = 0") } }"
		;;
	esac
	# seconds since the epoch with milliseconds: the plugin's "CHILD_SA
	# {N} up, wants NAME" and "NAME ready" lines time an interface
	charon_conf "$w/init" "$CHARON_COMMON
	filelog { vtilog { chd = $chd
		time_format = %s
		time_add_ms = yes } }
	$hold_conf
	$vti_conf"
	VTI_PLUGIN= charon_conf "$w/resp" "$CHARON_COMMON
	filelog { vtilog { chd = $chd } }"
	ike_confs "$n" "$how" "$w"
	if ! charon_start "$w/init" bench-pub || ! VTI_PLUGIN= charon_start "$w/resp" bench-peer; then
		row charon "${how}_complete" "$n" "$r" 0 bool "a charon did not start"
		return
	fi
	swanctl_in "$w/resp" --load-all --noprompt --file "$w/resp.conf" > /dev/null 2>&1
	deadline=$(( $(date +%s) + ${VTI_BENCH_DEADLINE:-$((120 + n / 2))} ))
	[ "$how" = updown ] && deadline=$(( $(date +%s) + ${VTI_BENCH_UPDOWN_DEADLINE:-$((120 + 3 * n))} ))
	t0=$(now_ns)
	swanctl_in "$w/init" --load-all --noprompt --file "$w/init.conf" > /dev/null 2>&1
	# polled twice a second, the same in every kind of run
	while :; do
		sas=$(ip -n bench-pub xfrm state count | awk '{ print $NF }')
		ifs=0
		if [ "$sas" -ge $((2 * n)) ] && [ "$how" != none ]; then
			ifs=$(ip -n bench-priv -o link show up | grep -c ' vti[0-9]')
		fi
		[ "$sas" -ge $((2 * n)) ] && { [ "$how" = none ] || [ "$ifs" -ge "$n" ]; } && break
		[ "$(date +%s)" -ge "$deadline" ] && break
		sleep 0.5
	done
	t_end=$(now_ns)
	sleep 2
	ifs=$(ip -n bench-priv -o link show up 2>/dev/null | grep -c ' vti[0-9]')
	sas=$(ip -n bench-pub xfrm state count | awk '{ print $NF }')
	mobike=$(grep -c 'sending address list update using MOBIKE' "$w/init/charon.log")
	deleted=$(grep -c 'interface .* deleted' "$w/init/charon.log")
	# the bench-hold records: SIGHUP makes the plugin write them
	if [ -n "$HOLD_PLUGIN" ]; then
		kill -HUP "$(charon_pid "$w/init")"
		for _ in $(seq 1 300); do
			grep -q '^end' "$w/hold.txt" 2>/dev/null && break
			sleep 0.1
		done
	fi
	cp "$w/init/charon.log" "$out/raw/charon-$tag.log"
	cp "$w/resp/charon.log" "$out/raw/charon-resp-$tag.log"
	cp "$w/hold.txt" "$out/raw/hold-$tag.txt" 2>/dev/null
	charon_kill "$w/init"
	charon_kill "$w/resp"

	# monotonic time of t0, from the clocks the plugin read side by side
	t0_mono=$(awk -v t0="$t0" '/^clock/ { split($2, a, "="); split($3, b, "=");
		printf "%.0f", t0 / 1000 - (a[2] - b[2]) }' "$w/hold.txt" 2>/dev/null)
	ups=$(grep -c '^up ' "$w/hold.txt" 2>/dev/null)
	downs=$(grep -c '^down ' "$w/hold.txt" 2>/dev/null)
	awk '/^up / { print $3 }' "$w/hold.txt" > "$out/raw/hold-up-$tag.txt" 2>/dev/null
	last_child=$(awk -v t0="${t0_mono:-0}" '/^up / && $2 > m { m = $2 } END { if (m) printf "%.2f", (m - t0) / 1e6; else print "nan" }' "$w/hold.txt" 2>/dev/null)
	case $how in
	ours|ours_noresync)
		# event to interface ready, by name, from the plugin's two lines
		# and their time stamps (wall clock, ms), in us
		sed -n 's/^\([0-9]*\)\.\([0-9]*\) .*CHILD_SA {[0-9]*} up, wants \([^ ][^ ]*\).*/up \3 \1\2000/p
			s/^\([0-9]*\)\.\([0-9]*\) .*vti: [^ ]*: \([^ ]*\) ready$/ready \3 \1\2000/p' "$w/init/charon.log" |
			awk '$1 == "up" && !($2 in u) { u[$2] = $3 }
				$1 == "ready" && !($2 in d) { d[$2] = $3 }
				END { for (k in d) if (k in u) print d[k] - u[k], d[k] }' > "$w/e2r"
		cut -d' ' -f1 "$w/e2r" > "$out/raw/e2r-$tag.txt"
		last_if=$(awk -v t0="$t0" '$2 > m { m = $2 } END { if (m) printf "%.2f", (m - t0 / 1000) / 1e6; else print "nan" }' "$w/e2r")
		# the worker's pace in the burst: first to last interface ready
		worker=$(awk '{ if (!c++ || $2 < lo) lo = $2; if ($2 > hi) hi = $2 } END { if (c > 1) printf "%.0f", (hi - lo) / (c - 1); else print "nan" }' "$w/e2r")
		;;
	updown)
		# the script ran in the hold: the interface is up when it ends
		last_if=$(awk -v t0="${t0_mono:-0}" '/^up / && $2 + $3 / 1000 > m { m = $2 + $3 / 1000 } END { if (m) printf "%.2f", (m - t0) / 1e6; else print "nan" }' "$w/hold.txt" 2>/dev/null)
		;;
	*)
		last_if=
		;;
	esac
	complete=1
	why=
	[ "${ups:-0}" -ge "$n" ] || { complete=0; why="CHILD_SAs up: ${ups:-0} of $n"; }
	if [ "$how" != none ] && [ "$ifs" -lt "$n" ]; then
		complete=0
		why="$why interfaces up: $ifs of $n"
	fi
	[ -n "$HOLD_PLUGIN" ] || { complete=0; why="no bench-hold plugin: no timestamps"; }
	if [ $complete = 0 ]; then
		why="$why; reasons: $(reasons "$w")"
	fi
	row charon "${how}_complete" "$n" "$r" "$complete" bool "ups=${ups:-0} downs=${downs:-0} interfaces=$ifs xfrm_states=$sas poll_end_s=$(awk -v a="$t0" -v b="$t_end" 'BEGIN { printf "%.1f", (b - a) / 1e9 }') $why"
	row charon "${how}_last_child_s" "$n" "$r" "$last_child" s
	[ -n "$last_if" ] && row charon "${how}_last_if_s" "$n" "$r" "$last_if" s
	stat_rows charon "${how}_hold_up" "$n" "$r" us "$out/raw/hold-up-$tag.txt" 0.001
	if [ "$how" = ours ] || [ "$how" = ours_noresync ]; then
		stat_rows charon "${how}_e2r" "$n" "$r" us "$out/raw/e2r-$tag.txt"
		row charon "${how}_worker_per_if" "$n" "$r" "$worker" us "first to last interface ready / (N-1)"
		# a resync in the burst, and how many times it listed the namespace
		row charon "${how}_resync_name_taken_lines" "$n" "$r" "$(grep -c 'is ours but its name is taken' "$w/init/charon.log")" count
	fi
	row charon "${how}_mobike_updates" "$n" "$r" "$mobike" count
	row charon "${how}_ifaces_deleted" "$n" "$r" "$deleted" count
	rm -rf "$w"
	# taken down here, not left to the kernel's cleanup of the namespaces,
	# which would still run in the next measurement
	ip -n bench-priv -o link show | awk -F': ' '/ vti[0-9]/ { sub(/@.*/, "", $2); print "link del " $2 }' > /tmp/bench-del
	ip -n bench-priv -batch /tmp/bench-del 2>/dev/null
	ip -n bench-pub xfrm state flush
	ip -n bench-pub xfrm policy flush
	ip netns del bench-peer 2>/dev/null
	sleep 2
}

# burst HOW N ROUND: ike_run within the budget; a kind that did not bring
# every tunnel up at this N is not run again at it
burst() {
	if grep -q "^charon,$1_complete,$2,[0-9]*,0," "$csv"; then
		row charon "$1_complete" "$2" "$3" skipped bool "not run: an earlier round at this N fell short"
		return
	fi
	last=$(cat "$out/raw/took-$1-$2" 2>/dev/null || echo 0)
	if [ $(( $(date +%s) - bench_start + last )) -gt "$BUDGET" ]; then
		row charon "$1_complete" "$2" "$3" skipped bool "not run: the last such burst took ${last} s and the budget of $BUDGET s would be exceeded"
		return
	fi
	b0=$(date +%s)
	ike_run "$1" "$2" "$3"
	echo $(( $(date +%s) - b0 )) > "$out/raw/took-$1-$2"
	row charon "$1_took_s" "$2" "$3" "$(cat "$out/raw/took-$1-$2")" s "the whole burst: setup, load, wait, teardown"
}

echo "== through charon: N IKE_SAs with marks, started at once"
# a warm-up burst, not counted: the first charons read everything from disk
ike_run ours 10 0 > /dev/null
sed -i '/^charon,[a-z0-9_]*,10,0,/d' "$csv"
# ours runs as it comes (resync every 60 s); from NORESYNC_FROM on (if
# set), the rounds run ours with the periodic resync off and ours as it
# comes once, after them
noresync() { [ -n "$NORESYNC_FROM" ] && [ "$1" -ge "$NORESYNC_FROM" ]; }
for n in $IKE_SIZES; do
	for r in $(seq 1 "$IKE_ROUNDS"); do
		burst none "$n" "$r"
		if noresync "$n"; then
			burst ours_noresync "$n" "$r"
		else
			burst ours "$n" "$r"
			[ "$n" -le "$QUIET_MAX" ] && burst ours_quiet "$n" "$r"
		fi
		if [ "$r" = 1 ] && [ "$n" -le "$UPDOWN_MAX" ]; then
			burst updown "$n" "$r"
		fi
	done
	noresync "$n" && burst ours "$n" 1
	# pooled over the rounds that brought every tunnel up
	for how in none ours ours_noresync ours_quiet updown; do
		files= e2r=
		for r in $(seq 1 "$IKE_ROUNDS"); do
			grep -q "^charon,${how}_complete,$n,$r,1," "$csv" || continue
			files="$files $out/raw/hold-up-$how-$n-$r.txt"
			case $how in ours|ours_noresync) e2r="$e2r $out/raw/e2r-$how-$n-$r.txt" ;; esac
		done
		if [ -n "$files" ]; then
			# shellcheck disable=SC2086
			cat $files > "$out/raw/hold-up-$how-$n-all.txt"
			stat_rows charon "${how}_hold_up" "$n" all us "$out/raw/hold-up-$how-$n-all.txt" 0.001
		fi
		if [ -n "$e2r" ]; then
			# shellcheck disable=SC2086
			cat $e2r > "$out/raw/e2r-$how-$n-all.txt"
			stat_rows charon "${how}_e2r" "$n" all us "$out/raw/e2r-$how-$n-all.txt"
		fi
		for what in last_child_s last_if_s; do
			m=$(awk -F, -v w="${how}_$what" -v n="$n" '$2 == w && $3 == n && $4 != "all" && $5 != "nan" { print $4, $5 }' "$csv" |
				while read -r rr v; do
					grep -q "^charon,${how}_complete,$n,$rr,1," "$csv" && echo "$v"
				done | median)
			[ "$m" != nan ] && row charon "${how}_$what" "$n" median "$m" s "complete rounds only"
		done
	done
done
ip netns del bench-pub 2>/dev/null
ip netns del bench-priv 2>/dev/null
echo "run_seconds=$(( $(date +%s) - bench_start ))" >> "$out/conditions.txt"
echo "results: $csv"
