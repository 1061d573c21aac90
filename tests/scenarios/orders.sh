#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Event orders a real charon produces around the plugin's interfaces:
# simultaneous CHILD_SA rekeys (a collision), make-before-break
# reauthentication with %unique marks, MOBIKE moving an IKE_SA whose
# initiator loses its address (vti6 and vti), and down_action = down with
# the peer back from another address.
. "$(dirname "$0")/common.sh"
. "$top/tests/lib/plugin.sh"

# wait_pid PID SECONDS: wait at most SECONDS for PID, a background child of
# this shell, to end (then SIGKILL); its exit status, or 1 if killed
wait_pid() {
	wp_end=$(( $(date +%s) + $2 ))
	while pid_alive "$1"; do
		if [ "$(date +%s)" -ge "$wp_end" ]; then
			echo "process $1 still ran after $2 s: killed" >&2
			kill -s KILL "$1" 2>/dev/null
			wait "$1" 2>/dev/null
			return 1
		fi
		sleep 0.1
	done
	wait "$1"
}

# rekey_both: swanctl --rekey --child net on both sites at the same moment,
# each with a deadline; true if both commands succeeded
rekey_both() {
	swanctl_in "$(site_dir 1)" --rekey --child net > /dev/null 2>&1 &
	rb_1=$!
	swanctl_in "$(site_dir 2)" --rekey --child net > /dev/null 2>&1 &
	rb_2=$!
	wait_pid "$rb_1" 20
	rb_s1=$?
	wait_pid "$rb_2" 20
	rb_s2=$?
	[ $rb_s1 -eq 0 ] && [ $rb_s2 -eq 0 ]
}

# collision_lines: the lines of both sites' charon logs that tell of a
# CHILD_SA rekey collision; fails if there are none (or a log is unreadable)
collision_lines() (
	logs=$(cat "$(site_dir 1)/charon.log" "$(site_dir 2)/charon.log") || exit 1
	printf '%s\n' "$logs" | grep -E "CHILD_SA rekey collision (won|lost)"
)

# collision_logged: a charon log of either site tells of a CHILD_SA rekey
# collision
collision_logged() {
	collision_lines > /dev/null
}

# sa_settled N: site N has exactly one IKE_SA and one CHILD_SA named net,
# the latter INSTALLED (no rekey or reauthentication under way)
sa_settled() (
	sas=$(swanctl_in "$(site_dir "$1")" --list-sas 2>/dev/null) || exit 1
	[ "$(printf '%s\n' "$sas" | grep -cE '^net: #[0-9]+, ')" = 1 ] &&
		[ "$(printf '%s\n' "$sas" | grep -cE '^ +net: #[0-9]+, reqid ')" = 1 ] &&
		[ "$(printf '%s\n' "$sas" | grep -cE '^ +net: #[0-9]+, reqid .*INSTALLED')" = 1 ]
)

# settled_after N BEFORE: site N's SAs changed from BEFORE (sa_ids) and
# have settled
settled_after() {
	[ -n "$2" ] && [ "$(sa_ids "$1")" != "$2" ] && sa_settled "$1"
}

# sa_mark N DIR: the mark (in or out) of site N's one installed CHILD_SA
# net, as a dotted quad (swanctl prints "in  SPI (0x00000002), ..."); fails
# if there is not exactly one or it has no mark
sa_mark() (
	sas=$(swanctl_in "$(site_dir "$1")" --list-sas 2>/dev/null) || exit 1
	hex=$(printf '%s\n' "$sas" | awk -v dir="$2" '
		/^[^ ]/ { child = 0 }
		/^ +net: #[0-9]+, reqid / { child = /INSTALLED/; n += child }
		child && $1 == dir && match($0, /\(0x[0-9a-f]+/) {
			mark = substr($0, RSTART + 1, RLENGTH - 1)
		}
		END { if (n == 1 && mark != "") print mark; else exit 1 }') || exit 1
	v=$((hex))
	printf '%d.%d.%d.%d\n' $((v >> 24 & 255)) $((v >> 16 & 255)) \
		$((v >> 8 & 255)) $((v & 255))
)

# keys_are_marks N NS DEV: DEV's ikey and okey in NS equal the marks in and
# out of site N's installed CHILD_SA (all four read)
keys_are_marks() (
	mi=$(sa_mark "$1" in) && mo=$(sa_mark "$1" out) &&
		ik=$(link_tunnel "$2" "$3" ikey) && ok=$(link_tunnel "$2" "$3" okey) ||
		exit 1
	echo "    site $1: $3 ikey $ik okey $ok, CHILD_SA mark-in $mi mark-out $mo"
	[ "$ik" = "$mi" ] && [ "$ok" = "$mo" ]
)

# sa_local_is N ADDR: site N's IKE_SA net has the local address ADDR
sa_local_is() (
	sas=$(swanctl_in "$(site_dir "$1")" --list-sas 2>/dev/null) || exit 1
	printf '%s\n' "$sas" | awk -v a="@ $2[" '
		/^net: #/ { ike = 1; next }
		/^[^ ]/ { ike = 0 }
		ike && $1 == "local" && index($0, a) { found = 1 }
		END { exit !found }'
)

# monitor_lines FILE DEV: the link lines (not their continuation lines)
# that a monitor wrote into FILE about DEV, without their time; fails if
# there are none
monitor_lines() (
	[ -f "$1" ] || exit 1
	awk -v dev="$2" '
		{ l = $0; sub(/^\[[^]]*\] /, "", l); n = l; sub(/^Deleted /, "", n) }
		n ~ /^[0-9]+: / {
			split(n, f, " "); name = f[2]; sub(/:$/, "", name); sub(/@.*/, "", name)
			if (name == dev) { print l; found = 1 }
		}
		END { exit !found }' "$1"
)

# monitor_saw FILE DEV: the monitor saw at least one event of DEV
monitor_saw() {
	monitor_lines "$1" "$2" > /dev/null
}

# monitor_only_up FILE DEV: the monitor saw events of DEV, and in none was
# DEV deleted or without UP (the lines that were are shown)
monitor_only_up() (
	lines=$(monitor_lines "$1" "$2") || exit 1
	printf '%s\n' "$lines" | awk '
		/^Deleted / { print; bad = 1; next }
		{ f = $0; sub(/^[^<]*</, "", f); sub(/>.*/, "", f)
		  if (("," f ",") !~ /,UP,/) { print; bad = 1 } }
		END { exit bad }'
)

# fresh_scenario NAME: scenario NAME, with charon logs of its own (a
# site's log file outlives its charon, and the next one appends to it)
fresh_scenario() {
	scenario "$1"
	rm -f "$(site_dir 1)/charon.log" "$(site_dir 2)/charon.log"
}

# reload_conf N: load site N's (edited) swanctl.conf again
reload_conf() {
	swanctl_in "$(site_dir "$1")" --load-all --noprompt \
		--file "$(site_dir "$1")/swanctl.conf" > /dev/null 2>&1
}

# --- 1. both sites rekey the CHILD_SA at once: a collision ---
fresh_scenario "orders-rekey-collision"
two_sites 6
check "$SCENARIO: CHILD_SA installed" initiate
i1=$(ifindex priv1 vti6) i2=$(ifindex priv2 vti6)
tries=0
while [ $tries -lt 15 ]; do
	tries=$((tries + 1))
	before1=$(sa_ids 1) before2=$(sa_ids 2)
	rekey_both || echo "    try $tries: a swanctl --rekey failed"
	if ! wait_for 30 settled_after 1 "$before1" ||
			! wait_for 30 settled_after 2 "$before2"; then
		fail "$SCENARIO: try $tries: the rekeys settle on both sites within 30 s"
		break
	fi
	sleep 1
	collision_logged && break
done
if collision_logged; then
	pass "$SCENARIO: a CHILD_SA rekey collision (try $tries)"
	collision_lines | sed 's/^/    | /'
	for n in 1 2; do
		eval "before=\$i$n"
		check "$SCENARIO: exactly one interface of ours after it (site $n)" \
			ours_is "priv$n" 1
		check "$SCENARIO: vti6 is up after it (site $n)" link_is_up "priv$n" vti6
		check "$SCENARIO: the same vti6 as before it (site $n)" \
			link_has_ifindex "priv$n" vti6 "$before"
	done
	check "$SCENARIO: ping across after it" ping_from priv1 "$peer" 3
	swanctl_in "$(site_dir 1)" --terminate --ike net --timeout 10 > /dev/null 2>&1
	check "$SCENARIO: terminate removes the interface (site 1)" \
		wait_for 10 link_removed priv1 vti6 "$i1"
	check "$SCENARIO: terminate removes the interface (site 2)" \
		wait_for 15 link_removed priv2 vti6 "$i2"
else
	fail "$SCENARIO: no collision produced ($tries tries)"
fi
scenario_end

# --- 2. %unique marks, make-before-break reauthentication ---
fresh_scenario "orders-unique-marks-reauth"
CHARON_EXTRA="make_before_break = yes" two_sites 6 "name = u%id" \
	"mark_in = %unique
				mark_out = %unique"
check "$SCENARIO: CHILD_SA installed" initiate
n1=$(link_with_alias priv1 strongswan-vti:) n2=$(link_with_alias priv2 strongswan-vti:)
i1=$(ifindex priv1 "$n1") i2=$(ifindex priv2 "$n2")
check "$SCENARIO: site 1 has one interface of ours, u<mark> ($n1)" \
	text_has "$n1" -x "u[0-9][0-9]*"
check "$SCENARIO: site 2 has one interface of ours, u<mark> ($n2)" \
	text_has "$n2" -x "u[0-9][0-9]*"
for n in 1 2; do
	eval "ifn=\$n$n"
	check "$SCENARIO: its keys are the CHILD_SA's marks (site $n)" \
		keys_are_marks "$n" "priv$n" "$ifn"
done
before1=$(sa_ids 1) before2=$(sa_ids 2)
swanctl_in "$(site_dir 1)" --rekey --ike net --reauth > /dev/null 2>&1
check "$SCENARIO: the reauthentication completes (site 1)" \
	wait_for 40 settled_after 1 "$before1"
check "$SCENARIO: the reauthentication completes (site 2)" \
	wait_for 20 settled_after 2 "$before2"
for n in 1 2; do
	check "$SCENARIO: the plugin of site $n acted on the reauthentication (two resyncs logged)" \
		worker_done "$n"
done
for n in 1 2; do
	eval "ifn=\$n$n before=\$i$n"
	check "$SCENARIO: exactly one interface of ours (site $n)" ours_is "priv$n" 1
	check "$SCENARIO: $ifn is up (site $n)" link_is_up "priv$n" "$ifn"
	check "$SCENARIO: $ifn keeps its name and ifindex (site $n)" \
		link_has_ifindex "priv$n" "$ifn" "$before"
	check "$SCENARIO: its keys follow the new CHILD_SA's marks (site $n)" \
		keys_are_marks "$n" "priv$n" "$ifn"
done
check "$SCENARIO: ping across after the reauthentication" ping_from priv1 "$peer" 3
scenario_end

# --- 3. MOBIKE: the initiator loses the address in use ---
# mobike_moves FAMILY OLD NEW: site 1 has OLD and NEW, the IKE_SA runs from
# OLD, site 1 loses OLD; the interface (vti6 by name) follows on both sites
mobike_moves() {
	family=$1 old=$2 new=$3
	two_sites "$family"
	# isolate the sites: MOBIKE picks any path, across families
	if [ "$family" = 6 ]; then
		kind=vti6 len=64 other=$(site_v6 2)
		for n in 1 2; do ip -n "pub$n" -4 addr flush dev wan0; done
	else
		kind=vti len=24 other=$(site_v4 2)
		for n in 1 2; do ip -n "pub$n" -6 addr flush dev wan0 scope global; done
		# removing the primary address would take the secondary with it
		ip netns exec pub1 sysctl -qw net.ipv4.conf.wan0.promote_secondaries=1
	fi
	ip -n pub1 addr add "$new/$len" dev wan0 nodad
	for n in 1 2; do
		sed -i 's/mobike = no/mobike = yes/' "$(site_dir $n)/swanctl.conf"
		reload_conf "$n"
	done
	check "$SCENARIO: CHILD_SA installed" initiate
	check "$SCENARIO: a $kind from $old to $other (site 1)" \
		text_has "$(ip -n priv1 -o -d link show dev vti6 2>&1)" \
		" $kind remote $other local $old "
	check "$SCENARIO: the IKE_SA runs from $old" sa_local_is 1 "$old"
	i1=$(ifindex priv1 vti6) i2=$(ifindex priv2 vti6)
	m1=$(link_mtu priv1 vti6) m2=$(link_mtu priv2 vti6)
	check "$SCENARIO: a link monitor listens in priv1" \
		monitor_start priv1 "$WORK/monitor1"
	check "$SCENARIO: a link monitor listens in priv2" \
		monitor_start priv2 "$WORK/monitor2"
	ip -n pub1 addr del "$old/$len" dev wan0
	check "$SCENARIO: site 1's IKE_SA moves to $new" \
		wait_for 40 sa_local_is 1 "$new"
	check "$SCENARIO: the endpoints follow (site 1)" \
		wait_for 10 link_endpoints_are priv1 vti6 "$other" "$new"
	check "$SCENARIO: the endpoints follow (site 2)" \
		wait_for 10 link_endpoints_are priv2 vti6 "$new" "$other"
	caught_up "the move"
	check "$SCENARIO: both link monitors ran until stopped" monitor_stop
	for n in 1 2; do
		eval "ifi=\$i$n mtu=\$m$n"
		check "$SCENARIO: same ifindex (site $n)" link_has_ifindex "priv$n" vti6 "$ifi"
		check "$SCENARIO: same MTU, $mtu (site $n)" link_mtu_is "priv$n" vti6 "$mtu"
		check "$SCENARIO: the monitor saw the change (site $n)" \
			monitor_saw "$WORK/monitor$n" vti6
		check "$SCENARIO: no down or delete event (site $n)" \
			monitor_only_up "$WORK/monitor$n" vti6
	done
	check "$SCENARIO: ping across after the move" ping_from priv1 "$peer" 3
}

fresh_scenario "orders-mobike-vti6"
mobike_moves 6 2001:db8::1 2001:db8::11
scenario_end

fresh_scenario "orders-mobike-vti"
mobike_moves 4 192.0.2.1 192.0.2.11
scenario_end

# --- 4. down_action = down, the peer back from another address ---
fresh_scenario "orders-down-peer-moved"
two_sites 6 "down_action = down"
check "$SCENARIO: CHILD_SA installed" initiate
i1=$(ifindex priv1 vti6)
swanctl_in "$(site_dir 1)" --terminate --ike net --timeout 10 > /dev/null 2>&1
check "$SCENARIO: terminate sets vti6 down, kept" wait_for 10 link_is_down priv1 vti6
check "$SCENARIO: the same vti6, down" link_has_ifindex priv1 vti6 "$i1"
ip -n pub2 addr add 2001:db8::22/64 dev wan0 nodad
ip -n pub2 addr del 2001:db8::2/64 dev wan0
sed -i 's/^\(\t*remote_addrs = \)2001:db8::2$/\12001:db8::22/' "$(site_dir 1)/swanctl.conf"
sed -i 's/^\(\t*local_addrs = \)2001:db8::2$/\12001:db8::22/' "$(site_dir 2)/swanctl.conf"
check "$SCENARIO: site 1 loads the peer's new address" reload_conf 1
check "$SCENARIO: site 2 loads its new address" reload_conf 2
check "$SCENARIO: CHILD_SA installed again" initiate
check "$SCENARIO: the same vti6 (site 1)" link_has_ifindex priv1 vti6 "$i1"
check "$SCENARIO: it is up (site 1)" link_is_up priv1 vti6
check "$SCENARIO: with the peer's new address (site 1)" \
	link_endpoints_are priv1 vti6 2001:db8::22 2001:db8::1
check "$SCENARIO: ping across" ping_from priv1 "$peer" 3
log=$(cat "$(site_dir 1)/charon.log")
check "$SCENARIO: site 1's log tells of both CHILD_SAs" \
	test "$(printf '%s\n' "$log" | grep -c 'CHILD_SA net{[0-9]*} established')" = 2
check "$SCENARIO: no 'already used by connection' in site 1's log" \
	text_lacks "$log" "already used by connection"
scenario_end

summary
