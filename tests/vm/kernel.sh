#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Prints a folder holding Debian's own kernel (boot/vmlinuz-*, lib/modules),
# downloaded with apt and unpacked with dpkg-deb, never installed: it has
# the ip_vti, ip6_vti, xfrm_interface, esp4/esp6 and 9p modules the
# machine's own kernel may lack.
set -eu
cache=${VTI_CACHE:-/var/cache/strongswan-vti}/kernel
log() { echo "vm-kernel: $*" >&2; }

pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1)
if [ -z "$pkg" ]; then
	apt-get update -qq
	pkg=$(apt-cache depends linux-image-amd64 |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1)
fi
[ -n "$pkg" ] || { log "cannot resolve linux-image-amd64"; exit 1; }
kver=${pkg#linux-image-}
dir="$cache/$kver"
if [ -f "$dir/.ready" ]; then
	echo "$dir"
	exit 0
fi

log "downloading $pkg"
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -qq "$pkg" 2>/dev/null) ||
	(cd "$tmp" && apt-get download "$pkg")
dpkg-deb -x "$tmp"/"$pkg"_*.deb "$tmp/root"
depmod -b "$tmp/root" "$kver"
rm -rf "$dir"
mv "$tmp/root" "$dir"
echo "$kver" > "$dir/.ready"
echo "$dir"
