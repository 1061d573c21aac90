# VTI_STRONGSWAN
# --------------
# Locates a configured strongSwan source tree for the headers, checks that it
# is the version of the installed charon and that it was configured like it
# (ME, i.e. --enable-mediation, changes the layout of ike_sa_t), and sets
# STRONGSWAN_CPPFLAGS, STRONGSWAN_LIBDIR, STRONGSWAN_VERSION and
# STRONGSWAN_DEBIAN_VERSION (the Debian source version of the tree, empty
# for a tree that is not a Debian source package). STRONGSWAN_CPPFLAGS
# force-includes the tree's config.h, then vti_build.h, which configure
# writes in the build directory: it defines VTI_STRONGSWAN_BUILT, the
# strongSwan the plugin is built against as a C string, e.g.
# "5.9.8-5+deb12u5", or "5.9.8 (unknown Debian revision)".
AC_DEFUN([VTI_STRONGSWAN], [
AC_ARG_WITH([strongswan-source],
	[AS_HELP_STRING([--with-strongswan-source=DIR],
		[configured strongSwan source tree providing the headers
		 (default: the tree scripts/strongswan-source.sh caches)])],
	[ss_src=$withval], [ss_src=])
AC_ARG_WITH([strongswan-libdir],
	[AS_HELP_STRING([--with-strongswan-libdir=DIR],
		[where the installed libcharon.so.0 and libstrongswan.so.0 live
		 @<:@/usr/lib/ipsec@:>@])],
	[STRONGSWAN_LIBDIR=$withval], [STRONGSWAN_LIBDIR=/usr/lib/ipsec])

AC_MSG_CHECKING([for the installed strongSwan version])
ss_installed=`dpkg-query -W -f '${Version}' strongswan-libcharon 2>/dev/null | sed -e 's/^[[0-9]]*://' -e 's/-.*//'`
if test -z "$ss_installed" -a -r "$STRONGSWAN_LIBDIR/libcharon.so.0"; then
	ss_installed=`strings "$STRONGSWAN_LIBDIR/libcharon.so.0" | sed -n 's/^strongSwan \([[0-9.]]*\)$/\1/p' | head -n1`
fi
test -n "$ss_installed" || AC_MSG_ERROR([no installed strongSwan charon found (apt-get install strongswan-charon)])
AC_MSG_RESULT([$ss_installed])
test -r "$STRONGSWAN_LIBDIR/libcharon.so.0" ||
	AC_MSG_ERROR([$STRONGSWAN_LIBDIR/libcharon.so.0 not found, use --with-strongswan-libdir])

if test -z "$ss_src"; then
	ss_src="${VTI_CACHE:-/var/cache/strongswan-vti}/strongswan-$ss_installed"
fi
AC_MSG_CHECKING([for a configured strongSwan source tree])
if test ! -r "$ss_src/config.h" -o ! -r "$ss_src/src/libcharon/daemon.h"; then
	AC_MSG_RESULT([no])
	AC_MSG_ERROR([no configured strongSwan source in $ss_src: run scripts/strongswan-source.sh or pass --with-strongswan-source=DIR])
fi
ss_src=`cd "$ss_src" && pwd`
AC_MSG_RESULT([$ss_src])

AC_MSG_CHECKING([the version of the strongSwan source])
STRONGSWAN_VERSION=`sed -n 's/^#define VERSION "\(.*\)"$/\1/p' "$ss_src/config.h"`
AC_MSG_RESULT([$STRONGSWAN_VERSION])
if test "x$STRONGSWAN_VERSION" != "x$ss_installed"; then
	AC_MSG_ERROR([the strongSwan source in $ss_src is version $STRONGSWAN_VERSION but the installed charon is $ss_installed: a plugin built against other headers corrupts charon])
fi

AC_MSG_CHECKING([that mediation (ME) matches the installed libcharon])
ss_me_lib=no
if nm -D "$STRONGSWAN_LIBDIR/libcharon.so.0" 2>/dev/null | grep -q ' T mediation_manager_create$'; then
	ss_me_lib=yes
fi
ss_me_src=no
if grep -q '^#define ME ' "$ss_src/config.h"; then
	ss_me_src=yes
fi
if test "$ss_me_lib" != "$ss_me_src"; then
	AC_MSG_RESULT([no])
	AC_MSG_ERROR([ME is defined in $ss_src/config.h: $ss_me_src, but the installed libcharon has mediation: $ss_me_lib; reconfigure the source with the matching --enable-mediation/--disable-mediation])
fi
AC_MSG_RESULT([yes (mediation: $ss_me_lib)])

for ss_bad in MONOLITHIC STATIC_PLUGIN_CONSTRUCTORS USE_VSTR USE_BUILTIN_PRINTF; do
	if grep -q "^#define $ss_bad " "$ss_src/config.h"; then
		AC_MSG_ERROR([$ss_src/config.h defines $ss_bad, which Debian's charon does not])
	fi
done

VTI_STRONGSWAN_DEBIAN_REVISION([$ss_src])

STRONGSWAN_CPPFLAGS="-include $ss_src/config.h -include `pwd`/vti_build.h -I$ss_src/src/libstrongswan -I$ss_src/src/libcharon"
AC_SUBST([STRONGSWAN_CPPFLAGS])
AC_SUBST([STRONGSWAN_LIBDIR])
AC_SUBST([STRONGSWAN_VERSION])
AC_SUBST([STRONGSWAN_DEBIAN_VERSION])
])

# VTI_STRONGSWAN_DEBIAN_REVISION(TREE)
# ------------------------------------
# The Debian source version TREE was unpacked from (apt-get source leaves
# debian/changelog, whose first entry is that version), accepted only when
# its upstream part is the tree's VERSION and it has only the characters
# Debian allows in a version. Sets STRONGSWAN_DEBIAN_VERSION (empty when
# unknown) and writes vti_build.h with VTI_STRONGSWAN_BUILT.
AC_DEFUN([VTI_STRONGSWAN_DEBIAN_REVISION], [
AC_MSG_CHECKING([the Debian source version of the strongSwan tree])
STRONGSWAN_DEBIAN_VERSION=
ss_why="no debian/changelog in $1"
if test -r "$1/debian/changelog"; then
	ss_deb=`sed -n '1s/^strongswan (\(@<:@^)@:>@*\)).*/\1/p' "$1/debian/changelog"`
	ss_deb_up=`echo "$ss_deb" | sed -e 's/^@<:@0-9@:>@*://' -e 's/-@<:@^-@:>@*$//'`
	if test -z "$ss_deb"; then
		ss_why="debian/changelog does not start with a strongswan entry"
	elif test "x$ss_deb_up" != "x$STRONGSWAN_VERSION"; then
		ss_why="debian/changelog is of $ss_deb, not of $STRONGSWAN_VERSION"
	elif echo "$ss_deb" | grep -q '@<:@^0-9A-Za-z.+~:-@:>@'; then
		ss_why="debian/changelog's version $ss_deb has characters a version cannot have"
	else
		STRONGSWAN_DEBIAN_VERSION=$ss_deb
	fi
fi
if test -n "$STRONGSWAN_DEBIAN_VERSION"; then
	VTI_STRONGSWAN_BUILT=$STRONGSWAN_DEBIAN_VERSION
	AC_MSG_RESULT([$STRONGSWAN_DEBIAN_VERSION])
else
	VTI_STRONGSWAN_BUILT="$STRONGSWAN_VERSION (unknown Debian revision)"
	AC_MSG_RESULT([unknown ($ss_why)])
fi
# a header of its own: a config.h of this project would define PACKAGE_*
# again, which strongSwan's defines too. Written by configure itself, not by
# config.status: the reconfigure that make runs after configure.ac changed
# (config.status --recheck, i.e. configure --no-create) writes it too.
# Rewritten only when it changes, so that it rebuilds nothing needlessly.
cat > vti_build.h.tmp <<VTI_EOF
/* Generated by configure: the strongSwan source the plugin is built against */
#define VTI_STRONGSWAN_BUILT "$VTI_STRONGSWAN_BUILT"
VTI_EOF
if cmp -s vti_build.h.tmp vti_build.h; then
	rm -f vti_build.h.tmp
else
	mv -f vti_build.h.tmp vti_build.h
fi
])
