#!/bin/sh
# Loads the built plugin into the real, installed charon, isolated from any
# other charon, and checks it loads cleanly, shows in swanctl --stats and
# leaves a clean exit; then once more under valgrind.
set -u
top=${VTI_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${VTI_TOP_BUILDDIR:-$top}
VTI_SRCDIR=$top
VTI_PLUGIN=$build/.libs/libstrongswan-vti.so
. "$top/tests/lib/charon.sh"
. "$top/tests/lib/check.sh"

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (mount namespaces)"; exit 77; }
[ -f "$VTI_PLUGIN" ] || { echo "FAIL: $VTI_PLUGIN not built"; exit 1; }

work=$(mktemp -d /tmp/vti-load.XXXXXX)
ns=vti-load-$$
ip netns add "$ns"
ip -n "$ns" link set lo up
trap 'ip netns del "$ns"; rm -rf "$work"' EXIT
[ -n "${VTI_KEEP:-}" ] && trap 'ip netns del "$ns"' EXIT

plain="$work/plain"
charon_conf "$plain"
if charon_start "$plain" "$ns"; then
	pass "charon starts with the plugin"
	stats=$(swanctl_in "$plain" --stats)
	echo "$stats" | grep '^loaded plugins:' | grep -qw vti &&
		pass "swanctl --stats lists vti among the loaded plugins" ||
		fail "swanctl --stats lists vti among the loaded plugins: $(echo "$stats" | grep plugins)"
	status=$(charon_stop "$plain")
	[ "$status" = 0 ] && pass "charon exits cleanly (status $status)" ||
		fail "charon exits cleanly (status ${status:-none})"
	grep -q 'loaded plugins:.* vti\b' "$plain/charon.log" &&
		pass "charon's log lists vti among the loaded plugins" ||
		fail "charon's log lists vti among the loaded plugins"
else
	fail "charon starts with the plugin"
fi
# grep: 0 found one (shown), 1 read both files and found none, 2 could not
# read one (charon never wrote it): only 1 passes
grep -Ei "vti.*(deprecated|fail|requires|error)|(deprecated|fail).*vti" \
	"$plain/charon.log" "$plain/charon.out"
case $? in
	1) pass "no warning about the plugin in charon's log" ;;
	*) fail "no warning about the plugin in charon's log" ;;
esac

if command -v valgrind > /dev/null; then
	vg="$work/valgrind"
	charon_conf "$vg"
	CHARON="valgrind --log-file=$vg/valgrind.log --leak-check=full \
		--show-leak-kinds=definite,indirect --num-callers=30 /usr/lib/ipsec/charon"
	if charon_start "$vg" "$ns"; then
		swanctl_in "$vg" --stats | grep '^loaded plugins:' | grep -qw vti &&
			pass "valgrind: plugin loaded" || fail "valgrind: plugin loaded"
		charon_stop "$vg" 60 > /dev/null
		# charon itself has findings of its own: judge only the plugin's,
		# in a log valgrind finished
		if ! grep -q 'ERROR SUMMARY' "$vg/valgrind.log"; then
			fail "valgrind: no summary in its log"
		elif awk -f "$top/tests/lib/valgrind-ours.awk" "$vg/valgrind.log"; then
			pass "valgrind: no invalid access or leak in the plugin"
		else
			fail "valgrind: no invalid access or leak in the plugin"
		fi
	else
		fail "valgrind: charon starts"
	fi
fi

summary
