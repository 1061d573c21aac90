/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Which interface a CHILD_SA's want gets, and its claims on it: the
 * interface of its name, or for a VTI the one with its endpoints (the
 * kernel tells VTIs apart by nothing else), if its connection owns it and
 * no CHILD_SA of the same IKE_SA holds it with another identity.
 */

#include "vti_claims.h"

#include <utils/debug.h>

/**
 * Withdraw a claim; the interface it leaves unheld stays up for grace
 * seconds, or is queued for release.
 */
static void withdraw(vti_table_t *table, vti_claim_t *claim, uint32_t grace,
					 const char *why)
{
	vti_iface_t *iface = claim->iface;

	vti_iface_unclaim(iface, claim);
	if (array_count(iface->claims))
	{
		DBG2(DBG_CHD, "vti: %s: CHILD_SA {%u} left %s, %u holders remain",
			 iface->conn, claim->child_id, iface->name,
			 array_count(iface->claims));
	}
	else if (grace && iface->up)
	{
		vti_table_grace_start(table, iface, grace, claim->tunnel->lineage);
		DBG1(DBG_CHD, "vti: %s: keeping %s up to %us for the CHILD_SAs of a "
			 "reauthentication", iface->conn, iface->name, grace);
		return;
	}
	vti_table_dirty(table, iface, why);
}

/**
 * An interface of conn whose claims come from another IKE_SA than ike_id
 * (or none) may take the identity of a new claim; one of the same IKE_SA
 * with another identity would lose its interface.
 */
static bool same_ike_conflict(vti_iface_t *iface, uint32_t ike_id,
							  const vti_params_t *params)
{
	vti_claim_t *claim;
	int i;

	for (i = 0; i < array_count(iface->claims); i++)
	{
		array_get(iface->claims, i, &claim);
		if (claim->ike_id == ike_id && !vti_params_equal(&claim->params, params))
		{
			return TRUE;
		}
	}
	return FALSE;
}


/**
 * The interface beside whose link the kernel would refuse params, NULL if
 * none: from the index, no walk of the table.
 */
static vti_iface_t *find_same_tunnel(vti_table_t *table,
									 const vti_params_t *params)
{
	vti_iface_t *found = vti_iface_find_tunnel(table->tunnels, params);
#ifdef VTI_CHECK_TABLE
	/* the unit tests' build: the index finds one where a walk does */
	enumerator_t *enumerator;
	vti_iface_t *iface;
	bool walked = FALSE;
	void *key;

	enumerator = table->ifaces->create_enumerator(table->ifaces);
	while (!walked && enumerator->enumerate(enumerator, &key, &iface))
	{
		walked = vti_iface_same_tunnel(iface, params);
	}
	enumerator->destroy(enumerator);
	if (walked != (found != NULL))
	{
		DBG1(DBG_CHD, "vti: the index of tunnels is wrong");
		abort();
	}
#endif
	return found;
}

/**
 * The interface a want of a CHILD_SA gets: its name's, or the VTI with its
 * endpoints, if its connection owns it, else a new entry. NULL (logged)
 * where it cannot have one.
 */
static vti_iface_t *find_iface(vti_table_t *table, const vti_tunnel_t *tunnel,
							   const vti_conn_cfg_t *cfg, const vti_want_t *want)
{
	vti_iface_t *named, *iface;
	char desc[256];

	named = vti_table_named(table, cfg->netns, want->name);
	iface = find_same_tunnel(table, &want->params) ?: named;
	vti_iface_describe(want->name, &want->params, desc, sizeof(desc));
	if (!iface)
	{
		iface = vti_iface_create(tunnel->conn,
								 vti_table_netns(table, cfg->netns), cfg,
								 want->name, want->params.kind);
		table->ifaces->put(table->ifaces, iface, iface);
		vti_iface_index_new(iface, table->tunnels, &want->params);
		return iface;
	}
	if (named && named != iface)
	{
		DBG1(DBG_CHD, "vti: %s: %s wants the endpoints of %s and the name of "
			 "%s in namespace %s: the CHILD_SA gets no interface",
			 tunnel->conn, desc, iface->name, named->name,
			 vti_iface_netns_str(named->netns));
		return NULL;
	}
	if (!streq(iface->conn, tunnel->conn))
	{
		DBG1(DBG_CHD, "vti: %s: %s in namespace %s is already used by "
			 "connection %s (wanted %s): the CHILD_SA gets no interface",
			 tunnel->conn, iface->name, vti_iface_netns_str(iface->netns),
			 iface->conn, desc);
		return NULL;
	}
	if (same_ike_conflict(iface, tunnel->ike_id, &want->params))
	{
		DBG1(DBG_CHD, "vti: %s: %s already carries another CHILD_SA of the "
			 "same IKE_SA with other keys or endpoints (wanted %s); the "
			 "kernel tells VTIs apart by endpoints only, use if_ids: the "
			 "CHILD_SA gets no interface", tunnel->conn, iface->name, desc);
		return NULL;
	}
	return iface;
}

/**
 * Claim the interface of a want for a new CHILD_SA and queue it; FALSE
 * (logged) if it gets none.
 */
static bool take(vti_table_t *table, vti_holder_t *holder,
				 const vti_tunnel_t *tunnel, const vti_conn_cfg_t *cfg,
				 const vti_want_t *want, uint64_t seq)
{
	vti_claim_t *claim = &holder->claims[holder->count];
	vti_iface_t *iface;

	iface = find_iface(table, tunnel, cfg, want);
	if (!iface)
	{
		return FALSE;
	}
	*claim = (vti_claim_t){
		.child_id = tunnel->child_id,
		.ike_id = tunnel->ike_id,
		.params = want->params,
		.tunnel = &holder->tunnel,
		.seq = seq,
	};
	/* a new claim comes back to it: what is to go goes with the claims
	 * released after it */
	iface->delete_unheld = FALSE;
	if (!array_count(iface->claims))
	{
		iface->held_down = FALSE;
		if (iface->pending_until)
		{
			DBG1(DBG_CHD, "vti: %s: %s carries on with the reauthenticated "
				 "CHILD_SA {%u}", tunnel->conn, iface->name, tunnel->child_id);
			vti_table_grace_end(table, iface);
		}
		else
		{
			/* kept down (or set up by hand meanwhile), adopted, or being
			 * released: made again with today's settings */
			vti_iface_use_cfg(iface, cfg, want->params.kind);
		}
	}
	vti_iface_claim(iface, claim);
	iface->sa_held |= tunnel->ike_id != 0;
	DBG2(DBG_CHD, "vti: %s: CHILD_SA {%u} holds %s (%u holders)",
		 tunnel->conn, tunnel->child_id, iface->name,
		 array_count(iface->claims));
	vti_table_dirty(table, iface, "");
	holder->count++;
	return TRUE;
}

/*
 * Described in header
 */
void vti_claims_changed(vti_table_t *table, vti_holder_t *holder)
{
	int i;

	for (i = 0; i < holder->count; i++)
	{
		holder->claims[i].mtu = 0;
		vti_table_dirty(table, holder->claims[i].iface, "");
	}
}

/*
 * Described in header
 */
void vti_claims_move(vti_holder_t *holder, int family, const uint8_t *local,
					 const uint8_t *remote, bool natt)
{
	static const uint8_t zero[16];
	vti_params_t *params;
	int i;

	holder->tunnel.natt = natt;
	holder->tunnel.family = family;
	memcpy(holder->tunnel.local, local, 16);
	memcpy(holder->tunnel.remote, remote, 16);
	for (i = 0; i < holder->count; i++)
	{
		params = &holder->claims[i].params;
		if (params->kind == VTI_KIND_XFRM)
		{
			continue;
		}
		params->family = family;
		params->kind = family == AF_INET ? VTI_KIND_VTI : VTI_KIND_VTI6;
		memcpy(params->local, local, 16);
		if (memcmp(params->remote, zero, sizeof(zero)))
		{
			memcpy(params->remote, remote, 16);
		}
	}
}

/*
 * Described in header
 */
void vti_claims_end_graces(vti_table_t *table, const vti_tunnel_t *tunnel,
						   vti_holder_t *holder)
{
	enumerator_t *enumerator;
	vti_iface_t *iface;

	enumerator = vti_table_create_grace_enumerator(table,
												   tunnel->conn);
	while (enumerator->enumerate(enumerator, &iface))
	{
		if (iface->pending_lineage != tunnel->lineage ||
			array_count(iface->claims))
		{
			continue;
		}
		DBG1(DBG_CHD, "vti: %s: the reauthenticated CHILD_SA {%u} %s%s, %s "
			 "kept for it goes", tunnel->conn, tunnel->child_id,
			 holder ? "took " : "got no interface",
			 holder ? holder->claims[0].iface->name : "", iface->name);
		vti_table_grace_end(table, iface);
		vti_table_dirty(table, iface, "its CHILD_SA came back "
						"without it");
	}
	enumerator->destroy(enumerator);
}

/*
 * Described in header
 */
bool vti_claims_delete_when_unheld(vti_holder_t *holder, vti_claim_t *claim)
{
	if (holder->tunnel.if_id_unique && claim->params.kind == VTI_KIND_XFRM)
	{
		claim->iface->delete_unheld = TRUE;
		return TRUE;
	}
	return FALSE;
}

/*
 * Described in header
 */
bool vti_claims_other_want(vti_iface_t *iface, uint32_t want_id)
{
	vti_claim_t *claim;
	int i;

	for (i = 0; i < array_count(iface->claims); i++)
	{
		array_get(iface->claims, i, &claim);
		if (!claim->ike_id && claim->child_id != want_id)
		{
			return TRUE;
		}
	}
	return FALSE;
}

/*
 * Described in header
 */
bool vti_claims_hold(vti_table_t *table, vti_holders_t *index,
					 const vti_tunnel_t *tunnel, uint64_t *seq)
{
	vti_conn_cfg_t cfg;
	vti_want_t wants[VTI_MAX_HELD];
	vti_holder_t *holder;
	int i, n;

	if (!table->config->lookup(table->config, tunnel->conn, &cfg))
	{
		DBG2(DBG_CHD, "vti: %s: CHILD_SA {%u} gets no interface: the "
			 "connection is disabled, not listed, or its settings are "
			 "invalid", tunnel->conn, tunnel->child_id);
		return FALSE;
	}
	n = vti_want(tunnel, &cfg, wants, VTI_MAX_HELD);
	INIT(holder,
		.child_id = tunnel->child_id,
		.ike_id = tunnel->ike_id,
		.tunnel = *tunnel,
	);
	holder->tunnel.conn = NULL;
	for (i = 0; i < n; i++)
	{
		take(table, holder, tunnel, &cfg, &wants[i], ++*seq);
	}
	if (!holder->count)
	{
		free(holder);
		return FALSE;
	}
	index->add(index, holder);
	return TRUE;
}

/*
 * Described in header
 */
void vti_claims_release(vti_table_t *table, vti_holders_t *index,
						vti_holder_t *holder, uint32_t grace, const char *why)
{
	int i;

	index->remove(index, holder);
	for (i = 0; i < holder->count; i++)
	{
		withdraw(table, &holder->claims[i],
				 vti_claims_delete_when_unheld(holder, &holder->claims[i]) ?
				 0 : grace, why);
	}
	free(holder);
}
