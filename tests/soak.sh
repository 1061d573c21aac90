#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The randomized soak (issue 13, item 1): two real charons with the plugin,
# gateway A (site 1) and gateway B with three roadwarriors (site 2, the
# roadwarriors from addresses of their own), 28 connections mixing fixed
# and %unique marks and if_ids, down_action = delete and down, MOBIKE, and
# the roadwarriors sharing one VTI on A (remote any). A driver plays N
# events drawn from a seeded generator and checks the invariants at the
# quiet point after each (tests/lib/soak-check.pl); the first broken one
# stops the run with the seed, the event history, both charons' logs and
# the command that replays it.
#
#   tests/soak.sh [--seed S] [--events N]
#
# Where this machine's kernel lacks VTI, XFRM interfaces or ESP (the test
# bed's "vm" mode), it runs itself in the test-bed guest (tests/vm/run.sh).
# VTI_RESULTS (set in the guest) or VTI_SOAK_RESULTS keeps the history,
# the figures and the logs.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
SEED=
EVENTS=150
while [ $# -gt 0 ]; do
	case $1 in
		--seed) SEED=$2; shift 2 ;;
		--events) EVENTS=$2; shift 2 ;;
		*) echo "usage: $0 [--seed S] [--events N]" >&2; exit 2 ;;
	esac
done
case $SEED in
	'') SEED=$(( $(date +%s%N) / 1000 % 1000000007 )) ;;
	*[!0-9]*) echo "the seed is a number" >&2; exit 2 ;;
esac
case $EVENTS in
	''|*[!0-9]*) echo "the number of events is a number" >&2; exit 2 ;;
esac

if [ -z "${VTI_IN_GUEST:-}" ] && [ "${VTI_TESTBED:-vm}" != native ]; then
	VTI_PLUGIN=${VTI_PLUGIN:-$top/.libs/libstrongswan-vti.so}
	export VTI_PLUGIN
	# about 3 s an event at most, and the set-up
	exec "$top/tests/vm/run.sh" -t $((600 + EVENTS * 3)) \
		-r "${VTI_SOAK_RESULTS:-/tmp/vti-results/soak}" \
		"$top/tests/soak.sh" --seed "$SEED" --events "$EVENTS"
fi

# shellcheck disable=SC2034 # charon.sh reads it
VTI_SRCDIR=$top
: "${VTI_PLUGIN:=$top/.libs/libstrongswan-vti.so}"
. "$top/tests/lib/check.sh"
. "$top/tests/lib/charon.sh"
. "$top/tests/lib/sites.sh"
. "$top/tests/lib/links.sh"
. "$top/tests/lib/plugin.sh"
RESULTS=${VTI_RESULTS:-${VTI_SOAK_RESULTS:-$WORK}}
mkdir -p "$RESULTS"
SERVER=
# the libraries' teardown expects no set -e
trap 'set +e; server_stop; sites_teardown; rm -rf "$WORK"' EXIT
# a write to the checker once it ended fails instead of killing the soak
trap '' PIPE

MODEL=$WORK/model STATE=$WORK/state HISTORY=$RESULTS/soak-history
FIGURES=$RESULTS/soak-figures COUNTS=$WORK/counts
: > "$STATE"
: > "$HISTORY"
: > "$FIGURES"
: > "$COUNTS"
echo "soak: seed $SEED, $EVENTS events (replay: tests/soak.sh --seed $SEED --events $EVENTS)"

# --- the generator: a linear congruential one, the same in every shell ---
RNG=$SEED
# rnd N: R = the next number from 0 to N - 1
rnd() {
	RNG=$(( (RNG * 1103515245 + 12345) % 2147483648 ))
	R=$(( RNG / 65536 % $1 ))
}

# nth N WORD...: NTH = the N-th WORD (no process: under TCG each costs)
nth() {
	NTH=$(($1 + 1))
	eval "NTH=\${$NTH}"
}

# --- the connections ---
# name, outer family, ids (fixed or %unique), marks or if_ids, down_action,
# MOBIKE, the fixed id; the k-th has addresses and selectors of its own
TUNNELS='f6 6 fixed mark delete no 100001
f4 4 fixed mark delete no 100002
u6 6 unique mark delete no -
u4 4 unique mark delete no -
x6 6 fixed ifid delete no 100005
xu 4 unique ifid delete no -
d6 6 fixed mark down no 100007
dx 4 fixed ifid down no 100008
m6 6 fixed mark delete yes 100009
m4 4 fixed mark delete yes 100010
mu 6 unique mark delete yes -
xm 6 fixed ifid delete yes 100012'
RWS='3 4 5'
RW_MARK=100030
NAMES="$(printf '%s\n' "$TUNNELS" | cut -d' ' -f1 | tr '\n' ' ')rw3 rw4 rw5"
NNAMES=15
# f4's MTU, flipped by each valid settings reload of a site
# shellcheck disable=SC2034
F4MTU_1=1400 F4MTU_2=1400
# the connection a site's settings make invalid, and how
# shellcheck disable=SC2034
BAD_1='' BAD_2=''

# tunnel_addr K FAMILY MOBIKE SITE [ALT]: site 1's or 2's address of
# tunnel K (ALT: site 2's other one, for MOBIKE)
tunnel_addr() {
	if [ "$3" = yes ]; then
		if [ "$1" -gt 9 ]; then h=$(printf %x "$1"); else h=$1; fi
		s=$4
		[ -n "${5:-}" ] && s=1$4
		if [ "$2" = 6 ]; then echo "2001:db8:$h::$s"; else echo "10.9.$1.$s"; fi
	elif [ "$2" = 6 ]; then
		echo "2001:db8::$4:$1"
	else
		echo "192.0.2.$(($4 * 100 + $1))"
	fi
}

# conn_block NAME LOCAL REMOTE LID RID MOBIKE LTS RTS CHILD_OPTIONS
conn_block() {
	cat <<CONF
	$1 {
		local_addrs = $2
		remote_addrs = $3
		version = 2
		proposals = aes128gcm16-prfsha256-x25519
		mobike = $6
		local {
			auth = psk
			id = $4
		}
		remote {
			auth = psk
			id = $5
		}
		children {
			$1 {
				local_ts = $7
				remote_ts = $8
				esp_proposals = aes128gcm16
				$9
			}
		}
	}
CONF
}

# ids_opts KIND VALUE: the child options for marks or if_ids
ids_opts() {
	if [ "$1" = mark ]; then
		printf 'mark_in = %s\n\t\t\t\tmark_out = %s' "$2" "$2"
	else
		printf 'if_id_in = %s\n\t\t\t\tif_id_out = %s' "$2" "$2"
	fi
}

# swanctl_conf SITE: the site's swanctl.conf
swanctl_conf() {
	site=$1
	echo "connections {"
	k=0
	printf '%s\n' "$TUNNELS" | while read -r name fam ids kind down mobike id; do
		k=$((k + 1))
		[ "$ids" = unique ] && id=%unique
		a=$(tunnel_addr $k "$fam" "$mobike" 1) b=$(tunnel_addr $k "$fam" "$mobike" 2)
		if [ "$site" = 1 ]; then
			l=$a r=$b lts=10.$k.1.0/24 rts=10.$k.2.0/24 lid=$name.a rid=$name.b
			# B moves: A takes it from any address
			[ "$mobike" = yes ] && r=%any
		else
			l=$b r=$a lts=10.$k.2.0/24 rts=10.$k.1.0/24 lid=$name.b rid=$name.a
			[ "$mobike" = yes ] && l=%any
		fi
		conn_block "$name" "$l" "$r" "$lid" "$rid" "$mobike" "$lts" "$rts" \
			"$(ids_opts "$kind" "$id")"
	done
	if [ "$site" = 1 ]; then
		conn_block rw 192.0.2.1 %any rw.a %any yes 10.51.0.0/16 10.50.0.0/16 \
			"$(ids_opts mark $RW_MARK)"
	else
		for n in $RWS; do
			conn_block "rw$n" "192.0.2.$n" 192.0.2.1 "rw$n.b" rw.a yes \
				"10.50.$n.0/24" 10.51.0.0/16 "$(ids_opts mark $((RW_MARK + n)))"
		done
	fi
	cat <<CONF
}
secrets {
	ike-soak {
		secret = d8bdRxaY22oH1j89Z2nATeYyrXfP9ga6xC5mi0RG1uc
	}
}
CONF
}

# write_settings SITE: the site's strongswan.conf: A reauthenticates make-
# before-break, B break-before-make; f4's MTU, down_action = down for d6
# and dx, and what BAD_SITE makes invalid ("CONN KEY VALUE")
write_settings() {
	f4mtu='' bad=''
	eval "f4mtu=\$F4MTU_$1 bad=\$BAD_$1"
	mbb=no
	[ "$1" = 1 ] && mbb=yes
	badconf=
	if [ -n "$bad" ]; then
		# shellcheck disable=SC2086
		set -- "$1" $bad
		badconf="$2 { $3 = $4 }"
	fi
	charon_conf "$(site_dir "$1")" "make_before_break = $mbb
	$(vti_conf "$1" "resync = 10
		connections {
			f4 { mtu = $f4mtu }
			d6 { down_action = down }
			dx { down_action = down }
			$badconf
		}")"
}

# write_model: what soak-check.pl expects of each site
write_model() {
	for s in 1 2; do
		echo "addr $s 2001:db8:ff::$((5 + s))/127"
		echo "addr $s 198.51.100.$((5 + s))/31"
		printf '%s\n' "$TUNNELS" | while read -r name fam ids kind down mobike id; do
			# a fixed mark with remote_addrs = %any: remote any
			shared=0
			[ "$s" = 1 ] && [ "$mobike" = yes ] && [ "$ids" = fixed ] && shared=1
			mtu=auto
			[ "$name" = f4 ] && mtu=1400,1380
			echo "conn $s $name ids=$ids shared=$shared down=$down mtu=$mtu"
		done
	done
	echo "conn 1 rw ids=fixed shared=1 down=delete mtu=auto"
	for n in $RWS; do
		echo "conn 2 rw$n ids=fixed shared=0 down=delete mtu=auto"
	done
}

# --- the state the checker is told about ---
# state_add LINE / state_del PATTERN (a case pattern of whole lines); the
# events use no other process than ip where they can: under TCG each costs
state_add() {
	echo "$*" >> "$STATE"
}
state_del() {
	sd_keep=
	while IFS= read -r sd_line; do
		# shellcheck disable=SC2254 # a pattern
		case $sd_line in
			$1) ;;
			*) sd_keep="$sd_keep$sd_line
" ;;
		esac
	done < "$STATE"
	printf '%s' "$sd_keep" > "$STATE"
}

# state_third KIND SITE: the third word of each state line "KIND SITE ..."
state_third() {
	while read -r st_kind st_site st_third _; do
		[ "$st_kind" = "$1" ] && [ "$st_site" = "$2" ] && echo "$st_third"
	done < "$STATE"
	return 0
}

# foreign_add SITE NAME ALIAS UP TYPE ARGS...: someone else's interface in
# privSITE, remembered with what it must keep
foreign_add() {
	fa_s=$1 fa_name=$2 fa_alias=$3 fa_up=$4
	shift 4
	ip -n "priv$fa_s" link add "$fa_name" type "$@" || return 1
	[ "$fa_alias" = none ] || ip -n "priv$fa_s" link set dev "$fa_name" alias "$fa_alias"
	[ "$fa_up" = down ] || ip -n "priv$fa_s" link set dev "$fa_name" up
	state_add "foreign $fa_s $fa_name $(ifindex "priv$fa_s" "$fa_name") $1 $fa_alias $fa_up"
}

# --- the topology ---
setup() {
	site_add 1
	site_add 2
	ip netns exec pub2 sysctl -qw net.ipv4.conf.wan0.promote_secondaries=1
	k=0
	printf '%s\n' "$TUNNELS" | while read -r name fam ids kind down mobike id; do
		k=$((k + 1))
		if [ "$fam" = 6 ]; then len=64 opt=nodad; else len=24 opt=; fi
		for s in 1 2; do
			# shellcheck disable=SC2086
			ip -n "pub$s" addr add "$(tunnel_addr $k "$fam" "$mobike" $s)/$len" \
				dev wan0 $opt
		done
	done
	for n in $RWS; do
		ip -n pub2 addr add "192.0.2.$n/24" dev wan0
	done
	for s in 1 2; do
		write_settings $s
		charon_start "$(site_dir $s)" "pub$s" || return 1
		swanctl_conf $s > "$(site_dir $s)/swanctl.conf"
		load_conns $s || return 1
		# someone else's: a name like ours, a VTI and an XFRM interface
		foreign_add $s vti99 not-ours up bridge &&
		foreign_add $s fvti none up vti local "203.0.113.$s" remote 203.0.113.9 key 99 &&
		foreign_add $s xfrm99 none down xfrm dev lo if_id 99 || return 1
	done
	write_model > "$MODEL"
}

# load_conns SITE
load_conns() {
	swanctl_in "$(site_dir "$1")" --load-all --noprompt \
		--file "$(site_dir "$1")/swanctl.conf" > "$(site_dir "$1")/load.out" 2>&1 ||
		{ cat "$(site_dir "$1")/load.out"; return 1; }
}

# --- the checker: tests/lib/soak-check.pl, one process for the run ---
# server_start: start it, its commands on fd 3, its answers on fd 4
server_start() {
	mkfifo "$WORK/checker.in" "$WORK/checker.out"
	perl "$top/tests/lib/soak-check.pl" --model "$MODEL" --state "$STATE" \
		--figures "$FIGURES" --counts "$COUNTS" \
		"1:$(site_dir 1):priv1:pub1" "2:$(site_dir 2):priv2:pub2" \
		< "$WORK/checker.in" > "$WORK/checker.out" 2> "$RESULTS/soak-checker.err" &
	SERVER=$!
	exec 3> "$WORK/checker.in"
	exec 4< "$WORK/checker.out"
}

# server_stop: its input closed, it ends (within 10 s, or is killed)
server_stop() {
	[ -n "$SERVER" ] || return 0
	exec 3>&- 4<&-
	ss_end=$(( $(date +%s) + 10 ))
	while pid_alive "$SERVER" && [ "$(date +%s)" -lt $ss_end ]; do
		sleep 0.1
	done
	pid_alive "$SERVER" && kill -KILL "$SERVER"
	wait "$SERVER" 2>/dev/null || true
	SERVER=
}

# ask COMMAND ARGS...: a command to the checker; prints its answer, returns
# its status (3 if the checker ended: its messages in soak-checker.err)
ask() {
	printf '%s\n' "$*" >&3 || { echo "the checker is gone"; return 3; }
	while IFS= read -r ask_line <&4; do
		case $ask_line in
			"end "*) return "${ask_line#end }" ;;
		esac
		printf '%s\n' "$ask_line"
	done
	echo "the checker ended"
	return 3
}

# --- events ---
# vici SITE COMMAND KEY=VALUE...: a request to the site's charon, its
# answer on one line
vici() {
	v_site=$1
	shift
	ask vici -t 30 "$WORK/site$v_site/charon.vici" "$@"
}

# sel SITE NAME ike|child: the selector of the tunnel's SAs on the site (A
# tells the roadwarriors apart by their identities)
sel() {
	case $2 in
		rw*)
			if [ "$1" = 1 ]; then
				[ "$3" = child ] && printf 'child=rw '
				printf 'match-remote-id=%s.b' "$2"
				return
			fi ;;
	esac
	printf '%s=%s' "$3" "$2"
}

# can_initiate SITE NAME: A takes MOBIKE tunnels and roadwarriors from any
# address: only B initiates those
can_initiate() {
	[ "$1" = 2 ] && return 0
	case $2 in rw*|m6|m4|mu|xm) return 1 ;; esac
}

# ours_in NS [UP]: "IFINDEX NAME UP|DOWN" of each interface of ours in NS
# (with UP, those that are up), from the checker's listing
ours_in() {
	ask ours "$@"
}

# pick_line TEXT: LINE = the R-th line of TEXT (R drawn from the line
# count), empty if TEXT is empty
pick_line() {
	LINE=
	pl_n=0
	while IFS= read -r pl_l; do
		[ -z "$pl_l" ] || pl_n=$((pl_n + 1))
	done <<EOF
$1
EOF
	[ $pl_n -gt 0 ] || return 0
	rnd $pl_n
	pl_n=0
	while IFS= read -r pl_l; do
		[ -n "$pl_l" ] || continue
		[ $pl_n = "$R" ] && LINE=$pl_l
		pl_n=$((pl_n + 1))
	done <<EOF
$1
EOF
}

# tunnel_field NAME FIELD: the tunnel's index K and its field FIELD (2
# family ... 7 the fixed id); nothing for a roadwarrior
tunnel_field() {
	tf_k=0
	while read -r tf_name tf_rest; do
		tf_k=$((tf_k + 1))
		[ "$tf_name" = "$1" ] || continue
		# shellcheck disable=SC2086
		set -- "$1" "$2" "$tf_name" $tf_rest
		eval "echo $tf_k \${$(( $2 + 2 ))}"
		return 0
	done <<EOF
$TUNNELS
EOF
}

# The events: each sets EV to what it did.

# ev_mobike NAME: B's address of the MOBIKE tunnel moves to its other one,
# where B initiated the IKE_SA (or has none): the initiator picks the new
# path, while A, the initiator after a reauthentication of its own, may
# pick any pair of the addresses B lists (192.0.2.1, where the
# roadwarriors' VTI has its endpoints, among them)
ev_mobike() {
	if [ "$(ask initiator "$WORK/site2/charon.vici" "$1")" = no ]; then
		EV="$1: B is the responder, not moved"
		return 0
	fi
	# shellcheck disable=SC2046
	set -- $(tunnel_field "$1" 2)
	eval "em_alt=\${MOBIKE_$1:-}"
	em_a=$(tunnel_addr "$1" "$2" yes 2) em_b=$(tunnel_addr "$1" "$2" yes 2 alt)
	if [ -n "$em_alt" ]; then em_old=$em_b em_new=$em_a; else em_old=$em_a em_new=$em_b; fi
	if [ "$2" = 6 ]; then
		ip -n pub2 addr add "$em_new/64" dev wan0 nodad
		ip -n pub2 addr del "$em_old/64" dev wan0
	else
		ip -n pub2 addr add "$em_new/24" dev wan0
		ip -n pub2 addr del "$em_old/24" dev wan0
	fi
	if [ -n "$em_alt" ]; then eval "MOBIKE_$1="; else eval "MOBIKE_$1=alt"; fi
	# charon logs the address gone at once: the quiet point waits for
	# its roam, 100 ms later
	EV="B's address $em_old -> $em_new"
}

# ev_reload SITE valid|invalid: the site's settings rewritten and reloaded
# (as swanctl --reload-settings): valid ones flip f4's MTU and drop what
# was invalid; invalid ones give a connection a value the plugin refuses
ev_reload() {
	if [ "$2" = valid ]; then
		eval "er_m=\$F4MTU_$1"
		if [ "$er_m" = 1400 ]; then er_m=1380; else er_m=1400; fi
		eval "F4MTU_$1=$er_m BAD_$1="
		state_del "invalid $1 *"
		er_what="valid, f4 mtu = $er_m"
	else
		rnd 9
		nth $((R + 1)) f6 u6 u4 x6 xu m6 m4 mu xm
		er_conn=$NTH
		rnd 4
		nth $((R + 1)) mtu:12 name:bad/name addresses:300.1.2.3/24 kind:tunnel
		er_bad=$NTH
		eval "BAD_$1=\"$er_conn ${er_bad%%:*} ${er_bad#*:}\""
		state_del "invalid $1 *"
		state_add "invalid $1 $er_conn"
		er_what="invalid, $er_conn ${er_bad%%:*} = ${er_bad#*:}"
	fi
	write_settings "$1"
	EV="$er_what: $(vici "$1" reload-settings)"
}

# ev_kill: kill -9 B's charon, start it again with its connections; A drops
# its IKE_SAs with B at once, as its DPD would a while later
ev_kill() {
	ek_d=$(site_dir 2)
	ek_pid=$(charon_pid "$ek_d")
	EV="charon $ek_pid"
	charon_kill "$ek_d" || { EV="$EV did not die"; return 1; }
	# not holding the checker's pipes open
	charon_start "$ek_d" pub2 3>&- 4<&- || { EV="$EV killed, did not start again"; return 1; }
	load_conns 2 || { EV="$EV killed, the new one did not load its connections"; return 1; }
	EV="$EV killed, $(charon_pid "$ek_d") started;"
	EV="$EV A: $(vici 1 terminate match-remote-id='*' force=yes timeout=-1)"
}

# ev_hand SITE delete|down|up: an interface of ours deleted, set down or set
# up again by hand
ev_hand() {
	eh_ns=priv$1
	if [ "$2" = up ]; then
		pick_line "$(state_third downhand "$1")"
		[ -n "$LINE" ] || { EV="none set down by hand"; return 0; }
		state_del "downhand $1 $LINE"
		eh_line=
		eh_all=$(ours_in "$eh_ns")
		while read -r eh_idx eh_rest; do
			[ "$eh_idx" = "$LINE" ] && eh_line="$eh_idx $eh_rest"
		done <<EOF
$eh_all
EOF
		[ -n "$eh_line" ] || { EV="ifindex $LINE is gone"; return 0; }
		# shellcheck disable=SC2086
		set -- $eh_line
		ip -n "$eh_ns" link set dev "$2" up
		# not fought either: one kept down (down_action = down) may stay up
		state_add "uphand ${eh_ns#priv} $1"
		EV="$2 ($1) set up again"
		return 0
	fi
	eh_op=$2
	# an operator sets down what is up
	if [ "$eh_op" = down ]; then
		pick_line "$(ours_in "$eh_ns" UP)"
	else
		pick_line "$(ours_in "$eh_ns")"
	fi
	[ -n "$LINE" ] || { EV="no interface of ours to $eh_op"; return 0; }
	# shellcheck disable=SC2086
	set -- $LINE
	if [ "$eh_op" = delete ]; then
		ip -n "$eh_ns" link del dev "$2"
		state_del "downhand ${eh_ns#priv} $1"
		EV="$2 ($1) deleted"
	else
		ip -n "$eh_ns" link set dev "$2" down
		state_add "downhand ${eh_ns#priv} $1"
		EV="$2 ($1, $3) set down"
	fi
}

# ev_foreign SITE NAME: someone else's interface takes the name the
# tunnel's interface would have (a fixed one); or the one made so goes
ev_foreign() {
	ef_old=$(state_third foreigntemp "$1")
	if [ -n "$ef_old" ]; then
		ip -n "priv$1" link del dev "$ef_old"
		state_del "foreign $1 $ef_old *"
		state_del "foreigntemp $1 $ef_old"
		EV="the foreign $ef_old deleted"
		return 0
	fi
	case $2 in
		rw*)
			if [ "$1" = 1 ]; then ef_name=vti$RW_MARK
			else ef_name=vti$((RW_MARK + ${2#rw})); fi ;;
		*)
			# shellcheck disable=SC2046
			set -- "$1" "$2" $(tunnel_field "$2" 4) $(tunnel_field "$2" 7)
			case $2:$6 in
				*:-) EV="$2 has no fixed name"; return 0 ;;
				d6:*|dx:*) EV="$2 keeps its interface down"; return 0 ;;
			esac
			if [ "$4" = mark ]; then ef_name=vti$6; else ef_name=xfrm$6; fi ;;
	esac
	if link_exists "priv$1" "$ef_name"; then
		EV="$ef_name exists"
		return 0
	fi
	foreign_add "$1" "$ef_name" someone-else down bridge ||
		{ EV="making a foreign $ef_name failed"; return 0; }
	state_add "foreigntemp $1 $ef_name"
	EV="a foreign $ef_name made"
}

# rekey_both NAME: the tunnel's CHILD_SAs rekeyed on both sites, both
# requests sent before either answer is read
rekey_both() {
	# shellcheck disable=SC2046
	ask vici -t 30 "$WORK/site1/charon.vici" rekey $(sel 1 "$1" child) -- \
		"$WORK/site2/charon.vici" rekey $(sel 2 "$1" child)
}

# play: draw the next event and play it; EV says what it was and did
play() {
	rnd 100; p_r=$R
	rnd $NNAMES
	# shellcheck disable=SC2086
	nth $((R + 1)) $NAMES
	p_t=$NTH
	rnd 2; p_side=$((R + 1))
	rnd 2; p_other=$R
	p_how=ike
	[ $p_other = 1 ] && p_how=child
	# the SA events take a tunnel that is up (on B, which has them all),
	# initiate one that is not, where there is one: fewer events for nothing
	if [ $p_r -lt 69 ]; then
		p_up=$(ask up "$WORK/site2/charon.vici")
		if [ $p_r -lt 23 ]; then
			p_down=
			for p_n in $NAMES; do
				case "
$p_up
" in
					*"
$p_n
"*) ;;
					*) p_down="$p_down$p_n
" ;;
				esac
			done
			pick_line "$p_down"
		else
			pick_line "$p_up"
		fi
		[ -z "$LINE" ] || p_t=$LINE
	fi
	# shellcheck disable=SC2046
	if [ $p_r -lt 23 ]; then
		can_initiate $p_side "$p_t" || p_side=2
		# not one that is up: a second CHILD_SA with %unique marks and
		# the same endpoints gets no interface (the kernel tells VTIs
		# apart by their endpoints alone), and stays without one
		EV="initiate $p_t from site $p_side: $(vici $p_side initiate "child=$p_t" \
			"unless-child=$p_t" timeout=20000)"
	elif [ $p_r -lt 34 ]; then
		EV="terminate $p_how $p_t from site $p_side: $(vici $p_side terminate \
			$(sel $p_side "$p_t" $p_how) timeout=15000)"
	elif [ $p_r -lt 46 ]; then
		EV="rekey CHILD_SA $p_t from site $p_side: $(vici $p_side rekey $(sel $p_side "$p_t" child))"
	elif [ $p_r -lt 54 ]; then
		EV="rekey CHILD_SA $p_t from both sites at once: $(rekey_both "$p_t")"
	elif [ $p_r -lt 61 ]; then
		EV="rekey IKE_SA $p_t from site $p_side: $(vici $p_side rekey $(sel $p_side "$p_t" ike))"
	elif [ $p_r -lt 69 ] && [ $p_side = 2 ]; then
		# break-before-make: B keeps the interfaces up to 30 s for the new
		# CHILD_SAs
		state_add "grace 2 $p_t $(( $(date +%s) + 35 ))"
		EV="reauthenticate $p_t from B (break-before-make): $(vici 2 rekey $(sel 2 "$p_t" ike) reauth=yes)"
	elif [ $p_r -lt 69 ]; then
		EV="reauthenticate $p_t from A (make-before-break): $(vici 1 rekey $(sel 1 "$p_t" ike) reauth=yes)"
	elif [ $p_r -lt 76 ]; then
		rnd 4
		nth $((R + 1)) m6 m4 mu xm
		ev_mobike "$NTH"
		EV="MOBIKE: $EV"
	elif [ $p_r -lt 81 ]; then
		if [ $p_other = 0 ]; then ev_reload $p_side valid; else ev_reload $p_side invalid; fi
		EV="settings of site $p_side reloaded, $EV"
	elif [ $p_r -lt 82 ]; then
		ev_kill || true
		EV="kill -9: $EV"
	elif [ $p_r -lt 89 ]; then
		ev_hand $p_side delete
		EV="by hand, site $p_side: $EV"
	elif [ $p_r -lt 93 ]; then
		ev_hand $p_side down
		EV="by hand, site $p_side: $EV"
	elif [ $p_r -lt 96 ]; then
		ev_hand $p_side up
		EV="by hand, site $p_side: $EV"
	else
		ev_foreign $p_side "$p_t"
		EV="foreign interface, site $p_side: $EV"
	fi
}

# soak_check N: the quiet point after event N and its invariants
soak_check() {
	ask check "$1"
}

# broken N OUTPUT: the first broken invariant, at event N: its lines, the
# history, both charons' logs and how to replay it
broken() {
	printf '%s\n' "$2" | sed -n 's/^FAIL: //p' | while IFS= read -r line; do
		echo "FAIL: $line"
	done
	if ! printf '%s\n' "$2" | grep -q '^FAIL: '; then
		printf '%s\n' "$2"
		fail "soak: event $1: the checker gave no answer"
	fi
	VTI_FAILED=$((VTI_FAILED + $(printf '%s\n' "$2" | grep -c '^FAIL: ' || true)))
	echo "soak: an invariant broke at event $1 of $EVENTS, seed $SEED"
	echo "soak: replay it with: tests/soak.sh --seed $SEED --events $1"
	echo "----- the last 40 events (all of them in $HISTORY)"
	awk -v from=$(($1 - 39)) '/^event / { n = $2 + 0 } n >= from' "$HISTORY"
	for s in 1 2; do
		cp "$(site_dir $s)/charon.log" "$RESULTS/soak-charon$s.log" 2>/dev/null || true
		echo "----- the last 150 lines of site $s's charon log ($RESULTS/soak-charon$s.log)"
		tail -n 150 "$(site_dir $s)/charon.log"
	done
}

# growth SITE: the site's figures, the first hundred events against the
# last hundred, of its longest-lived charon: "PID N FD1 FD2 RSS1 RSS2
# FDMAX1 FDMAX2" (the median open fds and VmRSS in KiB of each, and the
# largest fd count: one more now and then is a vici connection or a
# netlink dump in flight)
growth() {
	awk -v s="$1" '$2 == s { n[$3]++; fd[$3, n[$3]] = $4; rss[$3, n[$3]] = $5 }
		function med(a, p, from, to,   i, j, k, v, t) {
			k = 0
			for (i = from; i <= to; i++) v[++k] = a[p, i]
			for (i = 2; i <= k; i++)
				for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
			return v[int((k + 1) / 2)]
		}
		function mx(a, p, from, to,   i, m) {
			m = 0
			for (i = from; i <= to; i++) if (a[p, i] > m) m = a[p, i]
			return m
		}
		END {
			for (p in n) if (n[p] > best) { best = n[p]; pid = p }
			if (!best) exit 1
			w = best < 100 ? best : 100
			print pid, best, med(fd, pid, 1, w), med(fd, pid, best - w + 1, best), \
				med(rss, pid, 1, w), med(rss, pid, best - w + 1, best), \
				mx(fd, pid, 1, w), mx(fd, pid, best - w + 1, best)
		}' "$FIGURES"
}

# table_sizes SITE: from the resyncs the site's charon logged (each logs
# the plugin's table), the first ten against the last ten: "N EXTRA1
# EXTRA2 DECL1 DECL2 IFS1 IFS2" (N resyncs; the most holders beyond
# charon's CHILD_SAs, declined CHILD_SAs and interfaces in each)
table_sizes() {
	sed -n 's/.*vti: resync: charon has \([0-9]*\) CHILD_SAs for interfaces, the table \([0-9]*\) holders ([0-9]* retired, [0-9]* IKE_SAs), \([0-9]*\) interfaces, \([0-9]*\) declined.*/\1 \2 \3 \4/p' \
		"$(site_dir "$1")/charon.log" | awk '
		{ n++; x[n] = $2 - $1; i[n] = $3; d[n] = $4 }
		function mx(a, from, to,   k, m) {
			m = -1e9
			for (k = from; k <= to; k++) if (a[k] > m) m = a[k]
			return m
		}
		END {
			if (n < 2) exit 1
			w = n < 10 ? n : 10
			print n, mx(x, 1, w), mx(x, n - w + 1, n), mx(d, 1, w), mx(d, n - w + 1, n),
				mx(i, 1, w), mx(i, n - w + 1, n)
		}'
}

# report: the figures of the run, a PASS line per kind of invariant
report() {
	awk -F '\t' '{ n[$1] += $2; all += $2 } END {
			for (k in n) printf "PASS: soak: %s: %d checks\n", k, n[k]
			printf "soak: %d invariant checks\n", all
		}' "$COUNTS" | sort > "$WORK/kinds"
	grep '^PASS' "$WORK/kinds" | while IFS= read -r line; do echo "$line"; done
	VTI_PASSED=$((VTI_PASSED + $(grep -c '^PASS' "$WORK/kinds")))
	checks=$(sed -n 's/^soak: \([0-9]*\) invariant checks$/\1/p' "$WORK/kinds")
	pass "soak: $1 events, ${checks:-0} invariant checks (seed $SEED)"
	vmax=$(awk '$6 > m { m = $6 } END { print m + 0 }' "$FIGURES")
	echo "    vici version answered within $vmax ms at most"
	for s in 1 2; do
		growth_report $s
		# shellcheck disable=SC2046
		set -- $(table_sizes $s) || true
		[ $# -ge 7 ] || continue
		echo "    site $s: the plugin's table over $1 resyncs, the first ten and" \
			"the last ten: holders beyond charon's CHILD_SAs at most $2, $3;" \
			"declined $4, $5; interfaces $6, $7"
		# site 2's charon restarts: only site 1's runs the whole soak
		[ "$s" = 2 ] || [ "$1" -lt 20 ] ||
			check "soak: site 1's table holds no more beyond charon's CHILD_SAs ($2 -> $3)" \
				test "$3" -le "$(( ($2 > 0 ? $2 : 0) + 2 ))"
	done
}

# growth_report SITE: the open fds and VmRSS of the site's longest-lived
# charon, judged where it saw a hundred quiet points
growth_report() {
	gr_s=$1
	# shellcheck disable=SC2046
	set -- $(growth "$1") || true
	if [ $# -lt 8 ]; then
		fail "soak: site $gr_s's figures"
		return 0
	fi
	echo "    site $gr_s: charon $1 over $2 quiet points, the first hundred and the" \
		"last: open fds median $3, $4 (at most $7, $8); VmRSS median $5 KiB, $6 KiB"
	if [ "$2" -lt 100 ]; then
		echo "    (fewer than 100 quiet points: growth not judged)"
		return 0
	fi
	check "soak: site $gr_s: charon $1 keeps its open fds ($3 -> $4)" test "$4" -le "$3"
	# what the allocator keeps: 5 % or 1 MiB
	check "soak: site $gr_s: charon $1's VmRSS does not grow ($5 -> $6 KiB)" \
		test $(( ($6 - $5) * 100 )) -le $(( $5 * 5 > 102400 ? $5 * 5 : 102400 ))
}

if ! check "soak: sites 1 (A) and 2 (B, three roadwarriors) up with their connections" setup; then
	dump_logs
	summary
	exit 1
fi
server_start
start=$(date +%s)
i=0
while [ $i -lt "$EVENTS" ]; do
	i=$((i + 1))
	# what failed in an event is in EV; a failure is the checker's to find
	play || true
	if out=$(soak_check $i); then ok=yes; else ok=no; fi
	printf 'event %d: %s\n%s\n' "$i" "$EV" "$out" >> "$HISTORY"
	if [ $((i % 25)) = 0 ] || [ $ok = no ]; then
		echo "    event $i, $(( $(date +%s) - start )) s: $EV"
	fi
	if [ $ok = no ]; then
		broken $i "$out"
		break
	fi
done
end=$(date +%s)
if [ "$VTI_FAILED" = 0 ]; then
	report $i
fi
echo "    $i events in $((end - start)) s: $(awk "BEGIN { printf \"%.2f\", ($end - $start) / ($i ? $i : 1) }") s an event" \
	"($(awk '/^    event [0-9.]* s, quiet point and checks/ { a += $2; c += $8; n++ }
		END { if (n) printf "%.2f s the event, %.2f s the quiet point and checks", a / n, c / n }' "$HISTORY"))"
echo "    history: $HISTORY, figures: $FIGURES (seed $SEED)"
summary
