#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the Debian package strongswan-vti from this tree, for the installed
# strongSwan (the source package and the binary one), checks both with
# lintian and prints the path of the .deb.
#
#   scripts/build-deb.sh [-o DIR] [-g REF]
#
# -o: where the .deb, .changes, .buildinfo, .dsc and the build's log go (default:
# build/ in the tree); -g: build what git has committed at REF instead of the
# working tree as it is.
#
# The package's version is debian/changelog's, for the source and the binary
# alike; VTI_DEB_VERSION replaces it in the copy that is built (the package
# test builds an older one to upgrade from). The strongSwan source is
# VTI_STRONGSWAN_SOURCE when set (a configured tree, see
# docs/packaging.md), otherwise the one scripts/strongswan-source.sh fetches
# and caches; debian/rules itself never fetches anything. The build runs on
# a copy of the tree (dpkg-buildpackage cleans and reconfigures what it
# builds in); what it needs is installed with apt when missing. Fails when
# lintian --pedantic reports anything not overridden (VTI_LINTIAN=no skips
# lintian).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

# sealed DIR SOURCE: (in new mount and network namespaces) no network, the
# root file system read-only but for DIR, where the tree and what
# dpkg-buildpackage writes beside it are, and a private /tmp (SOURCE, the
# strongSwan tree, stays visible there, read-only); then runs
# dpkg-buildpackage in DIR/strongswan-vti. Whatever the build tried to
# change outside DIR fails it.
sealed() {
	dir=$1 source=$2
	mount --make-rprivate /
	# held in a tmpfs of its own while /tmp is replaced, then moved back
	mount -t tmpfs tmpfs /mnt
	mkdir /mnt/dir /mnt/source
	mount --bind "$dir" /mnt/dir
	mount --bind "$source" /mnt/source
	mount -o remount,bind,ro /mnt/source
	mount -t tmpfs -o mode=1777 tmpfs /tmp
	mkdir -p "$dir" "$source"
	mount --move /mnt/dir "$dir"
	mount --move /mnt/source "$source"
	umount /mnt
	mount -o remount,bind,ro /
	cd "$dir/strongswan-vti"
	exec dpkg-buildpackage -b --no-sign
}
if [ "${1:-}" = --sealed ]; then
	sealed "$2" "$3"
fi
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
ss_src=${VTI_STRONGSWAN_SOURCE:-$("$top/scripts/strongswan-source.sh")}
ss_src=$(cd "$ss_src" && pwd)
version=${VTI_DEB_VERSION:-$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)}

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

if [ -n "${VTI_DEB_VERSION:-}" ]; then
	# the same entry under another version: source and binary still agree
	sed -i "1s/([^)]*)/($VTI_DEB_VERSION)/" "$src/debian/changelog"
	[ "$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)" = "$VTI_DEB_VERSION" ] ||
		{ log "cannot set the version $VTI_DEB_VERSION"; exit 1; }
fi

# the source package too (3.0 (quilt): the tree without debian/ as the orig
# tarball), for lintian and for builders such as sbuild
upstream=${version#*:}
upstream=${upstream%-*}
tar -C "$tmp" --exclude=strongswan-vti/debian -czf \
	"$tmp/strongswan-vti_$upstream.orig.tar.gz" strongswan-vti
if ! (cd "$tmp" && dpkg-source -b strongswan-vti) > "$tmp/source.log" 2>&1; then
	cat "$tmp/source.log" >&2
	log "dpkg-source -b failed"
	exit 1
fi
dsc=$tmp/strongswan-vti_${version#*:}.dsc
for f in "$dsc" $(sed -n '/^Files:/,/^[^ ]/s/^ [0-9a-f]* [0-9]* //p' "$dsc"); do
	cp "$tmp/$(basename "$f")" "$out/"
done

# offline and changing nothing outside its folder where this can be
# enforced (root: unshare), as it is otherwise
if unshare -mn true 2> /dev/null; then
	log "building $version against the strongSwan source in $ss_src, sealed (no network, nothing writable but its folder)"
	build() { unshare -mn "$0" --sealed "$tmp" "$ss_src"; }
else
	log "building $version against the strongSwan source in $ss_src (not sealed: unshare -mn needs root)"
	build() { (cd "$src" && dpkg-buildpackage -b --no-sign); }
fi
if ! VTI_STRONGSWAN_SOURCE=$ss_src build > "$tmp/build.log" 2>&1; then
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
log "built against strongSwan $(sed -n 's/^checking the Debian source version of the strongSwan tree\.\.\. //p' "$out/build-deb.log")"

status=0
if [ "${VTI_LINTIAN:-yes}" = no ]; then
	log "lintian skipped (VTI_LINTIAN=no)"
elif command -v lintian > /dev/null; then
	lintian_out=$(lintian --pedantic "$out/$(basename "$changes")" \
		"$out/$(basename "$dsc")" 2>&1) || status=1
	if [ -n "$lintian_out" ]; then
		printf '%s\n' "$lintian_out" >&2
	fi
	# its tags (lintian also says it runs as root, which is no tag)
	if printf '%s\n' "$lintian_out" | grep -qE '^[EWIPXC]: '; then
		log "lintian --pedantic reports tags"
		status=1
	else
		log "lintian: clean"
	fi
else
	log "lintian is not installed: not checked"
fi
echo "$deb"
exit $status
