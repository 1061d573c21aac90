/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_resync vti_resync
 * @{ @ingroup vti
 *
 * Comparing the table with what the kernel has: at start (what an earlier
 * run left), periodically, and for link events of someone else's doing.
 */

#ifndef VTI_RESYNC_H_
#define VTI_RESYNC_H_

#include "vti_table.h"

/**
 * Take what the kernel says of an interface of ours as the truth, logging
 * each difference; with the table's lock held.
 *
 * @param iface		interface of the table
 * @param link		what the kernel says of it
 * @param how		how it came to differ, for the log ("by hand")
 * @return			TRUE if it differs from what its claims want
 */
bool vti_resync_compare(vti_iface_t *iface, const vti_link_info_t *link,
						const char *how);

/**
 * Take in a link event of someone else's doing (the worker filters out
 * those of its own operations); with the table's lock held.
 *
 * @param table		the table
 * @param event		the event
 * @return			the interface of ours it concerns, NULL if none
 */
vti_iface_t *vti_resync_event(vti_table_t *table,
							  const vti_link_event_t *event);

/**
 * Take in a batch of link events, with the table's lock held: those our
 * own apply of an interface caused are left out, a link deleted goes down
 * first (no setting down by hand); destroys events.
 *
 * @param table		the table
 * @param events	list of vti_link_event_t*, destroyed
 * @param iface		the interface just applied, NULL if none
 * @param before	its ifindex before the apply
 * @param after		its ifindex after it
 */
void vti_resync_events(vti_table_t *table, linked_list_t *events,
					   vti_iface_t *iface, int before, int after);

/**
 * Compare every namespace in use with the table: links of ours the table
 * does not know are adopted and released (deleted, or kept down with
 * down_action = down), interfaces gone or changed are repaired; called by
 * the worker's thread without the lock.
 *
 * @param table		the table
 * @param backend	the kernel
 */
void vti_resync_kernel(vti_table_t *table, vti_backend_t *backend);

/**
 * After the settings changed: interfaces kept down (down_action = down)
 * that they no longer keep (down_action = delete now, another namespace,
 * the connection disabled or gone) are queued, to be deleted; those held
 * follow the new settings when they are released (vti_iface_down_action()).
 * With the table's lock held.
 *
 * @param table		the table, with the new settings
 */
void vti_resync_settings(vti_table_t *table);

#endif /** VTI_RESYNC_H_ @}*/
