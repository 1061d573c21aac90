#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The article's manual configuration, without the plugin: a tunnel interface
# made by hand in the public namespace, moved into the private one, and a
# connection whose mark (or if_id) matches it, negotiated by two charons.
# Proves the test bed: kernel, namespaces, charon, ESP, captures.
# BROKEN_PSK=SECRET gives site 2 another secret: the scenario must fail.
. "$(dirname "$0")/common.sh"
unset VTI_PLUGIN

# manual_tunnel N KIND LOCAL REMOTE ADDR: what the article does by hand
manual_tunnel() {
	n=$1 kind=$2 local=$3 remote=$4 addr=$5
	case $kind in
		xfrm) ip -n "pub$n" link add tun0 type xfrm dev wan0 if_id 6 ;;
		*) ip -n "pub$n" link add tun0 type "$kind" local "$local" remote "$remote" key 6 ;;
	esac &&
	ip -n "pub$n" link set tun0 netns "priv$n" &&
	ip -n "priv$n" addr add "$addr" dev tun0 &&
	ip netns exec "priv$n" sysctl -qw net.ipv4.conf.tun0.disable_policy=1 &&
	# the article's disable_xfrm: harmless on a vti6 that carries only IPv6,
	# but it marks IPv4 routes through a VTI DST_NOXFRM, the policy lookup
	# in the VTI's transmit path finds nothing and every packet is dropped
	if [ "$kind" != vti ]; then
		ip netns exec "priv$n" sysctl -qw net.ipv4.conf.tun0.disable_xfrm=1
	fi &&
	ip -n "priv$n" link set tun0 mtu 1500 &&
	ip -n "priv$n" link set tun0 up
}

# baseline KIND FAMILY: one manual route-based tunnel between sites 1 and 2
baseline() {
	kind=$1 family=$2
	scenario "baseline-$kind-over-ipv$family"
	site_add 1
	site_add 2
	if [ "$family" = 6 ]; then
		e1=$(site_v6 1) e2=$(site_v6 2)
	else
		e1=$(site_v4 1) e2=$(site_v4 2)
	fi
	# a VTI carries the family of its policies' selectors, an XFRM
	# interface both
	case $kind in
		vti6) ts=::/0 ;;
		vti) ts=0.0.0.0/0 ;;
		xfrm) ts=0.0.0.0/0,::/0 ;;
	esac
	if [ "$kind" = xfrm ]; then
		marks="if_id_in = 6
				if_id_out = 6"
	else
		marks="mark_in = 6
				mark_out = 6"
	fi
	check "$SCENARIO: interfaces made by hand" \
		manual_tunnel 1 "$kind" "$e1" "$e2" 2001:db8:ff::6/127
	check "$SCENARIO: interfaces made by hand (peer)" \
		manual_tunnel 2 "$kind" "$e2" "$e1" 2001:db8:ff::7/127
	ip -n priv1 addr add 198.51.100.6/31 dev tun0
	ip -n priv2 addr add 198.51.100.7/31 dev tun0
	for n in 1 2; do
		site_charon "$n" || fail "$SCENARIO: charon of site $n starts"
	done
	psk_conf "$e1" "$e2" "local_ts = $ts
				remote_ts = $ts
				$marks" | site_swanctl 1
	PSK=${BROKEN_PSK:-${PSK:-}} psk_conf "$e2" "$e1" "local_ts = $ts
				remote_ts = $ts
				$marks" | site_swanctl 2
	# an initiation that failed and left no IKE_SA installs nothing later:
	# no wait for it (the broken scenario of the testbed group)
	if ! swanctl_in "$(site_dir 1)" --initiate --child net --timeout 40 \
			> /dev/null 2>&1 && no_sa 1; then
		fail "$SCENARIO: CHILD_SA installed on both sites (the initiation failed)"
	else
		check "$SCENARIO: CHILD_SA installed on both sites" \
			children_installed net
	fi

	capture_start priv1 tun0 "$WORK/inner.pcap" icmp6 or icmp
	capture_start pub1 wan0 "$WORK/wire.pcap" host "$e2"
	pings=0
	case $ts in *::/0*)
		check "$SCENARIO: IPv6 ping between the private namespaces" \
			ping_from priv1 2001:db8:ff::7 3
		pings=$((pings + 3)) ;;
	esac
	case $ts in *0.0.0.0/0*)
		check "$SCENARIO: IPv4 ping between the private namespaces" \
			ping_from priv1 198.51.100.7 3
		pings=$((pings + 3)) ;;
	esac
	check "$SCENARIO: the captures ran until stopped" capture_stop
	inner=$(capture_read "$WORK/inner.pcap")
	wire=$(capture_read "$WORK/wire.pcap")
	if [ -n "${VTI_DEBUG:-}" ]; then
		echo "$inner"; echo "$wire"
		ip -n pub1 -s xfrm state; ip -n priv1 -s -d link show tun0
		ip -n pub2 -s xfrm state; ip -n priv2 -s -d link show tun0
		ip -n priv1 addr; ip -n priv1 route
	fi
	check "$SCENARIO: the tunnel interface carries the cleartext echo requests" \
		test "$(echo "$inner" | grep -c 'echo request')" -ge $pings
	check "$SCENARIO: the wire carries ESP" \
		test "$(echo "$wire" | grep -c 'ESP(spi=')" -ge $((pings * 2))
	check "$SCENARIO: the wire carries no cleartext ICMP" \
		text_lacks "$wire" -i icmp
	scenario_end
}

# baseline.sh [KIND...]: vti6 over IPv6, vti over IPv4, xfrm over IPv6
for kind in ${*:-vti6 vti xfrm}; do
	case $kind in
		vti) baseline vti 4 ;;
		*) baseline "$kind" 6 ;;
	esac
done
summary
