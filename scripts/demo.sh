#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job: installs what it needs, builds the plugin and brings up the
# article's redundant three-site network in the test bed (a qemu guest
# running Debian's kernel where this machine's lacks VTI): 6 gateways, 12
# IKEv2 tunnels whose interfaces the plugin makes, BGP over them with BIRD,
# pings across, cleartext on the tunnels and ESP on the wire, a gateway
# failing over and back, stopped and then killed with its link down (BFD:
# the lost echoes and the convergence time).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/scripts/setup.sh"
printf '\n==> the three-site network, live\n'
VTI_DEMO=1 exec "$top/tests/integration.sh" three-sites
