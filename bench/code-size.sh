#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The size of the plugin's production code (plugin/ and include/) against
# issue 18's targets: lines and files, the largest file, the largest
# function and how many functions are over 60 lines. A function is counted
# from its first line at column 0 (its type or METHOD) to its closing brace
# at column 0.
#
#   bench/code-size.sh [TOP]        (default: this checkout)
set -eu
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top"

# production_files: every production source and header, a line each
production_files() {
	find plugin include -name "*.[ch]" | sort
}

# functions FILE...: "LINES FILE:NAME" for every function of the files
functions() {
	awk '
	FNR == 1 { sig = ""; start = 0 }
	/^[A-Za-z]/ && !/;[ \t]*$/ && !body { if (sig == "") { sig = $0; start = FNR } }
	/^[A-Za-z].*;[ \t]*$/ && !body { sig = "" }
	/^\{/ && sig != "" { body = 1 }
	/^\}/ && body {
		name = sig
		if (name ~ /^METHOD/) { sub(/^METHOD[0-9]*\([^,]*, */, "", name); sub(/,.*/, "", name) }
		else { sub(/\(.*/, "", name); sub(/.*[ *]/, "", name) }
		print FNR - start + 1, FILENAME ":" name
		body = 0; sig = ""
	}
	/^$/ && !body { sig = "" }
	' "$@"
}

files=$(production_files)
# shellcheck disable=SC2086
total=$(cat $files | wc -l)
count=$(echo "$files" | wc -l)
# shellcheck disable=SC2086
largest_file=$(wc -l $files | grep -v ' total$' | sort -n | tail -n 1)
# shellcheck disable=SC2086
largest_fn=$(functions $(echo "$files" | grep '\.c$') | sort -n | tail -n 1)
# shellcheck disable=SC2086
over=$(functions $(echo "$files" | grep '\.c$') | awk '$1 > 60' | wc -l)
printf '  %-44s %12s  target %s\n' "production lines (plugin/, include/)" \
	"$total" "<= 5000"
printf '  %-44s %12s\n' "production files" "$count"
printf '  %-44s %12s  target <= ~600 (%s)\n' "largest file" \
	"${largest_file% *}" "${largest_file##* }"
printf '  %-44s %12s  target <= ~60 (%s)\n' "largest function" \
	"${largest_fn%% *}" "${largest_fn#* }"
printf '  %-44s %12s\n' "functions over 60 lines" "$over"
