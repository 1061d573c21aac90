#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# What users run today: a strongSwan updown script that makes the article's
# vti6 by hand for each CHILD_SA (PLUTO_* variables as the updown plugin
# sets them), into the namespace given as its argument.
ns=${1:-${BENCH_NETNS:-private}}
key=${PLUTO_MARK_IN%%/*}
name=vti$key
case $PLUTO_VERB in
	up-client*)
		ip -6 tunnel add "$name" mode vti6 local "$PLUTO_ME" remote "$PLUTO_PEER" key "$key"
		ip link set "$name" netns "$ns"
		ip netns exec "$ns" sysctl -qw "net.ipv4.conf.$name.disable_policy=1" \
			"net.ipv4.conf.$name.disable_xfrm=1"
		ip -n "$ns" addr add 2001:db8:ff::6/127 dev "$name"
		ip -n "$ns" link set "$name" mtu 1426 up
		;;
	down-client*)
		ip -n "$ns" link del "$name"
		;;
esac
