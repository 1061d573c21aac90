# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Prints the sanitizer reports (ASan errors, LeakSanitizer leak records,
# UBSan runtime errors) that have a frame in the plugin; exits 0 when there
# are none. Records start at a line "Direct leak", "Indirect leak",
# "==PID==ERROR" or one with "runtime error:", and end at a blank line.
/^(Direct|Indirect) leak|^==[0-9]+==ERROR|runtime error:/ {
	if (keep && rec != "") { print rec; found = 1 }
	rec = ""; keep = 0
}
/^$/ {
	if (keep && rec != "") { print rec; found = 1 }
	rec = ""; keep = 0; next
}
{
	rec = rec $0 "\n"
	if ($0 ~ /libstrongswan-vti|vti_[a-z_]+\.c|in vti_[a-z_]+ /) keep = 1
}
END {
	if (keep && rec != "") { print rec; found = 1 }
	exit found
}
