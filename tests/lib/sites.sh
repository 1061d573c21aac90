# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# A scenario library: sites joined over a shared "wan" segment.
#
# Site N has a public namespace pubN (charon runs there, ESP flows there;
# its link wan0 has 192.0.2.N/24 and 2001:db8::N/64) and a private namespace
# privN (routing, cleartext). All public links hang off a bridge in the
# namespace "wan". Each site's charon keeps its files in $WORK/siteN.
# Needs charon.sh and check.sh sourced first.

WORK=${WORK:-$(mktemp -d /tmp/vti-scenario.XXXXXX)}
SITES=

site_v4() { echo "192.0.2.$1"; }
site_v6() { echo "2001:db8::$1"; }
site_dir() { echo "$WORK/site$1"; }

# router_ns NS...: new namespaces, loopback up, forwarding, no DAD
router_ns() {
	for ns in "$@"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.forwarding=1 \
			net.ipv4.ip_forward=1 net.ipv6.conf.default.accept_dad=0
	done
}

# bridge_ns NS: a namespace holding the bridge br0 (a shared segment)
bridge_ns() {
	ip netns add "$1"
	ip -n "$1" link set lo up
	ip -n "$1" link add br0 type bridge
	ip -n "$1" link set br0 up
}

# site_add N: create the namespaces and the wan link of site N
site_add() {
	n=$1
	ip netns list | grep -qw wan || bridge_ns wan
	router_ns "pub$n" "priv$n"
	ip -n wan link add "site$n" type veth peer name wan0 netns "pub$n"
	ip -n wan link set "site$n" master br0 up
	ip -n "pub$n" addr add "$(site_v4 "$n")/24" dev wan0
	ip -n "pub$n" addr add "$(site_v6 "$n")/64" dev wan0 nodad
	ip -n "pub$n" link set wan0 up
	SITES="$SITES $n"
}

# site_charon N [EXTRA]: start site N's charon in pubN
site_charon() {
	charon_conf "$(site_dir "$1")" "${2:-}"
	charon_start "$(site_dir "$1")" "pub$1"
}

# site_swanctl N: load the swanctl.conf read from stdin into site N's charon
site_swanctl() {
	d=$(site_dir "$1")
	cat > "$d/swanctl.conf"
	swanctl_in "$d" --load-all --noprompt --file "$d/swanctl.conf" > "$d/load.out" 2>&1 ||
		{ cat "$d/load.out"; return 1; }
}

# wait_child N CHILD [SECONDS]: wait until CHILD is INSTALLED on site N
wait_child() {
	d=$(site_dir "$1")
	end=$(( $(date +%s) + ${3:-20} ))
	while [ "$(date +%s)" -lt "$end" ]; do
		if swanctl_in "$d" --list-sas 2>/dev/null |
				grep -E "^ +$2: #[0-9]+, .*INSTALLED" > /dev/null; then
			return 0
		fi
		sleep 0.3
	done
	echo "CHILD_SA $2 not installed on site $1 within ${3:-20}s" >&2
	return 1
}

# children_installed CHILD: CHILD gets INSTALLED on site 1 (within 40 s),
# then on site 2 (within 10 s): both, or false
children_installed() {
	wait_child 1 "$1" 40 && wait_child 2 "$1" 10
}

# no_sa N: site N's charon answers and has no IKE_SA at all (after an
# initiation that failed: nothing is left that could install a CHILD_SA)
no_sa() {
	ns_sas=$(swanctl_in "$(site_dir "$1")" --list-sas 2>/dev/null) || return 1
	[ -z "$ns_sas" ]
}

# now_ms: monotonic enough for intervals, in milliseconds
now_ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

# wait_ms MS COMMAND...: poll COMMAND (every 50 ms) until it succeeds,
# for at most MS milliseconds
wait_ms() {
	end=$(( $(now_ms) + $1 ))
	shift
	while [ "$(now_ms)" -lt "$end" ]; do
		"$@" > /dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

# logged FILE TEXT: FILE has a line holding TEXT (fixed string)
logged() {
	grep -qF -- "$2" "$1"
}

# ping_from NS ADDR [COUNT]: ping with a deadline
ping_from() {
	ip netns exec "$1" ping -q -c "${3:-3}" -i 0.3 -W 2 -w 10 "$2" > /dev/null
}

# pid_alive PID: PID is running (a child that ended but was not waited
# for yet, a zombie, is not)
pid_alive() {
	[ -r "/proc/$1/stat" ] || return 1
	case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) in
		''|Z*|X*) return 1 ;;
	esac
}

# stop_pid PID SIGNAL SECONDS: send SIGNAL to PID, a background child of
# this shell, wait at most SECONDS for it to end (then SIGKILL), reap it.
# Fails if it had ended before or had to be killed.
stop_pid() {
	sp_pid=$1
	if ! pid_alive "$sp_pid"; then
		wait "$sp_pid" 2>/dev/null
		echo "process $sp_pid had ended before SIG$2" >&2
		return 1
	fi
	kill -s "$2" "$sp_pid" 2>/dev/null
	sp_end=$(( $(date +%s) + $3 ))
	while pid_alive "$sp_pid"; do
		if [ "$(date +%s)" -ge "$sp_end" ]; then
			echo "process $sp_pid still ran $3 s after SIG$2: killed" >&2
			kill -s KILL "$sp_pid" 2>/dev/null
			wait "$sp_pid" 2>/dev/null
			return 1
		fi
		sleep 0.1
	done
	wait "$sp_pid" 2>/dev/null
	return 0
}

# capture_start NS IF FILE FILTER...: tcpdump in the background until
# capture_stop, its messages in FILE.out; returns once it listens. ip netns
# exec execs tcpdump, so $! is tcpdump itself: its PID joins CAPTURES.
CAPTURES=
capture_start() {
	ns=$1 ifc=$2 file=$3
	shift 3
	ip netns exec "$ns" tcpdump -pni "$ifc" -U --immediate-mode -w "$file" "$@" \
		> "$file.out" 2>&1 &
	CAPTURES="$CAPTURES $!"
	wait_for 5 grep -q listening "$file.out"
}

# capture_stop: stop every capture capture_start started, each by its PID,
# with SIGINT (tcpdump writes out what it has and exits), waiting at most
# 5 s for each. Fails if one had ended before (its FILE.out says why) or
# had to be killed.
capture_stop() {
	[ -n "$CAPTURES" ] || return 0
	# let the last packets arrive
	sleep 0.5
	cs_status=0
	for cs_pid in $CAPTURES; do
		stop_pid "$cs_pid" INT 5 || cs_status=1
	done
	CAPTURES=
	return $cs_status
}

# capture_read FILE: the capture in text
capture_read() {
	tcpdump -nr "$1" 2>/dev/null
}

# dump_logs: every charon's log, for a failed check
dump_logs() {
	for n in $SITES; do
		d=$(site_dir "$n")
		echo "----- charon log of site $n ($d/charon.log)"
		cat "$d/charon.log" 2>/dev/null
	done
}

# sites_teardown: stop every capture and charon, remove every namespace
sites_teardown() {
	capture_stop > /dev/null 2>&1
	for n in $SITES; do
		charon_stop "$(site_dir "$n")" 5 > /dev/null 2>&1
	done
	for n in $SITES; do
		ip netns del "pub$n" 2>/dev/null
		ip netns del "priv$n" 2>/dev/null
	done
	ip netns del wan 2>/dev/null
	SITES=
}

# psk_conf LOCAL REMOTE CHILD_OPTIONS: a swanctl.conf for an IKEv2 PSK tunnel
# between two endpoint addresses, with the article's algorithms
psk_conf() {
	cat <<CONF
connections {
	net {
		local_addrs = $1
		remote_addrs = $2
		version = 2
		proposals = aes256gcm16-prfsha384-ecp384
		mobike = no
		local {
			auth = psk
			id = $1
		}
		remote {
			auth = psk
			id = $2
		}
		children {
			net {
				esp_proposals = aes256gcm16-ecp384
				$3
			}
		}
	}
}
secrets {
	ike {
		id-1 = $1
		id-2 = $2
		secret = ${PSK:-d8bdRxaY22oH1j89Z2nATeYyrXfP9ga6xC5mi0RG1uc}
	}
}
CONF
}
