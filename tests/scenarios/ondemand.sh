#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# On-demand interfaces (issue 21, item 1): a connection with start_action =
# trap and fixed marks has its interface from the moment it is loaded;
# traffic routed into it brings the tunnel up on that same interface. One
# with start_action = start and down_action = down has it likewise, and the
# SA charon initiates takes it.
. "$(dirname "$0")/common.sh"
. "$top/tests/lib/plugin.sh"

TRAP="mark_in = 6
				mark_out = 6
				start_action = trap"

# lost_until_answer NS ADDR SECONDS: pings from NS one at a time (each
# waits 1 s for its answer, 0.2 s apart) until one is answered; prints how
# many were lost before it; fails if none was answered within SECONDS
lost_until_answer() {
	lu_end=$(( $(now_ms) + $3 * 1000 )) lu_lost=0
	while [ "$(now_ms)" -lt "$lu_end" ]; do
		if ip netns exec "$1" ping -n -c 1 -W 1 "$2" > /dev/null 2>&1; then
			echo "$lu_lost"
			return 0
		fi
		lu_lost=$((lu_lost + 1))
		sleep 0.2
	done
	echo "$lu_lost"
	return 1
}

# ready_logged N: site N's log says its trap connection's interface stands
# ready
ready_logged() {
	logged "$(site_dir "$1")/charon.log" "vti: net: trapped, vti6 stands ready"
}

# no_early_logged N REASON: site N's log says once why net gets no early
# interface
no_early_logged() {
	[ "$(grep -cF -- "vti: net: no interface before its first CHILD_SA: $2" \
		"$(site_dir "$1")/charon.log")" = 1 ]
}

# --- a never-initiated trap connection: the interface first, then ping ---
scenario "ondemand-trap-ping"
two_sites 6 "" "$TRAP"
check "$SCENARIO: vti6 up in the private namespace within 1 s of the load" \
	wait_ms 1000 link_is_up priv1 vti6
check "$SCENARIO: no CHILD_SA yet" no_child 1
ip -n priv1 link show dev vti6 2>&1 | sed 's/^/    | /'
check "$SCENARIO: the endpoints of the connection's addresses" \
	link_endpoints_are priv1 vti6 2001:db8::2 2001:db8::1
check "$SCENARIO: the MTU of its ESP proposal (aes256gcm16)" \
	link_mtu_is priv1 vti6 1426
check "$SCENARIO: the log says it stands ready" ready_logged 1
i1=$(ifindex priv1 vti6)
t0=$(now_ms)
answered=no
lost=$(lost_until_answer priv1 2001:db8:ff::7 30) && answered=yes
echo "    pings through the trap: $lost lost before the first answer," \
	"$(( $(now_ms) - t0 )) ms after the first"
check "$SCENARIO: a ping through the trap is answered (within 30 s)" \
	test "$answered" = yes
check "$SCENARIO: the acquire brought the CHILD_SA up" children_installed net
check "$SCENARIO: same interface (ifindex $i1), still up" \
	same_link_up priv1 vti6 "$i1"
check "$SCENARIO: ping through the tunnel" ping_from priv1 2001:db8:ff::7 3
scenario_end

# --- unloading the connection removes the interface ---
scenario "ondemand-unload"
two_sites 6 "" "$TRAP"
check "$SCENARIO: vti6 up within 1 s of the load" \
	wait_ms 1000 link_is_up priv1 vti6
i1=$(ifindex priv1 vti6)
echo "connections { }" | site_swanctl 1
# two readings of 500 ms: a trap missed by one may be one charon reinstalls
check "$SCENARIO: the unload removes it within 2 s" \
	wait_ms 2000 link_removed priv1 vti6 "$i1"
scenario_end

# --- on_demand = down: there but down, up only while the SA is ---
scenario "ondemand-down"
two_sites 6 "on_demand = down" "$TRAP"
check "$SCENARIO: vti6 in the private namespace within 1 s, down" \
	wait_ms 1000 link_is_down priv1 vti6
i1=$(ifindex priv1 vti6)
check "$SCENARIO: CHILD_SA installed" initiate
check "$SCENARIO: the CHILD_SA takes it up (same ifindex $i1)" \
	wait_for 10 same_link_up priv1 vti6 "$i1"
check "$SCENARIO: ping through the tunnel" ping_from priv1 2001:db8:ff::7 3
swanctl_in "$(site_dir 1)" --terminate --ike net --timeout 10 > /dev/null 2>&1
check "$SCENARIO: set down again once the SA is gone, still there" \
	wait_for 10 link_is_down priv1 vti6
check "$SCENARIO: ... the same link" link_has_ifindex priv1 vti6 "$i1"
scenario_end

# --- %unique marks: no early interface, the log says why ---
scenario "ondemand-unique"
two_sites 6 "" "mark_in = %unique
				mark_out = %unique
				start_action = trap"
check "$SCENARIO: the log says why, once" \
	wait_ms 2000 no_early_logged 1 "its marks are %unique"
check "$SCENARIO: no interface" \
	test "$(links_with_alias priv1 strongswan-vti:)" = 0
scenario_end

# --- a remote that is not one address: no early interface, logged ---
scenario "ondemand-shared-remote"
site_add 1
site_charon 1 "$(vti_conf 1)" || fail "$SCENARIO: charon of site 1 starts"
psk_conf "$(site_v6 1)" "$(site_v6 2), $(site_v6 3)" "local_ts = ::/0
				remote_ts = ::/0
				$TRAP" | site_swanctl 1
check "$SCENARIO: the log says why, once" \
	wait_ms 2000 no_early_logged 1 "its remote_addrs is not one address"
check "$SCENARIO: no interface" link_absent priv1 vti6
scenario_end

# --- a remote no local address reaches yet: refused, logged once; made ---
# --- once a route comes (a refused trap is described again every 2 s)  ---
scenario "ondemand-route-later"
site_add 1
site_charon 1 "$(vti_conf 1)" || fail "$SCENARIO: charon of site 1 starts"
psk_conf "$(site_v6 1)" 2001:db8:9::2 "local_ts = ::/0
				remote_ts = ::/0
				$TRAP" | sed 's/^\(\t*local_addrs = \).*/\1%any/' |
	site_swanctl 1
check "$SCENARIO: the log says why" \
	wait_ms 2000 no_early_logged 1 "no local address reaches its remote_addrs"
check "$SCENARIO: no interface meanwhile" link_absent priv1 vti6
ip -n pub1 route add 2001:db8:9::/64 via "$(site_v6 2)"
check "$SCENARIO: vti6 up within 4 s of the route" \
	wait_ms 4000 link_is_up priv1 vti6
check "$SCENARIO: toward the remote, from the address the route gives" \
	link_endpoints_are priv1 vti6 2001:db8:9::2 "$(site_v6 1)"
check "$SCENARIO: the reason was logged once while it held" \
	no_early_logged 1 "no local address reaches its remote_addrs"
scenario_end

# --- on_demand = no, then up by --reload-settings: the declined trap ---
# --- is offered again                                               ---
scenario "ondemand-enabled-by-reload"
two_sites 6 "on_demand = no" "$TRAP"
check "$SCENARIO: the log says why" wait_ms 2000 logged \
	"$(site_dir 1)/charon.log" \
	"vti: net: no interface before its first CHILD_SA (on_demand = no)"
check "$SCENARIO: no interface meanwhile" link_absent priv1 vti6
sed -i 's/on_demand = no$/on_demand = up/' "$(site_dir 1)/strongswan.conf"
check "$SCENARIO: strongswan.conf now says on_demand = up" \
	grep -q "on_demand = up$" "$(site_dir 1)/strongswan.conf"
swanctl_in "$(site_dir 1)" --reload-settings > /dev/null 2>&1
check "$SCENARIO: vti6 up within 2 s of the reload" \
	wait_ms 2000 link_is_up priv1 vti6
check "$SCENARIO: no CHILD_SA yet" no_child 1
scenario_end

# --- start_action = start, down_action = down: the interface from the ---
# --- load, toward a peer that does not answer yet                     ---
scenario "ondemand-start"
site_add 1
site_add 2
site_charon 1 "$(vti_conf 1 "down_action = down")" ||
	fail "$SCENARIO: charon of site 1 starts"
site_charon 2 "$(vti_conf 2)" || fail "$SCENARIO: charon of site 2 starts"
psk_conf "$(site_v6 2)" "$(site_v6 1)" "local_ts = ::/0
				remote_ts = ::/0
				mark_in = 6
				mark_out = 6" | site_swanctl 2
# site 2 unreachable (its port of the bridge down) until the interface is
# checked: site 1's IKE_SA_INIT goes unanswered, retransmitted (charon.sh:
# 4 tries, 1 s and up)
ip -n wan link set site2 down
psk_conf "$(site_v6 1)" "$(site_v6 2)" "local_ts = ::/0
				remote_ts = ::/0
				mark_in = 6
				mark_out = 6
				start_action = start" | site_swanctl 1
check "$SCENARIO: vti6 up within 1 s of the load, the peer not answering" \
	wait_ms 1000 link_is_up priv1 vti6
check "$SCENARIO: no CHILD_SA yet" no_child 1
check "$SCENARIO: the log says it stands ready" logged \
	"$(site_dir 1)/charon.log" "vti: net: loaded to start, vti6 stands ready"
i1=$(ifindex priv1 vti6)
ip -n wan link set site2 up
check "$SCENARIO: the peer answers a retransmission: CHILD_SA installed" \
	children_installed net
check "$SCENARIO: same interface (ifindex $i1), up" \
	same_link_up priv1 vti6 "$i1"
check "$SCENARIO: ping through the tunnel" ping_from priv1 2001:db8:ff::7 3
swanctl_in "$(site_dir 1)" --terminate --ike net --timeout 10 > /dev/null 2>&1
check "$SCENARIO: set down once the SA is gone (down_action = down)" \
	wait_for 10 link_is_down priv1 vti6
check "$SCENARIO: ... the same link" link_has_ifindex priv1 vti6 "$i1"
echo "connections { }" | site_swanctl 1
# two readings of 500 ms: a trap missed by one may be one charon reinstalls
check "$SCENARIO: the unload removes it within 2 s" \
	wait_ms 2000 link_removed priv1 vti6 "$i1"
scenario_end

summary
