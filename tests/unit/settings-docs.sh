#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The settings are described once, in plugin/vti.opt: the files generated
# from it (scripts/settings.sh) are what it gives, and its keys are the ones
# plugin/vti_config*.c reads and knows. (The unit tests check its defaults,
# values, ranges, examples and sections against the parser.)
set -eu
top=${VTI_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }

# the generated file $1 (in the tree) against $2 (from vti.opt)
same()
{
	if cmp -s "$top/$1" "$2"; then
		pass "$1 is what plugin/vti.opt gives"
	else
		fail "$1 differs from what plugin/vti.opt gives (run scripts/settings.sh):"
		diff -u "$top/$1" "$2" | head -40 || true
	fi
}

# the sorted lines of $1 and $2 are the same; $3 says what they are
same_set()
{
	sort -u "$1" > "$1.sorted"
	sort -u "$2" > "$2.sorted"
	if [ ! -s "$1.sorted" ]; then
		fail "no $3 found in the code (the patterns of this check are stale)"
	elif cmp -s "$1.sorted" "$2.sorted"; then
		pass "$3: the code and plugin/vti.opt agree ($(wc -l < "$1.sorted") keys)"
	else
		fail "$3: the code (<) and plugin/vti.opt (>) differ:"
		diff "$1.sorted" "$2.sorted" | grep '^[<>]' || true
	fi
}

if "$top/scripts/settings.sh" "$tmp" && "$top/scripts/settings.sh" --keys > "$tmp/keys"; then
	pass "scripts/settings.sh reads plugin/vti.opt"
	same plugin/vti.conf "$tmp/vti.conf"
	same man/strongswan-vti.5 "$tmp/strongswan-vti.5"
	same README "$tmp/README"
else
	fail "scripts/settings.sh fails (see above)"
	exit 1
fi

# the keys the code reads: VALUE("key", ...) in parse_entry(), and the
# "%s.plugins.vti.key" of the get_*() calls (connections is a section);
# strongSwan's plugin loader reads those marked loader
code="$top/plugin/vti_config.c $top/plugin/vti_config_values.c"
{
	sed -n 's/.*VALUE("\([a-z_]*\)".*/\1/p' $code
	grep -h 'get_\(str\|int\|bool\|time\|double\)' $code |
		sed -n 's/.*"%s\.plugins\.vti\.\([a-z_]*\)".*/\1/p'
	awk '$3 == "loader" { print $2 }' "$tmp/keys"
} > "$tmp/read"
awk '{ print $2 }' "$tmp/keys" > "$tmp/documented"
same_set "$tmp/read" "$tmp/documented" "keys read"

# the table of known keys the unknown-key check uses, with where each may
# be set
sed -n 's/^	{ "\([a-z_]*\)", \(IN_[A-Z_ |]*\) },$/\1 \2/p' \
		"$top/plugin/vti_config.c" |
	sed 's/ IN_GLOBAL | IN_CONN$/ both/; s/ IN_GLOBAL$/ global/;
		s/ IN_CONN$/ connection/' |
	awk '{ print $2, $1 }' > "$tmp/known"
awk '{ print $1, $2 }' "$tmp/keys" > "$tmp/scoped"
same_set "$tmp/known" "$tmp/scoped" "known keys and where they may be set"

if grep -q '"%s\.plugins\.vti\.connections"' $code &&
	grep -q '^charon\.plugins\.vti\.connections\.<conn> {}$' "$top/plugin/vti.opt"; then
	pass "the connections section is read and documented"
else
	fail "the connections section is not both read and documented"
fi

if command -v groff > /dev/null; then
	warnings=$(groff -man -ww -z "$top/man/strongswan-vti.5" 2>&1)
	if [ -z "$warnings" ]; then
		pass "man/strongswan-vti.5 renders without warnings"
	else
		fail "man/strongswan-vti.5: $warnings"
	fi
fi
exit $failed
