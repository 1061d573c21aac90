/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_manager vti_manager
 * @{ @ingroup vti
 */

#ifndef VTI_MANAGER_H_
#define VTI_MANAGER_H_

#include "vti_backend.h"
#include "vti_config.h"
#include "vti_tunnel.h"

typedef struct vti_manager_t vti_manager_t;

/**
 * The table of interfaces the CHILD_SAs want, entered by charon's events.
 * Its methods only record intent and return; a kernel worker brings the
 * kernel there. The decisions are spread over claims, iface, resync and
 * the worker: docs/rules.md lists each with where it is made.
 */
struct vti_manager_t {

	/**
	 * A CHILD_SA came up.
	 *
	 * @param tunnel	the CHILD_SA
	 */
	void (*child_up)(vti_manager_t *this, const vti_tunnel_t *tunnel);

	/**
	 * A CHILD_SA went down (deleted, expired, or its IKE_SA died).
	 *
	 * @param conn		its connection
	 * @param child_id	its unique id
	 * @param grace		seconds an interface it leaves unheld stays up for
	 *					the CHILD_SAs of a break-before-make
	 *					reauthentication, 0 to release it at once
	 */
	void (*child_down)(vti_manager_t *this, const char *conn,
					   uint32_t child_id, uint32_t grace);

	/**
	 * A CHILD_SA was rekeyed: the new one takes the old one's place.
	 *
	 * @param old_id	unique id of the rekeyed CHILD_SA
	 * @param tunnel	the new one
	 */
	void (*child_rekey)(vti_manager_t *this, uint32_t old_id,
						const vti_tunnel_t *tunnel);

	/**
	 * The CHILD_SAs of an IKE_SA now belong to another (IKE_SA rekey, IKEv1
	 * reauthentication).
	 *
	 * @param old_id	unique id of the IKE_SA they belonged to
	 * @param new_id	unique id of the one they belong to now
	 */
	void (*ike_rekey)(vti_manager_t *this, uint32_t old_id, uint32_t new_id);

	/**
	 * The endpoints of an IKE_SA change (MOBIKE, NAT float).
	 *
	 * @param ike_id	its unique id
	 * @param family	AF_INET or AF_INET6
	 * @param local		new local address, network order
	 * @param remote	new remote address, network order
	 * @param natt		whether its CHILD_SAs are in UDP (a NAT on the path)
	 */
	void (*ike_update)(vti_manager_t *this, uint32_t ike_id, int family,
					   const uint8_t *local, const uint8_t *remote,
					   bool natt);

	/**
	 * Use new settings (for interfaces created from now on).
	 *
	 * @param config	settings, owned from now on
	 */
	void (*reload)(vti_manager_t *this, vti_config_t *config);

	/**
	 * Compare the table with charon's CHILD_SAs and the kernel soon, and
	 * repair what differs; at start, release what an earlier run left.
	 */
	void (*resync)(vti_manager_t *this);

	/**
	 * Tell the resync where charon's CHILD_SAs are.
	 *
	 * @param source	source, NULL for none
	 */
	void (*set_source)(vti_manager_t *this, vti_source_t *source);

	/**
	 * Remove what was created (or set it down, per down_action), destroy.
	 */
	void (*destroy)(vti_manager_t *this);
};

/**
 * Create the manager and start its kernel worker (a job of charon's
 * processor); it owns config and backend.
 *
 * @param config	settings
 * @param backend	the kernel
 */
vti_manager_t *vti_manager_create(vti_config_t *config,
								  vti_backend_t *backend);

#endif /** VTI_MANAGER_H_ @}*/
