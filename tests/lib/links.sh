# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Predicates on network links, one meaning each, for check and wait_for.
# They read one line per link (ip -o link show), never a multi-line
# listing, and a namespace they cannot read is never taken for an empty
# one: every function here fails then. Functions in ( ) keep their
# variables to themselves.

# link_line NS DEV: DEV's one line (ip -o link show); fails if DEV does not
# exist in NS (or NS cannot be read)
link_line() (
	line=$(ip -n "$1" -o link show dev "$2" 2>/dev/null) || exit 1
	[ -n "$line" ] || exit 1
	printf '%s\n' "$line"
)

# link_exists NS DEV: DEV exists in NS
link_exists() {
	link_line "$1" "$2" > /dev/null
}

# link_flags NS DEV: DEV's flags, the text between < and > (e.g.
# POINTOPOINT,NOARP,UP,LOWER_UP); fails if DEV does not exist in NS
link_flags() (
	line=$(link_line "$1" "$2") || exit 1
	case $line in
		[0-9]*": "*": <"*">"*) ;;
		*) echo "link_flags: no flags in: $line" >&2; exit 1 ;;
	esac
	flags=${line#*: <}
	printf '%s\n' "${flags%%>*}"
)

# link_is_up NS DEV: DEV exists in NS and is administratively up (UP is
# one of its flags, as a whole word: LOWER_UP is not UP)
link_is_up() (
	flags=$(link_flags "$1" "$2") || exit 1
	case ",$flags," in
		*,UP,*) exit 0 ;;
	esac
	exit 1
)

# link_is_down NS DEV: DEV exists in NS and UP is not one of its flags.
# Needs the link to exist: false when DEV is absent (see link_absent).
link_is_down() (
	flags=$(link_flags "$1" "$2") || exit 1
	case ",$flags," in
		*,UP,*) exit 1 ;;
	esac
	exit 0
)

# link_absent NS DEV: NS can be read and holds no link named DEV
link_absent() (
	all=$(ip -n "$1" -o link show 2>/dev/null) || exit 1
	printf '%s\n' "$all" | awk -v dev="$2" '
		{ name = $2; sub(/:$/, "", name); sub(/@.*/, "", name) }
		name == dev { found = 1 }
		END { exit found }'
)

# link_removed NS DEV IFINDEX: DEV, whose ifindex was IFINDEX when it
# existed, is gone from NS. An empty IFINDEX (DEV never existed) fails:
# a removal counts only for a link that was there.
link_removed() {
	[ -n "$3" ] && link_absent "$1" "$2"
}

# ifindex NS NAME: the interface's index, empty if there is none
ifindex() {
	ip -n "$1" -o link show dev "$2" 2>/dev/null | cut -d: -f1
}

# link_has_ifindex NS DEV IFINDEX: DEV exists in NS with the index IFINDEX
# (not empty): the same link, not one made again
link_has_ifindex() {
	[ -n "$3" ] && [ "$(ifindex "$1" "$2")" = "$3" ]
}

# same_link_up NS DEV IFINDEX: DEV is up in NS and still the link with
# index IFINDEX (not one made anew)
same_link_up() {
	link_is_up "$1" "$2" && link_has_ifindex "$1" "$2" "$3"
}

# link_mtu NS DEV: DEV's MTU; fails if DEV does not exist in NS
link_mtu() (
	line=$(link_line "$1" "$2") || exit 1
	case $line in
		*" mtu "[0-9]*) ;;
		*) echo "link_mtu: no mtu in: $line" >&2; exit 1 ;;
	esac
	mtu=${line#* mtu }
	mtu=${mtu%% *}
	case $mtu in
		*[!0-9]*|'') echo "link_mtu: no mtu in: $line" >&2; exit 1 ;;
	esac
	printf '%s\n' "$mtu"
)

# link_has_addr NS DEV ADDR/LEN: DEV exists in NS and has exactly that
# address (inet or inet6, the whole ADDR/LEN)
link_has_addr() (
	addrs=$(ip -n "$1" addr show dev "$2" 2>/dev/null) || exit 1
	printf '%s\n' "$addrs" | awk -v a="$3" '
		($1 == "inet" || $1 == "inet6") && $2 == a { found = 1 }
		END { exit !found }'
)

# links_with_alias NS PREFIX: how many links in NS have an alias that
# starts with PREFIX; prints nothing and fails if NS cannot be read
links_with_alias() (
	all=$(ip -n "$1" -d link show 2>/dev/null) || exit 1
	printf '%s\n' "$all" | awk -v p="$2" '
		/^ *alias / { a = $0; sub(/^ *alias /, "", a); if (index(a, p) == 1) n++ }
		END { print n + 0 }'
)

# link_alias_is NS DEV ALIAS: DEV exists in NS with the alias ALIAS (not
# empty), exactly
link_alias_is() (
	[ -n "$3" ] || exit 1
	all=$(ip -n "$1" -d link show dev "$2" 2>/dev/null) || exit 1
	printf '%s\n' "$all" | awk -v want="$3" '
		/^ *alias / { a = $0; sub(/^ *alias /, "", a); found = a == want }
		END { exit !found }'
)

# link_tunnel NS DEV FIELD: a field of DEV's vti or vti6 details (ip -d:
# "vti6 remote R local L ikey K okey K"): remote, local, ikey or okey, as
# ip prints it (keys as dotted quads, 0.0.0.6); fails if DEV does not exist
# in NS, is no vti or vti6, or has no such field
link_tunnel() (
	line=$(ip -n "$1" -o -d link show dev "$2" 2>/dev/null) || exit 1
	printf '%s\n' "$line" | awk -v f="$3" '
		{
			for (i = 1; i < NF; i++) {
				if ($i == "vti" || $i == "vti6") { on = 1; continue }
				if (on && $i == f) { print $(i + 1); found = 1; exit }
			}
		}
		END { exit !found }'
)

# link_endpoints_are NS DEV REMOTE LOCAL: DEV, a vti or vti6 in NS, has
# exactly these endpoints (neither empty)
link_endpoints_are() {
	[ -n "$3" ] && [ -n "$4" ] &&
		[ "$(link_tunnel "$1" "$2" remote)" = "$3" ] &&
		[ "$(link_tunnel "$1" "$2" local)" = "$4" ]
}

# link_mtu_is NS DEV MTU: DEV exists in NS with the MTU MTU (not empty)
link_mtu_is() {
	[ -n "$3" ] && [ "$(link_mtu "$1" "$2")" = "$3" ]
}

# link_with_alias NS PREFIX: the name of the one link in NS whose alias
# starts with PREFIX; fails if there is none, more than one, or NS cannot
# be read
link_with_alias() (
	all=$(ip -n "$1" -o -d link show 2>/dev/null) || exit 1
	printf '%s\n' "$all" | awk -v p="$2" '
		{
			for (i = 1; i < NF; i++)
				if ($i == "alias" && index($(i + 1), p) == 1) {
					name = $2; sub(/:$/, "", name); sub(/@.*/, "", name)
					n++
				}
		}
		END { if (n != 1) exit 1; print name }'
)
