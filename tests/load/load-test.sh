#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Loads the built plugin into the real, installed charon, isolated from any
# other charon, and checks it loads cleanly, shows in swanctl --stats and
# leaves a clean exit; then once more under valgrind.
set -u
top=${VTI_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/host-test.sh"

work=$(mktemp -d /tmp/vti-load.XXXXXX)
ns=vti-load-$$
ip netns add "$ns"
ip -n "$ns" link set lo up
trap 'host_test_end "$ns" "$work"' EXIT

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

if ! command -v valgrind > /dev/null; then
	skip "valgrind: charon with the plugin under valgrind: no valgrind (apt install valgrind)"
else
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

# The plugin built with AddressSanitizer and UBSan in the real charon,
# which is not: the ASan runtime preloaded (it must come first),
# LeakSanitizer at charon's exit. Charon and the libraries it loads have
# findings of their own (libcrypto leaks what it keeps until exit): judge
# only reports with a frame in the plugin.
. "$top/tests/lib/sanitize.sh"
asan_so=$san_out/plugin/libstrongswan-vti.so
asan_rt=$($san_cc -print-file-name=libasan.so 2>/dev/null)
if ! san_build_plugin "$asan_so"; then
	cat "$asan_so.log"
	fail "ASan: the plugin builds with -fsanitize=address,undefined ($san_cc)"
elif [ ! -f "$asan_rt" ]; then
	fail "ASan: no ASan runtime to preload ($san_cc -print-file-name=libasan.so)"
else
	as="$work/asan"
	charon_conf "$as"
	# printf: strongSwan's own %N, %H... are no errors; leaks are judged
	# from the report, charon's exit status is its own
	CHARON="env LD_PRELOAD=$(readlink -f "$asan_rt")
		ASAN_OPTIONS=log_path=$as/asan:detect_leaks=1:check_printf=0
		LSAN_OPTIONS=exitcode=0
		UBSAN_OPTIONS=log_path=$as/ubsan:print_stacktrace=1
		/usr/lib/ipsec/charon"
	if VTI_PLUGIN=$asan_so charon_start "$as" "$ns"; then
		ran=
		swanctl_in "$as" --stats | grep '^loaded plugins:' | grep -qw vti ||
			ran="$ran, the plugin not loaded"
		# a reload with hostile values: logged, charon runs on
		cat >> "$as/strongswan.conf" <<CONF
charon { plugins { vti { netns = ../../etc
	connections { x { name = ip_vti0 }
		y { addresses = "192.0.2.1/24,,%any/0" } } } } }
CONF
		swanctl_in "$as" --reload-settings > /dev/null
		# the reload is logged before it is answered; waited for (10 s)
		# all the same, not slept on
		logged_in=0
		until grep -q "invalid value 'ip_vti0' for charon.plugins.vti.connections.x.name" \
				"$as/charon.log" || [ $logged_in -ge 100 ]; do
			sleep 0.1
			logged_in=$((logged_in + 1))
		done
		[ $logged_in -lt 100 ] || ran="$ran, hostile settings not logged"
		swanctl_in "$as" --stats > /dev/null ||
			ran="$ran, no answer after a reload"
		status=$(charon_stop "$as" 60)
		[ "$status" = 0 ] || ran="$ran, exit status ${status:-none}"
		reports=$(cat "$as"/asan.* "$as"/ubsan.* 2>/dev/null)
		ours=$(printf '%s\n' "$reports" | awk -f "$top/tests/lib/asan-ours.awk")
		others=$(printf '%s\n' "$reports" | sed -n 's/^SUMMARY: AddressSanitizer: //p')
		if printf '%s\n' "$reports" | grep -q 'ERROR: AddressSanitizer\|runtime error:'; then
			printf '%s\n' "$reports" | head -n 60
			ran="$ran, a memory error"
		elif [ -n "$ours" ]; then
			printf '%s\n' "$ours" | head -n 60
			ran="$ran, leaks in the plugin"
		fi
		if [ -z "$ran" ]; then
			pass "ASan: the plugin built with ASan and UBSan in charon (ASan runtime preloaded): loaded, hostile settings reloaded and logged, clean exit, no finding in the plugin${others:+ (outside it, LeakSanitizer: $others)}"
		else
			fail "ASan: the plugin built with ASan and UBSan in charon: ${ran#, }"
		fi
	else
		fail "ASan: charon starts with the ASan runtime preloaded"
		head -n 20 "$as/charon.out" 2>/dev/null
	fi
fi
san_done
summary
