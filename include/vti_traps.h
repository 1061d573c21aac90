/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_traps vti_traps
 * @{ @ingroup vti
 *
 * The standing wants of trap connections: what charon installed, read
 * level-triggered, and only the differences to the last reading handed
 * back.
 */

#ifndef VTI_TRAPS_H_
#define VTI_TRAPS_H_

#include "vti_tunnel.h"

typedef struct vti_traps_t vti_traps_t;

/**
 * The traps of the last reading.
 */
struct vti_traps_t {

	/**
	 * Read the traps of a source; hand back the new ones (or log once why
	 * one gets no interface) and those gone (missed by two readings in a
	 * row: charon reinstalls a trap under a new id, the old one removed
	 * first).
	 *
	 * @param source	charon's traps
	 * @param up		called with a new trap: child_id is the unique id of
	 *					its CHILD_SA, ike_id 0, endpoints of the connection's
	 *					addresses, esp the worst of its ESP proposals;
	 *					returns FALSE if it declines it an interface
	 * @param down		called with the connection and id of a trap gone
	 *					that up took
	 * @param data		first argument of up and down
	 */
	void (*read)(vti_traps_t *this, vti_source_t *source,
				 bool (*up)(void *data, const vti_tunnel_t *tunnel),
				 void (*down)(void *data, const char *conn, uint32_t trap_id),
				 void *data);

	/**
	 * Hand the traps up declined to it again at the next reading (its
	 * settings were reloaded, a link was freed).
	 */
	void (*retry)(vti_traps_t *this);

	/**
	 * Destroy, handing back nothing.
	 */
	void (*destroy)(vti_traps_t *this);
};

/**
 * Create an empty reading.
 */
vti_traps_t *vti_traps_create();

#endif /** VTI_TRAPS_H_ @}*/
