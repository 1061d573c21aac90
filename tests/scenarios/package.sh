#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package, installed the way a gateway operator installs it.
#
# On the host (always, whatever the test bed): fetches the strongSwan
# source of a Debian revision other than the installed one
# (scripts/strongswan-source.sh -o), builds the .deb from it with
# scripts/build-deb.sh (sealed: offline, nothing writable outside its
# folder; lintian --pedantic included) and an older build to upgrade from,
# fetches the apparmor and charon-systemd packages into the cache, then
# boots a test-bed guest for the rest: it installs and purges packages,
# which must never happen on this machine. With --prepare DIR it only
# leaves all that in DIR (DIR/ready last) for the one guest that runs
# every group (tests/integration.sh, tests/groups.sh).
#
# In the guest the plugin, built from one Debian revision's source, runs in
# the installed revision's charon: the test says both and fails if they
# are the same. apt takes a strongSwan update of the same upstream version
# with the plugin installed and refuses one of the next upstream version.
#
# In the guest: AppArmor on with Debian's profiles; apt installs the older
# build, then upgrades to the new one (a site's changes kept); a reinstalled
# charon-systemd gets the plugin's AppArmor rules from the trigger;
# charon-systemd, started as strongswan.service starts it, and
# strongswan-starter's charon, as strongswan-starter.service starts it, load
# the installed plugin and make the article's V3-2 interface in the
# namespace "private" from swanctl --load-all of the installed example, with
# the settings under charon-systemd.plugins.vti, then under
# charon.plugins.vti; confined by their profiles with nothing denied (and,
# without the rules, the plugin cannot enter the namespace); then apt purge
# removes everything the package installed.
set -u

if [ -z "${VTI_IN_GUEST:-}" ]; then
	top=$(cd "$(dirname "$0")/../.." && pwd)
	results=${VTI_RESULTS_DIR:-/tmp/vti-results}/package
	cache=${VTI_CACHE:-/var/cache/strongswan-vti}/debs
	if [ "${1:-}" = --prepare ]; then
		debs=$2
		mkdir -p "$debs"
	else
		debs=$(mktemp -d /tmp/vti-package.XXXXXX)
		trap 'rm -rf "$debs"' EXIT
	fi
	mkdir -p "$results" "$cache"
	# the host's checks, counted in the guest's summary
	host_check() {
		desc=$1
		shift
		if "$@"; then echo "PASS: $desc"; else echo "FAIL: $desc"; fi >> "$debs/host-checks"
	}
	: > "$debs/host-checks"
	# the source of another revision than the one installed: the plugin
	# must work in the charon of a revision it was not built from
	installed=$(dpkg-query -W -f '${Version}' libstrongswan)
	VTI_STRONGSWAN_SOURCE=$("$top/scripts/strongswan-source.sh" -o 2> "$debs/source.err")
	sed 's/^/    | /' "$debs/source.err"
	export VTI_STRONGSWAN_SOURCE
	host_check "the strongSwan source of a Debian revision other than the installed $installed (${VTI_STRONGSWAN_SOURCE:-none})" \
		test -n "$VTI_STRONGSWAN_SOURCE"
	echo "package: building the .deb on the host (scripts/build-deb.sh)"
	start=$(date +%s)
	# VTI_DEB_REF: build what git has at that commit, not the working tree
	ref=${VTI_DEB_REF:+-g $VTI_DEB_REF}
	# shellcheck disable=SC2086
	"$top/scripts/build-deb.sh" $ref -o "$debs/new" > "$debs/new.path" 2> "$debs/new.err"
	new=$(cat "$debs/new.path")
	sed 's/^/    | /' "$debs/new.err"
	echo "package: built in $(( $(date +%s) - start ))s: $new"
	host_check "scripts/build-deb.sh builds the .deb" test -f "$new"
	host_check "built sealed: no network, nothing writable outside its folder" \
		grep -q '^build-deb: building .*, sealed (' "$debs/new.err"
	host_check "lintian --pedantic reports nothing (build-deb.sh says clean)" \
		grep -qx 'build-deb: lintian: clean' "$debs/new.err"
	newv=$(dpkg-deb -f "$new" Version 2> /dev/null)
	host_check "source and binary versions agree (${newv:-none})" \
		test "$newv" = "$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)"
	host_check "the .dsc is of the same version" \
		test -f "$debs/new/strongswan-vti_$newv.dsc"
	host_check "the unit tests ran in the build" \
		grep -q '^PASS: tests/unit/vti_tests' "$debs/new/build-deb.log"
	# an older build to upgrade from: same tree, lower version, no tests
	# shellcheck disable=SC2086
	VTI_DEB_VERSION=0.0.1-1 VTI_LINTIAN=no DEB_BUILD_OPTIONS=nocheck \
		"$top/scripts/build-deb.sh" $ref -o "$debs/old" > "$debs/old.path" 2> "$debs/old.err"
	host_check "an older build (0.0.1-1) builds" test -f "$(cat "$debs/old.path")"
	host_check "its binary version is 0.0.1-1 too" \
		test "$(dpkg-deb -f "$(cat "$debs/old.path")" Version 2> /dev/null)" = 0.0.1-1
	host_check "DEB_BUILD_OPTIONS=nocheck ran no test" \
		test "$(grep -c 'vti_tests' "$debs/old/build-deb.log")" = 0
	# the peer's charon loads the same plugin, unpacked, not installed
	[ -f "$new" ] && dpkg-deb -x "$new" "$debs/root"
	# the packages the guest installs besides ours: the same versions
	(
		cd "$cache" || exit 1
		for p in apparmor charon-systemd; do
			v=$(dpkg-query -W -f '${Version}' "$p" 2>/dev/null)
			[ -n "$v" ] || v=$(apt-cache policy "$p" | sed -n 's/^ *Candidate: //p')
			ls "${p}_$(echo "$v" | sed 's/^[0-9]*://')"_*.deb > /dev/null 2>&1 ||
				apt-get download -qq "$p=$v" > /dev/null 2>&1 ||
				apt-get download "$p=$v"
		done
	)
	host_check "apparmor and charon-systemd packages in $cache" \
		sh -c "ls '$cache'/apparmor_*.deb '$cache'/charon-systemd_*.deb > /dev/null"
	# beside the .debs: the guest sees them where they were made
	mkdir -p "$debs/cache"
	cp "$cache"/apparmor_*.deb "$cache"/charon-systemd_*.deb "$debs/cache/"
	if [ "${1:-}" = --prepare ]; then
		: > "$debs/ready"
		exit 0
	fi
	VTI_DEBS=$debs VTI_DEB_CACHE=$debs/cache
	export VTI_DEBS VTI_DEB_CACHE
	"$top/tests/vm/run.sh" -t "${VTI_GROUP_TIMEOUT:-600}" -r "$results" "$0"
	exit $?
fi

. "$(dirname "$0")/common.sh"

# the host's checks first
while read -r line; do
	case $line in
		"PASS: "*) pass "${line#PASS: }" ;;
		*) fail "${line#FAIL: }" ;;
	esac
done < "$VTI_DEBS/host-checks"
new=$(ls "$VTI_DEBS"/new/strongswan-vti_*.deb 2> /dev/null | grep -v dbgsym)
old=$(ls "$VTI_DEBS"/old/strongswan-vti_*.deb 2> /dev/null | grep -v dbgsym)
[ -f "$new" ] && [ -f "$old" ] || { echo "no packages to test"; summary; exit 1; }

SYSTEM_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export DEBIAN_FRONTEND=noninteractive
LOCAL=/etc/apparmor.d/local
INCLUDE="include if exists <abstractions/strongswan-vti>"
TEST_CONF=/etc/strongswan.d/vti-test.conf
trap 'daemon_stop > /dev/null 2>&1; capture_stop > /dev/null 2>&1; sites_teardown
	ip netns del private 2>/dev/null; rm -rf "$WORK"' EXIT

# The guest is offline: apt knows the installed packages and the .debs it
# is given, not the archive's lists (which it would parse anew on every
# call, there being no cache: a minute each under TCG)
mkdir -p /var/lib/vti-test/lists/partial
# nor rebuilds the manual pages' index after each install (minutes too)
rm -f /var/lib/man-db/auto-update
echo 'Dir::State::Lists "/var/lib/vti-test/lists";' > /etc/apt/apt.conf.d/99vti-test

# apt_do WHAT ARGS...: apt with ARGS (at most 5 minutes), its output in
# $WORK/apt.out (shown when it fails)
apt_do() {
	what=$1
	shift
	timeout 300 apt "$@" > "$WORK/apt.out" 2>&1
	rc=$?
	[ $rc -eq 0 ] || { echo "--- apt $* ($what) failed:"; cat "$WORK/apt.out"; }
	return $rc
}

# apt_simulate DEB: apt-get would install DEB without removing anything
# (its answer in $WORK/sim.out)
apt_simulate() {
	timeout 300 apt-get install -s --no-remove "$1" > "$WORK/sim.out" 2>&1
}

# took: seconds since the part started
took() {
	echo "    ($SCENARIO: $(( $(date +%s) - PART_START ))s)"
}

installed_version() {
	dpkg-query -W -f '${db:Status-Abbrev} ${Version}' strongswan-vti 2>/dev/null
}

# includes_once FILE: FILE has the plugin's include line exactly once
includes_once() {
	[ "$(grep -cxF "$INCLUDE" "$1" 2>/dev/null)" = 1 ]
}

# no_include FILE: FILE, if there, has no line naming the plugin's rules
no_include() {
	[ ! -e "$1" ] || ! grep -q 'strongswan-vti' "$1"
}

# profile_mode PROFILE: its mode as loaded in the kernel (enforce,
# complain), empty if not loaded
profile_mode() {
	sed -n "s|^$1 (\(.*\))\$|\1|p" /sys/kernel/security/apparmor/profiles
}

# part_end: the part's line; on failure the logs into the output and the
# results (the peer keeps running: no teardown between parts)
part_end() {
	if [ "$VTI_FAILED" -eq "$FAILED_BEFORE" ]; then
		echo "=== scenario $SCENARIO: passed"
	else
		echo "=== scenario $SCENARIO: FAILED, logs follow"
		{
			dump_logs
			echo "----- the tested charon's log"
			cat /run/charon.vti-test.log 2>/dev/null
			for f in "$WORK"/*.out "$WORK"/*.post; do
				[ -f "$f" ] && { echo "----- $f"; cat "$f"; }
			done
		} | tee "$RESULTS/$SCENARIO.logs"
	fi
}

# --- the test bed's peer, V3-2 (2001:db8:3::2), started before AppArmor
# is on: its files are in $WORK, where Debian's profiles let charon read
# nothing. It loads the .deb's plugin, unpacked, the way the other groups
# load theirs.
scenario "package-setup"
PART_START=$(date +%s)
site_add 1
site_add 2
ip -n pub1 addr add 2001:db8:1::1/64 dev wan0 nodad
ip -n pub1 route add 2001:db8:3::/64 dev wan0
ip -n pub2 addr add 2001:db8:3::2/64 dev wan0 nodad
ip -n pub2 route add 2001:db8:1::/64 dev wan0
VTI_PLUGIN=$VTI_DEBS/root/usr/lib/ipsec/plugins/libstrongswan-vti.so
check "$SCENARIO: the peer's charon starts" site_charon 2 "plugins {
	vti {
		netns = priv2
		addresses = 2001:db8:ff::7/127
	}
}"
psk_conf 2001:db8:3::2 2001:db8:1::1 "local_ts = ::/0
				remote_ts = ::/0
				mark_in = 6
				mark_out = 6" | site_swanctl 2
check "$SCENARIO: the peer's connection loaded" \
	text_has "$(cat "$(site_dir 2)/load.out")" "loaded connection 'net'"
unset VTI_PLUGIN

# AppArmor as on a gateway that runs it: the apparmor package installed
# loads Debian's profiles (charon enforcing, charon-systemd complaining)
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
dpkg -i "$VTI_DEB_CACHE"/apparmor_*.deb > "$WORK/apparmor.out" 2>&1 ||
	cat "$WORK/apparmor.out"
check "$SCENARIO: AppArmor is enabled (aa-enabled)" aa-enabled --quiet
check "$SCENARIO: Debian's charon profile is loaded, enforcing" \
	test "$(profile_mode /usr/lib/ipsec/charon)" = enforce
check "$SCENARIO: Debian's charon-systemd profile is loaded, complaining" \
	test "$(profile_mode /usr/sbin/charon-systemd)" = complain

# strongSwan updates, once the package is in: a Debian update of the same
# upstream version is taken, the next upstream version refused. Stand-ins
# for them: empty strongswan-libcharon packages (Debian's other strongSwan
# packages want only >= 5.9.8 of it)
ss_version=$(dpkg-query -W -f '${Version}' strongswan-libcharon)
ss_upstream=$(echo "$ss_version" | sed -e 's/^[0-9]*://' -e 's/-[^-]*$//')
ss_next=$(echo "$ss_upstream" | awk -F. -v OFS=. '{ $NF = $NF + 1; print }')
# fake_libcharon VERSION: $WORK/fake-libcharon-VERSION.deb
fake_libcharon() {
	fake=$WORK/fake/strongswan-libcharon-$1
	mkdir -p "$fake/DEBIAN"
	cat > "$fake/DEBIAN/control" <<EOF
Package: strongswan-libcharon
Version: $1
Architecture: $(dpkg --print-architecture)
Maintainer: test <test@example.org>
Description: stand-in for a strongSwan update
EOF
	dpkg-deb -b "$fake" "$WORK/fake-libcharon-$1.deb" > /dev/null
}
SS_UPDATE=${ss_version}+vtitest1
fake_libcharon "$SS_UPDATE"
fake_libcharon "$ss_next-1"
check "$SCENARIO: without strongswan-vti, apt would take strongSwan $ss_next-1" \
	apt_simulate "$WORK/fake-libcharon-$ss_next-1.deb"
took
part_end

# --- install an older build, change the site's files, upgrade ---
scenario "package-install-upgrade"
PART_START=$(date +%s)
check "$SCENARIO: apt install ./<older build>" apt_do install install -y "$old"
check "$SCENARIO: the older build is installed" \
	test "$(installed_version)" = "ii  0.0.1-1"
for p in usr.lib.ipsec.charon usr.sbin.charon-systemd; do
	check "$SCENARIO: local/$p includes the plugin's rules once" includes_once "$LOCAL/$p"
done
# the site's own changes, which must survive upgrade and purge
echo "# site: a change of mine" >> /etc/strongswan.d/charon/vti.conf
echo "  # site: a rule of mine" >> "$LOCAL/usr.lib.ipsec.charon"
check "$SCENARIO: apt install ./<new build> upgrades" apt_do upgrade install -y "$new"
newv=$(dpkg-deb -f "$new" Version)
check "$SCENARIO: the new build ($newv) is installed" \
	test "$(installed_version)" = "ii  $newv"
check "$SCENARIO: the site's change to vti.conf survives the upgrade" \
	grep -qx "# site: a change of mine" /etc/strongswan.d/charon/vti.conf
check "$SCENARIO: the site's AppArmor rule survives the upgrade" \
	grep -qx "  # site: a rule of mine" "$LOCAL/usr.lib.ipsec.charon"
for p in usr.lib.ipsec.charon usr.sbin.charon-systemd; do
	check "$SCENARIO: local/$p still includes the rules once" includes_once "$LOCAL/$p"
done
leftovers=$(find /etc /usr/lib/ipsec /usr/share/doc/strongswan-vti \
	-name '*.dpkg-*' -o -name '*.ucf-*' 2>/dev/null)
check "$SCENARIO: no .dpkg-old/-new/-dist file left" test -z "$leftovers"
verify=$(dpkg --verify strongswan-vti 2>&1)
echo "$verify" | sed 's/^/    | dpkg --verify: /'
check "$SCENARIO: dpkg --verify: only the changed conffile differs" \
	test "$verify" = "??5?????? c /etc/strongswan.d/charon/vti.conf"
# every file the package has under /etc is a conffile (whatever make
# install puts there: vti.conf, strongswan-vti.conf), and there are some
etc_files=$(dpkg -L strongswan-vti | while read -r f; do
	case $f in /etc/*) [ -f "$f" ] && echo "$f" ;; esac
done | sort)
conffiles=$(dpkg-query -W -f '${Conffiles}\n' strongswan-vti | awk 'NF { print $1 }' | sort)
echo "$etc_files" | sed 's/^/    | under \/etc: /'
check "$SCENARIO: it has files under /etc" test -n "$etc_files"
check "$SCENARIO: every one of them is a conffile" test "$etc_files" = "$conffiles"
depends=$(dpkg-query -W -f '${Depends}' strongswan-vti)
echo "    | Depends: $depends"
for p in libstrongswan strongswan-libcharon; do
	v=$(dpkg-query -W -f '${Version}' "$p")
	check "$SCENARIO: depends on $p << $ss_next~" text_has "$depends" -F "$p (<< $ss_next~)"
	low=$(echo "$depends" | tr ',' '\n' | sed -n "s/^ *$p (>= \(.*\))\$/\1/p")
	check "$SCENARIO: and on $p >= ${low:-?}, which the installed $v is" \
		dpkg --compare-versions "$v" ge "${low:-none}"
done
check "$SCENARIO: apt takes strongSwan's update $SS_UPDATE with the plugin in, removing nothing" \
	apt_simulate "$WORK/fake-libcharon-$SS_UPDATE.deb"
apt_simulate "$WORK/fake-libcharon-$ss_next-1.deb"
sim=$?
check "$SCENARIO: apt refuses strongSwan $ss_next-1 now" test $sim -ne 0
check "$SCENARIO: because of strongswan-vti" grep -q 'strongswan-vti' "$WORK/sim.out"
took
part_end

# --- charon-systemd installed after the plugin: the trigger adds the
# include to its fresh local file ---
scenario "package-trigger"
PART_START=$(date +%s)
dpkg --purge charon-systemd > "$WORK/dpkg.out" 2>&1 || cat "$WORK/dpkg.out"
check "$SCENARIO: charon-systemd purged, its local file with it" \
	test ! -e "$LOCAL/usr.sbin.charon-systemd"
dpkg -i "$VTI_DEB_CACHE"/charon-systemd_*.deb > "$WORK/dpkg.out" 2>&1 || cat "$WORK/dpkg.out"
check "$SCENARIO: charon-systemd installed again" \
	test "$(dpkg-query -W -f '${db:Status-Abbrev}' charon-systemd)" = "ii "
check "$SCENARIO: its new local file includes the plugin's rules once" \
	includes_once "$LOCAL/usr.sbin.charon-systemd"
took
part_end

# --- the daemons ---

# daemon_start UNIT: run the unit's ExecStart in pub1 (the gateway's
# public namespace) as systemd would: nothing inherited but the unit's
# Environment= and a PATH, stdin /dev/null; wait for charon's vici socket,
# then run the unit's ExecStartPost commands (their output in
# $WORK/UNIT.post). DAEMON: the main process.
daemon_start() {
	ds_file=/lib/systemd/system/$1
	ds_cmd=$(sed -n 's/^ExecStart=[-@+!:]*//p' "$ds_file")
	ds_envs=$(sed -n 's/^Environment=//p' "$ds_file" | tr '\n' ' ')
	rm -f "$WORK/$1.post"
	# shellcheck disable=SC2086
	nsenter --net=/run/netns/pub1 env -i PATH=$SYSTEM_PATH $ds_envs $ds_cmd \
		< /dev/null > "$WORK/$1.out" 2>&1 &
	DAEMON=$!
	wait_for 60 swanctl --stats || return 1
	sed -n 's/^ExecStartPost=[-@+!:]*//p' "$ds_file" | while read -r ds_post; do
		# shellcheck disable=SC2086
		env -i PATH=$SYSTEM_PATH $ds_envs $ds_post < /dev/null >> "$WORK/$1.post" 2>&1 ||
			echo "ExecStartPost failed: $ds_post" >> "$WORK/$1.post"
	done
}

# daemon_stop: SIGTERM to the main process, as systemctl stop sends it,
# and wait for it (30 s)
daemon_stop() {
	[ -n "${DAEMON:-}" ] || return 0
	stop_pid "$DAEMON" TERM 30
	rc=$?
	DAEMON=
	return $rc
}

# charon_pid_of UNIT: the charon process: the main process of
# strongswan.service, the child of strongswan-starter.service's starter
charon_pid_of() {
	case $1 in
		strongswan.service) echo "$DAEMON" ;;
		*) cat /run/charon.pid 2>/dev/null ;;
	esac
}

child_installed() {
	swanctl --list-sas 2>/dev/null | grep -qE '^ +V3-2: #[0-9]+, .*INSTALLED'
}

# apparmor_since MARK PROFILE: the kernel's AppArmor messages about PROFILE
# after line MARK of dmesg
apparmor_since() {
	dmesg | tail -n +"$(($1 + 1))" | grep 'apparmor=' | grep -F "profile=\"$2\""
}

# status_consistent: the installed strongswan-vti-status, against the
# running charon, exits 0 (nothing differs) and lists V3-2's CHILD_SA on
# vti6 in the namespace private (--netns: the peer's charon in this guest
# has its interfaces in priv2, which this charon knows nothing of)
status_consistent() {
	sc_out=$(strongswan-vti-status --netns private 2>&1) ||
		{ printf '%s\n' "$sc_out"; return 1; }
	printf '%s\n' "$sc_out" | grep -qE '^ +V3-2 #[0-9]+ +INSTALLED +mark 6/6 +vti6 +private ' ||
		{ printf '%s\n' "$sc_out"; return 1; }
}

# run_daemon UNIT PROFILE MODE SETTINGS_SECTION EXTRA: charon of UNIT with
# the plugin's settings for V3-2 under SETTINGS_SECTION.plugins.vti (and
# EXTRA there), the installed example V3-2.conf loaded by the unit's
# ExecStartPost or swanctl --load-all; the interface, its settings and
# traffic, the log, AppArmor, and the stop
run_daemon() {
	unit=$1 profile=$2 mode=$3 section=$4 extra=${5:-}
	log=/run/charon.vti-test.log
	rm -f "$log"
	# the log where Debian's profiles let charon write; charon-systemd
	# falls back to the charon section
	cat > "$TEST_CONF" <<EOF
charon {
	filelog {
		vtitest {
			path = $log
			time_format = %H:%M:%S
			flush_line = yes
			default = 1
			chd = 2
		}
	}
}
$section {
	install_routes = no
	plugins {
		vti {
			netns = private
			$extra
			connections {
				V3-2 {
					addresses = 2001:db8:ff::6/127
				}
			}
		}
	}
}
EOF
	mark=$(dmesg | wc -l)
	check "$SCENARIO: $unit's daemon starts" daemon_start "$unit"
	pid=$(charon_pid_of "$unit")
	[ -f "$WORK/$unit.post" ] || swanctl --load-all --noprompt > "$WORK/$unit.post" 2>&1
	check "$SCENARIO: swanctl --load-all loads V3-2" \
		grep -q "loaded connection 'V3-2'" "$WORK/$unit.post"
	check "$SCENARIO: charon runs confined by $profile ($mode)" \
		grep -qxF "$profile ($mode)" "/proc/$pid/attr/current"
	check "$SCENARIO: charon maps the installed plugin" \
		grep -q ' /usr/lib/ipsec/plugins/libstrongswan-vti.so$' "/proc/$pid/maps"
	check "$SCENARIO: CHILD_SA V3-2 installed" wait_for 60 child_installed
	check "$SCENARIO: vti6 made in the namespace private" \
		wait_for 10 link_exists private vti6
	check "$SCENARIO: vti6 is up" link_is_up private vti6
	check "$SCENARIO: vti6 has the configured address" \
		link_has_addr private vti6 2001:db8:ff::6/127
	check "$SCENARIO: vti6 carries the alias strongswan-vti:V3-2" \
		test "$(link_with_alias private strongswan-vti:V3-2)" = vti6
	check "$SCENARIO: vti6's endpoints are V3-2's" \
		link_endpoints_are private vti6 2001:db8:3::2 2001:db8:1::1
	check "$SCENARIO: none left in the public namespace" link_absent pub1 vti6
	check "$SCENARIO: ping through vti6 to the peer's 2001:db8:ff::7" \
		ping_from private 2001:db8:ff::7 3
	check "$SCENARIO: strongswan-vti-status shows V3-2 on vti6, consistent" \
		status_consistent
	check "$SCENARIO: charon exits on SIGTERM" daemon_stop
	if [ -n "$extra" ]; then
		check "$SCENARIO: vti6 kept down at shutdown (down_action = down)" \
			wait_for 10 link_is_down private vti6
		check "$SCENARIO: with its address (keep_addr_on_down)" \
			link_has_addr private vti6 2001:db8:ff::6/127
	else
		check "$SCENARIO: vti6 removed at shutdown" wait_for 10 link_absent private vti6
	fi
	check "$SCENARIO: the log lists vti among the loaded plugins" \
		grep -q 'loaded plugins:.* vti\b' "$log"
	check "$SCENARIO: the plugin logs the strongSwan it was built against (${built:-?})" \
		grep -qF "vti: built against strongSwan ${built:-?}" "$log"
	# safe without reading: the installed strongswan.d/strongswan-vti.conf
	# makes charon ignore the name new interfaces are born under; where it
	# did not, moving vti6 away made charon roam and MOBIKE send updates
	# (selfheal-roam-storm-unignored shows both)
	check "$SCENARIO: the plugin moved vti6 out of charon's namespace" \
		grep -q "vti: V3-2: created vti6 vti6 .* in namespace private" "$log"
	check "$SCENARIO: charon saw no interface of ours leave (0 roam events)" \
		text_lacks "$(cat "$log")" -F -e "interface strongswan-vti deleted"
	check "$SCENARIO: no MOBIKE address update" \
		text_lacks "$(cat "$log")" -F -e "address list update using MOBIKE"
	check "$SCENARIO: no interfaces_ignore warning" \
		text_lacks "$(cat "$log")" -F -e "interfaces_ignore does not list"
	grep -Ei "vti.*(deprecated|fail|requires|error|warn)|(deprecated|fail|warn).*vti|plugin '?vti" \
		"$log" "$WORK/$unit.out"
	check "$SCENARIO: no warning about the plugin in the log" test $? -eq 1
	aa=$(apparmor_since "$mark" "$profile")
	[ -z "$aa" ] || echo "$aa" | sed 's/^/    | /'
	check "$SCENARIO: AppArmor logged nothing about charon" test -z "$aa"
	cp "$log" "$RESULTS/$SCENARIO.charon.log" 2>/dev/null
}

scenario "package-charon-systemd-own-section"
PART_START=$(date +%s)
# the premise: the plugin runs in a charon of another Debian revision than
# the strongSwan source it was built from
built=$(dpkg-query -W -f '${Built-Using}' strongswan-vti | sed -n 's/^strongswan (= \(.*\))$/\1/p')
running=$(dpkg-query -W -f '${Version}' charon-systemd)
echo "    | built from strongSwan ${built:-?}'s source; charon-systemd is $running"
check "$SCENARIO: the package names the strongSwan source it was built from (Built-Using)" \
	test -n "$built"
# other_revision BUILT RUNNING: BUILT is known and not RUNNING
other_revision() {
	[ -n "$1" ] && [ "$1" != "$2" ]
}
check "$SCENARIO: built from ${built:-?}, running in $running: another Debian revision" \
	other_revision "$built" "$running"
for p in libstrongswan strongswan-libcharon strongswan-charon; do
	check "$SCENARIO: $p is $running too" test "$(dpkg-query -W -f '${Version}' "$p")" = "$running"
done
ip netns add private
cp /usr/share/doc/strongswan-vti/examples/swanctl.d/V3-2.conf /etc/swanctl/conf.d/
run_daemon strongswan.service /usr/sbin/charon-systemd complain charon-systemd
took
part_end

scenario "package-charon-systemd-charon-section"
PART_START=$(date +%s)
run_daemon strongswan.service /usr/sbin/charon-systemd complain charon
took
part_end

# the control: Debian's charon profile without the plugin's rules: charon
# confined by it has no CAP_SYS_ADMIN, the plugin no interface
scenario "package-starter-without-rules"
PART_START=$(date +%s)
# ("# ", not "#": "#include" is AppArmor's old include syntax)
sed -i "\\|^$INCLUDE\$|s|^|# |" "$LOCAL/usr.lib.ipsec.charon"
apparmor_parser -r -T /etc/apparmor.d/usr.lib.ipsec.charon
cat > "$TEST_CONF" <<EOF
charon {
	filelog {
		vtitest {
			path = /run/charon.vti-test.log
			default = 1
			chd = 2
		}
	}
	install_routes = no
	plugins {
		vti {
			netns = private
			addresses = 2001:db8:ff::6/127
		}
	}
}
EOF
rm -f /run/charon.vti-test.log
check "$SCENARIO: starter's charon starts" daemon_start strongswan-starter.service
check "$SCENARIO: charon runs confined by /usr/lib/ipsec/charon (enforce)" \
	grep -qxF "/usr/lib/ipsec/charon (enforce)" "/proc/$(cat /run/charon.pid)/attr/current"
swanctl --load-all --noprompt > /dev/null 2>&1
check "$SCENARIO: CHILD_SA V3-2 installed" wait_for 60 child_installed
# the plugin refuses to load without CAP_SYS_ADMIN where its settings need
# another namespace; were it loaded, it would log that its interface failed
check "$SCENARIO: the plugin says why it makes no interface" wait_for 20 grep -Eq \
	"vti: .*needs the CAP_SYS_ADMIN capability: charon lacks it|vti: V3-2: .*failed: .*(Permission denied|not permitted)" \
	/run/charon.vti-test.log
grep -E "CAP_SYS_ADMIN|plugin 'vti'|vti: V3-2: .*failed" /run/charon.vti-test.log |
	sed 's/^/    | /'
check "$SCENARIO: no vti6 in private" link_absent private vti6
check "$SCENARIO: none in the public namespace either" link_absent pub1 vti6
check "$SCENARIO: charon exits on SIGTERM" daemon_stop
sed -i "s|^# $INCLUDE\$|$INCLUDE|" "$LOCAL/usr.lib.ipsec.charon"
apparmor_parser -r -T /etc/apparmor.d/usr.lib.ipsec.charon
check "$SCENARIO: the include restored" includes_once "$LOCAL/usr.lib.ipsec.charon"
took
part_end

scenario "package-starter-charon-section"
PART_START=$(date +%s)
# netns_create: the plugin makes the namespace itself
ip netns del private
run_daemon strongswan-starter.service /usr/lib/ipsec/charon enforce charon \
	"netns_create = yes
			down_action = down"
took
part_end
rm -f "$TEST_CONF" /etc/swanctl/conf.d/V3-2.conf

# --- purge ---
scenario "package-purge"
PART_START=$(date +%s)
dpkg -L strongswan-vti > "$WORK/files"
conffiles=$(dpkg-query -W -f '${Conffiles}' strongswan-vti | awk '{ print $1 }')
check "$SCENARIO: apt purge strongswan-vti" apt_do purge purge -y strongswan-vti
check "$SCENARIO: dpkg no longer knows the package" \
	sh -c '! dpkg-query -W strongswan-vti > /dev/null 2>&1'
left=
dirs=
while read -r f; do
	[ "$f" = /. ] && continue
	if [ -d "$f" ] && [ ! -L "$f" ]; then
		dirs="$dirs $f"
	elif [ -e "$f" ] || [ -L "$f" ]; then
		left="$left $f"
	fi
done < "$WORK/files"
# a folder may stay only as another package's (one dpkg -S for all)
# shellcheck disable=SC2086
owned=$([ -z "$dirs" ] || dpkg -S $dirs 2>/dev/null | sed 's/.*: //')
for f in $dirs; do
	printf '%s\n' "$owned" | grep -qxF -e "$f" || left="$left $f"
done
check "$SCENARIO: every file it installed is gone ($(wc -l < "$WORK/files") paths)" \
	test -z "$left"
[ -z "$left" ] || echo "    left:$left"
for f in $conffiles; do
	check "$SCENARIO: conffile $f gone" test ! -e "$f"
done
for p in usr.lib.ipsec.charon usr.sbin.charon-systemd; do
	check "$SCENARIO: local/$p has no include left" no_include "$LOCAL/$p"
done
check "$SCENARIO: the site's own AppArmor rule stays" \
	grep -qx "  # site: a rule of mine" "$LOCAL/usr.lib.ipsec.charon"
check "$SCENARIO: no maintainer script or list left in dpkg's database" \
	sh -c '! ls /var/lib/dpkg/info/strongswan-vti.* > /dev/null 2>&1'
check "$SCENARIO: the charon profile reloaded, still enforcing" \
	test "$(profile_mode /usr/lib/ipsec/charon)" = enforce
took
part_end

summary
