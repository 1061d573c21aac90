/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The cost of the periodic reading of charon's traps (plugin/vti_traps.c,
 * every 500 ms on the kernel worker) at N loaded trap connections. The
 * source copies each trap per reading as the listener's does (an
 * allocation and a list insertion each, the known ones not described);
 * the manager only counts what it is told. Prints the first reading (all
 * new), the steady ones (nothing changed: what charon pays every 500 ms),
 * and one with a trap gone.
 *
 *   traps_bench N [READINGS]
 */

#include "reading.h"

#include <collections/linked_list.h>

/**
 * A source of n traps, ids 1..n.
 */
typedef struct {
	vti_source_t public;
	int n;
	int gone;
} bench_source_t;

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

/** trap 1 goes */
static void one_gone(bench_source_t *source)
{
	source->gone = 1;
}

int main(int argc, char *argv[])
{
	bench_source_t source = {
		.public = { .create_trap_enumerator = (void*)create_traps },
	};
	int readings, status;

	source.n = bench_args(argc, argv, &readings);
	library_init(NULL, "traps_bench");
	status = bench_run(&source.public, source.n, readings, (void*)one_gone,
					   &source, "traps", "trap", "gone");
	library_deinit();
	return status;
}
