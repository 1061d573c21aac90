#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Loads every example the project ships (swanctl.d/**, and the README's
# strongswan.conf and swanctl.conf examples) into a real charon with the
# plugin, laid out as Debian lays them out, and checks what charon makes
# of them:
#   - each file's first line names where it goes: /etc/strongswan.d/charon/
#     (read inside charon { plugins { } }), /etc/strongswan.d/ (read at the
#     top), /etc/swanctl/conf.d/; BIRD files and generate.sh apart;
#   - a temporary root: the host's /etc/strongswan.conf and strongswan.d/
#     (Debian's: strongswan.d/*.conf and strongswan.d/charon/*.conf), the
#     plugin's files as make install puts them, the example over them;
#     charon started with STRONGSWAN_CONF pointing there;
#   - every key an example writes has, as libstrongswan reads the whole
#     layout (settings.c, built here), the value written; the plugin's
#     section is charon.plugins.vti (its load = yes), and no section named
#     charon or plugins hides where nothing reads it;
#   - charon loads the plugin (swanctl --stats) and logs no invalid value;
#     with the installed strongswan-vti.conf, charon ignores the temporary
#     name strongswan-vti and the plugin does not warn about it;
#   - swanctl --load-all --file loads each connection file: --list-conns
#     shows its connections and children, charon's log (cfg level 2) the
#     marks and if_ids as written; its secrets load and say to replace them;
#   - generate.sh writes the three-sites files as committed; BIRD parses
#     its files (bird -p).
set -eu
top=${VTI_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
here=$top/tests/examples
. "$top/tests/lib/host-test.sh"
if [ ! -f /etc/strongswan.conf ] || [ ! -d /etc/strongswan.d/charon ]; then
	echo "FAIL: no Debian strongswan.conf layout in /etc"
	exit 1
fi

work=$(mktemp -d /tmp/vti-examples.XXXXXX)
ns=vti-examples-$$
ip netns add "$ns"
ip -n "$ns" link set lo up
trap 'host_test_end "$ns" "$work"' EXIT

# make_var NAME: a variable of the build's Makefile
mk=$work/print.mk
# shellcheck disable=SC2016
printf 'print-%%:\n\t@echo $($*)\n' > "$mk"
make_var() {
	MAKEFLAGS='' MAKELEVEL='' make -s --no-print-directory -C "$build" \
		-f Makefile -f "$mk" "print-$1"
}

reader=$work/settings
libdir=$(make_var STRONGSWAN_LIBDIR)
# shellcheck disable=SC2046
if ! cc -Wall -Wextra -Werror -Wno-unused-parameter \
	$(make_var STRONGSWAN_CPPFLAGS) -o "$reader" "$here/settings.c" \
	-L"$libdir" -Wl,-rpath,"$libdir" -lstrongswan > "$work/cc.log" 2>&1; then
	cat "$work/cc.log"
	echo "FAIL: the settings reader builds"
	exit 1
fi

# dest FILE: where FILE says it goes, from its first line: charon (a
# strongswan.d/charon/ snippet), top (a strongswan.d/ file), swanctl, or
# nothing
dest() {
	case $(head -n 1 "$1") in
	"# /etc/strongswan.d/charon/"*) echo charon ;;
	"# /etc/strongswan.d/"*) echo top ;;
	"# /etc/swanctl/conf.d/"*) echo swanctl ;;
	esac
}

# root_new ETC: Debian's layout in ETC (strongswan.conf, strongswan.d/),
# without what an installed plugin package put there, the plugin's files
# as make install puts them, and the test's own file (vici socket, log)
root_new() {
	mkdir -p "$1"
	cp /etc/strongswan.conf "$1/"
	cp -r /etc/strongswan.d "$1/"
	rm -f "$1/strongswan.d/charon/vti.conf" "$1/strongswan.d/strongswan-vti.conf"
	cp "$top/plugin/vti.conf" "$1/strongswan.d/charon/vti.conf"
	if [ -f "$top/plugin/strongswan-vti.conf" ]; then
		cp "$top/plugin/strongswan-vti.conf" "$1/strongswan.d/"
	fi
	cat > "$1/strongswan.d/zz-examples-test.conf" <<CONF
charon {
	plugins {
		vici {
			socket = unix://$1/charon.vici
		}
	}
	filelog {
		examples {
			path = $1/charon.log
			flush_line = yes
			default = 1
			cfg = 2
		}
	}
	syslog {
		identifier = charon-examples
		daemon {
			default = -1
		}
	}
}
swanctl {
	socket = unix://$1/charon.vici
}
CONF
}

# settings_as_written ETC FILE PREFIX NAME: every key FILE writes (under
# PREFIX) has that value in ETC's layout as libstrongswan reads it
settings_as_written() {
	if ! want=$(awk -v prefix="$3" -f "$here/conf-keys.awk" "$2"); then
		fail "$4: $(basename "$2") parses"
		return
	fi
	if [ -z "$want" ]; then
		fail "$4: $(basename "$2") sets something"
		return
	fi
	# shellcheck disable=SC2046
	got=$(printf '%s\n' "$want" | sed 's/ = .*//' |
		STRONGSWAN_CONF=$1/strongswan.conf xargs "$reader")
	if [ "$got" = "$want" ]; then
		pass "$4: charon reads $(basename "$2")'s $(printf '%s\n' "$want" | wc -l) settings as written"
	else
		fail "$4: charon reads $(basename "$2")'s settings as written"
		printf '%s\n' "$want" > "$work/want"
		printf '%s\n' "$got" | diff "$work/want" - | sed 's/^/    /'
	fi
}

# no_hidden_section ETC NAME: no section named charon or plugins under
# charon.plugins, none named charon under charon (what a snippet wrapped
# for another place makes), read from a non-empty listing
no_hidden_section() {
	plugins=$(STRONGSWAN_CONF=$1/strongswan.conf "$reader" -s charon.plugins)
	top_sections=$(STRONGSWAN_CONF=$1/strongswan.conf "$reader" -s charon)
	check "$2: the plugin's settings are in charon.plugins.vti" \
		text_has "$plugins" -x vti
	check "$2: no charon.plugins.charon or charon.plugins.plugins section" \
		text_lacks "$plugins" -x -e charon -e plugins
	check "$2: no charon.charon section" \
		text_lacks "$top_sections" -x charon
	check "$2: charon.plugins.vti.load = yes" test \
		"$(STRONGSWAN_CONF=$1/strongswan.conf "$reader" charon.plugins.vti.load)" = \
		"charon.plugins.vti.load = yes"
}

# load_conns ETC FILE NAME: swanctl --load-all --file FILE into ETC's
# charon; its connections, children, marks and if_ids and secrets are
# those FILE writes
load_conns() {
	keys=$(awk -f "$here/conf-keys.awk" "$2")
	want=$(printf '%s\n' "$keys" | awk -v from=file -f "$here/conns.awk" | sort)
	before=$(wc -l < "$1/charon.log")
	if ! out=$(swanctl_in "$1" --load-all --noprompt --file "$2" 2>&1); then
		fail "$3: swanctl --load-all --file $(basename "$2"): $out"
		return
	fi
	pass "$3: swanctl --load-all --file $(basename "$2")"
	conns=$(printf '%s\n' "$want" | awk '{ print $1 }' | sort -u)
	listed=$(swanctl_in "$1" --list-conns | sed -n 's/^\([^ :]*\): IKE.*/\1/p' | sort -u)
	check "$3: --list-conns shows the connections ($(echo $conns))" \
		test -n "$conns" -a "$conns" = "$listed"
	children=$(printf '%s\n' "$want" | awk '{ print $2 }' | sort -u)
	listed=$(swanctl_in "$1" --list-conns | sed -n 's/^  \([^ :]*\): TUNNEL.*/\1/p' | sort -u)
	check "$3: --list-conns shows the children ($(echo $children))" \
		test -n "$children" -a "$children" = "$listed"
	got=$(tail -n +"$((before + 1))" "$1/charon.log" |
		awk -v from=log -f "$here/conns.awk" | sort)
	if [ -n "$want" ] && [ "$got" = "$want" ]; then
		pass "$3: charon has the marks and if_ids as written ($(printf '%s\n' "$want" | awk '$4 != 0 { printf "%s %s=%s ", $2, $3, $4 }'))"
	else
		fail "$3: charon has the marks and if_ids as written"
		printf '%s\n' "$want" > "$work/want"
		printf '%s\n' "$got" | diff "$work/want" - | sed 's/^/    /'
	fi
	secrets=$(printf '%s\n' "$keys" | sed -n 's/^secrets\.\([^.]*\)\.secret = .*/\1/p' | sort)
	loaded=$(printf '%s\n' "$out" | sed -n "s/^loaded ike secret '\(.*\)'/\1/p" | sort)
	check "$3: its secrets load ($(echo $secrets))" \
		test -n "$secrets" -a "$secrets" = "$loaded"
	unmarked=$(awk '/^[ \t]*#/ { c = c $0 } /^[ \t]*secret[ \t]*=/ {
			if (c !~ /replace/) print FILENAME ":" FNR } !/^[ \t]*#/ { c = "" }' "$2")
	check "$3: each secret comes with a line saying to replace it" \
		test -z "$unmarked"
}

# run_set NAME SWANCTL CHARON_SNIPPET TOP_SNIPPET...: one charon with the
# snippets in place, then the connection file loaded into it
run_set() {
	name=$1 swanctl_file=$2 snippet=$3
	shift 3
	etc=$work/$(echo "$name" | tr -c 'A-Za-z0-9\n-' _)/etc
	root_new "$etc"
	cp "$snippet" "$etc/strongswan.d/charon/vti.conf"
	for top_file in "$@"; do
		cp "$top_file" "$etc/strongswan.d/$(basename "$top_file")"
	done
	settings_as_written "$etc" "$snippet" charon.plugins "$name"
	for top_file in "$@"; do
		settings_as_written "$etc" "$top_file" "" "$name"
	done
	no_hidden_section "$etc" "$name"
	if ! charon_start "$etc" "$ns"; then
		fail "$name: charon starts with the examples"
		return
	fi
	pass "$name: charon starts with the examples"
	check "$name: the plugin is loaded (swanctl --stats)" \
		text_has "$(swanctl_in "$etc" --stats)" -E '^loaded plugins:.* vti( |$)'
	load_conns "$etc" "$swanctl_file" "$name"
	status=$(charon_stop "$etc" 20) || true
	check "$name: charon exits cleanly (exit status ${status:-unknown})" test "$status" = 0
	# grep: 1 read the log and found none; 0 found (shown), 2 no log
	status=0
	grep -E "vti: (invalid|unknown)" "$etc/charon.log" || status=$?
	check "$name: the plugin logs no invalid or unknown setting" test $status = 1
	# the examples keep the installed default (strongswan-vti.conf):
	# charon ignores the interfaces' temporary name, the plugin says
	# nothing about it
	if [ -f "$top/plugin/strongswan-vti.conf" ]; then
		check "$name: charon ignores strongswan-vti (the installed default)" test \
			"$(STRONGSWAN_CONF=$etc/strongswan.conf "$reader" charon.interfaces_ignore)" = \
			"charon.interfaces_ignore = strongswan-vti"
		status=0
		grep -E "vti: .*interfaces_(ignore|use)" "$etc/charon.log" || status=$?
		check "$name: the plugin logs nothing about interfaces_ignore" test $status = 1
	fi
}

# run_dir DIR PARENT_TOP...: the examples of DIR; a connection file STEM.conf
# goes with STEM.vti.conf where there is one, else with DIR's (or its
# parent's) single strongswan.d/charon/ snippet; every strongswan.d/ file
# of DIR (or PARENT_TOP where DIR has none) goes with each
run_dir() {
	dir=$1
	shift
	tops='' charon_snippet='' conns=''
	for f in "$dir"/*; do
		[ -f "$f" ] || continue
		case $(dest "$f") in
		top) tops="$tops $f" ;;
		charon) case $f in *.vti.conf) ;; *) charon_snippet=$f ;; esac ;;
		swanctl) conns="$conns $f" ;;
		esac
	done
	[ -n "$tops" ] || tops="$*"
	[ -n "$charon_snippet" ] || charon_snippet=${RUN_DIR_SNIPPET:-}
	RUN_DIR_SNIPPET=$charon_snippet
	for conn_file in $conns; do
		f=$conn_file
		snippet=${f%.conf}.vti.conf
		[ -f "$snippet" ] || snippet=$charon_snippet
		if [ -z "$snippet" ]; then
			fail "$(basename "$f"): a strongswan.d/charon/ snippet goes with it"
			continue
		fi
		# (before: run_set's own loops reuse f; sh has no local variables)
		USED="$USED $f $snippet $tops"
		# shellcheck disable=SC2086
		run_set "${RUN_DIR_LABEL:-${dir#$top/}}/$(basename "$f")" "$f" "$snippet" $tops
	done
}

USED=
run_dir "$top/swanctl.d"
top_tops=$(for f in "$top"/swanctl.d/*; do
	if [ -f "$f" ] && [ "$(dest "$f")" = top ]; then echo "$f"; fi; done)
# shellcheck disable=SC2086
run_dir "$top/swanctl.d/three-sites" $top_tops

# the README's examples: each an indented block whose first line names
# its destination as the files do
readme=$work/README.d
mkdir -p "$readme"
awk -v out="$readme" '
	/^    # \/etc\/(strongswan\.d|swanctl\/conf\.d)\/[^ ]+\.conf/ {
		f = $2; sub(/.*\//, "", f); file = out "/" f; n++
		sub(/^    /, ""); print > file; next }
	file != "" && (/^    / || /^$/) { sub(/^    /, ""); print > file; next }
	{ file = "" }
	END { print n + 0 }' "$top/README" > "$work/readme.count"
check "README: shows strongswan.conf and swanctl.conf examples ($(cat "$work/readme.count"))" \
	test "$(cat "$work/readme.count")" -ge 3
RUN_DIR_SNIPPET=
RUN_DIR_LABEL=README run_dir "$readme"

# every file under swanctl.d has been loaded, or is checked below
for f in $(find "$top/swanctl.d" -type f | sort); do
	case $f in
	*.bird.conf|*/generate.sh) continue ;;
	esac
	case " $USED " in
	*" $f "*) ;;
	*) fail "${f#$top/}: loaded by a charon (its first line names where it goes)" ;;
	esac
done

# generate.sh writes what is committed
gen=$work/three-sites
cp -r "$top/swanctl.d/three-sites" "$gen"
rm -f "$gen"/*.conf
if sh "$gen/generate.sh" && diff -r "$top/swanctl.d/three-sites" "$gen" > "$work/gen.diff"; then
	pass "three-sites: generate.sh writes the committed files"
else
	fail "three-sites: generate.sh writes the committed files"
	sed 's/^/    /' "$work/gen.diff"
fi
if command -v bird > /dev/null; then
	for f in "$top"/swanctl.d/three-sites/*.bird.conf; do
		check "three-sites: BIRD parses $(basename "$f")" \
			bird -p -c "$f"
	done
else
	echo "SKIP: BIRD not installed, its files not parsed"
fi

summary
