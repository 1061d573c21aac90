/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_claims vti_claims
 * @{ @ingroup vti
 *
 * The claims of CHILD_SAs on interfaces; called with the table's lock held.
 */

#ifndef VTI_CLAIMS_H_
#define VTI_CLAIMS_H_

#include "vti_holders.h"
#include "vti_want.h"
#include "vti_table.h"

/**
 * Claim the interface of a want for a new CHILD_SA and queue it.
 *
 * @param table		the table
 * @param holder	the CHILD_SA's holder, receives the claim
 * @param tunnel	the CHILD_SA
 * @param cfg		its connection's settings
 * @param want		the interface it wants
 * @param seq		order of the claim
 * @return			FALSE (logged) if it gets none
 */
bool vti_claims_take(vti_table_t *table, vti_holder_t *holder,
					 const vti_tunnel_t *tunnel, const vti_conn_cfg_t *cfg,
					 const vti_want_t *want, uint64_t seq);

/**
 * Withdraw a claim; the interface it leaves unheld stays up for grace
 * seconds, or is queued for release.
 *
 * @param table		the table
 * @param claim		the claim
 * @param grace		seconds, 0 for none
 * @param why		reason of a release, for the log
 */
void vti_claims_withdraw(vti_table_t *table, vti_claim_t *claim,
						 uint32_t grace, const char *why);

/**
 * A holder's SA or path changed: its claims' MTUs are computed again.
 *
 * @param table		the table
 * @param holder	the holder
 */
void vti_claims_changed(vti_table_t *table, vti_holder_t *holder);

/**
 * Move a holder to new endpoints; a shared VTI keeps remote any, an XFRM
 * interface has none to follow.
 *
 * @param holder	the holder
 * @param family	AF_INET or AF_INET6
 * @param local		local address, network order
 * @param remote	remote address, network order
 * @param natt		ESP in UDP now (the MTU follows)
 */
void vti_claims_move(vti_holder_t *holder, int family, const uint8_t *local,
					 const uint8_t *remote, bool natt);

/**
 * The newest CHILD_SA decides: the interfaces kept in a grace for the
 * CHILD_SA a reauthentication recreates (same lineage) go as soon as it
 * came up without taking them (declined, or on another interface); with
 * the table's lock held.
 *
 * @param table		the table
 * @param tunnel	the CHILD_SA that came up
 * @param holder	its holder, NULL if it was declined
 */
void vti_claims_end_graces(vti_table_t *table, const vti_tunnel_t *tunnel,
						   vti_holder_t *holder);

/**
 * Mark the interface of a claim to be deleted once unheld where no
 * CHILD_SA ever comes back to it: an XFRM interface of a %unique if_id
 * (charon never gives the id again), which neither a grace nor down_action
 * = down may keep.
 *
 * @param holder	the claim's holder
 * @param claim		the claim
 * @return			TRUE if it was so marked
 */
bool vti_claims_delete_when_unheld(vti_holder_t *holder, vti_claim_t *claim);

/**
 * Whether another standing want (a trap's, a start connection's) than
 * want_id claims an interface.
 *
 * @param iface		the interface
 * @param want_id	the want's id
 * @return			TRUE if another one claims it
 */
bool vti_claims_other_want(vti_iface_t *iface, uint32_t want_id);

#endif /** VTI_CLAIMS_H_ @}*/
