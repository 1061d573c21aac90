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

/**
 * N from argv[1], READINGS from argv[2] (100 if not given); exits with the
 * usage if there is no N.
 */
static int bench_args(int argc, char *argv[], int *readings)
{
	if (argc < 2 || atoi(argv[1]) <= 0)
	{
		fprintf(stderr, "usage: %s N [READINGS]\n", argv[0]);
		exit(2);
	}
	*readings = argc > 2 ? atoi(argv[2]) : 100;
	return atoi(argv[1]);
}

/**
 * Reads source (n entries) once (all new), readings times more
 * (nothing changed), then twice after change(data) (the first reading that
 * misses an entry keeps it); prints the figures as "WHAT N: ... per PER),
 * one CHANGED ...". Returns main()'s exit status: 0 if the n were told up
 * and one down.
 */
static int bench_run(vti_source_t *source, int n, int readings,
					 void (*change)(void *data), void *data, const char *what,
					 const char *per, const char *changed)
{
	vti_traps_t *traps = vti_traps_create();
	double first, steady = 0, worst = 0, t, missed, last;
	int i;

	first = timed(traps, source);
	for (i = 0; i < readings; i++)
	{
		t = timed(traps, source);
		steady += t;
		worst = max(worst, t);
	}
	change(data);
	/* a trap missed by one reading is kept: the second tells it down */
	missed = timed(traps, source);
	last = timed(traps, source);
	printf("%s %d: first reading %.1f us (%u told up), steady %.1f us per "
		   "reading (mean of %d, max %.1f us, %.3f us per %s), one %s %.1f "
		   "then %.1f us (%u told down)\n", what, n, first * 1e6, told_up,
		   steady / readings * 1e6, readings, worst * 1e6,
		   steady / readings * 1e6 / n, per, changed, missed * 1e6,
		   last * 1e6, told_down);
	traps->destroy(traps);
	return told_up == (u_int)n && told_down == 1 ? 0 : 1;
}

#endif /** BENCH_READING_H_ */
