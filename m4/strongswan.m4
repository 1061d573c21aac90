# VTI_STRONGSWAN
# --------------
# Locates a configured strongSwan source tree for the headers, checks that it
# is the version of the installed charon and that it was configured like it
# (ME, i.e. --enable-mediation, changes the layout of ike_sa_t), and sets
# STRONGSWAN_CPPFLAGS, STRONGSWAN_LIBDIR and STRONGSWAN_VERSION.
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

STRONGSWAN_CPPFLAGS="-include $ss_src/config.h -I$ss_src/src/libstrongswan -I$ss_src/src/libcharon"
AC_SUBST([STRONGSWAN_CPPFLAGS])
AC_SUBST([STRONGSWAN_LIBDIR])
AC_SUBST([STRONGSWAN_VERSION])
])
