/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Marking interfaces dirty for the kernel worker.
 */

#include "vti_table.h"

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
