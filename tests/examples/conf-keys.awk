# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# What a strongswan.conf or swanctl.conf file writes, one "PATH = VALUE"
# a line, PATH the dotted path of the key from the file's top (prefix -v
# prefix=charon.plugins for a file read inside charon { plugins { } }).
# Only the forms the examples use: "name {", "name : ref {", "}", "key =
# value", comments and include lines (left out).
function path(key,   p, i) {
	p = prefix
	for (i = 1; i <= depth; i++)
		p = (p == "" ? "" : p ".") stack[i]
	return (p == "" ? "" : p ".") key
}
{ sub(/#.*/, ""); sub(/^[ \t]+/, ""); sub(/[ \t]+$/, "") }
/^$/ || /^include[ \t]/ { next }
/^[^={}]*\{$/ {
	name = $0
	sub(/[ \t]*\{$/, "", name)
	sub(/[ \t]*:.*/, "", name)
	stack[++depth] = name
	next
}
/^\}$/ { depth--; next }
/=/ {
	key = $0
	sub(/[ \t]*=.*/, "", key)
	value = $0
	sub(/^[^=]*=[ \t]*/, "", value)
	print path(key) " = " value
	next
}
{ print "unparsed line " NR ": " $0 > "/dev/stderr"; bad = 1 }
END { if (depth != 0 || bad) exit 1 }
