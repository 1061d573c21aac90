#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# The randomized soak (tests/soak.sh) as a group of the integration tests:
# VTI_SOAK_EVENTS events (150 by default) from VTI_SOAK_SEED (by default
# one drawn from the clock, printed with the command that replays it).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ -n "${VTI_SOAK_SEED:-}" ]; then
	exec "$top/tests/soak.sh" --seed "$VTI_SOAK_SEED" --events "${VTI_SOAK_EVENTS:-150}"
fi
exec "$top/tests/soak.sh" --events "${VTI_SOAK_EVENTS:-150}"
