#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what building and testing the plugin needs on Debian 12, obtains
# the matching strongSwan source and builds the plugin in this tree.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

say() { printf '\n==> %s\n' "$*"; }

packages="build-essential autoconf automake libtool pkg-config libmnl-dev
	check valgrind strongswan-charon strongswan-swanctl
	libstrongswan-standard-plugins iproute2 tcpdump dpkg-dev binutils
	qemu-system-x86 busybox-static kmod cpio iputils-ping bird2
	clang libclang-rt-14-dev llvm libcpanel-json-xs-perl
	charon-systemd strongswan-starter debhelper lintian gdb"
missing=
for p in $packages; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	say "installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing > /dev/null
fi

say "strongSwan source matching the installed charon"
ss_src=$(scripts/strongswan-source.sh)
echo "$ss_src"

say "building the plugin"
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
	autoreconf -fi > /dev/null 2>&1 || autoreconf -fi
fi
if [ ! -f Makefile ] || ! grep -q "$ss_src/config.h" Makefile; then
	./configure -q --with-strongswan-source="$ss_src"
fi
make -s -j"$(nproc)"
