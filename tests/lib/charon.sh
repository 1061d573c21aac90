# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs real charon daemons isolated from any other charon on the machine.
# Source it; set VTI_PLUGIN to the built libstrongswan-vti.so to load it.
#
# Each daemon gets a directory D holding its strongswan.conf, log, vici
# socket and pid, and runs in a mount namespace of its own with a private
# /run (charon's pid file is fixed at /run/charon.pid) that still shows the
# machine's /run/netns, so the plugin can open the private namespaces.

CHARON=${CHARON:-/usr/lib/ipsec/charon}
# seconds a swanctl command waits for charon's answer: a charon that hangs
# fails the check that asked, and shows its threads, instead of stopping
# the group at its deadline
SWANCTL_DEADLINE=${SWANCTL_DEADLINE:-120}
VTI_SRCDIR=${VTI_SRCDIR:-$(cd "$(dirname "$0")/../.." 2>/dev/null && pwd)}

# charon_conf D [EXTRA]: write D/strongswan.conf; EXTRA is appended inside
# the charon section (plugin settings, install_routes, ...). With the
# plugin, charon.interfaces_ignore is strongswan-vti, or
# CHARON_INTERFACES_IGNORE where that is set; set but empty, the setting
# is left out (to show what charon does without it).
charon_conf() {
	d=$1
	extra=${2:-}
	mkdir -p "$d"
	vti_load="vti { load = no }"
	ignore=
	if [ -n "${VTI_PLUGIN:-}" ]; then
		vti_load="include $VTI_SRCDIR/plugin/vti.conf"
		# the name interfaces are born under: moving them away must not
		# make charon roam (README, "Charon and the interfaces it sees")
		ignore=${CHARON_INTERFACES_IGNORE-strongswan-vti}
		[ -n "$ignore" ] && ignore="interfaces_ignore = $ignore"
	fi
	cat > "$d/strongswan.conf" <<CONF
charon {
	load_modular = yes
	install_routes = no
	$ignore
	# TCG guests on a loaded machine answer slowly: give them time
	retransmit_tries = 4
	retransmit_timeout = 1.0
	plugins {
		include /etc/strongswan.d/charon/*.conf
		$vti_load
		vici {
			socket = unix://$d/charon.vici
		}
	}
	filelog {
		vtilog {
			path = $d/charon.log
			time_format = %H:%M:%S
			flush_line = yes
			ike_name = yes
			default = 1
			chd = 2
		}
	}
	syslog {
		identifier = charon-test
		daemon {
			default = -1
		}
	}
	$extra
}
swanctl {
	socket = unix://$d/charon.vici
}
CONF
}

# charon_start D [NETNS]: start charon in NETNS (or the current namespace)
# and wait until its vici socket answers.
charon_start() {
	d=$1
	ns=${2:-}
	mkdir -p /run/netns "$d/netns-keep" "$d/plugins"
	rm -f "$d/charon.vici" "$d/charon.pid" "$d/exit"
	# a copy, as it is bind-mounted over charon's plugin directory
	cp /usr/lib/ipsec/plugins/*.so "$d/plugins/"
	rm -f "$d/plugins/libstrongswan-vti.so"
	if [ -n "${VTI_PLUGIN:-}" ]; then
		cp "$VTI_PLUGIN" "$d/plugins/libstrongswan-vti.so"
	fi
	nsexec=
	[ -n "$ns" ] && nsexec="ip netns exec $ns"
	# shellcheck disable=SC2016
	STRONGSWAN_CONF="$d/strongswan.conf" D="$d" CHARON="$CHARON" \
	setsid $nsexec unshare --mount --propagation slave sh -c '
		mount --rbind /run/netns "$D/netns-keep"
		mount -t tmpfs -o mode=755 charon-run /run
		mkdir -p /run/netns
		mount --rbind "$D/netns-keep" /run/netns
		umount -l "$D/netns-keep"
		mount --bind "$D/plugins" /usr/lib/ipsec/plugins
		$CHARON > "$D/charon.out" 2>&1 &
		echo $! > "$D/charon.pid"
		wait $!
		echo $? > "$D/exit"' < /dev/null > /dev/null 2>&1 &
	cs_end=$(($(date +%s) + 30))
	while [ "$(date +%s)" -lt $cs_end ] && [ ! -f "$d/exit" ]; do
		if [ -S "$d/charon.vici" ] &&
			SWANCTL_DEADLINE=20 swanctl_in "$d" --stats > /dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	echo "charon in $d did not start within 30 s" >&2
	cat "$d/charon.out" "$d/charon.log" >&2 2>/dev/null
	charon_stacks "$d" >&2
	pid=$(charon_pid "$d")
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	return 1
}

# swanctl_in D COMMAND ARGS...: swanctl against the charon of D
swanctl_in() {
	d=$1
	cmd=$2
	shift 2
	# swanctl's own plugin loader complains about plugins Debian does not
	# ship; that noise is not ours
	timeout -k 5 "$SWANCTL_DEADLINE" \
		swanctl "$cmd" --uri "unix://$d/charon.vici" "$@" 2> "$d/swanctl.err"
	rc=$?
	grep -v "^plugin '.*': failed to load" "$d/swanctl.err" >&2 || true
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		echo "swanctl $cmd: no answer from charon in $d within" \
			"${SWANCTL_DEADLINE}s" >&2
		charon_stacks "$d" >&2
	fi
	return $rc
}

# process_stacks PID: the threads' backtraces of process PID (gdb, given
# 30 s), or where each thread waits in the kernel where gdb is missing
process_stacks() {
	if command -v gdb > /dev/null; then
		timeout -k 5 30 gdb -p "$1" -batch -ex 'thread apply all bt' 2>&1 |
			grep -E '^(Thread |#[0-9])'
	else
		for t in /proc/"$1"/task/*; do
			echo "thread ${t##*/}: $(cat "$t/comm" "$t/wchan" 2>/dev/null | tr '\n' ' ')"
		done
	fi
}

# charon_stacks D: why D's charon did not answer: what its threads are
# doing and the end of its log, once per charon, into
# charon-stacks.PID.txt in the results (VTI_RESULTS, which tests/groups.sh
# shows after the group: the caller's output may be discarded), or in D;
# prints where
charon_stacks() {
	cst_pid=$(charon_pid "$1")
	[ -n "$cst_pid" ] || return 0
	cst_file=${VTI_RESULTS:-$1}/charon-stacks.$cst_pid.txt
	if [ ! -f "$cst_file" ]; then
		{
			echo "----- the threads of charon $cst_pid in $1"
			process_stacks "$cst_pid"
			echo "----- the end of its log"
			tail -n 40 "$1/charon.log" 2>/dev/null
		} > "$cst_file"
	fi
	echo "the threads of charon $cst_pid: $cst_file"
}

# charon_pid D
charon_pid() {
	cat "$1/charon.pid" 2>/dev/null
}

# charon_stop D [TIMEOUT]: SIGTERM, wait for it with a deadline; prints the
# exit status, returns non-zero if it had to be killed
charon_stop() {
	d=$1
	t=${2:-10}
	pid=$(charon_pid "$d")
	[ -n "$pid" ] || return 1
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 $((t * 10))); do
		if [ -f "$d/exit" ]; then
			cat "$d/exit"
			return 0
		fi
		sleep 0.1
	done
	echo "charon in $d did not stop within ${t}s, killing it" >&2
	kill -KILL "$pid" 2>/dev/null
	return 1
}

# charon_kill D: SIGKILL, as a crash would
charon_kill() {
	d=$1
	pid=$(charon_pid "$d")
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	for _ in $(seq 1 50); do
		[ -f "$d/exit" ] && return 0
		sleep 0.1
	done
	return 1
}
