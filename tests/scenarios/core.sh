#!/bin/sh
# The plugin's core, live: interfaces made only by the plugin from marked
# CHILD_SAs, in the article's V3-2 configuration and around it.
. "$(dirname "$0")/common.sh"
: "${VTI_PLUGIN:?the plugin to test}"

# vti_conf N [SETTINGS]: site N's charon.plugins.vti, moving interfaces
# into privN with the article's addresses
vti_conf() {
	cat <<CONF
plugins {
	vti {
		netns = priv$1
		addresses = 2001:db8:ff::$((5 + $1))/127, 198.51.100.$((5 + $1))/31
		${2:-}
	}
}
CONF
}

# two_sites FAMILY [SETTINGS] [CHILD_OPTIONS]: sites 1 and 2 with the
# plugin, a connection with mark 6
two_sites() {
	family=$1 settings=${2:-} child=${3:-}
	site_add 1
	site_add 2
	if [ "$family" = 6 ]; then
		e1=$(site_v6 1) e2=$(site_v6 2) ts=::/0 peer=2001:db8:ff::7
	else
		e1=$(site_v4 1) e2=$(site_v4 2) ts=0.0.0.0/0 peer=198.51.100.7
	fi
	for n in 1 2; do
		site_charon "$n" "$(vti_conf "$n" "$settings")" ||
			fail "$SCENARIO: charon of site $n starts"
	done
	for n in 1 2; do
		if [ $n = 1 ]; then l=$e1 r=$e2; else l=$e2 r=$e1; fi
		psk_conf "$l" "$r" "local_ts = $ts
				remote_ts = $ts
				mark_in = 6
				mark_out = 6
				$child" | site_swanctl "$n"
	done
}

# ifindex NS NAME: the interface's index, empty if there is none
ifindex() {
	ip -n "$1" -o link show dev "$2" 2>/dev/null | cut -d: -f1
}

initiate() {
	swanctl_in "$(site_dir 1)" --initiate --child net --timeout 20 > /dev/null 2>&1
	wait_child 1 net 20 && wait_child 2 net 5
}

# --- the article's V3-2 configuration, made by the plugin ---
scenario "core-v3-2-vti6"
two_sites 6
check "$SCENARIO: no interface before the SA" test -z "$(ifindex priv1 vti6)"
check "$SCENARIO: CHILD_SA installed" initiate
link=$(ip -n priv1 -d link show dev vti6 2>&1)
echo "$link" | sed 's/^/    | /'
check "$SCENARIO: vti6 in the private namespace" \
	sh -c 'echo "$1" | grep -q "vti6 remote 2001:db8::2 local 2001:db8::1 ikey 0.0.0.6 okey 0.0.0.6"' _ "$link"
check "$SCENARIO: vti6 is UP" sh -c 'echo "$1" | grep -q "state UNKNOWN\|,UP"' _ "$link"
check "$SCENARIO: vti6 carries the plugin's alias" \
	sh -c 'echo "$1" | grep -q "alias strongswan-vti:net"' _ "$link"
check "$SCENARIO: vti6 has the configured address" \
	sh -c 'ip -n priv1 addr show dev vti6 | grep -q "2001:db8:ff::6/127"'
check "$SCENARIO: not left in the public namespace" test -z "$(ifindex pub1 vti6)"
check "$SCENARIO: disable_policy set" \
	test "$(ip netns exec priv1 sysctl -n net.ipv4.conf.vti6.disable_policy)" = 1
check "$SCENARIO: ping across the plugin's interfaces" ping_from priv1 "$peer" 3
swanctl_in "$(site_dir 1)" --terminate --ike net --timeout 10 > /dev/null 2>&1
check "$SCENARIO: terminate removes the interface (site 1)" \
	wait_for 10 sh -c '! ip -n priv1 link show dev vti6'
check "$SCENARIO: terminate removes the interface (site 2)" \
	wait_for 10 sh -c '! ip -n priv2 link show dev vti6'
scenario_end

summary
