#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# XFRM interfaces made by the plugin from CHILD_SAs with if_ids.
. "$(dirname "$0")/common.sh"
. "$top/tests/lib/plugin.sh"

IF42="if_id_in = 42
				if_id_out = 42"

# sas_show N PATTERN: site N's swanctl --list-sas has a line matching PATTERN
sas_show() {
	swanctl_in "$(site_dir "$1")" --list-sas 2>/dev/null | grep -q -- "$2"
}

# xfrm_links NS: how many XFRM interfaces NS holds; prints nothing and
# fails if NS cannot be read
xfrm_links() (
	all=$(ip -n "$1" -o link show 2>/dev/null) || exit 1
	printf '%s\n' "$all" | grep -c ': xfrm[0-9]*@'
	exit 0
)

# xfrm_links_are NS N: NS holds exactly N XFRM interfaces
xfrm_links_are() {
	[ "$(xfrm_links "$1")" = "$2" ]
}

# no_xfrm_state NS: NS can be read and holds no SA
no_xfrm_state() (
	states=$(ip -n "$1" xfrm state 2>/dev/null) || exit 1
	[ -z "$states" ]
)

# --- net2net, if_id 42, both families over IPv6 endpoints ---
scenario "xfrm-net2net"
TS=0.0.0.0/0,::/0 two_sites 6 "" "$IF42"
check "$SCENARIO: CHILD_SA installed" initiate
link=$(ip -n priv1 -d link show dev xfrm42 2>&1)
echo "$link" | sed 's/^/    | /'
check "$SCENARIO: xfrm42 in the private namespace with if_id 42" \
	text_has "$link" "xfrm if_id 0x2a"
check "$SCENARIO: xfrm42 is up" link_is_up priv1 xfrm42
check "$SCENARIO: xfrm42 carries the plugin's alias" \
	text_has "$link" "alias strongswan-vti:net"
check "$SCENARIO: IPv6 ping across the one interface" ping_from priv1 2001:db8:ff::7 3
check "$SCENARIO: IPv4 over the IPv6 endpoints, same interface" \
	ping_from priv1 198.51.100.7 3
check "$SCENARIO: no SA in the private namespace" \
	no_xfrm_state priv1
IFNAME=xfrm42 rekey_keeps "a CHILD_SA rekey" --child net
IFNAME=xfrm42 rekey_keeps "an IKE_SA rekey" --ike net
# a removal counts only for an interface that was there
i1=$(ifindex priv1 xfrm42) i2=$(ifindex priv2 xfrm42)
swanctl_in "$(site_dir 1)" --terminate --ike net --timeout 10 > /dev/null 2>&1
check "$SCENARIO: terminate removes the one it had (site 1)" \
	wait_for 10 link_removed priv1 xfrm42 "$i1"
check "$SCENARIO: terminate removes the one it had (site 2)" \
	wait_for 15 link_removed priv2 xfrm42 "$i2"
scenario_end

# --- make-before-break reauthentication with fixed if_ids ---
scenario "xfrm-reauth"
TS=0.0.0.0/0,::/0 CHARON_EXTRA="make_before_break = yes" two_sites 6 "" "$IF42"
check "$SCENARIO: CHILD_SA installed" initiate
IFNAME=xfrm42 rekey_keeps "a make-before-break reauthentication" --ike net --reauth
scenario_end

# --- MOBIKE: the peer's address changes, the interface needs nothing ---
scenario "xfrm-mobike"
TS=0.0.0.0/0,::/0 two_sites 6 "" "$IF42"
# IPv6 paths only: MOBIKE would be free to move the SAs to IPv4 otherwise
for n in 1 2; do
	ip -n "pub$n" addr flush dev wan0 scope global to 0.0.0.0/0
done
for n in 1 2; do
	sed -i 's/mobike = no/mobike = yes/' "$(site_dir $n)/swanctl.conf"
	swanctl_in "$(site_dir $n)" --load-all --noprompt --file "$(site_dir $n)/swanctl.conf" > /dev/null 2>&1
done
check "$SCENARIO: CHILD_SA installed" initiate
i1=$(ifindex priv1 xfrm42)
ip -n pub2 addr add 2001:db8::22/64 dev wan0 nodad
ip -n pub2 addr del 2001:db8::2/64 dev wan0
check "$SCENARIO: site 1 learns the peer's new address" \
	wait_for 40 sas_show 1 "remote .*2001:db8::22"
check "$SCENARIO: ping across after the move" ping_from priv1 2001:db8:ff::7 3
check "$SCENARIO: same interface" link_has_ifindex priv1 xfrm42 "$i1"
scenario_end

# --- %unique-dir: a gateway, two clients, a pair of interfaces each ---
scenario "xfrm-unique-dir"
site_add 1
site_add 2
site_add 3
gw=$(site_v4 1)
site_charon 1 "plugins { vti { netns = priv1 } }"
cat <<CONF | site_swanctl 1
connections {
	rw {
		local_addrs = $gw
		remote_addrs = %any
		version = 2
		proposals = aes256gcm16-prfsha384-ecp384
		local {
			auth = psk
			id = $gw
		}
		remote {
			auth = psk
		}
		children {
			rw {
				local_ts = 198.51.100.1/32
				remote_ts = 198.51.100.0/24
				esp_proposals = aes256gcm16-ecp384
				if_id_in = %unique-dir
				if_id_out = %unique-dir
			}
		}
	}
}
secrets {
	ike {
		id-gw = $gw
		id-2 = $(site_v4 2)
		id-3 = $(site_v4 3)
		secret = d8bdRxaY22oH1j89Z2nATeYyrXfP9ga6xC5mi0RG1uc
	}
}
CONF
ip -n priv1 addr add 198.51.100.1/32 dev lo
for n in 2 3; do
	site_charon "$n" "plugins { vti { netns = priv$n
		addresses = 198.51.100.$n/32 } }"
	psk_conf "$(site_v4 $n)" "$gw" "local_ts = 198.51.100.$n/32
				remote_ts = 198.51.100.1/32
				$IF42" | site_swanctl "$n"
	swanctl_in "$(site_dir $n)" --initiate --child net --timeout 40 > /dev/null 2>&1
	check "$SCENARIO: client $n connected" wait_child "$n" net 20
	ip -n "priv$n" route add 198.51.100.1/32 dev xfrm42
done
xfrms=$(xfrm_links priv1)
check "$SCENARIO: two pairs of interfaces on the gateway ($xfrms)" test "$xfrms" = 4
# route each client through the out interface of its SA
for n in 2 3; do
	out=$(ip -n pub1 xfrm policy list dir out | awk -v dst="198.51.100.$n/32" '
		$1 == "src" && $4 == dst { found = 1 }
		found && $1 == "if_id" { print $2; exit }')
	out=$((out))
	ip -n priv1 route add "198.51.100.$n/32" dev "xfrm$out" 2>/dev/null
	check "$SCENARIO: client $n pings the gateway through its pair (out xfrm$out)" \
		ip netns exec "priv$n" ping -q -c 2 -W 2 -I 198.51.100.$n 198.51.100.1
done
swanctl_in "$(site_dir 2)" --terminate --ike net --timeout 10 > /dev/null 2>&1
check "$SCENARIO: client 2 leaving removes its pair" \
	wait_for 15 xfrm_links_are priv1 2
check "$SCENARIO: client 3 still pings" \
	ip netns exec priv3 ping -q -c 2 -W 2 -I 198.51.100.3 198.51.100.1
swanctl_in "$(site_dir 3)" --terminate --ike net --timeout 10 > /dev/null 2>&1
check "$SCENARIO: client 3 leaving removes the last pair" \
	wait_for 15 xfrm_links_are priv1 0
scenario_end

summary
