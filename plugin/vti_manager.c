/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The table of interfaces: which CHILD_SAs hold which interface. It takes
 * charon's events and resyncs; the rules they follow are in claims.c
 * (which interface, grace), iface.c (what it should be), resync.c (the
 * kernel compared) and the worker (docs/rules.md lists each).
 *
 * Each CHILD_SA is a holder with a claim on each interface it needs; an
 * interface is shared by the claims of its connection. The newest claim
 * decides keys and endpoints (a reauthentication's new CHILD_SA, a peer
 * back from another address), the smallest MTU wins. The bus only changes
 * claims and queues the interfaces it touched; the kernel worker brings
 * the kernel there, off the bus.
 */

#include "vti_manager.h"
#include "vti_iface.h"
#include "vti_holders.h"
#include "vti_worker.h"
#include "vti_resync.h"
#include "vti_claims.h"
#include "vti_live.h"
#include "vti_traps.h"

#include <collections/hashtable.h>
#include <utils/debug.h>

typedef struct private_vti_manager_t private_vti_manager_t;

/**
 * Private data of the manager.
 */
struct private_vti_manager_t {

	/** Public interface */
	vti_manager_t public;

	/** the interfaces, the settings and the lock, shared with the worker */
	vti_table_t table;

	/** the CHILD_SAs holding interfaces */
	vti_holders_t *holders;

	/** the standing wants of trap connections, by the unique id of the
	 * trap's CHILD_SA (never installed nor on the bus), IKE_SA 0 */
	vti_holders_t *traps;

	/** the traps charon had at the last reading (the worker's alone) */
	vti_traps_t *reading_traps;

	/** the settings were reloaded since the last reading of traps */
	bool traps_retry;

	/** the worker's count of freed links at the last reading of traps */
	u_int traps_freed;

	/** CHILD_SAs decided to get no interface, so that resyncs leave them */
	hashtable_t *declined;

	/** the kernel worker */
	vti_worker_t *worker;

	/** where resyncs learn of charon's CHILD_SAs, NULL for none */
	vti_source_t *source;

	/** the reading of charon of the resync running now, NULL if none */
	vti_live_t *reading;

	/** charon is stopping: resyncs change nothing */
	bool stopping;

	/** order of claims */
	uint64_t seq;
};

/**
 * What declined holds for a CHILD_SA declined now: the worker's count of
 * freed links, never NULL. Resyncs decide it again once the count moved.
 */
static void *freed_mark(private_vti_manager_t *this)
{
	return (void*)((uintptr_t)this->table.freed + 1);
}

METHOD(vti_manager_t, child_up, void,
	private_vti_manager_t *this, const vti_tunnel_t *tunnel)
{
	vti_holder_t *holder;
	char name[IFNAMSIZ] = "";

	this->table.mutex->lock(this->table.mutex);
	vti_live_touch(this->reading, tunnel->child_id, tunnel->ike_id);
	/* a second report of a CHILD_SA that holds its interfaces changes
	 * nothing (and is no decline) */
	if (!this->holders->get(this->holders, tunnel->child_id))
	{
		if (!vti_claims_hold(&this->table, this->holders, tunnel,
							 &this->seq))
		{
			this->declined->put(this->declined, vti_id_key(tunnel->child_id),
								freed_mark(this));
		}
		holder = this->holders->get(this->holders, tunnel->child_id);
		vti_claims_end_graces(&this->table, tunnel, holder);
		if (holder)
		{
			snprintf(name, sizeof(name), "%s", holder->claims[0].iface->name);
		}
	}
	/* bench/ times it to the worker's "NAME ready" by the log's time
	 * stamps; logged with the lock held, the worker's line comes after */
	DBG3(DBG_CHD, "vti: %s: CHILD_SA {%u} up, wants %s", tunnel->conn,
		 tunnel->child_id, name);
	this->table.mutex->unlock(this->table.mutex);
}

METHOD(vti_manager_t, child_down, void,
	private_vti_manager_t *this, const char *conn, uint32_t child_id,
	uint32_t grace)
{
	vti_holder_t *holder;

	this->table.mutex->lock(this->table.mutex);
	this->declined->remove(this->declined, vti_id_key(child_id));
	holder = this->holders->get(this->holders, child_id);
	vti_live_touch(this->reading, child_id, holder ? holder->ike_id : 0);
	if (holder)
	{
		vti_claims_release(&this->table, this->holders, holder, grace,
						   "its last CHILD_SA went down");
	}
	this->table.mutex->unlock(this->table.mutex);
}

/**
 * A new trap or start connection (an id comes again only once declined;
 * a start connection only with down_action = down): its interface awaits
 * its first CHILD_SA.
 */
static bool trap_up(private_vti_manager_t *this, const vti_tunnel_t *tunnel)
{
	vti_conn_cfg_t cfg = {};
	vti_holder_t *holder;
	vti_tunnel_t trap = *tunnel;
	bool taken = FALSE;

	this->table.mutex->lock(this->table.mutex);
	this->table.config->lookup(this->table.config, tunnel->conn, &cfg);
	trap.standby = cfg.on_demand == VTI_ON_DEMAND_DOWN;
	if (tunnel->start && cfg.down_action != VTI_DOWN_SET_DOWN)
	{
		DBG2(DBG_CFG, "vti: %s: no interface before its first CHILD_SA "
			 "(start_action = start, down_action = delete)", tunnel->conn);
	}
	else if (cfg.on_demand == VTI_ON_DEMAND_NO)
	{
		DBG1(DBG_CFG, "vti: %s: no interface before its first CHILD_SA "
			 "(on_demand = no)", tunnel->conn);
	}
	else if ((taken = vti_claims_hold(&this->table, this->traps, &trap,
									  &this->seq)))
	{
		holder = this->traps->get(this->traps, tunnel->child_id);
		DBG1(DBG_CFG, "vti: %s: %s, %s stands ready for its first "
			 "CHILD_SA%s", tunnel->conn, tunnel->start ? "loaded to start"
			 : "trapped", holder->claims[0].iface->name,
			 trap.standby ? ", down" : "");
	}
	this->table.mutex->unlock(this->table.mutex);
	return taken;
}

/**
 * A trap or start connection gone (unloaded, no longer trap): its claims go
 * with no grace.
 */
static void trap_down(private_vti_manager_t *this, const char *conn,
					  uint32_t trap_id)
{
	vti_holder_t *holder;
	int i;

	this->table.mutex->lock(this->table.mutex);
	holder = this->traps->get(this->traps, trap_id);
	if (holder)
	{
		/* an unloaded start connection's CHILD_SAs do not come back:
		 * down_action = down keeps nothing for them (unless it was loaded
		 * again, changed: its new want holds the interface) */
		for (i = 0; holder->tunnel.start && i < holder->count; i++)
		{
			if (!vti_claims_other_want(holder->claims[i].iface, trap_id))
			{
				holder->claims[i].iface->delete_unheld = TRUE;
			}
		}
		vti_claims_release(&this->table, this->traps, holder, 0,
						   holder->tunnel.start ? "its connection was unloaded"
						   : "its connection is no longer trapped");
	}
	this->table.mutex->unlock(this->table.mutex);
}

METHOD(vti_manager_t, child_rekey, void,
	private_vti_manager_t *this, uint32_t old_id, const vti_tunnel_t *tunnel)
{
	vti_holder_t *holder;
	uint32_t redundant;
	void *freed;

	this->table.mutex->lock(this->table.mutex);
	vti_live_touch(this->reading, old_id, tunnel->ike_id);
	vti_live_touch(this->reading, tunnel->child_id, 0);
	holder = this->holders->rekey(this->holders, old_id, tunnel->child_id,
								  tunnel->ike_id, &redundant);
	if (holder)
	{
		if (redundant)
		{
			DBG1(DBG_CHD, "vti: %s: CHILD_SA {%u} replaces {%u} on its "
				 "interfaces, after a rekey collision", tunnel->conn,
				 tunnel->child_id, redundant);
		}
		holder->tunnel = *tunnel;
		holder->tunnel.conn = NULL;
		/* the rekey may have negotiated another algorithm */
		vti_claims_changed(&this->table, holder);
	}
	else if ((freed = this->declined->remove(this->declined,
											  vti_id_key(old_id))))
	{
		/* charon deletes the rekeyed one without an event */
		this->declined->put(this->declined, vti_id_key(tunnel->child_id),
							freed);
	}
	this->table.mutex->unlock(this->table.mutex);
}

METHOD(vti_manager_t, ike_rekey, void,
	private_vti_manager_t *this, uint32_t old_id, uint32_t new_id)
{
	this->table.mutex->lock(this->table.mutex);
	vti_live_touch(this->reading, 0, old_id);
	vti_live_touch(this->reading, 0, new_id);
	this->holders->migrate(this->holders, old_id, new_id);
	this->table.mutex->unlock(this->table.mutex);
}

METHOD(vti_manager_t, ike_update, void,
	private_vti_manager_t *this, uint32_t ike_id, int family,
	const uint8_t *local, const uint8_t *remote, bool natt)
{
	enumerator_t *enumerator;
	vti_holder_t *holder;

	this->table.mutex->lock(this->table.mutex);
	vti_live_touch(this->reading, 0, ike_id);
	enumerator = this->holders->create_ike_enumerator(this->holders, ike_id);
	while (enumerator->enumerate(enumerator, &holder))
	{
		vti_claims_move(holder, family, local, remote, natt);
		vti_claims_changed(&this->table, holder);
	}
	enumerator->destroy(enumerator);
	this->table.mutex->unlock(this->table.mutex);
}

METHOD(vti_manager_t, reload, void,
	private_vti_manager_t *this, vti_config_t *config)
{
	vti_config_t *old;

	this->table.mutex->lock(this->table.mutex);
	old = this->table.config;
	this->table.config = config;
	/* what was declined an interface may get one now: the next resync
	 * decides again */
	this->declined->destroy(this->declined);
	this->declined = hashtable_create(hashtable_hash_ptr,
									  hashtable_equals_ptr, 8);
	this->traps_retry = TRUE;
	vti_resync_settings(&this->table);
	this->table.mutex->unlock(this->table.mutex);
	old->destroy(old);
	/* at once, and then at the interval of the new settings */
	this->worker->resync(this->worker);
}

/**
 * Release the holders of CHILD_SAs charon no longer has, forget declined
 * ones it no longer has; with the lock held.
 */
static void reconcile_gone(private_vti_manager_t *this, vti_live_t *live)
{
	enumerator_t *enumerator;
	vti_holder_t *holder;
	void *key, *value;

	enumerator = this->holders->create_enumerator(this->holders);
	while (enumerator->enumerate(enumerator, &holder))
	{
		if (!live->tunnels->get(live->tunnels, vti_id_key(holder->child_id)) &&
			!vti_live_touched(live, holder->child_id, holder->ike_id))
		{
			DBG1(DBG_CHD, "vti: resync: CHILD_SA {%u} is gone, releasing its "
				 "interfaces", holder->child_id);
			vti_claims_release(&this->table, this->holders, holder, 0,
							   "its CHILD_SA is gone");
		}
	}
	enumerator->destroy(enumerator);
	enumerator = this->declined->create_enumerator(this->declined);
	while (enumerator->enumerate(enumerator, &key, &value))
	{
		if (!live->tunnels->get(live->tunnels, key) &&
			!vti_live_touched(live, (uintptr_t)key, 0))
		{
			this->declined->remove_at(this->declined, enumerator);
		}
	}
	enumerator->destroy(enumerator);
}

/**
 * Give CHILD_SAs charon has what the bus failed to tell: an interface, the
 * right IKE_SA, their endpoints; with the lock held.
 */
static void reconcile_live(private_vti_manager_t *this, vti_live_t *live)
{
	enumerator_t *enumerator;
	vti_tunnel_t *tunnel;
	vti_holder_t *holder;
	void *key;

	enumerator = live->tunnels->create_enumerator(live->tunnels);
	while (enumerator->enumerate(enumerator, &key, &tunnel))
	{
		if (vti_live_touched(live, tunnel->child_id, tunnel->ike_id))
		{
			continue;
		}
		holder = this->holders->get(this->holders, tunnel->child_id);
		if (!holder)
		{
			if (this->declined->get(this->declined, key) == freed_mark(this))
			{
				continue;
			}
			if (vti_claims_hold(&this->table, this->holders, tunnel,
								&this->seq))
			{
				this->declined->remove(this->declined, key);
				DBG1(DBG_CHD, "vti: %s: resync: CHILD_SA {%u} had no "
					 "interface", tunnel->conn, tunnel->child_id);
			}
			else
			{
				this->declined->put(this->declined, key, freed_mark(this));
			}
			continue;
		}
		if (holder->ike_id != tunnel->ike_id)
		{
			DBG1(DBG_CHD, "vti: %s: resync: CHILD_SA {%u} belongs to IKE_SA "
				 "#%u", tunnel->conn, tunnel->child_id, tunnel->ike_id);
			this->holders->migrate_one(this->holders, holder, tunnel->ike_id);
		}
		if (holder->tunnel.family != tunnel->family ||
			memcmp(holder->tunnel.local, tunnel->local, 16) ||
			memcmp(holder->tunnel.remote, tunnel->remote, 16) ||
			holder->tunnel.natt != tunnel->natt)
		{
			DBG1(DBG_CHD, "vti: %s: resync: CHILD_SA {%u} moved to other "
				 "endpoints or %s UDP encapsulation", tunnel->conn,
				 tunnel->child_id, tunnel->natt ? "into" : "out of");
			vti_claims_move(holder, tunnel->family, tunnel->local,
							tunnel->remote, tunnel->natt);
			vti_claims_changed(&this->table, holder);
		}
	}
	enumerator->destroy(enumerator);
}

/**
 * The sizes of the table after a resync (a soak watches them not grow);
 * with the lock held.
 */
static void log_sizes(private_vti_manager_t *this, vti_live_t *live)
{
	u_int holders, retired, ikes;

	holders = this->holders->get_count(this->holders, &retired, &ikes);
	DBG2(DBG_CHD, "vti: resync: charon has %u CHILD_SAs for interfaces, the "
		 "table %u holders (%u retired, %u IKE_SAs), %u interfaces, %u "
		 "declined", live->tunnels->get_count(live->tunnels), holders,
		 retired, ikes, this->table.ifaces->get_count(this->table.ifaces),
		 this->declined->get_count(this->declined));
}

/**
 * The CHILD_SA part of a resync, called by the worker.
 */
static void reconcile(private_vti_manager_t *this)
{
	vti_source_t *source;
	vti_live_t *live;

	this->table.mutex->lock(this->table.mutex);
	source = this->stopping ? NULL : this->source;
	live = this->reading = source ? vti_live_create() : NULL;
	this->table.mutex->unlock(this->table.mutex);
	if (!live)
	{
		return;
	}
	vti_live_read(live, source);
	this->table.mutex->lock(this->table.mutex);
	if (!this->stopping)
	{
		reconcile_gone(this, live);
		reconcile_live(this, live);
		log_sizes(this, live);
	}
	this->reading = NULL;
	this->table.mutex->unlock(this->table.mutex);
	vti_live_destroy(live);
}

/**
 * The traps part of the worker's loop, called without the lock.
 */
static void read_traps(private_vti_manager_t *this)
{
	vti_source_t *source;
	bool retry;

	this->table.mutex->lock(this->table.mutex);
	source = this->stopping ? NULL : this->source;
	/* declined traps may get one now, as declined CHILD_SAs */
	retry = this->traps_retry || this->traps_freed != this->table.freed;
	this->traps_retry = FALSE;
	this->traps_freed = this->table.freed;
	this->table.mutex->unlock(this->table.mutex);
	if (retry)
	{
		this->reading_traps->retry(this->reading_traps);
	}
	if (source)
	{
		this->reading_traps->read(this->reading_traps, source, (void*)trap_up,
								  (void*)trap_down, this);
	}
}

METHOD(vti_manager_t, resync, void,
	private_vti_manager_t *this)
{
	this->worker->resync(this->worker);
}

METHOD(vti_manager_t, set_source, void,
	private_vti_manager_t *this, vti_source_t *source)
{
	this->table.mutex->lock(this->table.mutex);
	this->source = source;
	this->table.mutex->unlock(this->table.mutex);
}

/*
 * Described in tests/unit/manager_probe.h
 */
vti_table_t *vti_manager_probe(vti_manager_t *manager, vti_worker_t **worker)
{
	private_vti_manager_t *this = (private_vti_manager_t*)manager;

	*worker = this->worker;
	return &this->table;
}

/**
 * Release everything still held or kept up: charon brings every IKE_SA
 * down before unloading plugins, so what is held here had no down event.
 */
static void release_all(private_vti_manager_t *this)
{
	enumerator_t *enumerator;
	vti_holder_t *holder;
	vti_iface_t *iface;
	void *key;

	this->table.mutex->lock(this->table.mutex);
	this->stopping = TRUE;
	while ((holder = this->holders->take_any(this->holders)) ||
		   (holder = this->traps->take_any(this->traps)))
	{
		while (holder->count--)
		{
			vti_claims_delete_when_unheld(holder,
										  &holder->claims[holder->count]);
			vti_iface_unclaim(holder->claims[holder->count].iface,
							  &holder->claims[holder->count]);
		}
		free(holder);
	}
	enumerator = this->table.ifaces->create_enumerator(this->table.ifaces);
	while (enumerator->enumerate(enumerator, &key, &iface))
	{
		vti_table_grace_end(&this->table, iface);
		/* also one set down by hand, and one the worker is making now */
		vti_table_dirty(&this->table, iface, "charon is stopping");
	}
	enumerator->destroy(enumerator);
	this->table.mutex->unlock(this->table.mutex);
}

METHOD(vti_manager_t, destroy, void,
	private_vti_manager_t *this)
{
	release_all(this);
	this->worker->destroy(this->worker);
	vti_table_clear(&this->table);
	this->holders->destroy(this->holders);
	this->traps->destroy(this->traps);
	this->reading_traps->destroy(this->reading_traps);
	this->declined->destroy(this->declined);
	free(this);
}

/*
 * Described in header
 */
vti_manager_t *vti_manager_create(vti_config_t *config,
								  vti_backend_t *backend)
{
	private_vti_manager_t *this;

	INIT(this,
		.public = {
			.child_up = _child_up,
			.child_down = _child_down,
			.child_rekey = _child_rekey,
			.ike_rekey = _ike_rekey,
			.ike_update = _ike_update,
			.reload = _reload,
			.resync = _resync,
			.set_source = _set_source,
			.destroy = _destroy,
		},
		.holders = vti_holders_create(),
		.traps = vti_holders_create(),
		.reading_traps = vti_traps_create(),
		.declined = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr,
									 8),
	);
	vti_table_init(&this->table, config, (void*)reconcile, (void*)read_traps,
				   this);
	this->worker = vti_worker_create(&this->table, backend);
	return &this->public;
}
