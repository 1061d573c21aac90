#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The plugin's core, live: interfaces made only by the plugin from marked
# CHILD_SAs, in the article's V3-2 configuration and around it.
. "$(dirname "$0")/common.sh"
. "$top/tests/lib/plugin.sh"

# link_details_are NS DEV TEXT: ip -d link show of DEV in NS is exactly
# TEXT, which is not empty (the link existed when TEXT was read)
link_details_are() {
	[ -n "$3" ] && [ "$(ip -n "$1" -d link show dev "$2" 2>/dev/null)" = "$3" ]
}

# df_ping NS ADDR SIZE: don't-fragment pings of SIZE bytes from NS get
# answers
df_ping() {
	ip netns exec "$1" ping -q -c 2 -W 2 -M do -s "$3" "$2"
}

# df_ping_refused NS ADDR SIZE: a don't-fragment ping of SIZE bytes (a
# positive number) from NS fails
df_ping_refused() {
	[ "$3" -gt 0 ] 2>/dev/null || return 1
	! ip netns exec "$1" ping -q -c 1 -W 2 -M do -s "$3" "$2"
}

# --- the article's V3-2 configuration, made by the plugin ---
scenario "core-v3-2-vti6"
two_sites 6
check "$SCENARIO: no interface before the SA" link_absent priv1 vti6
check "$SCENARIO: CHILD_SA installed" initiate
link=$(ip -n priv1 -d link show dev vti6 2>&1)
echo "$link" | sed 's/^/    | /'
check "$SCENARIO: vti6 in the private namespace" \
	text_has "$link" "vti6 remote 2001:db8::2 local 2001:db8::1 ikey 0.0.0.6 okey 0.0.0.6"
check "$SCENARIO: vti6 is UP" link_is_up priv1 vti6
check "$SCENARIO: vti6 carries the plugin's alias" \
	text_has "$link" "alias strongswan-vti:net"
check "$SCENARIO: the connection's name is its altname" \
	text_has "$link" "altname net"
check "$SCENARIO: ip link show finds it by the connection's name" \
	test "$(ifindex priv1 net)" = "$(ifindex priv1 vti6)" -a -n "$(ifindex priv1 net)"
check "$SCENARIO: vti6 has the configured address" \
	link_has_addr priv1 vti6 2001:db8:ff::6/127
check "$SCENARIO: not left in the public namespace" link_absent pub1 vti6
check "$SCENARIO: disable_policy set" \
	test "$(ip netns exec priv1 sysctl -n net.ipv4.conf.vti6.disable_policy)" = 1
check "$SCENARIO: disable_xfrm left off (it would drop IPv4 through the VTI)" \
	test "$(ip netns exec priv1 sysctl -n net.ipv4.conf.vti6.disable_xfrm)" = 0
check "$SCENARIO: ping across the plugin's interfaces" ping_from priv1 "$peer" 3
# a removal counts only for an interface that was there
i1=$(ifindex priv1 vti6) i2=$(ifindex priv2 vti6)
swanctl_in "$(site_dir 1)" --terminate --ike net --timeout 10 > /dev/null 2>&1
check "$SCENARIO: terminate removes the interface it had (site 1)" \
	wait_for 10 link_removed priv1 vti6 "$i1"
check "$SCENARIO: terminate removes the interface it had (site 2)" \
	wait_for 10 link_removed priv2 vti6 "$i2"
scenario_end

# --- rekeying never flaps the interface ---
scenario "core-rekey"
two_sites 6
check "$SCENARIO: CHILD_SA installed" initiate
rekey_keeps "a CHILD_SA rekey" --child net
rekey_keeps "an IKE_SA rekey" --ike net
# break-before-make: the side that reauthenticates keeps its interface; the
# peer sees a delete it cannot tell from a shutdown and removes it (README)
KEEP_SITES=1 rekey_keeps "a break-before-make reauthentication" --ike net --reauth
check "$SCENARIO: the peer has its interface again after the reauthentication" \
	wait_for 10 link_is_up priv2 vti6
scenario_end

scenario "core-reauth-make-before-break"
CHARON_EXTRA="make_before_break = yes" two_sites 6
check "$SCENARIO: CHILD_SA installed" initiate
rekey_keeps "a make-before-break reauthentication" --ike net --reauth
scenario_end

# --- IPv4 endpoints give a vti ---
scenario "core-ipv4-vti"
two_sites 4
check "$SCENARIO: CHILD_SA installed" initiate
link=$(ip -n priv1 -d link show dev vti6 2>&1)
check "$SCENARIO: a vti with the endpoints and keys" \
	text_has "$link" "vti remote 192.0.2.2 local 192.0.2.1 ikey 0.0.0.6 okey 0.0.0.6"
check "$SCENARIO: disable_xfrm left off on an IPv4 vti" \
	test "$(ip netns exec priv1 sysctl -n net.ipv4.conf.vti6.disable_xfrm)" = 0
check "$SCENARIO: IPv4 ping across" ping_from priv1 198.51.100.7 3
scenario_end

# --- down_action = down keeps the interface, down, for the next SA ---
scenario "core-down-action-down"
two_sites 6 "down_action = down"
check "$SCENARIO: CHILD_SA installed" initiate
i1=$(ifindex priv1 vti6)
swanctl_in "$(site_dir 1)" --terminate --ike net --timeout 10 > /dev/null 2>&1
check "$SCENARIO: terminate sets vti6 down" \
	wait_for 10 link_is_down priv1 vti6
check "$SCENARIO: vti6 keeps its address while down" \
	link_has_addr priv1 vti6 2001:db8:ff::6/127
check "$SCENARIO: CHILD_SA installed again" initiate
check "$SCENARIO: the same vti6 is up again" same_link_up priv1 vti6 "$i1"
check "$SCENARIO: ping across" ping_from priv1 "$peer" 2
charon_stop "$(site_dir 1)" > /dev/null
check "$SCENARIO: charon's shutdown leaves it down, not deleted" \
	link_is_down priv1 vti6
site_charon 1 "$(vti_conf 1 "down_action = down")"
swanctl_in "$(site_dir 1)" --load-all --noprompt --file "$(site_dir 1)/swanctl.conf" > /dev/null 2>&1
check "$SCENARIO: after a restart the next SA reuses it" initiate
check "$SCENARIO: same ifindex, up, after the restart" \
	same_link_up priv1 vti6 "$i1"
check "$SCENARIO: ping across after the restart" ping_from priv1 "$peer" 2
scenario_end

# --- bad settings: logged once, no interface, charon keeps running ---
scenario "core-reload-bad-settings"
two_sites 6
conf="$(site_dir 1)/strongswan.conf"
sed -i 's/^\(\t*\)netns = priv1$/&\n\1connections { net { mtu = bogus } }/' "$conf"
swanctl_in "$(site_dir 1)" --reload-settings > /dev/null 2>&1
check "$SCENARIO: the bad value is logged with key, connection and reason" \
	grep -q "vti: connection 'net': invalid value 'bogus' for charon.plugins.vti.connections.net.mtu (expected auto or a number)" "$(site_dir 1)/charon.log"
check "$SCENARIO: logged once" \
	test "$(grep -c "invalid value 'bogus'" "$(site_dir 1)/charon.log")" = 1
swanctl_in "$(site_dir 1)" --initiate --child net --timeout 40 > /dev/null 2>&1
check "$SCENARIO: charon keeps running and negotiates" wait_child 1 net 40
# the plugin saw the CHILD_SA and decided: only then is "no interface" one
check "$SCENARIO: the plugin leaves its CHILD_SA (logged)" \
	wait_for 10 grep -qE "vti: net: CHILD_SA \{[0-9]+\} gets no interface: the connection is disabled, not listed, or its settings are invalid" \
	"$(site_dir 1)/charon.log"
check "$SCENARIO: the connection gets no interface" link_absent priv1 vti6
sed -i 's/mtu = bogus/mtu = 1400/' "$conf"
hup_resyncs=$(resyncs 1)
kill -HUP "$(charon_pid "$(site_dir 1)")"
# the settings are read again, then a resync runs at once: its log line
check "$SCENARIO: SIGHUP reloads the settings (a resync logged)" \
	wait_for 10 resyncs_above 1 "$hup_resyncs"
swanctl_in "$(site_dir 1)" --terminate --ike net --timeout 10 > /dev/null 2>&1
check "$SCENARIO: fixed and reloaded with SIGHUP, the next SA gets it" initiate
check "$SCENARIO: with the reloaded mtu" \
	test "$(link_mtu priv1 vti6)" = 1400
scenario_end

# --- a crash leaves no stale state ---
scenario "core-crash-restart"
two_sites 6
check "$SCENARIO: CHILD_SA installed" initiate
charon_kill "$(site_dir 1)"
check "$SCENARIO: the interface outlives the killed charon" test "$(ours priv1)" = 1
site_charon 1 "$(vti_conf 1)"
check "$SCENARIO: the restarted charon removes what the crash left" \
	wait_for 5 ours_is priv1 0
swanctl_in "$(site_dir 1)" --load-all --noprompt --file "$(site_dir 1)/swanctl.conf" > /dev/null 2>&1
check "$SCENARIO: CHILD_SA installed again" initiate
check "$SCENARIO: exactly one interface of ours (site 1)" test "$(ours priv1)" = 1
check "$SCENARIO: exactly one interface of ours (site 2)" test "$(ours priv2)" = 1
check "$SCENARIO: ping across" ping_from priv1 "$peer" 3
scenario_end

# --- an interface made by hand is never touched ---
scenario "core-foreign-interface"
two_sites 6
ip -n priv1 link add vti6 type dummy
ip -n priv1 link set vti6 mtu 1234 up
before=$(ip -n priv1 -d link show dev vti6)
swanctl_in "$(site_dir 1)" --initiate --child net --timeout 40 > /dev/null 2>&1
check "$SCENARIO: CHILD_SA installed on site 1" wait_child 1 net 40
# the worker decided on it: what follows is checked after it acted
check "$SCENARIO: the log names the interface and the connection" \
	wait_for 10 grep -q "vti: net: interface vti6 exists in namespace priv1 and is not ours" \
	"$(site_dir 1)/charon.log"
check "$SCENARIO: the handmade vti6 is unchanged" \
	link_details_are priv1 vti6 "$before"
check "$SCENARIO: nothing left in the public namespace" link_absent pub1 vti6
swanctl_in "$(site_dir 1)" --terminate --ike net --timeout 10 > /dev/null 2>&1
check "$SCENARIO: terminate leaves site 1 no CHILD_SA" wait_for 10 no_child 1
check "$SCENARIO: the plugin acted on the terminate (two resyncs logged)" \
	worker_done 1
check "$SCENARIO: still there, unchanged, after terminate" \
	link_details_are priv1 vti6 "$before"
scenario_end

# --- the MTU: auto fits the path exactly ---
scenario "core-mtu-auto"
site_add 1
site_add 2
ip -n pub1 link set wan0 mtu 1400
ip -n pub2 link set wan0 mtu 1400
SITES="1 2"
e1=$(site_v6 1) e2=$(site_v6 2) peer=2001:db8:ff::7
for n in 1 2; do
	site_charon "$n" "$(vti_conf "$n")"
	if [ $n = 1 ]; then l=$e1 r=$e2; else l=$e2 r=$e1; fi
	psk_conf "$l" "$r" "local_ts = ::/0
				remote_ts = ::/0
				mark_in = 6
				mark_out = 6" | site_swanctl "$n"
done
check "$SCENARIO: CHILD_SA installed" initiate
mtu=$(link_mtu priv1 vti6)
# AES-GCM-16 over IPv6: 1400 - 40 (IPv6) - 8 (ESP) - 8 (IV) - 16 (ICV),
# rounded down to 4, minus 2 (pad length, next header)
check "$SCENARIO: mtu is 1326 for a 1400 path (got $mtu)" test "$mtu" = 1326
capture_start pub1 wan0 "$WORK/wire.pcap" host "$e2"
check "$SCENARIO: a don't-fragment ping of exactly $mtu bytes passes" \
	df_ping priv1 "$peer" $((mtu - 48))
check "$SCENARIO: one byte more is refused" \
	df_ping_refused priv1 "$peer" $((mtu - 47))
check "$SCENARIO: the capture ran until stopped" capture_stop
wire=$(capture_read "$WORK/wire.pcap")
check "$SCENARIO: the ESP packets went unfragmented" text_lacks "$wire" frag
check "$SCENARIO: and filled the 1400 bytes path" text_has "$wire" "ESP.*length 1360"
scenario_end

summary
