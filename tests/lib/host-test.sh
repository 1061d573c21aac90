# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# What the tests of the built plugin in real charons on this host share
# (tests/load, tests/examples): the build's paths, the charon and check
# helpers, and their preconditions (root, the plugin built). Source it with
# top set to the source tree.
build=${VTI_TOP_BUILDDIR:-$top}
VTI_SRCDIR=$top
VTI_PLUGIN=$build/.libs/libstrongswan-vti.so
. "$top/tests/lib/charon.sh"
. "$top/tests/lib/check.sh"

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (mount namespaces)"; exit 77; }
[ -f "$VTI_PLUGIN" ] || { echo "FAIL: $VTI_PLUGIN not built"; exit 1; }
