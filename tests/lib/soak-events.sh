# shellcheck shell=sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The soak's events and the driver that plays them (tests/soak.sh
# sources it).

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
