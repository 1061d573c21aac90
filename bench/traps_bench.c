/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The cost of the periodic reading of charon's traps (plugin/vti_traps.c,
 * every 500 ms on the kernel worker) at N loaded trap connections. The
 * source copies each trap per reading as the listener's does (an
 * allocation and a list insertion each, the known ones not described);
 * the callbacks only count what is handed back. Prints the first reading (all
 * new), the steady ones (nothing changed: what charon pays every 500 ms),
 * and one with a trap gone.
 *
 *   traps_bench N [READINGS]
 */

#include "vti_traps.h"

#include <time.h>
#include <collections/linked_list.h>

/**
 * A source of n traps, ids 1..n.
 */
typedef struct {
	vti_source_t public;
	int n;
	int gone;
} bench_source_t;

static u_int told_up, told_down;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void list_free(linked_list_t *list)
{
	list->destroy_function(list, free);
}

static enumerator_t *create_traps(bench_source_t *this, hashtable_t *known)
{
	linked_list_t *list = linked_list_create();
	vti_trap_t *trap;
	int i;

	for (i = 1; i <= this->n; i++)
	{
		if (i == this->gone)
		{
			continue;
		}
		INIT(trap,
			.id = i,
		);
		if (!known->get(known, vti_id_key(i)))
		{
			trap->described = TRUE;
			trap->conn = "c";
			trap->tunnel.child_id = i;
		}
		list->insert_last(list, trap);
	}
	return enumerator_create_cleaner(list->create_enumerator(list),
									 (void*)list_free, list);
}

static void trap_up(void *data, const vti_tunnel_t *tunnel)
{
	told_up++;
}

static void trap_down(void *data, const char *conn, uint32_t id)
{
	told_down++;
}

static double timed(vti_traps_t *traps, bench_source_t *source)
{
	double t0 = now();

	traps->read(traps, &source->public, trap_up, trap_down, NULL);
	return now() - t0;
}

int main(int argc, char *argv[])
{
	bench_source_t source = {
		.public = { .create_trap_enumerator = (void*)create_traps },
	};
	vti_traps_t *traps;
	double first, steady = 0, worst = 0, t, gone;
	int i, readings;

	if (argc < 2 || atoi(argv[1]) <= 0)
	{
		fprintf(stderr, "usage: %s N [READINGS]\n", argv[0]);
		return 2;
	}
	library_init(NULL, "traps_bench");
	source.n = atoi(argv[1]);
	readings = argc > 2 ? atoi(argv[2]) : 100;
	traps = vti_traps_create();
	first = timed(traps, &source);
	for (i = 0; i < readings; i++)
	{
		t = timed(traps, &source);
		steady += t;
		worst = max(worst, t);
	}
	source.gone = 1;
	gone = timed(traps, &source);
	printf("traps %d: first reading %.1f us (%u told up), steady %.1f us "
		   "per reading (mean of %d, max %.1f us, %.3f us per trap), one "
		   "gone %.1f us (%u told down)\n", source.n, first * 1e6, told_up,
		   steady / readings * 1e6, readings, worst * 1e6,
		   steady / readings * 1e6 / source.n, gone * 1e6, told_down);
	traps->destroy(traps);
	library_deinit();
	return told_up == (u_int)source.n && told_down == 1 ? 0 : 1;
}
