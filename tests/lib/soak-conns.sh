# shellcheck shell=sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The soak's connections, their settings and swanctl.conf, the model the
# checker is told, and the topology (tests/soak.sh sources it).

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
