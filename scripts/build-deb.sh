#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the Debian package strongswan-vti from this tree, for the installed
# strongSwan, checks it with lintian and prints the path of the .deb.
#
#   scripts/build-deb.sh [-o DIR] [-g REF]
#
# -o: where the .deb, .changes, .buildinfo and the build's log go (default:
# build/ in the tree); -g: build what git has committed at REF instead of the
# working tree as it is.
#
# The package depends on exactly the installed libstrongswan and
# strongswan-libcharon, so its version carries theirs: debian/changelog's
# upstream version, +ss, strongSwan's (':' as '.'), then its Debian revision,
# e.g. 0.1.0+ss5.9.8-5+deb12u6-1: a rebuild for a newer strongSwan is a newer
# package. VTI_DEB_VERSION overrides it (the package test
# builds an older one to upgrade from). The build runs on a copy of the tree
# (dpkg-buildpackage cleans and reconfigures what it builds in), with the
# strongSwan source scripts/strongswan-source.sh fetches and caches; what
# it needs is installed with apt when missing. Fails when lintian reports an
# error or a warning (VTI_LINTIAN=no skips lintian).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build
ref=
while getopts o:g: opt; do
	case $opt in
		o) out=$OPTARG ;;
		g) ref=$OPTARG ;;
		*) echo "usage: $0 [-o DIR] [-g REF]" >&2; exit 2 ;;
	esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
log() { echo "build-deb: $*" >&2; }

# what building needs (Build-Depends and the tools), installed when missing
missing=
for p in debhelper dpkg-dev build-essential autoconf automake libtool \
		libmnl-dev check pkg-config libstrongswan strongswan-libcharon lintian; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	log "installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$missing > /dev/null
fi
ss_src=$("$top/scripts/strongswan-source.sh")
ss_version=$(dpkg-query -W -f '${Version}' libstrongswan)
base=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
version=${VTI_DEB_VERSION:-${base%-*}+ss$(printf '%s' "$ss_version" | tr : .)-${base##*-}}

tmp=$(mktemp -d /tmp/strongswan-vti-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/strongswan-vti
mkdir "$src"
# the tree as it is, without what building it made: git's files, tracked
# and new (not ignored), or the whole folder outside git
if [ -n "$ref" ]; then
	git -C "$top" archive "$ref" | tar -xf - -C "$src"
elif git -C "$top" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\n" "$f"; done' sh |
		tar -cf - --no-recursion -T -) | tar -xf - -C "$src"
else
	(cd "$top" && tar -cf - --exclude=./build .) | tar -xf - -C "$src"
fi

log "building $version against strongSwan $ss_version ($ss_src)"
if ! (cd "$src" && VTI_STRONGSWAN_SOURCE=$ss_src VTI_DEB_VERSION=$version \
		dpkg-buildpackage -b --no-sign) > "$tmp/build.log" 2>&1; then
	tail -n 60 "$tmp/build.log" >&2
	cp "$tmp/build.log" "$out/build-deb.log"
	log "failed; the whole log is $out/build-deb.log"
	exit 1
fi
cp "$tmp/build.log" "$out/build-deb.log"
changes=$(ls "$tmp"/strongswan-vti_*.changes)
for f in $(sed -n '/^Files:/,/^[^ ]/s/^ [0-9a-f]* [0-9]* [^ ]* [^ ]* //p' "$changes") \
		"$(basename "$changes")"; do
	cp "$tmp/$f" "$out/"
done
deb=$out/strongswan-vti_${version#*:}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || { log "no $deb"; exit 1; }

status=0
if [ "${VTI_LINTIAN:-yes}" = no ]; then
	log "lintian skipped (VTI_LINTIAN=no)"
elif command -v lintian > /dev/null; then
	lintian_out=$(lintian "$out/$(basename "$changes")" 2>&1) || status=1
	if [ -n "$lintian_out" ]; then
		printf '%s\n' "$lintian_out" >&2
	fi
	if printf '%s\n' "$lintian_out" | grep -q '^[EW]: '; then
		log "lintian reports errors or warnings"
		status=1
	else
		log "lintian: clean"
	fi
else
	log "lintian is not installed: not checked"
fi
echo "$deb"
exit $status
