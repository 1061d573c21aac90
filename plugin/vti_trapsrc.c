/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The traps charon installed, read for the standing wants of trap
 * connections (on-demand interfaces): copied under the trap manager's
 * lock, a new one described after it, as trap_manager.c install()
 * resolves its addresses.
 */

#include "vti_trapsrc.h"
#include "vti_config.h"

#include <daemon.h>
#include <collections/linked_list.h>

/**
 * A trap read under the trap manager's lock, described after it.
 */
typedef struct {
	/** what the enumerator yields */
	vti_trap_t public;
	/** its configs, referenced; NULL where it is not to be described */
	peer_cfg_t *peer_cfg;
	child_cfg_t *child_cfg;
} trap_read_t;

static void trap_destroy(trap_read_t *trap)
{
	DESTROY_IF(trap->peer_cfg);
	DESTROY_IF(trap->child_cfg);
	free((char*)trap->public.conn);
	free(trap);
}

static void trap_list_destroy(linked_list_t *list)
{
	list->destroy_function(list, (void*)trap_destroy);
}

/**
 * Whether the trap's CHILD_SA has the marks or if_ids that of the acquire
 * gets: none of them %unique.
 */
static const char *unique_of(peer_cfg_t *peer, child_cfg_t *child)
{
	if (MARK_IS_UNIQUE(child->get_mark(child, TRUE).value) ||
		MARK_IS_UNIQUE(child->get_mark(child, FALSE).value))
	{
		return "its marks are %unique, each CHILD_SA gets others";
	}
	if (IF_ID_IS_UNIQUE(child->get_if_id(child, TRUE)) ||
		IF_ID_IS_UNIQUE(child->get_if_id(child, FALSE)) ||
		IF_ID_IS_UNIQUE(peer->get_if_id(peer, TRUE)) ||
		IF_ID_IS_UNIQUE(peer->get_if_id(peer, FALSE)))
	{
		return "its if_ids are %unique, each CHILD_SA gets others";
	}
	return NULL;
}

/**
 * The endpoints of a trap, as charon's trap manager resolves them.
 */
static const char *endpoints_of(peer_cfg_t *peer, vti_tunnel_t *tunnel)
{
	ike_cfg_t *ike_cfg = peer->get_ike_cfg(peer);
	host_t *me, *other;

	if (vti_config_remote_is_shared(ike_cfg->get_other_addr(ike_cfg)))
	{
		return "its remote_addrs is not one address (%any, a list, a "
			   "subnet or a range)";
	}
	other = ike_cfg->resolve_other(ike_cfg, AF_UNSPEC);
	if (!other || other->is_anyaddr(other))
	{
		DESTROY_IF(other);
		return "its remote_addrs does not resolve";
	}
	me = ike_cfg->resolve_me(ike_cfg, other->get_family(other));
	if (!me || me->is_anyaddr(me))
	{
		DESTROY_IF(me);
		me = charon->kernel->get_source_addr(charon->kernel, other, NULL);
	}
	if (!me)
	{
		other->destroy(other);
		return "no local address reaches its remote_addrs";
	}
	tunnel->family = other->get_family(other);
	vti_tunnel_addr(me, tunnel->local);
	vti_tunnel_addr(other, tunnel->remote);
	me->destroy(me);
	other->destroy(other);
	return NULL;
}

/**
 * The ESP overhead of the worst of a proposal's transforms for family, if
 * all are known; worst receives the inner MTU it leaves of 1500.
 */
static bool worst_of_proposal(proposal_t *proposal, int family,
							  vti_esp_overhead_t *esp, uint32_t *worst)
{
	enumerator_t *encrs, *integs;
	vti_esp_overhead_t o;
	uint16_t encr, integ, size;
	uint32_t mtu;
	bool known = TRUE, any;

	encrs = proposal->create_enumerator(proposal, ENCRYPTION_ALGORITHM);
	while (known && encrs->enumerate(encrs, &encr, &size))
	{
		integs = proposal->create_enumerator(proposal, INTEGRITY_ALGORITHM);
		any = integs->enumerate(integs, &integ, &size);
		do
		{
			known = vti_mtu_esp_overhead(encr, any ? integ : AUTH_UNDEFINED,
										 &o);
			mtu = known ? vti_mtu_inner(1500, family, FALSE, &o) : 0;
			if (known && (!*worst || mtu < *worst))
			{
				*worst = mtu;
				*esp = o;
			}
		}
		while (known && any && integs->enumerate(integs, &integ, &size));
		integs->destroy(integs);
	}
	encrs->destroy(encrs);
	return known;
}

/**
 * The ESP overhead of the worst of the configured ESP proposals; an
 * unknown algorithm leaves it unknown (the largest is assumed).
 */
static void worst_esp(child_cfg_t *child_cfg, vti_tunnel_t *tunnel)
{
	linked_list_t *proposals;
	enumerator_t *enumerator;
	proposal_t *proposal;
	uint32_t worst = 0;
	bool known = TRUE;

	proposals = child_cfg->get_proposals(child_cfg, FALSE);
	enumerator = proposals->create_enumerator(proposals);
	while (known && enumerator->enumerate(enumerator, &proposal))
	{
		known = worst_of_proposal(proposal, tunnel->family, &tunnel->esp,
								  &worst);
	}
	enumerator->destroy(enumerator);
	proposals->destroy_offset(proposals, offsetof(proposal_t, destroy));
	tunnel->esp_known = known && worst;
}

/**
 * Describe a trap outside the trap manager's lock.
 */
static void describe(trap_read_t *trap)
{
	vti_trap_t *this = &trap->public;

	this->described = TRUE;
	this->tunnel.conn = this->conn;
	this->tunnel.child_id = this->id;
	this->refused = unique_of(trap->peer_cfg, trap->child_cfg) ?:
					endpoints_of(trap->peer_cfg, &this->tunnel);
	if (!this->refused)
	{
		worst_esp(trap->child_cfg, &this->tunnel);
	}
}

/**
 * A trap of the trap manager, with its configs if it is to be described;
 * NULL if it wants no interface.
 */
static trap_read_t *trap_read(peer_cfg_t *peer, child_sa_t *child_sa,
							  hashtable_t *known)
{
	trap_read_t *trap;
	uint32_t id = child_sa->get_unique_id(child_sa);

	if (child_sa->get_mode(child_sa) != MODE_TUNNEL ||
		(!child_sa->get_mark(child_sa, TRUE).value &&
		 !child_sa->get_mark(child_sa, FALSE).value &&
		 !child_sa->get_if_id(child_sa, TRUE) &&
		 !child_sa->get_if_id(child_sa, FALSE)))
	{
		return NULL;
	}
	INIT(trap,
		.public = {
			.id = id,
		},
	);
	if (!known->get(known, vti_id_key(id)))
	{
		trap->public.conn = strdup(peer->get_name(peer));
		trap->public.tunnel = (vti_tunnel_t){
			.mark_in = child_sa->get_mark(child_sa, TRUE).value,
			.mark_out = child_sa->get_mark(child_sa, FALSE).value,
			.if_id_in = child_sa->get_if_id(child_sa, TRUE),
			.if_id_out = child_sa->get_if_id(child_sa, FALSE),
		};
		trap->peer_cfg = peer->get_ref(peer);
		trap->child_cfg = child_sa->get_config(child_sa);
		trap->child_cfg->get_ref(trap->child_cfg);
	}
	return trap;
}

/**
 * Describe the traps not known before, as they are enumerated.
 */
static bool describe_filter(void *data, enumerator_t *orig, va_list args)
{
	trap_read_t *trap;
	vti_trap_t **out;

	VA_ARGS_VGET(args, out);
	if (!orig->enumerate(orig, &trap))
	{
		return FALSE;
	}
	if (trap->peer_cfg)
	{
		describe(trap);
	}
	*out = &trap->public;
	return TRUE;
}

/*
 * Described in header
 */
enumerator_t *vti_trapsrc_create_enumerator(vti_source_t *source,
											hashtable_t *known)
{
	enumerator_t *enumerator;
	linked_list_t *list;
	peer_cfg_t *peer;
	child_sa_t *child_sa;
	trap_read_t *trap;

	list = linked_list_create();
	enumerator = charon->traps->create_enumerator(charon->traps);
	while (enumerator->enumerate(enumerator, &peer, &child_sa))
	{
		trap = trap_read(peer, child_sa, known);
		if (trap)
		{
			list->insert_last(list, trap);
		}
	}
	enumerator->destroy(enumerator);
	return enumerator_create_filter(list->create_enumerator(list),
									describe_filter, list,
									(void*)trap_list_destroy);
}
