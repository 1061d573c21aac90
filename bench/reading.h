/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * What traps_bench and starts_bench share: the clock, callbacks that only
 * count what a reading tells, and one timed reading.
 */

#ifndef BENCH_READING_H_
#define BENCH_READING_H_

#include "vti_traps.h"

#include <time.h>

/** what the readings told the manager */
static u_int told_up, told_down;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool trap_up(void *data, const vti_tunnel_t *tunnel)
{
	told_up++;
	return TRUE;
}

static void trap_down(void *data, const char *conn, uint32_t id)
{
	told_down++;
}

/**
 * One reading of source, in seconds.
 */
static double timed(vti_traps_t *traps, vti_source_t *source)
{
	double t0 = now();

	traps->read(traps, source, trap_up, trap_down, NULL);
	return now() - t0;
}

#endif /** BENCH_READING_H_ */
