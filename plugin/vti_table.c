/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Marking interfaces dirty for the kernel worker, and forgetting them.
 */

#include "vti_table.h"

#include <utils/debug.h>

/*
 * Described in header
 */
void vti_table_dirty(vti_table_t *table, vti_iface_t *iface, const char *why)
{
	iface->why = why;
	if (!iface->queued)
	{
		iface->queued = TRUE;
		table->dirty->insert_last(table->dirty, iface);
		if (table->waker)
		{
			table->waker->wakeup(table->waker);
		}
	}
}

/*
 * Described in header
 */
void vti_table_grace(vti_table_t *table)
{
	table->grace_given = TRUE;
	if (table->waker)
	{
		table->waker->wakeup(table->waker);
	}
}

#ifdef VTI_CHECK_TABLE
/**
 * The unit tests' build: the count of failed interfaces is a walk's.
 */
static void check_failing(vti_table_t *table)
{
	enumerator_t *enumerator;
	vti_iface_t *iface;
	u_int failing = 0;
	void *key;

	enumerator = table->ifaces->create_enumerator(table->ifaces);
	while (enumerator->enumerate(enumerator, &key, &iface))
	{
		failing += iface->failed;
	}
	enumerator->destroy(enumerator);
	if (failing != table->failing)
	{
		DBG1(DBG_CHD, "vti: %u failed interfaces counted, %u in the table",
			 table->failing, failing);
		abort();
	}
}
#endif

/*
 * Described in header
 */
void vti_table_forget_unused(vti_table_t *table, vti_iface_t *iface)
{
	if (!iface->queued && !iface->ifindex && !iface->pending_until &&
		!array_count(iface->claims))
	{
		table->ifaces->remove(table->ifaces, iface->key);
		vti_iface_unindex(iface, table->tunnels);
		table->failing -= iface->failed;
		vti_iface_destroy(iface);
		table->freed++;
#ifdef VTI_CHECK_TABLE
		check_failing(table);
#endif
	}
}

/*
 * Described in header
 */
void vti_table_link_freed(vti_table_t *table, vti_iface_t *freed)
{
	enumerator_t *enumerator;
	vti_iface_t *iface;
	void *key;

	table->freed++;
#ifdef VTI_CHECK_TABLE
	check_failing(table);
#endif
	if (!table->failing)
	{
		return;
	}
	enumerator = table->ifaces->create_enumerator(table->ifaces);
	while (enumerator->enumerate(enumerator, &key, &iface))
	{
		if (iface != freed && iface->failed && !iface->queued &&
			array_count(iface->claims))
		{
			DBG2(DBG_CHD, "vti: %s: trying %s again: %s of %s was %s",
				 iface->conn, iface->name, freed->name, freed->conn,
				 freed->ifindex ? "changed" : "deleted");
			vti_table_dirty(table, iface, iface->why);
		}
	}
	enumerator->destroy(enumerator);
}

