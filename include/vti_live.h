/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_live vti_live
 * @{ @ingroup vti
 *
 * What a resync reads of charon: the CHILD_SAs it has, as copies, and what
 * the bus told of meanwhile, which is newer than what was read.
 */

#ifndef VTI_LIVE_H_
#define VTI_LIVE_H_

#include "vti_tunnel.h"

#include <collections/hashtable.h>

typedef struct vti_live_t vti_live_t;

/**
 * One resync's reading of charon.
 */
struct vti_live_t {

	/** the CHILD_SAs charon has, vti_tunnel_t* copies by unique id */
	hashtable_t *tunnels;

	/** CHILD_SAs the bus told of while they were read, by unique id */
	hashtable_t *touched_children;

	/** likewise IKE_SAs */
	hashtable_t *touched_ikes;
};

/**
 * Start a reading: events touch it from now on.
 *
 * @return			empty reading
 */
vti_live_t *vti_live_create(void);

/**
 * Read the CHILD_SAs charon has, without the table's lock (the source
 * checks IKE_SAs out).
 *
 * @param this		the reading
 * @param source	where charon's CHILD_SAs are listed
 */
void vti_live_read(vti_live_t *this, vti_source_t *source);

/**
 * A bus event about a CHILD_SA and its IKE_SA (either 0 if not known)
 * while the reading runs, with the table's lock held.
 *
 * @param this		the reading, NULL if none runs (nothing is done)
 * @param child_id	unique id of the CHILD_SA, 0 for none
 * @param ike_id	unique id of the IKE_SA, 0 for none
 */
void vti_live_touch(vti_live_t *this, uint32_t child_id, uint32_t ike_id);

/**
 * Whether the bus told of the CHILD_SA or its IKE_SA during the reading:
 * the reading may predate them, a resync leaves them alone.
 *
 * @param this		the reading
 * @param child_id	unique id of the CHILD_SA
 * @param ike_id	unique id of the IKE_SA, 0 for none
 */
bool vti_live_touched(vti_live_t *this, uint32_t child_id, uint32_t ike_id);

/**
 * Free the reading and its copies.
 *
 * @param this		the reading
 */
void vti_live_destroy(vti_live_t *this);

#endif /** VTI_LIVE_H_ @}*/
