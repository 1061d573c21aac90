#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The article's redundant VPNs between three sites, live: two gateways per
# site, an IKEv2 tunnel from every gateway to each gateway of the other
# sites, every tunnel interface made by the plugin, BIRD speaking eBGP over
# them in each gateway's private namespace. Checks everything, then fails a
# gateway over and back. VTI_DEMO=1 shows what a person wants to see.
. "$(dirname "$0")/common.sh"
: "${VTI_PLUGIN:?the plugin to test}"

GATEWAYS="1-1 1-2 2-1 2-2 3-1 3-2"
SWANCTL_D="$top/swanctl.d/three-sites"
DEMO=${VTI_DEMO:-}

say() { printf '\n>>> %s\n' "$*"; }
show() { [ -n "$DEMO" ] && sed 's/^/    /'; [ -z "$DEMO" ] && cat > /dev/null; return 0; }

# gateway naming: S-G -> namespaces pubSG/privSG, charon in $WORK/gwSG
ns_of() { echo "$1" | tr -d -; }
gw_dir() { echo "$WORK/gw$(ns_of "$1")"; }
gw_addr() { echo "2001:db8:${1%-*}::${1#*-}"; }
# lan4 SITE HOST: an address of the site's IPv4 LAN, 198.51.100.16S/28
lan4() { echo "198.51.100.$((16 * $1 + $2))"; }

# the tunnels, numbered as in swanctl.d/three-sites (mark = number)
TUNNELS="1:1-1:2-1 2:1-1:2-2 3:1-1:3-1 4:1-1:3-2 5:1-2:2-1 6:1-2:2-2
	7:1-2:3-1 8:1-2:3-2 9:2-1:3-1 10:2-1:3-2 11:2-2:3-1 12:2-2:3-2"

topology() {
	bridge_ns wan
	for s in 1 2 3; do
		bridge_ns "lan$s"
		ip netns add "host$s"
		ip -n "host$s" link set lo up
		ip -n "lan$s" link add host type veth peer name lan0 netns "host$s"
		ip -n "lan$s" link set host master br0 up
		ip -n "host$s" addr add "2001:db8:a$s::100/64" dev lan0 nodad
		ip -n "host$s" addr add "$(lan4 "$s" 14)/28" dev lan0
		ip -n "host$s" link set lan0 up
		# the host's gateway is the second one: the first can fail
		ip -n "host$s" -6 route add default via "2001:db8:a$s::2"
		ip -n "host$s" route add default via "$(lan4 "$s" 2)"
	done
	for g in $GATEWAYS; do
		n=$(ns_of "$g") s=${g%-*}
		router_ns "pub$n" "priv$n"
		ip -n wan link add "g$n" type veth peer name wan0 netns "pub$n"
		ip -n wan link set "g$n" master br0 up
		ip netns exec "pub$n" sysctl -qw net.ipv6.conf.wan0.keep_addr_on_down=1
		ip -n "pub$n" addr add "$(gw_addr "$g")/128" dev wan0 nodad
		ip -n "pub$n" link set wan0 up
		ip -n "pub$n" -6 route add 2001:db8::/32 dev wan0
		ip -n "lan$s" link add "gw$n" type veth peer name lan0 netns "priv$n"
		ip -n "lan$s" link set "gw$n" master br0 up
		ip -n "priv$n" addr add "2001:db8:a$s::${g#*-}/64" dev lan0 nodad
		ip -n "priv$n" addr add "$(lan4 "$s" "${g#*-}")/28" dev lan0
		ip -n "priv$n" link set lan0 up
	done
}

start_charon() {
	g=$1 n=$(ns_of "$1") d=$(gw_dir "$1")
	# the gateway's vti.conf as /etc/strongswan.d/charon/ has it, then
	# the test bed's namespace over its netns
	charon_conf "$d" "plugins {
		include $SWANCTL_D/V$g.vti.conf
		vti {
			netns = priv$n
		}
	}" && charon_start "$d" "pub$n"
}

load_conns() {
	d=$(gw_dir "$1")
	swanctl_in "$d" --load-all --noprompt --file "$SWANCTL_D/V$1.conf" \
		> "$d/load.out" 2>&1
}

# start_gateway G: a gateway coming back while its peers keep trying: off
# the wire until its connections are loaded, or a peer's IKE_SA_INIT could
# meet a charon without them (NO_PROPOSAL_CHOSEN ends a peer's retries)
start_gateway() {
	ip -n wan link set "g$(ns_of "$1")" down
	start_charon "$1" && load_conns "$1"
	status=$?
	ip -n wan link set "g$(ns_of "$1")" up
	return $status
}

start_bird() {
	g=$1 n=$(ns_of "$1") d=$(gw_dir "$1")
	ip netns exec "priv$n" bird -c "$SWANCTL_D/V$g.bird.conf" \
		-s "$d/bird.ctl" -P "$d/bird.pid"
}

# nexthops GATEWAY SITE [4]: next hops of the route to SITE's IPv6 (or
# IPv4) LAN on GATEWAY
nexthops() {
	if [ "${3:-6}" = 4 ]; then
		ip -n "priv$(ns_of "$1")" route show "$(lan4 "$2" 0)/28" 2>/dev/null
	else
		ip -n "priv$(ns_of "$1")" -6 route show "2001:db8:a$2::/64" 2>/dev/null
	fi | grep -c 'dev vti'
}

installed() {
	swanctl_in "$(gw_dir "$1")" --list-sas 2>/dev/null | grep -c INSTALLED
}

all_installed() {
	for g in $GATEWAYS; do
		[ "$(installed "$g")" -ge 4 ] || return 1
	done
}

all_multipath() {
	for g in $GATEWAYS; do
		for s in 1 2 3; do
			[ "$s" = "${g%-*}" ] && continue
			[ "$(nexthops "$g" "$s")" = 2 ] || return 1
			[ "$(nexthops "$g" "$s" 4)" = 2 ] || return 1
		done
	done
}

# none_in_public: every gateway's public namespace can be read and holds
# no interface of the plugin
none_in_public() {
	for g in $GATEWAYS; do
		[ "$(links_with_alias "pub$(ns_of "$g")" strongswan-vti:)" = 0 ] || return 1
	done
}

dump_logs() {
	for g in $GATEWAYS; do
		echo "----- charon log of V$g"
		cat "$(gw_dir "$g")/charon.log" 2>/dev/null
	done
}

sites_teardown() {
	for g in $GATEWAYS; do
		charon_stop "$(gw_dir "$g")" 5 > /dev/null 2>&1
		[ -f "$(gw_dir "$g")/bird.pid" ] && kill "$(cat "$(gw_dir "$g")/bird.pid")" 2>/dev/null
	done
	for ns in $(ip netns list | awk '{print $1}'); do
		case $ns in pub[0-9]*|priv[0-9]*|lan[0-9]|host[0-9]|wan) ip netns del "$ns" ;; esac
	done
}

scenario "three-sites"
say "building the topology: 3 sites, 2 gateways each, a LAN host per site"
topology
check "$SCENARIO: topology built" test "$(ip netns list | grep -c '^priv')" = 6

say "starting charon with the vti plugin on the 6 gateways (V1-1 ... V3-2)"
for g in $GATEWAYS; do
	check "$SCENARIO: charon of V$g starts" start_charon "$g"
done
# the lower gateway of a tunnel initiates: load the responders first
for g in 3-2 3-1 2-2 2-1 1-2 1-1; do
	check "$SCENARIO: V$g loads its connections" load_conns "$g"
done

say "waiting for the 12 tunnels (24 CHILD_SAs) to come up"
start=$(date +%s)
check "$SCENARIO: every gateway has its 4 CHILD_SAs installed" wait_for 120 all_installed
echo "    up after $(( $(date +%s) - start ))s"
for g in $GATEWAYS; do
	echo "V$g: $(installed "$g") CHILD_SAs installed"
done | show

say "swanctl --list-sas on V1-1"
swanctl_in "$(gw_dir 1-1)" --list-sas 2>/dev/null | grep -E '^[^ ]|INSTALLED' | show

say "tunnel interfaces the plugin made in V1-1's private namespace"
ip -n priv11 -br link show | grep '^vti[0-9]' | show
ip -n priv11 -d link show dev vti4 | show
check "$SCENARIO: V1-1 has 4 tunnel interfaces, all from the plugin" \
	test "$(links_with_alias priv11 strongswan-vti:)" = 4
check "$SCENARIO: no tunnel interface left in the public namespaces" \
	none_in_public

say "starting BIRD (eBGP, hold time 6 s, multipath) in each private namespace"
for g in $GATEWAYS; do
	check "$SCENARIO: BIRD of V$g starts" start_bird "$g"
done
start=$(date +%s)
check "$SCENARIO: every LAN route, IPv6 and IPv4, has two next hops through two tunnels" \
	wait_for 90 all_multipath
echo "    converged after $(( $(date +%s) - start ))s"

say "V1-1: ip -6 route show 2001:db8:a3::/64 (the article's output), and IPv4"
ip -n priv11 -6 route show 2001:db8:a3::/64 | show
ip -n priv11 route show "$(lan4 3 0)/28" | show
birdc -s "$(gw_dir 1-1)/bird.ctl" show protocols 2>/dev/null | show

say "ping from site 1's host to site 3's host"
ip netns exec host1 ping -c 3 -i 0.3 2001:db8:a3::100 | show
check "$SCENARIO: host 1 reaches host 3" ping_from host1 2001:db8:a3::100 3
check "$SCENARIO: host 2 reaches host 1" ping_from host2 2001:db8:a1::100 3
check "$SCENARIO: host 3 reaches host 2" ping_from host3 2001:db8:a2::100 3
check "$SCENARIO: host 1 reaches host 3 over IPv4" ping_from host1 "$(lan4 3 14)" 3
check "$SCENARIO: host 3 reaches host 2 over IPv4" ping_from host3 "$(lan4 2 14)" 3

say "cleartext on the tunnel interfaces, only ESP on the wire (site 1)"
# which tunnel a flow takes is up to ECMP: watch all of site 1's
for n in 11 12; do
	for ifc in $(ip -n "priv$n" -o link show | sed -n 's/^[0-9]*: \(vti[0-9]*\)@.*/\1/p'); do
		capture_start "priv$n" "$ifc" "$WORK/inner-$n-$ifc.pcap" icmp6
	done
done
capture_start pub11 wan0 "$WORK/wire.pcap" not icmp6
capture_start pub12 wan0 "$WORK/wire2.pcap" not icmp6
ip netns exec host1 ping -q -c 6 -i 0.2 2001:db8:a3::100 > /dev/null 2>&1
ip netns exec host3 ping -q -c 6 -i 0.2 2001:db8:a1::100 > /dev/null 2>&1
check "$SCENARIO: the captures ran until stopped" capture_stop
inner=$(for f in "$WORK"/inner-*.pcap; do capture_read "$f"; done)
wire=$(capture_read "$WORK/wire.pcap"; capture_read "$WORK/wire2.pcap")
echo "$inner" | grep echo | head -4 | show
echo "$wire" | grep ESP | head -4 | show
check "$SCENARIO: site 1's tunnel interfaces carry the hosts' cleartext ICMPv6" \
	text_has "$inner" "2001:db8:a[13]::100 > 2001:db8:a[13]::100: ICMP6, echo"
check "$SCENARIO: the wire carries ESP" text_has "$wire" "ESP(spi="
check "$SCENARIO: the wire carries no cleartext from the LANs" \
	text_lacks "$wire" "2001:db8:a[0-9]::"

# for "gone" below to mean something
check "$SCENARIO: V1-1 has its interface for V3-1 before the failover" \
	test "$(links_with_alias priv11 strongswan-vti:V3-1)" = 1

say "failover: stopping V3-1's charon while host 1 pings host 3 every 0.2 s"
ip netns exec host1 ping -i 0.2 -W 1 -c 300 2001:db8:a3::100 > "$WORK/failover.ping" 2>&1 &
pinger=$!
sleep 3
stop=$(date +%s)
charon_stop "$(gw_dir 3-1)" > /dev/null
one_hop() { [ "$(nexthops 1-1 3)" = 1 ] && [ "$(nexthops 1-2 3)" = 1 ]; }
check "$SCENARIO: the peers drop V3-1's next hop" wait_for 40 one_hop
converged=$(( $(date +%s) - stop ))
echo "    V1-1 and V1-2 down to one next hop after ${converged}s"
ip -n priv11 -6 route show 2001:db8:a3::/64 | show
check "$SCENARIO: V3-1's interface is gone on V1-1" \
	test "$(links_with_alias priv11 strongswan-vti:V3-1)" = 0
sleep 5
kill -INT $pinger 2>/dev/null
wait $pinger
sent=$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1/p' "$WORK/failover.ping")
got=$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\2/p' "$WORK/failover.ping")
lost=$(( ${sent:-0} - ${got:-0} ))
echo "    $sent echo requests, $lost lost: $(awk "BEGIN{print $lost * 0.2}")s without traffic, converged in ${converged}s"
tail -2 "$WORK/failover.ping" | show
check "$SCENARIO: pings continue through V3-2 (${lost} of ${sent:-0} lost)" \
	test "${sent:-0}" -gt 0 -a "$lost" -lt "$(( ${sent:-0} / 2 ))"
check "$SCENARIO: the last pings all went through" \
	ping_from host1 2001:db8:a3::100 3

say "restoring V3-1"
check "$SCENARIO: charon of V3-1 starts again" start_gateway 3-1
# as an operator would, rather than wait for the peers' next try
for peer in 1-1 1-2 2-1 2-2; do
	swanctl_in "$(gw_dir 3-1)" --initiate --child "V$peer" --timeout 1 > /dev/null 2>&1
done
start=$(date +%s)
check "$SCENARIO: the route regains two next hops" wait_for 90 all_multipath
echo "    two next hops again after $(( $(date +%s) - start ))s"
ip -n priv11 -6 route show 2001:db8:a3::/64 | show
scenario_end

summary
