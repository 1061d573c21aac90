/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_placeholder vti_placeholder
 * @{ @ingroup vti
 *
 * A link named VTI_TEMP_NAME that the worker holds in a namespace while a
 * burst of new interfaces moves into it. A link moves under the temporary
 * name; where that name is taken in the target, the kernel gives it its
 * own name in the move (__dev_change_net_namespace()), else it renames it
 * afterwards (dev_change_name()), waiting a full RCU grace period with
 * the RTNL lock held: about half of what a creation costs. A placeholder
 * costs about five such renames (made and deleted, measured in
 * docs/benchmark.md), so only a burst gets one. It is an XFRM interface
 * (if_id VTI_PLACEHOLDER_IF_ID, down, no addresses): unlike a vti, whose
 * module brings a fallback ip_vti0 into every namespace, it shows nothing
 * beside itself. Its alias is VTI_ALIAS_PREFIX alone (no connection has
 * an empty name): a resync deletes one a crash left.
 */

#ifndef VTI_PLACEHOLDER_H_
#define VTI_PLACEHOLDER_H_

#include "vti_iface.h"

#include <collections/linked_list.h>

typedef struct vti_placeholder_t vti_placeholder_t;

/** Fewest creations queued into one namespace that get a placeholder */
#define VTI_PLACEHOLDER_BURST 8

/** The placeholder's XFRM interface id */
#define VTI_PLACEHOLDER_IF_ID 0xffffffff

/**
 * The worker's placeholder.
 */
struct vti_placeholder_t {
	/** namespace it was made for, NULL if none */
	char *netns;
	/** its ifindex there, 0 where making it failed (not tried again
	 * until it is dropped) */
	int ifindex;
};

/**
 * Where the worker should hold the placeholder while it applies next:
 * the namespace next moves into, where at least VTI_PLACEHOLDER_BURST - 1
 * more creations into it are queued, or the placeholder is already there;
 * none while the one held elsewhere is still needed. With the table's
 * lock held.
 *
 * @param this		the worker's placeholder
 * @param dirty		the worker's queue, without next
 * @param next		the interface applied next
 * @return			the namespace (the table's copy), NULL for none
 */
const char *vti_placeholder_wanted(vti_placeholder_t *this,
								   linked_list_t *dirty, vti_iface_t *next);

/**
 * Whether the placeholder is still wanted after an apply: creations into
 * its namespace are still queued; with the table's lock held.
 *
 * @param this		the worker's placeholder
 * @param dirty		the worker's queue
 * @return			TRUE if it is to be kept
 */
bool vti_placeholder_needed(vti_placeholder_t *this, linked_list_t *dirty);

/**
 * Hold the placeholder in netns: made there unless it is, one elsewhere
 * deleted first; a failure is logged at level 2 (the moves then name
 * each link afterwards, as without it).
 *
 * @param this		the worker's placeholder
 * @param backend	the kernel
 * @param netns		the namespace, not charon's; NULL: nothing to do
 * @param create	create the namespace if missing (netns_create)
 */
void vti_placeholder_hold(vti_placeholder_t *this, vti_backend_t *backend,
						  const char *netns, bool create);

/**
 * Delete the placeholder, if there is one.
 *
 * @param this		the worker's placeholder
 * @param backend	the kernel
 */
void vti_placeholder_drop(vti_placeholder_t *this, vti_backend_t *backend);

/**
 * Whether a link of ours is a placeholder.
 *
 * @param link		a link whose alias starts with VTI_ALIAS_PREFIX
 * @return			TRUE for a placeholder
 */
bool vti_placeholder_is(const vti_link_info_t *link);

#endif /** VTI_PLACEHOLDER_H_ @}*/
