# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Prints valgrind's error and loss records that have a frame in the plugin;
# exits 0 when there are none. Records are separated by "==PID== " lines.
/^==[0-9]+== $/ {
	if (keep && rec != "") { print rec; found = 1 }
	rec = ""; keep = 0; next
}
{
	rec = rec $0 "\n"
	if ($0 ~ /libstrongswan-vti|vti_[a-z_]+ \(/) keep = 1
}
END {
	if (keep && rec != "") { print rec; found = 1 }
	exit found
}
