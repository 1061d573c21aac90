#!/bin/sh
# The main job: builds and installs the plugin, then starts an isolated charon
# that loads it and shows it among the loaded plugins.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/scripts/setup.sh"

printf '\n==> installing the plugin\n'
make -s install > install.out 2>&1 || { cat install.out; exit 1; }
ls -l /usr/lib/ipsec/plugins/libstrongswan-vti.so /etc/strongswan.d/charon/vti.conf

printf '\n==> starting an isolated charon with the plugin\n'
VTI_SRCDIR=$top
VTI_PLUGIN=/usr/lib/ipsec/plugins/libstrongswan-vti.so
. "$top/tests/lib/charon.sh"
d=$(mktemp -d /tmp/vti-demo.XXXXXX)
ns=vti-demo-$$
ip netns add "$ns"
trap 'ip netns del "$ns"; rm -rf "$d"' EXIT
charon_conf "$d"
charon_start "$d" "$ns"
swanctl_in "$d" --stats
charon_stop "$d" > /dev/null
printf '\n==> what charon logged about the plugin\n'
grep -E 'loaded plugins|vti' "$d/charon.log"
