# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds with AddressSanitizer and UndefinedBehaviorSanitizer (gcc, or
# VTI_SANITIZE_CC), from the sources and flags automake has for the
# targets. Source it with top and build set; uses $build/sanitize.

san_cc=${VTI_SANITIZE_CC:-gcc}
san_out=$build/sanitize
# -fno-sanitize-recover: the first finding ends the run
san_flags="-fsanitize=address,undefined -fno-sanitize-recover=all
	-fno-omit-frame-pointer -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter"
mkdir -p "$san_out"
san_mk=$(mktemp "$san_out/print.XXXXXX")
printf 'print-%%:\n\t@echo $($*)\n' > "$san_mk"

# san_var NAME: the value of a variable of the build's Makefile
san_var() {
	# a make inside make (distcheck) passes -w in MAKEFLAGS: its "Entering
	# directory" lines would join the value
	MAKEFLAGS= MAKELEVEL= make -s --no-print-directory -C "$build" -f Makefile -f "$san_mk" "print-$1"
}

# san_sources TARGET_SOURCES_VAR: its .c files, as paths
san_sources() {
	# shellcheck disable=SC2046
	for f in $(san_var "$1"); do
		case $f in *.c) echo "$top/$f" ;; esac
	done
}

san_cppflags() {
	echo "$(san_var STRONGSWAN_CPPFLAGS) -I$top/include $(san_var MNL_CFLAGS)"
}

# san_build_plugin FILE: the plugin, kept loaded at dlclose (-z nodelete)
# so that leak reports at charon's exit still name its frames; the build
# log goes to FILE.log
san_build_plugin() {
	mkdir -p "$(dirname "$1")"
	# shellcheck disable=SC2046,SC2086
	$san_cc $san_flags -fPIC -shared -Wl,-z,nodelete $(san_cppflags) \
		-o "$1" $(san_sources libstrongswan_vti_la_SOURCES) \
		$(san_var MNL_LIBS) > "$1.log" 2>&1
}

# san_build_tests FILE: the unit tests; the build log goes to FILE.log
san_build_tests() {
	libdir=$(san_var STRONGSWAN_LIBDIR)
	# shellcheck disable=SC2046,SC2086
	$san_cc $san_flags $(san_cppflags) $(san_var CHECK_CFLAGS) -o "$1" \
		$(san_sources tests_unit_vti_tests_SOURCES) -L"$libdir" \
		-Wl,-rpath,"$libdir" -lstrongswan $(san_var MNL_LIBS) \
		$(san_var CHECK_LIBS) > "$1.log" 2>&1
}

san_done() {
	rm -f "$san_mk"
}
