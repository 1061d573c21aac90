# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by bench/guest.sh and bench/requests.sh.

# fresh_ns: the benchmark's namespaces anew: bench-pub (charon's, with
# wan0 2001:db8::1) and bench-priv (the interfaces'); bench-peer gone
fresh_ns() {
	for ns in bench-pub bench-priv bench-peer; do
		ip netns del "$ns" 2>/dev/null || true
	done
	ip netns add bench-pub
	ip netns add bench-priv
	ip -n bench-pub link set lo up
	ip -n bench-pub link add wan0 type dummy
	ip -n bench-pub addr add 2001:db8::1/64 dev wan0 nodad
	ip -n bench-pub link set wan0 up
}
