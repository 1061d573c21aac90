/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The traps charon installed and the start configs it loaded, read for
 * the standing wants of trap and start connections (on-demand
 * interfaces): copied under the trap manager's (the backends') lock, a new
 * one described after it, as trap_manager.c install() resolves its
 * addresses.
 */

#include "vti_trapsrc.h"
#include "vti_config.h"

#include <daemon.h>
#include <collections/linked_list.h>

typedef struct private_vti_trapsrc_t private_vti_trapsrc_t;

/**
 * Private data of the source.
 */
struct private_vti_trapsrc_t {

	/** Public interface */
	vti_trapsrc_t public;

	/** start_t by the names of its peer and child configs (start_key_t) */
	hashtable_t *starts;

	/** the id the next start config gets */
	uint32_t next_id;

	/** number of the reading */
	u_int reading;
};

/**
 * What a start config is known by: its connection's and its own name.
 */
typedef struct {
	/** name of the peer config */
	char *peer;
	/** name of the child config */
	char *child;
} start_key_t;

/**
 * A start config loaded, with its id.
 */
typedef struct {
	/** its names, owned */
	start_key_t key;
	/** the config and its peer config, referenced: no other is allocated
	 * at their addresses */
	child_cfg_t *cfg;
	peer_cfg_t *peer;
	/** its id, VTI_START_ID and up */
	uint32_t id;
	/** number of the last reading that saw it */
	u_int seen;
} start_t;

static u_int start_hash(const start_key_t *key)
{
	return chunk_hash_inc(chunk_from_str(key->child),
						  chunk_hash(chunk_from_str(key->peer)));
}

static bool start_equals(const start_key_t *a, const start_key_t *b)
{
	return streq(a->peer, b->peer) && streq(a->child, b->child);
}

static void start_destroy(start_t *start)
{
	start->cfg->destroy(start->cfg);
	start->peer->destroy(start->peer);
	free(start->key.peer);
	free(start->key.child);
	free(start);
}

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
 * Whether a want has marks or if_ids.
 */
static bool keyed(const vti_tunnel_t *keys)
{
	return keys->mark_in || keys->mark_out || keys->if_id_in ||
		   keys->if_id_out;
}

/**
 * A want read, with its configs if its id is not known (to be described).
 */
static trap_read_t *trap_read(peer_cfg_t *peer, child_cfg_t *child_cfg,
							  const vti_tunnel_t *keys, uint32_t id,
							  hashtable_t *known)
{
	trap_read_t *trap;

	INIT(trap,
		.public = {
			.id = id,
		},
	);
	if (!known->get(known, vti_id_key(id)))
	{
		trap->public.conn = strdup(peer->get_name(peer));
		trap->public.tunnel = *keys;
		trap->peer_cfg = peer->get_ref(peer);
		trap->child_cfg = child_cfg->get_ref(child_cfg);
	}
	return trap;
}

/**
 * Read the traps of charon's trap manager into list.
 */
static void read_traps(linked_list_t *list, hashtable_t *known)
{
	enumerator_t *enumerator;
	peer_cfg_t *peer;
	child_sa_t *child_sa;
	vti_tunnel_t keys;

	enumerator = charon->traps->create_enumerator(charon->traps);
	while (enumerator->enumerate(enumerator, &peer, &child_sa))
	{
		keys = (vti_tunnel_t){
			.mark_in = child_sa->get_mark(child_sa, TRUE).value,
			.mark_out = child_sa->get_mark(child_sa, FALSE).value,
			.if_id_in = child_sa->get_if_id(child_sa, TRUE),
			.if_id_out = child_sa->get_if_id(child_sa, FALSE),
		};
		if (child_sa->get_mode(child_sa) == MODE_TUNNEL && keyed(&keys))
		{
			list->insert_last(list, trap_read(peer,
							  child_sa->get_config(child_sa), &keys,
							  child_sa->get_unique_id(child_sa), known));
		}
	}
	enumerator->destroy(enumerator);
}

/**
 * The id of a start config, kept while it is loaded, and while a reload
 * replaces it with an equal one in the same peer config (vici replaces
 * the child configs of a connection loaded again unchanged, and starts
 * nothing): a changed one gets a new id and is described anew.
 */
static uint32_t start_id(private_vti_trapsrc_t *this, peer_cfg_t *peer,
						 child_cfg_t *cfg)
{
	start_key_t key = { peer->get_name(peer), cfg->get_name(cfg) };
	start_t *start;

	start = this->starts->get(this->starts, &key);
	if (start && (start->peer != peer || !start->cfg->equals(start->cfg, cfg)))
	{
		this->starts->remove(this->starts, &key);
		start_destroy(start);
		start = NULL;
	}
	if (!start)
	{
		INIT(start,
			.key = { strdup(key.peer), strdup(key.child) },
			.cfg = cfg->get_ref(cfg),
			.peer = peer->get_ref(peer),
			.id = this->next_id++,
		);
		this->starts->put(this->starts, &start->key, start);
	}
	else if (start->cfg != cfg)
	{
		start->cfg->destroy(start->cfg);
		start->cfg = cfg->get_ref(cfg);
	}
	start->seen = this->reading;
	return start->id;
}

/**
 * Read the CHILD_SA configs with start_action = start of a peer config
 * into list.
 */
static void read_starts_of(private_vti_trapsrc_t *this, peer_cfg_t *peer,
						   linked_list_t *list, hashtable_t *known)
{
	enumerator_t *enumerator;
	child_cfg_t *cfg;
	vti_tunnel_t keys;

	enumerator = peer->create_child_cfg_enumerator(peer);
	while (enumerator->enumerate(enumerator, &cfg))
	{
		keys = (vti_tunnel_t){
			.mark_in = cfg->get_mark(cfg, TRUE).value,
			.mark_out = cfg->get_mark(cfg, FALSE).value,
			.if_id_in = cfg->get_if_id(cfg, TRUE) ?:
						peer->get_if_id(peer, TRUE),
			.if_id_out = cfg->get_if_id(cfg, FALSE) ?:
						 peer->get_if_id(peer, FALSE),
			.start = TRUE,
		};
		if ((cfg->get_start_action(cfg) & ACTION_START) &&
			cfg->get_mode(cfg) == MODE_TUNNEL && keyed(&keys))
		{
			list->insert_last(list, trap_read(peer, cfg, &keys,
							  start_id(this, peer, cfg), known));
		}
	}
	enumerator->destroy(enumerator);
}

/**
 * Read the start configs charon has loaded into list, and forget those
 * no longer loaded.
 */
static void read_starts(private_vti_trapsrc_t *this, linked_list_t *list,
						hashtable_t *known)
{
	enumerator_t *enumerator;
	peer_cfg_t *peer;
	start_t *start;

	this->reading++;
	enumerator = charon->backends->create_peer_cfg_enumerator(
						charon->backends, NULL, NULL, NULL, NULL, IKE_ANY);
	while (enumerator->enumerate(enumerator, &peer))
	{
		read_starts_of(this, peer, list, known);
	}
	enumerator->destroy(enumerator);
	enumerator = this->starts->create_enumerator(this->starts);
	while (enumerator->enumerate(enumerator, NULL, &start))
	{
		if (start->seen != this->reading)
		{
			this->starts->remove_at(this->starts, enumerator);
			start_destroy(start);
		}
	}
	enumerator->destroy(enumerator);
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

METHOD(vti_trapsrc_t, create_enumerator, enumerator_t*,
	private_vti_trapsrc_t *this, hashtable_t *known)
{
	linked_list_t *list;

	list = linked_list_create();
	read_traps(list, known);
	read_starts(this, list, known);
	return enumerator_create_filter(list->create_enumerator(list),
									describe_filter, list,
									(void*)trap_list_destroy);
}

METHOD(vti_trapsrc_t, destroy, void,
	private_vti_trapsrc_t *this)
{
	this->starts->destroy_function(this->starts, (void*)start_destroy);
	free(this);
}

/*
 * Described in header
 */
vti_trapsrc_t *vti_trapsrc_create()
{
	private_vti_trapsrc_t *this;

	INIT(this,
		.public = {
			.create_enumerator = _create_enumerator,
			.destroy = _destroy,
		},
		.starts = hashtable_create((hashtable_hash_t)start_hash,
								   (hashtable_equals_t)start_equals,
								   32),
		.next_id = VTI_START_ID,
	);
	return &this->public;
}
