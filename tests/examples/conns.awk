# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The marks and if_ids of each CHILD_SA configuration, one
# "CONN CHILD KEY VALUE" a line (KEY mark_in, mark_out, if_id_in,
# if_id_out; VALUE decimal, 0 where none is set).
# -v from=file: as a swanctl.conf file (conf-keys.awk's output) writes them;
# -v from=log: as charon logged them at cfg level 2 while loading them
# (vici: "  child NAME:", "   mark_in = 6/4294967295", ..., then "added
# vici connection: CONN").
function emit(conn, child,   k) {
	for (k = 1; k <= 4; k++)
		print conn, child, keys[k], (conn SUBSEP child SUBSEP keys[k]) in v ? \
			v[conn, child, keys[k]] : 0
}
# decimal as the examples write them, and as charon logs them ("6/mask")
function num(s) {
	sub(/\/.*/, "", s)
	return s + 0
}
BEGIN { split("mark_in mark_out if_id_in if_id_out", keys, " ") }
from == "file" && $1 ~ /^connections\.[^.]+\.children\.[^.]+\./ {
	n = split($1, p, ".")
	children[p[2] SUBSEP p[4]] = 1
	if (n == 5 && p[5] ~ /^(mark|if_id)_(in|out)$/)
		v[p[2], p[4], p[5]] = num($3)
}
from == "log" && match($0, /\[CFG\]   child [^ ]+:$/) {
	child = substr($0, RSTART + 14, RLENGTH - 15)
	pending[child] = 1
}
from == "log" && match($0, /\[CFG\]    (mark|if_id)_(in|out) = [0-9]+/) {
	split(substr($0, RSTART + 9), kv, " = ")
	v["", child, kv[1]] = num(kv[2])
}
from == "log" && match($0, /(added|updated) vici connection: .*/) {
	conn = $NF
	for (c in pending) {
		children[conn SUBSEP c] = 1
		for (k = 1; k <= 4; k++)
			if (("" SUBSEP c SUBSEP keys[k]) in v)
				v[conn, c, keys[k]] = v["", c, keys[k]]
	}
	delete pending
	for (x in v)
		if (index(x, SUBSEP) == 1)
			delete v[x]
}
END {
	for (cc in children) {
		split(cc, p, SUBSEP)
		emit(p[1], p[2])
	}
}
