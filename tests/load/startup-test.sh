#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# What the plugin says and keeps when a real charon starts it: the
# strongSwan build it was compiled against, whether charon will roam for
# the interfaces it moves (with the line to write where the operator's own
# interfaces_ignore undoes the installed default, plugin/strongswan-vti.conf),
# and the capabilities the settings need (CAP_SYS_ADMIN only with another
# namespace).
set -u
top=${VTI_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/host-test.sh"
command -v setpriv > /dev/null || { echo "FAIL: setpriv (util-linux) missing"; exit 1; }

work=$(mktemp -d /tmp/vti-startup.XXXXXX)
ns=vti-startup-$$
ip netns add "$ns"
ip -n "$ns" link set lo up
trap 'host_test_end "$ns" "$work"' EXIT

# the settings of a namespace of the interfaces' own (never made here)
NETNS_SETTING="vti { netns = vti-startup-none }"
WARNING='vti: charon.interfaces_ignore does not list strongswan-vti'

# start_with D EXTRA [TOP]: charon with the plugin, no interfaces_ignore of
# the harness, EXTRA inside charon { }, TOP at the top level of
# strongswan.conf (after the charon section, as Debian's include comes);
# returns charon_start's status; charon is stopped again
start_with() {
	d=$1
	CHARON_INTERFACES_IGNORE='' charon_conf "$d" "$2"
	[ -z "${3:-}" ] || printf '%s\n' "$3" >> "$d/strongswan.conf"
	charon_start "$d" "$ns" || return 1
	swanctl_in "$d" --stats > "$d/stats" 2>&1
	charon_stop "$d" > /dev/null
}

# vti_loaded D: swanctl --stats of D's charon listed vti among its plugins
vti_loaded() {
	grep '^loaded plugins:' "$1/stats" | grep -qw vti
}

installed_default="include $top/plugin/strongswan-vti.conf"

d=$work/default
if start_with "$d" "plugins { $NETNS_SETTING }" "$installed_default"; then
	check "the plugin loads with the installed default" vti_loaded "$d"
	check "it logs the strongSwan build it was compiled against" \
		grep -q 'vti: built against strongSwan 5\.' "$d/charon.log"
	check "no interfaces_ignore warning with the installed default" \
		text_lacks "$(cat "$d/charon.log")" -F -e "$WARNING"
else
	fail "charon starts with the installed default"
fi

d=$work/own
if start_with "$d" "interfaces_ignore = eth9
	plugins { $NETNS_SETTING }" "$installed_default"; then
	check "the operator's own interfaces_ignore is told the line to write" \
		grep -qF "$WARNING: each interface moved into a namespace makes charon roam, and every MOBIKE peer gets an address update; write \"interfaces_ignore = eth9, strongswan-vti\" in the charon section" \
		"$d/charon.log"
else
	fail "charon starts with the operator's own interfaces_ignore"
fi

d=$work/none
if start_with "$d" "plugins { $NETNS_SETTING }"; then
	check "without the installed default the line to write is told" \
		grep -qF "write \"interfaces_ignore = strongswan-vti\"" "$d/charon.log"
else
	fail "charon starts without the installed default"
fi

d=$work/use
if start_with "$d" "interfaces_use = lo
	plugins { $NETNS_SETTING }" "$installed_default"; then
	check "interfaces_use without strongswan-vti needs nothing" \
		text_lacks "$(cat "$d/charon.log")" -e 'interfaces_\(ignore\|use\)'
else
	fail "charon starts with interfaces_use"
fi

# charon itself without CAP_SYS_ADMIN (dropped from its bounding set)
CHARON="setpriv --bounding-set -sys_admin /usr/lib/ipsec/charon"
d=$work/nosysadmin
if start_with "$d" ""; then
	check "without CAP_SYS_ADMIN the plugin loads where the settings keep charon's namespace" \
		vti_loaded "$d"
else
	fail "charon starts without CAP_SYS_ADMIN"
fi
d=$work/nosysadmin-netns
if start_with "$d" "plugins { $NETNS_SETTING }"; then
	check "without CAP_SYS_ADMIN the plugin is not loaded where the settings name another namespace" \
		text_lacks "$(grep '^loaded plugins:' "$d/stats")" -w vti
	check "and the log says why" \
		grep -q 'vti: the settings move interfaces into another namespace, which needs the CAP_SYS_ADMIN capability' \
		"$d/charon.log"
else
	fail "charon starts without CAP_SYS_ADMIN, another namespace in the settings"
fi

summary
