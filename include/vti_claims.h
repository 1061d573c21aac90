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
 * A CHILD_SA up, or a trap's standing want: a holder with a claim on each
 * interface its connection's settings want, added to index.
 *
 * @param table		the table
 * @param index		where the holder goes (the CHILD_SAs', or the traps')
 * @param tunnel	the CHILD_SA
 * @param seq		order of claims, advanced by each claim
 * @return			FALSE if it is declined an interface (logged)
 */
bool vti_claims_hold(vti_table_t *table, vti_holders_t *index,
					 const vti_tunnel_t *tunnel, uint64_t *seq);

/**
 * Drop a holder whose CHILD_SA (or trap) is gone: each interface it leaves
 * unheld stays up for grace seconds, or is queued for release.
 *
 * @param table		the table
 * @param index		the index holding it
 * @param holder	the holder, freed
 * @param grace		seconds, 0 for none
 * @param why		reason of a release, for the log
 */
void vti_claims_release(vti_table_t *table, vti_holders_t *index,
						vti_holder_t *holder, uint32_t grace, const char *why);

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
