/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_holders vti_holders
 * @{ @ingroup vti
 *
 * Which CHILD_SAs hold interfaces, found by CHILD_SA, by IKE_SA, and by the
 * CHILD_SA a rekey replaced.
 */

#ifndef VTI_HOLDERS_H_
#define VTI_HOLDERS_H_

#include "vti_iface.h"

typedef struct vti_holder_t vti_holder_t;
typedef struct vti_holders_t vti_holders_t;

/** Most interfaces one CHILD_SA holds: XFRM ones for distinct in/out ids */
#define VTI_MAX_HELD 2

/**
 * A CHILD_SA holding interfaces.
 */
struct vti_holder_t {
	/** unique id of the CHILD_SA */
	uint32_t child_id;
	/** unique id of its IKE_SA, 0 for a trap's standing want (not in
	 * the IKE_SA index) */
	uint32_t ike_id;
	/** the CHILD_SA it replaced in its last rekey, 0 if none */
	uint32_t rekeyed_from;
	/**
	 * the CHILD_SA that lost a rekey collision to it, 0 if none: IKEv1
	 * may keep that one and retire this one silently
	 */
	uint32_t redundant;
	/** what its MTU is computed from (conn is NULL) */
	vti_tunnel_t tunnel;
	/** number of claims */
	int count;
	/** its claims, one per interface */
	vti_claim_t claims[VTI_MAX_HELD];
};

/**
 * The holders, indexed. Holds no lock: the manager's protects it.
 */
struct vti_holders_t {

	/**
	 * The holder of a CHILD_SA.
	 *
	 * @param child_id	unique id of the CHILD_SA
	 * @return			holder, NULL if it holds nothing
	 */
	vti_holder_t *(*get)(vti_holders_t *this, uint32_t child_id);

	/**
	 * Register a holder under its CHILD_SA and IKE_SA.
	 *
	 * @param holder	holder, owned from now on
	 */
	void (*add)(vti_holders_t *this, vti_holder_t *holder);

	/**
	 * Unregister a holder whose CHILD_SA is gone, the caller frees it.
	 *
	 * @param holder	registered holder
	 */
	void (*remove)(vti_holders_t *this, vti_holder_t *holder);

	/**
	 * Let the holder of a rekeyed CHILD_SA continue as the new one. Charon
	 * reports a rekey twice for the same old CHILD_SA when our rekey wins a
	 * collision after answering the peer's (child_rekey.c); the peer's
	 * CHILD_SA then goes without an event (child_delete.c): the second
	 * report moves the holder from it. IKEv1 keeps both CHILD_SAs of a
	 * collision and later retires one of them without an event
	 * (task_manager_v1.c): a rekey of the one that lost moves the holder
	 * back to that line.
	 *
	 * @param old_id	the CHILD_SA rekeyed
	 * @param child_id	the one replacing it
	 * @param ike_id	its IKE_SA
	 * @param redundant	receives the CHILD_SA a collision left redundant,
	 *					0 if none
	 * @return			the holder, NULL if old_id held nothing
	 */
	vti_holder_t *(*rekey)(vti_holders_t *this, uint32_t old_id,
						   uint32_t child_id, uint32_t ike_id,
						   uint32_t *redundant);

	/**
	 * Move the holders of an IKE_SA to another (IKE_SA rekey, IKEv1
	 * reauthentication).
	 *
	 * @param old_id	the IKE_SA they belonged to
	 * @param new_id	the one they belong to now
	 */
	void (*migrate)(vti_holders_t *this, uint32_t old_id, uint32_t new_id);

	/**
	 * Move one holder to another IKE_SA.
	 *
	 * @param holder	registered holder
	 * @param ike_id	the IKE_SA it belongs to now
	 */
	void (*migrate_one)(vti_holders_t *this, vti_holder_t *holder,
						uint32_t ike_id);

	/**
	 * Enumerate the holders of an IKE_SA (vti_holder_t*), over a copy:
	 * the caller may change the index meanwhile.
	 *
	 * @param ike_id	unique id of the IKE_SA
	 */
	enumerator_t *(*create_ike_enumerator)(vti_holders_t *this,
										   uint32_t ike_id);

	/**
	 * Enumerate all holders (vti_holder_t*), over a copy.
	 */
	enumerator_t *(*create_enumerator)(vti_holders_t *this);

	/**
	 * Sizes of the index, for the log.
	 *
	 * @param retired	receives the number of holders kept by the CHILD_SA
	 *					they replaced (for a rekey collision)
	 * @param ikes		receives the number of IKE_SAs with holders
	 * @return			number of holders
	 */
	u_int (*get_count)(vti_holders_t *this, u_int *retired, u_int *ikes);

	/**
	 * Unregister and return any holder, for the shutdown.
	 *
	 * @return			holder the caller frees, NULL if none is left
	 */
	vti_holder_t *(*take_any)(vti_holders_t *this);

	/**
	 * Destroy the index and the holders still in it.
	 */
	void (*destroy)(vti_holders_t *this);
};

/**
 * Create an empty index.
 */
vti_holders_t *vti_holders_create();

#endif /** VTI_HOLDERS_H_ @}*/
