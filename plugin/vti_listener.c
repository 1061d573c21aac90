/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Translates strongSwan's bus events into requests for the manager; knows
 * nothing of netlink.
 */

#include "vti_listener.h"
#include "vti_manager.h"
#include "vti_trapsrc.h"

#include <daemon.h>
#include <collections/linked_list.h>
#include <threading/mutex.h>

/** Seconds an interface waits for the CHILD_SAs of a break-before-make
 * reauthentication we started */
#define REAUTH_GRACE 30

typedef struct private_vti_listener_t private_vti_listener_t;

/**
 * Private data of the listener.
 */
struct private_vti_listener_t {

	/**
	 * Public interface.
	 */
	vti_listener_t public;

	/**
	 * The table of interfaces.
	 */
	vti_manager_t *manager;

	/**
	 * The CHILD_SAs charon has, for the manager's resyncs.
	 */
	vti_source_t source;

	/**
	 * The traps and start configs charon has, for the manager's readings.
	 */
	vti_trapsrc_t *trapsrc;

	/** the last update a CHILD_SA gave, which its IKE_SA's others repeat */
	vti_tunnel_t updated;

	/** protects updated */
	mutex_t *mutex;
};

/**
 * The ESP overhead of the CHILD_SA's negotiated algorithms, if known.
 */
static void esp_of(child_sa_t *child_sa, vti_tunnel_t *tunnel)
{
	uint16_t encr = ENCR_UNDEFINED, integ = AUTH_UNDEFINED, size;
	proposal_t *proposal;

	proposal = child_sa->get_proposal(child_sa);
	if (proposal &&
		proposal->get_algorithm(proposal, ENCRYPTION_ALGORITHM, &encr, &size))
	{
		proposal->get_algorithm(proposal, INTEGRITY_ALGORITHM, &integ, &size);
		tunnel->esp_known = vti_mtu_esp_overhead(encr, integ, &tunnel->esp);
		if (!tunnel->esp_known)
		{
			DBG1(DBG_CHD, "vti: %s: ESP overhead of %N/%N unknown, assuming "
				 "the largest", tunnel->conn, encryption_algorithm_names, encr,
				 integrity_algorithm_names, integ);
		}
	}
}

/**
 * What a CHILD_SA and the one a reauthentication recreates for it share:
 * its child config's name and the peer's identity.
 */
static uint32_t lineage_of(ike_sa_t *ike_sa, child_sa_t *child_sa)
{
	identification_t *peer = ike_sa->get_other_id(ike_sa);
	u_int hash = chunk_hash(chunk_from_str(child_sa->get_name(child_sa)));

	return peer ? chunk_hash_inc(peer->get_encoding(peer), hash) : hash;
}

/**
 * Describe a CHILD_SA for the manager; FALSE if it needs no interface.
 */
static bool tunnel_of(ike_sa_t *ike_sa, child_sa_t *child_sa,
					  vti_tunnel_t *tunnel)
{
	child_cfg_t *child_cfg;
	ike_cfg_t *ike_cfg;
	host_t *me, *other;
	mark_t cfg_mark;

	if (child_sa->get_mode(child_sa) != MODE_TUNNEL)
	{
		return FALSE;
	}
	*tunnel = (vti_tunnel_t){
		.conn = ike_sa->get_name(ike_sa),
		.child_id = child_sa->get_unique_id(child_sa),
		.ike_id = ike_sa->get_unique_id(ike_sa),
		/* resolved values, never the %unique placeholders of the config */
		.mark_in = child_sa->get_mark(child_sa, TRUE).value,
		.mark_out = child_sa->get_mark(child_sa, FALSE).value,
		.if_id_in = child_sa->get_if_id(child_sa, TRUE),
		.if_id_out = child_sa->get_if_id(child_sa, FALSE),
		.natt = ike_sa->has_condition(ike_sa, COND_NAT_ANY),
	};
	if (!tunnel->mark_in && !tunnel->mark_out &&
		!tunnel->if_id_in && !tunnel->if_id_out)
	{
		return FALSE;
	}
	me = ike_sa->get_my_host(ike_sa);
	other = ike_sa->get_other_host(ike_sa);
	tunnel->family = me->get_family(me);
	vti_tunnel_addr(me, tunnel->local);
	vti_tunnel_addr(other, tunnel->remote);

	/* a fixed mark on a connection several peers can use: the interface
	 * must take any remote from the start */
	child_cfg = child_sa->get_config(child_sa);
	ike_cfg = ike_sa->get_ike_cfg(ike_sa);
	cfg_mark = child_cfg->get_mark(child_cfg, TRUE);
	tunnel->remote_any = !MARK_IS_UNIQUE(cfg_mark.value) && ike_cfg &&
			vti_config_remote_is_shared(ike_cfg->get_other_addr(ike_cfg));
	tunnel->if_id_unique =
			IF_ID_IS_UNIQUE(child_cfg->get_if_id(child_cfg, TRUE)) ||
			IF_ID_IS_UNIQUE(child_cfg->get_if_id(child_cfg, FALSE));
	tunnel->lineage = lineage_of(ike_sa, child_sa);

	esp_of(child_sa, tunnel);
	return TRUE;
}

/**
 * Whether a reauthentication task is under way on the IKE_SA.
 */
static bool reauth_active(ike_sa_t *ike_sa)
{
	enumerator_t *enumerator;
	task_t *task;
	bool active = FALSE;

	enumerator = ike_sa->create_task_enumerator(ike_sa, TASK_QUEUE_ACTIVE);
	while (!active && enumerator->enumerate(enumerator, &task))
	{
		active = task->get_type(task) == TASK_IKE_REAUTH;
	}
	enumerator->destroy(enumerator);
	return active;
}

/**
 * Whether charon recreates a CHILD_SA going down, reauthenticating: its
 * interfaces wait for the new one. Only the reauthenticating side knows;
 * a peer's delete may be its shutdown, where routing must learn at once.
 */
static bool recreated(ike_sa_t *ike_sa, child_sa_t *child_sa)
{
	/* a CHILD_SA deleted on its own (child_delete.c, quick_delete.c set
	 * CHILD_DELETED before the event) is not recreated */
	if (!ike_sa->has_condition(ike_sa, COND_REAUTHENTICATING) ||
		child_sa->get_state(child_sa) == CHILD_DELETED)
	{
		return FALSE;
	}
	/* a deleting IKE_SA is recreated only by the break-before-make task
	 * (ike_reauth.c, also when the peer's delete crosses it: ike_delete.c
	 * build_r()); make-before-break deletes the old one with its new
	 * CHILD_SAs up, and a delete of the peer's with the task still queued
	 * recreates nothing. Not the make_before_break setting: an IKE_SA
	 * keeps the one of its start across a reload */
	return ike_sa->get_state(ike_sa) != IKE_DELETING || reauth_active(ike_sa);
}

/**
 * The CHILD_SA a deleted one replaced in a rekey we answered and that its
 * initiator then gave up (child_create.c delete_failed_sa()): still
 * CHILD_REKEYED, paired with it (child_rekey.c build_r()), and carrying the
 * traffic again. NULL if none.
 */
static child_sa_t *rekey_undone(ike_sa_t *ike_sa, child_sa_t *child_sa)
{
	enumerator_t *enumerator;
	child_sa_t *current, *found = NULL;
	uint32_t spi;

	if (child_sa->get_state(child_sa) != CHILD_DELETED)
	{
		return NULL;
	}
	spi = child_sa->get_spi(child_sa, FALSE);
	enumerator = ike_sa->create_child_sa_enumerator(ike_sa);
	while (!found && enumerator->enumerate(enumerator, &current))
	{
		if (current != child_sa &&
			current->get_state(current) == CHILD_REKEYED &&
			current->get_rekey_spi(current) == spi)
		{
			found = current;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

METHOD(listener_t, child_updown, bool,
	private_vti_listener_t *this, ike_sa_t *ike_sa, child_sa_t *child_sa,
	bool up)
{
	vti_tunnel_t tunnel;
	child_sa_t *rekeyed;
	uint32_t grace = 0;

	if (up)
	{
		if (tunnel_of(ike_sa, child_sa, &tunnel))
		{
			this->manager->child_up(this->manager, &tunnel);
		}
		return TRUE;
	}
	rekeyed = rekey_undone(ike_sa, child_sa);
	if (rekeyed && tunnel_of(ike_sa, rekeyed, &tunnel))
	{
		/* the rekeyed one takes its interface back, as in a rekey */
		this->manager->child_rekey(this->manager,
								   child_sa->get_unique_id(child_sa), &tunnel);
		return TRUE;
	}
	if (recreated(ike_sa, child_sa))
	{
		grace = REAUTH_GRACE;
	}
	this->manager->child_down(this->manager, ike_sa->get_name(ike_sa),
							  child_sa->get_unique_id(child_sa), grace);
	return TRUE;
}

METHOD(listener_t, child_rekey, bool,
	private_vti_listener_t *this, ike_sa_t *ike_sa, child_sa_t *old,
	child_sa_t *new)
{
	vti_tunnel_t tunnel;

	if (tunnel_of(ike_sa, new, &tunnel))
	{
		this->manager->child_rekey(this->manager, old->get_unique_id(old),
								   &tunnel);
	}
	return TRUE;
}

METHOD(listener_t, ike_rekey, bool,
	private_vti_listener_t *this, ike_sa_t *old, ike_sa_t *new)
{
	this->manager->ike_rekey(this->manager, old->get_unique_id(old),
							 new->get_unique_id(new));
	return TRUE;
}

METHOD(listener_t, children_migrate, bool,
	private_vti_listener_t *this, ike_sa_t *ike_sa, ike_sa_id_t *new,
	uint32_t unique)
{
	/* an IKEv1 reauthentication adopts the CHILD_SAs of ike_sa into the
	 * IKE_SA unique; a second call with 0 follows the move */
	if (ike_sa && unique)
	{
		this->manager->ike_rekey(this->manager, ike_sa->get_unique_id(ike_sa),
								 unique);
	}
	return TRUE;
}

METHOD(listener_t, ike_update, bool,
	private_vti_listener_t *this, ike_sa_t *ike_sa, host_t *local,
	host_t *remote)
{
	uint8_t l[16], r[16];

	/* fires before the IKE_SA's hosts change: these are the new ones */
	if (local->get_family(local) != remote->get_family(remote))
	{
		return TRUE;
	}
	vti_tunnel_addr(local, l);
	vti_tunnel_addr(remote, r);
	/* NAT detection ran before: the condition is the new one */
	this->manager->ike_update(this->manager, ike_sa->get_unique_id(ike_sa),
							  local->get_family(local), l, r,
							  ike_sa->has_condition(ike_sa, COND_NAT_ANY));
	return TRUE;
}

/**
 * Whether the update of a CHILD_SA repeats the last one a CHILD_SA gave:
 * update_hosts() updates the CHILD_SAs one after the other, each with the
 * IKE_SA's endpoints and NAT state, and the first tells the manager.
 */
static bool repeated(private_vti_listener_t *this, const vti_tunnel_t *tunnel)
{
	vti_tunnel_t last;

	this->mutex->lock(this->mutex);
	last = this->updated;
	this->updated = *tunnel;
	this->mutex->unlock(this->mutex);
	return last.ike_id == tunnel->ike_id && last.family == tunnel->family &&
		   last.natt == tunnel->natt && memeq(last.local, tunnel->local, 16) &&
		   memeq(last.remote, tunnel->remote, 16);
}

METHOD(listener_t, child_state_change, bool,
	private_vti_listener_t *this, ike_sa_t *ike_sa, child_sa_t *child_sa,
	child_sa_state_t state)
{
	vti_tunnel_t tunnel;

	/* raised before the state is stored: UPDATING -> INSTALLED ends an
	 * update_hosts(), which may carry a NAT state that no ike_update
	 * announced (MOBIKE's initiator runs NAT-D after moving, then updates
	 * the CHILD_SAs alone: ike_mobike.c process_i()) */
	if (state == CHILD_INSTALLED &&
		child_sa->get_state(child_sa) == CHILD_UPDATING &&
		tunnel_of(ike_sa, child_sa, &tunnel) && !repeated(this, &tunnel))
	{
		this->manager->ike_update(this->manager, tunnel.ike_id, tunnel.family,
								  tunnel.local, tunnel.remote, tunnel.natt);
	}
	return TRUE;
}

/**
 * Whether a CHILD_SA in this state is one its interface is for.
 */
static bool is_live(ike_sa_t *ike_sa, child_sa_t *child_sa)
{
	uint32_t spi;

	switch (child_sa->get_state(child_sa))
	{
		case CHILD_INSTALLED:
		case CHILD_UPDATING:
		case CHILD_REKEYING:
			return TRUE;
		case CHILD_REKEYED:
			/* one we answered whose replacement is gone (rekey_undone()) */
			spi = child_sa->get_rekey_spi(child_sa);
			return spi && !ike_sa->get_child_sa(ike_sa, PROTO_ESP, spi, FALSE);
		default:
			return FALSE;
	}
}

static void tunnel_destroy(vti_tunnel_t *tunnel)
{
	free((char*)tunnel->conn);
	free(tunnel);
}

/**
 * The tunnels of an IKE_SA's live CHILD_SAs, copied into list.
 */
static void collect_tunnels(ike_sa_t *ike_sa, linked_list_t *list)
{
	enumerator_t *enumerator;
	child_sa_t *child_sa;
	vti_tunnel_t tunnel, *copy;

	enumerator = ike_sa->create_child_sa_enumerator(ike_sa);
	while (enumerator->enumerate(enumerator, &child_sa))
	{
		if (is_live(ike_sa, child_sa) &&
			tunnel_of(ike_sa, child_sa, &tunnel))
		{
			INIT(copy);
			*copy = tunnel;
			copy->conn = strdup(tunnel.conn);
			list->insert_last(list, copy);
		}
	}
	enumerator->destroy(enumerator);
}

static void list_destroy(linked_list_t *list)
{
	list->destroy_function(list, (void*)tunnel_destroy);
}

/**
 * Implements vti_source_t: the live CHILD_SAs of every IKE_SA, copied
 * while each is checked out, so that none stays checked out meanwhile.
 */
static enumerator_t *create_tunnel_enumerator(vti_source_t *source)
{
	enumerator_t *enumerator;
	linked_list_t *list;
	ike_sa_t *ike_sa;

	list = linked_list_create();
	enumerator = charon->ike_sa_manager->create_enumerator(
											charon->ike_sa_manager, TRUE);
	while (enumerator->enumerate(enumerator, &ike_sa))
	{
		collect_tunnels(ike_sa, list);
	}
	enumerator->destroy(enumerator);
	return enumerator_create_cleaner(list->create_enumerator(list),
									 (void*)list_destroy, list);
}

METHOD(vti_listener_t, reload, void,
	private_vti_listener_t *this)
{
	vti_config_t *config;

	config = vti_config_create(lib->settings, lib->ns);
	DBG1(DBG_CFG, "vti: settings reloaded%s", config->errors(config) ?
		 ", with invalid values (see above)" : "");
	this->manager->reload(this->manager, config);
}

/**
 * Implements vti_source_t.create_trap_enumerator() with the listener's
 * trap source.
 */
static enumerator_t *create_trap_enumerator(vti_source_t *source,
											hashtable_t *known)
{
	private_vti_listener_t *this = (void*)((char*)source -
							offsetof(private_vti_listener_t, source));

	return this->trapsrc->create_enumerator(this->trapsrc, known);
}

METHOD(vti_listener_t, destroy, void,
	private_vti_listener_t *this)
{
	this->manager->set_source(this->manager, NULL);
	this->manager->destroy(this->manager);
	this->trapsrc->destroy(this->trapsrc);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
vti_listener_t *vti_listener_create(vti_manager_t *manager)
{
	private_vti_listener_t *this;

	INIT(this,
		.public = {
			.listener = {
				.child_updown = _child_updown,
				.child_rekey = _child_rekey,
				.ike_rekey = _ike_rekey,
				.ike_update = _ike_update,
				.child_state_change = _child_state_change,
				.children_migrate = _children_migrate,
			},
			.reload = _reload,
			.destroy = _destroy,
		},
		.manager = manager,
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.source = {
			.create_enumerator = create_tunnel_enumerator,
			.create_trap_enumerator = create_trap_enumerator,
		},
		.trapsrc = vti_trapsrc_create(),
	);
	manager->set_source(manager, &this->source);
	return &this->public;
}
