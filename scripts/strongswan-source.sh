#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Prints the path of a configured strongSwan source tree matching the installed
# charon, obtaining and configuring it first when the cache has none.
#
#   scripts/strongswan-source.sh [-r DEBIAN_VERSION | -o]
#
# Debian ships no strongSwan headers, so the plugin compiles against the
# source of exactly the installed upstream version, configured with the
# options that change the layout of public structs as Debian builds them.
# Without an option: the installed Debian revision's source, or when the
# archive has lost it another revision's of the same upstream version, or
# the bare upstream tarball (cached in VTI_CACHE/strongswan-UPSTREAM).
# -r: that Debian revision's source and no other (cached in
# VTI_CACHE/strongswan-DEBIAN_VERSION unless the default tree is it);
# -o: the newest revision of the installed upstream version that is not the
# installed one and that the archive still has (the package test builds
# from it to load the plugin into another revision's charon).
#
# It runs apt-get (update, source) and may add deb-src entries: building
# the package never runs it (debian/rules takes VTI_STRONGSWAN_SOURCE).
set -eu

cache=${VTI_CACHE:-/var/cache/strongswan-vti}
log() { echo "strongswan-source: $*" >&2; }
want=
while getopts r:o opt; do
	case $opt in
		r) want=$OPTARG ;;
		o) want=other ;;
		*) echo "usage: $0 [-r DEBIAN_VERSION | -o]" >&2; exit 2 ;;
	esac
done

deb_version=$(dpkg-query -W -f '${Version}' libstrongswan 2>/dev/null) || {
	log "libstrongswan is not installed (apt-get install strongswan-charon)"; exit 1; }
upstream=${deb_version#*:}
upstream=${upstream%%-*}
tree="$cache/strongswan-$upstream"

# -r: the default tree if it is that revision, otherwise a tree of its own
if [ -n "$want" ] && [ "$want" != other ]; then
	want_up=${want#*:}
	if [ "${want_up%-*}" != "$upstream" ]; then
		log "strongswan $want is not of the installed upstream version $upstream"
		exit 1
	fi
	if [ -f "$tree/config.h" ] &&
			[ "$(cat "$tree/.vti-configured" 2>/dev/null)" = "Debian source $want" ]; then
		echo "$tree"
		exit 0
	fi
	tree="$cache/strongswan-$want"
fi
if [ -f "$tree/config.h" ] && [ -f "$tree/.vti-configured" ]; then
	echo "$tree"
	exit 0
fi

# An apt source entry for every binary entry, so that `apt-get source` works.
ensure_deb_src() {
	if apt-get source --print-uris "strongswan=$deb_version" >/dev/null 2>&1; then
		return 0
	fi
	log "adding deb-src entries next to the configured deb entries"
	list=/etc/apt/sources.list.d/strongswan-vti-src.sources
	: > "$list.tmp"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && [ "$f" != "$list" ] || continue
		# deb822 stanzas: keep those of type deb, turn them into deb-src
		awk 'BEGIN{RS="";ORS="\n\n"} /(^|\n)Types:[^\n]*deb([ \n]|$)/ && !/Enabled: *no/ {
			gsub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f" >> "$list.tmp"
	done
	if [ -f /etc/apt/sources.list ]; then
		sed -n 's/^deb \(.*\)$/deb-src \1/p' /etc/apt/sources.list > /etc/apt/sources.list.d/strongswan-vti-src.list
	fi
	mv "$list.tmp" "$list"
	apt-get update -qq
}

mkdir -p "$cache"
work=$(mktemp -d "$cache/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

ensure_deb_src
# the other revisions of the installed upstream version, newest first
others=$(apt-cache showsrc strongswan 2>/dev/null | sed -n 's/^Version: //p' |
	grep "^\([0-9]*:\)\{0,1\}$upstream-" | grep -vxF "$deb_version" | sort -rVu)
# The newest revision's .dsc may be missing from the archive: try the
# installed revision, then any other revision of the same upstream version,
# then the bare upstream tarball.
case $want in
	"") candidates="$deb_version $others" ;;
	other) candidates=$others ;;
	*) candidates=$want ;;
esac
got=
for v in $candidates; do
	if [ "$want" = other ]; then
		# a revision already fetched and configured is used as it is
		tree="$cache/strongswan-$v"
		for t in "$cache/strongswan-$upstream" "$tree"; do
			if [ -f "$t/config.h" ] &&
					[ "$(cat "$t/.vti-configured" 2>/dev/null)" = "Debian source $v" ]; then
				echo "$t"
				exit 0
			fi
		done
	fi
	log "trying strongswan=$v"
	if apt-get source -qq "strongswan=$v" >/dev/null 2>&1 && [ -d "strongswan-$upstream" ]; then
		got="Debian source $v"
		break
	fi
	rm -rf "strongswan-$upstream"
done
if [ -z "$got" ] && [ -n "$want" ]; then
	if [ "$want" = other ]; then
		log "no Debian source of strongSwan $upstream other than the installed $deb_version can be fetched (apt-cache showsrc strongswan offers: $(echo $others))"
	else
		log "cannot fetch the Debian source strongswan=$want"
	fi
	exit 1
fi
if [ -z "$got" ]; then
	apt-get source -qq --download-only "strongswan=$deb_version" >/dev/null 2>&1 || true
	orig=$(ls strongswan_"$upstream".orig.tar.* 2>/dev/null | head -n1)
	[ -n "$orig" ] || { log "cannot obtain the source of strongSwan $upstream"; exit 1; }
	tar xf "$orig"
	got="upstream tarball $orig"
fi
log "using $got"

cd "strongswan-$upstream"
# --enable-mediation defines ME, which adds methods to ike_sa_t, peer_cfg_t and
# daemon_t; Debian builds with it. The rest only has to configure quickly.
log "configuring (this takes ~20 s)"
./configure --prefix=/usr --sysconfdir=/etc --libdir=/usr/lib \
	--libexecdir=/usr/lib --enable-mediation --disable-gmp \
	--with-capabilities=native > configure.out 2>&1 || {
	tail -n 20 configure.out >&2; log "configure failed"; exit 1; }
echo "$got" > .vti-configured

rm -rf "$tree"
mv "$work/strongswan-$upstream" "$tree"
echo "$tree"
