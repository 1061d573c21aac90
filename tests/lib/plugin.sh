# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for scenarios with the plugin: sites whose charon moves the
# interfaces it makes into privN. Needs common.sh sourced first.
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
# plugin, a connection with mark 6 (or, with CHILD_OPTIONS, what they say)
# and selectors of the family (or TS); CHARON_EXTRA goes into the charon
# section of both strongswan.conf
two_sites() {
	family=$1 settings=${2:-}
	child=${3:-"mark_in = 6
				mark_out = 6"}
	site_add 1
	site_add 2
	if [ "$family" = 6 ]; then
		e1=$(site_v6 1) e2=$(site_v6 2) ts=::/0 peer=2001:db8:ff::7
	else
		e1=$(site_v4 1) e2=$(site_v4 2) ts=0.0.0.0/0 peer=198.51.100.7
	fi
	for n in 1 2; do
		site_charon "$n" "$(vti_conf "$n" "$settings")
${CHARON_EXTRA:-}" ||
			fail "$SCENARIO: charon of site $n starts"
	done
	for n in 1 2; do
		if [ $n = 1 ]; then l=$e1 r=$e2; else l=$e2 r=$e1; fi
		psk_conf "$l" "$r" "local_ts = ${TS:-$ts}
				remote_ts = ${TS:-$ts}
				$child" | site_swanctl "$n"
	done
}

# initiate: site 1 initiates the CHILD_SA net; true iff it is then
# installed on site 1 and on site 2
initiate() {
	swanctl_in "$(site_dir 1)" --initiate --child net --timeout 40 > /dev/null 2>&1
	children_installed net
}

# child_count N: number of installed CHILD_SAs named net on site N
child_count() {
	swanctl_in "$(site_dir "$1")" --list-sas 2>/dev/null |
		grep -cE "^ +net: #[0-9]+, .*INSTALLED"
}

# sa_ids N: the unique ids of site N's IKE and CHILD_SAs, to see a rekey
sa_ids() {
	swanctl_in "$(site_dir "$1")" --list-sas 2>/dev/null |
		sed -n 's/^ *net: #\([0-9]*\),.*/\1/p' | tr '\n' ' '
}

# has_child N: site N has at least one installed CHILD_SA named net
has_child() {
	[ "$(child_count "$1")" -ge 1 ]
}

# rekeyed N BEFORE: site N's SAs changed from BEFORE and the CHILD_SA is
# installed again
rekeyed() {
	[ "$(sa_ids "$1")" != "$2" ] && has_child "$1"
}

# ours NS: how many interfaces of the plugin NS holds; prints nothing and
# fails if NS cannot be read
ours() {
	links_with_alias "$1" strongswan-vti:
}

# ours_is NS N: NS holds exactly N interfaces of the plugin (for wait_for,
# which must count anew on every try)
ours_is() {
	[ "$(ours "$1")" = "$2" ]
}

# monitor_listening NS FILE: returns once the monitor writing FILE has
# seen a new event of NS: lo's MTU lowered by one and set back (again every
# second); fails if it has not within 10 s. Until then a monitor may not
# listen yet (or, called again, may not have read what came before), and
# "it saw no event" would prove nothing.
monitor_listening() {
	ml_mtu=$(ip -n "$1" -o link show dev lo | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
	[ -n "$ml_mtu" ] || return 1
	ml_seen=$(grep -c ": lo: .* mtu $((ml_mtu - 1)) " "$2")
	ml_seen=${ml_seen:-0}
	ml_i=0
	while [ $ml_i -lt 100 ]; do
		if [ $((ml_i % 10)) = 0 ]; then
			ip -n "$1" link set dev lo mtu $((ml_mtu - 1))
			ip -n "$1" link set dev lo mtu "$ml_mtu"
		fi
		[ "$(grep -c ": lo: .* mtu $((ml_mtu - 1)) " "$2")" -gt "$ml_seen" ] &&
			return 0
		ml_i=$((ml_i + 1))
		sleep 0.1
	done
	return 1
}

# monitor_start NS FILE [OBJECT...]: events of the OBJECTs (link if none)
# in NS, each line after the time ip saw it ("[2026-...] "), into FILE in
# the background until monitor_stop; its PID joins MONITORS. Returns once
# it listens (monitor_listening), fails if it does not.
MONITORS=
monitor_start() {
	ms_ns=$1
	ms_file=$2
	shift 2
	[ $# -gt 0 ] || set -- link
	ip -ts -n "$ms_ns" monitor "$@" > "$ms_file" 2>&1 &
	MONITORS="$MONITORS $!"
	monitor_listening "$ms_ns" "$ms_file"
}

# monitor_stop: stop every monitor monitor_start started, each by its PID,
# waiting at most 5 s for each. Fails if one had ended before (its FILE
# says why: it saw nothing from then on) or had to be killed.
monitor_stop() {
	ms_status=0
	for ms_pid in $MONITORS; do
		stop_pid "$ms_pid" TERM 5 || ms_status=1
	done
	MONITORS=
	return $ms_status
}

# no_child N: site N's charon answers and lists no installed CHILD_SA
# named net (an answer that could not be read is no proof)
no_child() {
	nc_sas=$(swanctl_in "$(site_dir "$1")" --list-sas 2>/dev/null) || return 1
	! printf '%s\n' "$nc_sas" | grep -qE "^ +net: #[0-9]+, .*INSTALLED"
}

# what the plugin logs (level 2, chd) at the end of every resync, with the
# sizes of its table
RESYNC_LINE='vti: resync: charon has [0-9]+ CHILD_SAs for interfaces, the table'

# resyncs N: how many resyncs site N's charon log shows; prints nothing
# and fails if the log cannot be read
resyncs() (
	rs_text=$(cat "$(site_dir "$1")/charon.log") || exit 1
	printf '%s\n' "$rs_text" | grep -cE -- "$RESYNC_LINE"
	exit 0
)

# resyncs_above N COUNT: site N's log shows more than COUNT resyncs
resyncs_above() {
	ra_n=$(resyncs "$1") || return 1
	[ "$ra_n" -gt "$2" ]
}

# resynced N: site N's plugin ran a whole resync after this was called:
# its settings reloaded (which resyncs at once), then the resync's log
# line awaited (10 s); fails if it did not come. What the worker was given
# before is applied by then: it resyncs, then applies its queue, in turn.
resynced() {
	rd_n=$(resyncs "$1") || return 1
	swanctl_in "$(site_dir "$1")" --reload-settings > /dev/null 2>&1 || return 1
	wait_for 10 resyncs_above "$1" "$rd_n"
}

# worker_done N: everything site N's plugin was told before this call has
# been acted on: two resyncs in turn (the first may have been under way
# already when the work came, and the queue is applied after it)
worker_done() {
	resynced "$1" && resynced "$1"
}

# caught_up WHAT: checks that the plugins of sites 1 and 2 acted on what
# came before (worker_done) and that the link monitors of priv1 and priv2
# (monitor_start FILEs $WORK/monitor1 and 2) read what the kernel said
# until then: only after both does "no link event" mean anything
caught_up() {
	for cu_n in 1 2; do
		check "$SCENARIO: $1: the plugin of site $cu_n acted on it (two resyncs logged)" \
			worker_done "$cu_n"
		check "$SCENARIO: $1: the link monitor of priv$cu_n read what came before" \
			monitor_listening "priv$cu_n" "$WORK/monitor$cu_n"
	done
}

# no_link_event FILE NAME: FILE, what a monitor saw, exists and no line
# of it names NAME (those that do are shown)
no_link_event() {
	[ -f "$1" ] || return 1
	grep -- "$2" "$1"
	[ $? -eq 1 ]
}

# rekey_keeps WHAT ARGS...: a rekey of site 1 leaves the interface
# $IFNAME (vti6) alone on the sites $KEEP_SITES (1 2): same ifindex, no
# link event, traffic still flows
rekey_keeps() {
	what=$1
	ifn=${IFNAME:-vti6}
	shift
	i1=$(ifindex priv1 "$ifn") i2=$(ifindex priv2 "$ifn")
	before=$(sa_ids 1)
	check "$SCENARIO: $what: a link monitor listens in priv1" \
		monitor_start priv1 "$WORK/monitor1"
	check "$SCENARIO: $what: a link monitor listens in priv2" \
		monitor_start priv2 "$WORK/monitor2"
	swanctl_in "$(site_dir 1)" --rekey "$@" > /dev/null 2>&1
	check "$SCENARIO: $what completes" wait_for 30 rekeyed 1 "$before"
	# break-before-make reauthentication needs a moment for the new SAs
	check "$SCENARIO: $what: site 2 has its CHILD_SA again" \
		wait_for 20 has_child 2
	# "no link event" counts only once each plugin acted on the rekey and
	# each monitor read what the kernel said until then
	caught_up "$what"
	check "$SCENARIO: $what: both link monitors ran until stopped" monitor_stop
	for n in ${KEEP_SITES:-1 2}; do
		eval "before=\$i$n"
		check "$SCENARIO: $what keeps the ifindex of $ifn (site $n)" \
			link_has_ifindex "priv$n" "$ifn" "$before"
		check "$SCENARIO: $what raises no link event for $ifn (site $n)" \
			no_link_event "$WORK/monitor$n" "$ifn"
	done
	check "$SCENARIO: ping after $what" ping_from priv1 "$peer" 2
}

