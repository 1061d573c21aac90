# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# What the tests of the built plugin in real charons on this host share
# (tests/load, tests/examples): the build's paths, the charon and check
# helpers, and their preconditions (root, the plugin built). Source it with
# top set to the source tree.
build=${VTI_TOP_BUILDDIR:-$top}
VTI_SRCDIR=$top
VTI_PLUGIN=$build/.libs/libstrongswan-vti.so
. "$top/tests/lib/charon.sh"
. "$top/tests/lib/check.sh"

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (mount namespaces)"; exit 77; }
[ -f "$VTI_PLUGIN" ] || { echo "FAIL: $VTI_PLUGIN not built"; exit 1; }

# host_test_end NETNS WORK: a host test's EXIT trap. NETNS is deleted and
# WORK removed (kept with VTI_KEEP), each tried for up to 5 s: the last
# charon's processes may still be ending. What stays is a FAIL line, and
# so is a stop before the summary (set -e, a precondition), named with the
# check before it: the exit status alone would tell make check nothing.
host_test_end() {
	hte_status=$?
	trap - EXIT
	set +e
	if [ -z "${VTI_SUMMARIZED:-}" ]; then
		echo "FAIL: $(basename "$0") stopped before its summary (exit" \
			"status $hte_status), after: ${VTI_LAST:-no check}"
		[ "$hte_status" -ne 0 ] || hte_status=1
	fi
	if ! wait_for 5 netns_gone "$1"; then
		echo "FAIL: clean-up: namespace $1 not deleted"
		hte_status=1
	fi
	if [ -n "${VTI_KEEP:-}" ]; then
		echo "kept (VTI_KEEP): $2"
	elif ! wait_for 5 dir_gone "$2"; then
		echo "FAIL: clean-up: $2 not removed"
		hte_status=1
	fi
	exit "$hte_status"
}

# netns_gone NETNS: delete NETNS; true once it is gone
netns_gone() {
	ip netns del "$1" 2>/dev/null
	[ ! -e "/run/netns/$1" ]
}

# dir_gone DIR: remove DIR; true once it is gone
dir_gone() {
	rm -rf "$1" 2>/dev/null
	[ ! -e "$1" ]
}
