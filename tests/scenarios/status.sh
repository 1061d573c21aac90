#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# strongswan-vti-status against the kernel and charon, in the states the
# test bed produces: a tunnel up (VTI and XFRM), set down by hand, kept
# down by down_action = down, a connection the plugin is disabled for,
# interfaces of ours made by hand (no CHILD_SA, other keys, in charon's
# namespace), on demand (the plugin's interface of a trap connection), no
# SA, charon not running.
. "$(dirname "$0")/common.sh"
. "$top/tests/lib/plugin.sh"

STATUS=$top/scripts/strongswan-vti-status

# status N NAME [ARGS...]: runs the command for site N (its charon's vici
# socket, its private namespace) from this shell's namespace, not
# charon's: $WORK/NAME.out, .err and .rc (the exit status)
status() {
	st_n=$1 st_name=$2
	shift 2
	"$STATUS" --uri "unix://$(site_dir "$st_n")/charon.vici" --netns "priv$st_n" "$@" \
		> "$WORK/$st_name.out" 2> "$WORK/$st_name.err"
	echo $? > "$WORK/$st_name.rc"
	sed 's/^/    | /' "$WORK/$st_name.out" "$WORK/$st_name.err"
}

# rc_is NAME CODE: the run NAME exited with CODE
rc_is() {
	[ "$(cat "$WORK/$1.rc" 2>/dev/null)" = "$2" ]
}

# json_get FILE PATH: the value at PATH (perl syntax: {connections}[0]{name})
# of the JSON document in FILE, lists and objects as compact JSON; fails if
# there is none
json_get() {
	perl -MJSON::PP -e '
		open(my $f, "<", $ARGV[0]) or exit 1;
		my $d = eval { decode_json(do { local $/; <$f> }) } or exit 1;
		my $v = eval "\$d->$ARGV[1]";
		defined $v or exit 1;
		print ref $v && ref $v ne "JSON::PP::Boolean"
			? JSON::PP->new->canonical->encode($v) : $v, "\n"' "$1" "$2"
}

# json_is FILE PATH VALUE: the value at PATH is VALUE (not empty)
json_is() {
	[ -n "$3" ] && [ "$(json_get "$1" "$2")" = "$3" ]
}

# kernel_get NS DEV PATH: a value of DEV's ip -j -d -s link show (PATH as
# for json_get, into the link's object)
kernel_get() (
	j=$(ip -n "$1" -j -d -s link show dev "$2" 2>/dev/null) || exit 1
	printf '%s\n' "$j" > "$WORK/kernel.json"
	json_get "$WORK/kernel.json" "[0]$3"
)

# child_mark N DIR: the mark (in or out) of site N's CHILD_SA net in
# decimal, as swanctl --list-sas shows it ("in  c9155e95 (0x00000006)")
child_mark() {
	cm=$(swanctl_in "$(site_dir "$1")" --list-sas 2>/dev/null |
		sed -n "s/^ *$2 *[0-9a-f]* (0x\([0-9a-f]*\).*/\1/p")
	[ -n "$cm" ] && printf '%d\n' "0x$cm"
}

# child_if_id N DIR: the if_id (in or out) of site N's CHILD_SA net in
# decimal ("in  c9155e95 (-|0x0000002a)")
child_if_id() {
	ci=$(swanctl_in "$(site_dir "$1")" --list-sas 2>/dev/null |
		sed -n "s/^ *$2 *[0-9a-f]* ([^|)]*|0x\([0-9a-f]*\)).*/\1/p")
	[ -n "$ci" ] && printf '%d\n' "0x$ci"
}

# child_id N: the unique id of site N's installed CHILD_SA net
child_id() {
	swanctl_in "$(site_dir "$1")" --list-sas 2>/dev/null |
		sed -n 's/^ *net: #\([0-9]*\), .*INSTALLED.*/\1/p'
}

# row NAME FIELD...: the line of the run NAME's text whose first FIELDs
# are these (as many as given); fails unless exactly one line has them
row() (
	f=$WORK/$1.out
	shift
	awk -v want="$*" '
		BEGIN { n = split(want, w, " ") }
		{ ok = 1; for (i = 1; i <= n; i++) if ($i != w[i]) ok = 0 }
		ok { found++; line = $0 }
		END { if (found != 1) exit 1; print line }' "$f"
)

# field NAME N FIELD...: field N of the row (row NAME FIELD...)
field() (
	name=$1 n=$2
	shift 2
	line=$(row "$name" "$@") || exit 1
	printf '%s\n' "$line" | awk -v n="$n" '{ print $n }'
)

# summary_line NAME: the run's last line
summary_line() {
	tail -n 1 "$WORK/$1.out"
}

# mismatch_types NAME: the types of the run's JSON mismatches, sorted,
# space-separated ("" when none)
mismatch_types() {
	json_get "$WORK/$1.out" '{connections}' | perl -MJSON::PP -ne '
		my $c = decode_json($_);
		print join(" ", sort map { $_->{type} } map { @{$_->{mismatches}} } @$c), "\n"'
}

# dotted N: N as ip prints a VTI's key (0.0.0.6)
dotted() {
	printf '%d.%d.%d.%d\n' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) \
		$(($1 >> 8 & 255)) $(($1 & 255))
}

# counter_between NS DEV PATH BEFORE SHOWN: SHOWN (not empty), what the
# command printed, lies between BEFORE, the kernel's value of PATH for DEV
# read before the command ran, and the kernel's value now
counter_between() {
	cb_before=$4
	cb_after=$(kernel_get "$1" "$2" "$3") || return 1
	[ -n "$5" ] && [ "$cb_before" -le "$5" ] && [ "$5" -le "$cb_after" ]
}

# --- a tunnel up: the article's VTI, everything matches ---
scenario "status-vti-up"
two_sites 6
check "$SCENARIO: CHILD_SA installed" initiate
check "$SCENARIO: ping across" ping_from priv1 "$peer" 3
rx0=$(kernel_get priv1 vti6 '{stats64}{rx}{packets}')
tx0=$(kernel_get priv1 vti6 '{stats64}{tx}{packets}')
status 1 up
status 1 upj --json
id=$(child_id 1)
mark_in=$(child_mark 1 in)
mark_out=$(child_mark 1 out)
j=$WORK/upj.out
check "$SCENARIO: exit status 0 (text)" rc_is up 0
check "$SCENARIO: exit status 0 (--json)" rc_is upj 0
check "$SCENARIO: the summary says consistent" \
	test "$(summary_line up)" = "1 CHILD_SA, 1 interface of ours (namespaces: pub1, priv1): consistent"
check "$SCENARIO: the CHILD_SA's row: INSTALLED, mark $mark_in/$mark_out, vti6 in priv1" \
	row up net "#$id" INSTALLED mark "$mark_in/$mark_out" vti6 priv1
check "$SCENARIO: text ifindex is the kernel's" \
	test "$(field up 8 net "#$id")" = "$(ifindex priv1 vti6)"
check "$SCENARIO: text link is up" test "$(field up 9 net "#$id")" = up
check "$SCENARIO: text mtu is the kernel's" \
	test "$(field up 10 net "#$id")" = "$(link_mtu priv1 vti6)"
check "$SCENARIO: JSON: one connection, net" json_is "$j" '{connections}[0]{name}' net
check "$SCENARIO: JSON: the CHILD_SA's unique id is swanctl's ($id)" \
	json_is "$j" '{connections}[0]{child_sas}[0]{uniqueid}' "$id"
check "$SCENARIO: JSON: mark_in is swanctl's ($mark_in)" \
	json_is "$j" '{connections}[0]{child_sas}[0]{mark_in}' "$mark_in"
check "$SCENARIO: JSON: mark_out is swanctl's ($mark_out)" \
	json_is "$j" '{connections}[0]{child_sas}[0]{mark_out}' "$mark_out"
check "$SCENARIO: JSON: ifindex is the kernel's" \
	json_is "$j" '{connections}[0]{interfaces}[0]{ifindex}' "$(kernel_get priv1 vti6 '{ifindex}')"
check "$SCENARIO: JSON: mtu is the kernel's" \
	json_is "$j" '{connections}[0]{interfaces}[0]{mtu}' "$(kernel_get priv1 vti6 '{mtu}')"
check "$SCENARIO: JSON: kind is the kernel's" \
	json_is "$j" '{connections}[0]{interfaces}[0]{kind}' "$(kernel_get priv1 vti6 '{linkinfo}{info_kind}')"
check "$SCENARIO: JSON: ikey is mark_in" \
	json_is "$j" '{connections}[0]{interfaces}[0]{ikey}' "$mark_in"
check "$SCENARIO: the kernel's ikey is mark_in too" \
	test "$(kernel_get priv1 vti6 '{linkinfo}{info_data}{ikey}')" = "$(dotted "$mark_in")"
check "$SCENARIO: JSON: okey is mark_out" \
	json_is "$j" '{connections}[0]{interfaces}[0]{okey}' "$mark_out"
check "$SCENARIO: the kernel's okey is mark_out too" \
	test "$(kernel_get priv1 vti6 '{linkinfo}{info_data}{okey}')" = "$(dotted "$mark_out")"
check "$SCENARIO: JSON: namespace priv1" \
	json_is "$j" '{connections}[0]{interfaces}[0]{netns}' priv1
check "$SCENARIO: JSON: not public" \
	json_is "$j" '{connections}[0]{interfaces}[0]{public}' 0
check "$SCENARIO: JSON: up" json_is "$j" '{connections}[0]{interfaces}[0]{up}' 1
check "$SCENARIO: JSON: the interface is held by CHILD_SA #$id" \
	json_is "$j" '{connections}[0]{interfaces}[0]{child_sas}' "[$id]"
check "$SCENARIO: the kernel counted the 3 pings' answers ($rx0 received)" \
	test "$rx0" -ge 3
check "$SCENARIO: JSON: rx packets as the kernel counted" \
	counter_between priv1 vti6 '{stats64}{rx}{packets}' "$rx0" \
		"$(json_get "$j" '{connections}[0]{interfaces}[0]{rx}{packets}')"
check "$SCENARIO: JSON: tx packets as the kernel counted" \
	counter_between priv1 vti6 '{stats64}{tx}{packets}' "$tx0" \
		"$(json_get "$j" '{connections}[0]{interfaces}[0]{tx}{packets}')"
check "$SCENARIO: JSON: charon found in pub1 (from its vici socket's peer)" \
	json_is "$j" '{charon}{netns}' pub1
check "$SCENARIO: JSON: no mismatch" json_is "$j" '{mismatches}' 0
check "$SCENARIO: JSON: consistent" json_is "$j" '{consistent}' 1
# without --netns: every namespace in /run/netns (site 2's vti6 too)
"$STATUS" --uri "unix://$(site_dir 1)/charon.vici" --json > "$WORK/all.out" 2>&1
check "$SCENARIO: without --netns, charon's then every namespace in /run/netns" \
	json_is "$WORK/all.out" '{namespaces}' '["pub1","priv1","priv2","pub2","wan"]'
# nothing left: the SA terminated, its interface gone
i1=$(ifindex priv1 vti6)
swanctl_in "$(site_dir 1)" --terminate --ike net --timeout 10 > /dev/null 2>&1
check "$SCENARIO: terminate removes vti6" wait_for 10 link_removed priv1 vti6 "$i1"
status 1 none
status 1 nonej --json
check "$SCENARIO: no SA: exit status 0" rc_is none 0
check "$SCENARIO: no SA: nothing listed, the summary says so" \
	test "$(cat "$WORK/none.out")" = "0 CHILD_SAs, 0 interfaces of ours (namespaces: pub1, priv1): consistent"
check "$SCENARIO: no SA: JSON lists no connection" \
	json_is "$WORK/nonej.out" '{connections}' '[]'
scenario_end

# --- set down by hand: shown down, a mismatch ---
scenario "status-down-by-hand"
two_sites 6
check "$SCENARIO: CHILD_SA installed" initiate
ip -n priv1 link set vti6 down
check "$SCENARIO: vti6 is down" link_is_down priv1 vti6
status 1 down
status 1 downj --json
id=$(child_id 1)
check "$SCENARIO: exit status 1 (text)" rc_is down 1
check "$SCENARIO: exit status 1 (--json)" rc_is downj 1
check "$SCENARIO: the row shows vti6 down" test "$(field down 9 net "#$id")" = down
check "$SCENARIO: the mismatch is named, with the interface" \
	test "$(grep -c "^  MISMATCH down: vti6 in namespace priv1 is down while CHILD_SA net #$id holds it$" "$WORK/down.out")" = 1
check "$SCENARIO: the summary counts 1 mismatch" \
	test "$(summary_line down)" = "1 CHILD_SA, 1 interface of ours (namespaces: pub1, priv1): 1 mismatch"
check "$SCENARIO: JSON: exactly one mismatch, of type down" \
	test "$(mismatch_types downj)" = down
check "$SCENARIO: JSON: up is false" \
	json_is "$WORK/downj.out" '{connections}[0]{interfaces}[0]{up}' 0
check "$SCENARIO: JSON: the mismatch names vti6" \
	json_is "$WORK/downj.out" '{connections}[0]{mismatches}[0]{interface}' vti6
check "$SCENARIO: JSON: the mismatch names priv1" \
	json_is "$WORK/downj.out" '{connections}[0]{mismatches}[0]{netns}' priv1
check "$SCENARIO: JSON: the mismatch names CHILD_SA #$id" \
	json_is "$WORK/downj.out" '{connections}[0]{mismatches}[0]{child_sa}' "$id"
ip -n priv1 link set vti6 up
status 1 upagain
check "$SCENARIO: set up again: exit status 0" rc_is upagain 0
scenario_end

# --- down_action = down: kept down without SA is no mismatch ---
scenario "status-kept-down"
two_sites 6 "down_action = down"
check "$SCENARIO: CHILD_SA installed" initiate
swanctl_in "$(site_dir 1)" --terminate --ike net --timeout 10 > /dev/null 2>&1
check "$SCENARIO: terminate sets vti6 down" wait_for 10 link_is_down priv1 vti6
status 1 kept
status 1 keptj --json
check "$SCENARIO: exit status 0" rc_is kept 0
check "$SCENARIO: a row without CHILD_SA, vti6 down, its keys 6/6" \
	row kept - - keys 6/6 vti6 priv1 "$(ifindex priv1 vti6)" down
check "$SCENARIO: the note says why it is there" \
	grep -qx "  note: vti6 in namespace priv1: kept down without CHILD_SA (down_action = down)" "$WORK/kept.out"
check "$SCENARIO: JSON: no mismatch" test "$(mismatch_types keptj)" = ""
check "$SCENARIO: JSON: no CHILD_SA holds it" \
	json_is "$WORK/keptj.out" '{connections}[0]{interfaces}[0]{child_sas}' '[]'
scenario_end

# --- XFRM interface: if_ids ---
scenario "status-xfrm-up"
TS=0.0.0.0/0,::/0 two_sites 6 "" "if_id_in = 42
				if_id_out = 42"
check "$SCENARIO: CHILD_SA installed" initiate
status 1 x
status 1 xj --json
id=$(child_id 1)
ifid=$(child_if_id 1 in)
check "$SCENARIO: swanctl shows if_id 42" test "$ifid" = 42
check "$SCENARIO: exit status 0" rc_is x 0
check "$SCENARIO: the row: if_id 42/42, xfrm42 in priv1, the kernel's ifindex" \
	row x net "#$id" INSTALLED if_id 42/42 xfrm42 priv1 "$(ifindex priv1 xfrm42)" up
check "$SCENARIO: JSON: the CHILD_SA's if_id_in is swanctl's" \
	json_is "$WORK/xj.out" '{connections}[0]{child_sas}[0]{if_id_in}' "$ifid"
check "$SCENARIO: JSON: the CHILD_SA's if_id_out is swanctl's" \
	json_is "$WORK/xj.out" '{connections}[0]{child_sas}[0]{if_id_out}' "$(child_if_id 1 out)"
check "$SCENARIO: JSON: the interface's if_id is 42" \
	json_is "$WORK/xj.out" '{connections}[0]{interfaces}[0]{if_id}' 42
check "$SCENARIO: the kernel's if_id is 42 too" \
	test "$(kernel_get priv1 xfrm42 '{linkinfo}{info_data}{if_id}')" = 0x2a
check "$SCENARIO: JSON: kind xfrm" \
	json_is "$WORK/xj.out" '{connections}[0]{interfaces}[0]{kind}' xfrm
scenario_end

# --- what the plugin did not make: a disabled connection, interfaces of
# ours made by hand (no resync: the plugin would take them for what a
# crash left and delete them) ---
scenario "status-mismatches"
two_sites 6 "resync = 0
		connections { net { enable = no } }"
check "$SCENARIO: CHILD_SA installed" initiate
check "$SCENARIO: the plugin made no interface (disabled)" test "$(ours priv1)" = 0
status 1 noif
status 1 noifj --json
id=$(child_id 1)
check "$SCENARIO: a CHILD_SA without interface: exit status 1" rc_is noif 1
check "$SCENARIO: its row has no interface" \
	row noif net "#$id" INSTALLED mark 6/6 - - - - -
check "$SCENARIO: the mismatch says which keys have no interface" \
	grep -qx "  MISMATCH no-interface: CHILD_SA net #$id has marks 6/6 but no interface of ours (alias strongswan-vti:net) matches them" "$WORK/noif.out"
check "$SCENARIO: JSON: exactly one mismatch, no-interface" \
	test "$(mismatch_types noifj)" = no-interface
# a VTI of ours with other keys; one of a connection charon does not
# know, up; one in charon's namespace, down
ip -n priv1 link add vti9 type vti6 local 2001:db8::1 remote 2001:db8::9 key 9
ip -n priv1 link set vti9 alias strongswan-vti:net up
ip -n priv1 link add xfrm77 type xfrm if_id 77
ip -n priv1 link set xfrm77 alias strongswan-vti:gone up
ip -n pub1 link add xfrm78 type xfrm if_id 78
ip -n pub1 link set xfrm78 alias strongswan-vti:gone2
status 1 hand
status 1 handj --json
check "$SCENARIO: made by hand: exit status 1" rc_is hand 1
check "$SCENARIO: keys differ: vti9 paired with the CHILD_SA, named" \
	grep -qx "  MISMATCH keys-differ: vti9 in namespace priv1 has keys 9/9 but CHILD_SA net #$id has marks 6/6" "$WORK/hand.out"
check "$SCENARIO: keys differ: the row shows vti9 with the kernel's ifindex" \
	row hand net "#$id" INSTALLED mark 6/6 vti9 priv1 "$(ifindex priv1 vti9)" up
check "$SCENARIO: no CHILD_SA: xfrm77 (up) of connection gone" \
	grep -qx "  MISMATCH no-sa: xfrm77 in namespace priv1 is up with if_id 77 but no live CHILD_SA of gone matches them" "$WORK/hand.out"
check "$SCENARIO: in charon's namespace: xfrm78 in pub1" \
	grep -qx "  MISMATCH public-netns: xfrm78 in namespace pub1, the one charon runs in: its cleartext shares the namespace of ESP" "$WORK/hand.out"
status 1 handp --json --allow-public > /dev/null
check "$SCENARIO: --allow-public drops that one mismatch only" \
	test "$(mismatch_types handp)" = "keys-differ no-sa"
status 1 handx --json --allow-public --exclude net > /dev/null
check "$SCENARIO: --exclude net leaves net out, and its mismatch" \
	test "$(mismatch_types handx)" = "no-sa"
check "$SCENARIO: --exclude net: gone and gone2 listed" \
	test "$(json_get "$WORK/handx.out" '{connections}' | perl -MJSON::PP -ne \
		'print join(",", map { $_->{name} } @{decode_json($_)}), "\n"')" = gone,gone2
check "$SCENARIO: JSON: the mismatches, by type" \
	test "$(mismatch_types handj)" = "keys-differ no-sa public-netns"
check "$SCENARIO: JSON: three connections: gone, gone2, net" \
	test "$(json_get "$WORK/handj.out" '{connections}' | perl -MJSON::PP -ne \
		'print join(",", map { $_->{name} } @{decode_json($_)}), "\n"')" = gone,gone2,net
check "$SCENARIO: JSON: xfrm78 is public" \
	json_is "$WORK/handj.out" '{connections}[1]{interfaces}[0]{public}' 1
check "$SCENARIO: JSON: xfrm78's if_id is the kernel's" \
	json_is "$WORK/handj.out" '{connections}[1]{interfaces}[0]{if_id}' \
		"$(printf '%d' "$(kernel_get pub1 xfrm78 '{linkinfo}{info_data}{if_id}')")"
check "$SCENARIO: the summary counts 3 mismatches" \
	test "$(summary_line hand)" = "1 CHILD_SA, 3 interfaces of ours (namespaces: pub1, priv1): 3 mismatches"
for l in priv1/vti9 priv1/xfrm77 pub1/xfrm78; do
	check "$SCENARIO: ${l#*/} made by hand is still there (the plugin left it)" \
		link_exists "${l%/*}" "${l#*/}"
done
# a namespace that cannot be read, charon not running
status 1 nons --netns nosuch
check "$SCENARIO: a namespace that does not exist: exit status 2" rc_is nons 2
check "$SCENARIO: ... with the reason on stderr" \
	grep -q "^strongswan-vti-status: kernel: namespace nosuch: /run/netns/nosuch: No such file or directory$" "$WORK/nons.err"
charon_stop "$(site_dir 1)" > /dev/null
status 1 stopped
check "$SCENARIO: charon not running: exit status 2" rc_is stopped 2
check "$SCENARIO: ... with the reason on stderr" \
	grep -q "^strongswan-vti-status: charon: connecting to $(site_dir 1)/charon.vici: " "$WORK/stopped.err"
check "$SCENARIO: ... and nothing on stdout" test ! -s "$WORK/stopped.out"
scenario_end

# --- on demand: a trap policy, the plugin's interface, no CHILD_SA ---
scenario "status-on-demand"
two_sites 6 "resync = 0" "mark_in = 6
				mark_out = 6
				start_action = trap"
check "$SCENARIO: the plugin made vti6 for the trap connection" \
	wait_ms 1000 link_is_up priv1 vti6
status 1 trap
status 1 trapj --json
check "$SCENARIO: no CHILD_SA yet" test "$(child_count 1)" = 0
check "$SCENARIO: exit status 0" rc_is trap 0
check "$SCENARIO: the connection is marked on demand" \
	grep -qx "net: no IKE_SA (on demand: trap policy)" "$WORK/trap.out"
check "$SCENARIO: the note says it waits for traffic" \
	grep -qx "  note: vti6 in namespace priv1: on demand (trap policy, no CHILD_SA yet)" "$WORK/trap.out"
check "$SCENARIO: JSON: on_demand" \
	json_is "$WORK/trapj.out" '{connections}[0]{on_demand}' 1
check "$SCENARIO: JSON: no mismatch" test "$(mismatch_types trapj)" = ""
scenario_end

summary
