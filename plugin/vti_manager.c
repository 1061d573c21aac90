/*
 * The table of interfaces: which CHILD_SAs hold which interface, and every
 * decision to create, keep, reconfigure or remove one.
 *
 * Each CHILD_SA is a holder with a claim on each interface it needs; an
 * interface is shared by the claims of its connection. The newest claim
 * decides keys and endpoints (a reauthentication's new CHILD_SA, a peer
 * back from another address), the smallest MTU wins; vti_iface_sync()
 * brings the kernel there. Every event runs whole, table and kernel work,
 * under one lock: no two kernel operations on an interface ever run at
 * once or out of order, whichever thread (bus, scheduler) raises them.
 */

#include "vti_manager.h"
#include "vti_iface.h"
#include "vti_want.h"
#include "vti_holders.h"
#include "vti_stale.h"

#include <time.h>
#include <collections/hashtable.h>
#include <collections/linked_list.h>
#include <threading/mutex.h>
#include <utils/debug.h>

typedef struct private_vti_manager_t private_vti_manager_t;

/**
 * Private data of the manager.
 */
struct private_vti_manager_t {

	/** Public interface */
	vti_manager_t public;

	/** settings */
	vti_config_t *config;

	/** the kernel */
	vti_backend_t *backend;

	/** vti_iface_t by key */
	hashtable_t *ifaces;

	/** the CHILD_SAs holding them */
	vti_holders_t *holders;

	/** order of claims */
	uint64_t seq;

	/** protects everything, held across kernel work */
	mutex_t *mutex;
};

/**
 * Sync an interface; forget it once the kernel has no link of it left and
 * nothing holds it.
 */
static bool sync_iface(private_vti_manager_t *this, vti_iface_t *iface,
					   const char *why)
{
	bool ok;

	ok = vti_iface_sync(iface, this->backend, why);
	if (!iface->ifindex && !array_count(iface->claims))
	{
		this->ifaces->remove(this->ifaces, iface->key);
		vti_iface_destroy(iface);
	}
	return ok;
}

/**
 * Withdraw a claim and sync what it leaves behind.
 *
 * @param grace		seconds an interface left unheld stays up, 0 for none
 */
static void withdraw(private_vti_manager_t *this, vti_claim_t *claim,
					 uint32_t grace, const char *why)
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
		iface->pending_until = time_monotonic(NULL) + grace;
		DBG1(DBG_CHD, "vti: %s: keeping %s up to %us for the CHILD_SAs of a "
			 "reauthentication", iface->conn, iface->name, grace);
		return;
	}
	sync_iface(this, iface, why);
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
 * Our VTI the kernel would take as the same as params, NULL if none.
 */
static vti_iface_t *find_endpoints(private_vti_manager_t *this,
								   const vti_params_t *params)
{
	enumerator_t *enumerator;
	vti_iface_t *iface, *found = NULL;
	void *key;

	if (params->kind == VTI_KIND_XFRM)
	{
		return NULL;
	}
	enumerator = this->ifaces->create_enumerator(this->ifaces);
	while (enumerator->enumerate(enumerator, &key, &iface))
	{
		if (vti_iface_same_endpoints(iface, params))
		{
			found = iface;
			break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * The interface a want of a CHILD_SA gets: its name's, or the VTI with its
 * endpoints, if its connection owns it, else a new entry. NULL (logged)
 * where it cannot have one.
 */
static vti_iface_t *find_iface(private_vti_manager_t *this,
							   const vti_tunnel_t *tunnel,
							   const vti_conn_cfg_t *cfg, const vti_want_t *want)
{
	vti_iface_t *named, *iface;
	char key[sizeof(iface->key)], desc[256];

	named = NULL;
	if (snprintf(key, sizeof(key), "%s/%s", cfg->netns,
				 want->name) < (int)sizeof(key))
	{
		named = this->ifaces->get(this->ifaces, key);
	}
	iface = find_endpoints(this, &want->params) ?: named;
	vti_iface_describe(want->name, &want->params, desc, sizeof(desc));
	if (!iface)
	{
		iface = vti_iface_create(tunnel->conn, cfg, want->name,
								 want->params.kind);
		this->ifaces->put(this->ifaces, iface->key, iface);
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
 * Claim the interface of a want for a new CHILD_SA and bring the kernel
 * there. FALSE if it gets none.
 */
static bool claim_iface(private_vti_manager_t *this, const vti_tunnel_t *tunnel,
						const vti_conn_cfg_t *cfg, const vti_want_t *want,
						vti_claim_t *claim)
{
	vti_iface_t *iface;

	iface = find_iface(this, tunnel, cfg, want);
	if (!iface)
	{
		return FALSE;
	}
	*claim = (vti_claim_t){
		.child_id = tunnel->child_id,
		.ike_id = tunnel->ike_id,
		.params = want->params,
		.mtu = want->mtu,
		.seq = ++this->seq,
	};
	if (!array_count(iface->claims))
	{
		if (iface->pending_until)
		{
			DBG1(DBG_CHD, "vti: %s: %s carries on with the reauthenticated "
				 "CHILD_SA {%u}", tunnel->conn, iface->name, tunnel->child_id);
			iface->pending_until = 0;
		}
		else if (!iface->up)
		{
			/* kept down or adopted: made again with today's settings */
			vti_iface_use_cfg(iface, cfg, want->params.kind);
		}
	}
	vti_iface_claim(iface, claim);
	DBG2(DBG_CHD, "vti: %s: CHILD_SA {%u} holds %s (%u holders)",
		 tunnel->conn, tunnel->child_id, iface->name,
		 array_count(iface->claims));
	if (sync_iface(this, iface, "its CHILD_SA got no interface"))
	{
		return TRUE;
	}
	withdraw(this, claim, 0, "its CHILD_SA got no interface");
	return FALSE;
}

/**
 * Monotonic microseconds, for the timing log of child_up.
 */
static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

METHOD(vti_manager_t, child_up, void,
	private_vti_manager_t *this, const vti_tunnel_t *tunnel)
{
	uint64_t start = now_us();
	vti_conn_cfg_t cfg;
	vti_want_t wants[VTI_MAX_HELD];
	vti_holder_t *holder;
	int i, n;

	this->mutex->lock(this->mutex);
	if (this->holders->get(this->holders, tunnel->child_id) ||
		!this->config->lookup(this->config, tunnel->conn, &cfg))
	{
		this->mutex->unlock(this->mutex);
		DBG2(DBG_CHD, "vti: %s: CHILD_SA {%u} not managed by the plugin",
			 tunnel->conn, tunnel->child_id);
		return;
	}
	n = vti_want(tunnel, &cfg, this->backend, wants, VTI_MAX_HELD);
	INIT(holder,
		.child_id = tunnel->child_id,
		.ike_id = tunnel->ike_id,
		.tunnel = *tunnel,
	);
	holder->tunnel.conn = NULL;
	for (i = 0; i < n; i++)
	{
		if (claim_iface(this, tunnel, &cfg, &wants[i],
						&holder->claims[holder->count]))
		{
			holder->count++;
		}
	}
	if (holder->count)
	{
		this->holders->add(this->holders, holder);
		/* for bench/: the event and the interface ready, monotonic */
		DBG3(DBG_CHD, "vti: %s: CHILD_SA {%u} up at %llu us, %s ready at "
			 "%llu us", tunnel->conn, tunnel->child_id,
			 (unsigned long long)start, holder->claims[0].iface->name,
			 (unsigned long long)now_us());
	}
	else
	{
		free(holder);
	}
	this->mutex->unlock(this->mutex);
}

/**
 * Drop a holder whose CHILD_SA is gone.
 */
static void holder_release(private_vti_manager_t *this, vti_holder_t *holder,
						   uint32_t grace, const char *why)
{
	int i;

	this->holders->remove(this->holders, holder);
	for (i = 0; i < holder->count; i++)
	{
		withdraw(this, &holder->claims[i], grace, why);
	}
	free(holder);
}

METHOD(vti_manager_t, child_down, void,
	private_vti_manager_t *this, const char *conn, uint32_t child_id,
	uint32_t grace)
{
	vti_holder_t *holder;

	this->mutex->lock(this->mutex);
	holder = this->holders->get(this->holders, child_id);
	if (holder)
	{
		holder_release(this, holder, grace, "its last CHILD_SA went down");
	}
	this->mutex->unlock(this->mutex);
}

METHOD(vti_manager_t, expire_pending, void,
	private_vti_manager_t *this, bool all)
{
	enumerator_t *enumerator;
	linked_list_t *expired;
	vti_iface_t *iface;
	time_t now = time_monotonic(NULL);
	void *key;

	expired = linked_list_create();
	this->mutex->lock(this->mutex);
	enumerator = this->ifaces->create_enumerator(this->ifaces);
	while (enumerator->enumerate(enumerator, &key, &iface))
	{
		if (iface->pending_until && !array_count(iface->claims) &&
			(all || now >= iface->pending_until))
		{
			iface->pending_until = 0;
			expired->insert_last(expired, iface);
		}
	}
	enumerator->destroy(enumerator);
	while (expired->remove_first(expired, (void**)&iface) == SUCCESS)
	{
		sync_iface(this, iface, "no CHILD_SA came back after "
				   "reauthentication");
	}
	this->mutex->unlock(this->mutex);
	expired->destroy(expired);
}

/**
 * Recompute the MTUs a holder's claims need after its SA or path changed,
 * and sync its interfaces.
 */
static void holder_resync(private_vti_manager_t *this, vti_holder_t *holder)
{
	vti_iface_t *iface;
	int i;

	for (i = 0; i < holder->count; i++)
	{
		iface = holder->claims[i].iface;
		if (!iface->mtu_cfg)
		{
			holder->claims[i].mtu = vti_want_mtu(&holder->tunnel, 0,
												 this->backend, NULL);
		}
	}
	for (i = 0; i < holder->count; i++)
	{
		sync_iface(this, holder->claims[i].iface, "its CHILD_SA changed");
	}
}

METHOD(vti_manager_t, child_rekey, void,
	private_vti_manager_t *this, uint32_t old_id, const vti_tunnel_t *tunnel)
{
	vti_holder_t *holder;
	uint32_t redundant;

	this->mutex->lock(this->mutex);
	holder = this->holders->rekey(this->holders, old_id, tunnel->child_id,
								  tunnel->ike_id, &redundant);
	if (holder)
	{
		if (redundant)
		{
			DBG1(DBG_CHD, "vti: %s: CHILD_SA {%u} won a rekey collision, it "
				 "replaces the redundant {%u} on its interfaces",
				 tunnel->conn, tunnel->child_id, redundant);
		}
		holder->tunnel = *tunnel;
		holder->tunnel.conn = NULL;
		/* the rekey may have negotiated another algorithm */
		holder_resync(this, holder);
	}
	this->mutex->unlock(this->mutex);
}

METHOD(vti_manager_t, ike_rekey, void,
	private_vti_manager_t *this, uint32_t old_id, uint32_t new_id)
{
	this->mutex->lock(this->mutex);
	this->holders->migrate(this->holders, old_id, new_id);
	this->mutex->unlock(this->mutex);
}

/**
 * Move a claim on a VTI to new endpoints; a shared one keeps remote any.
 */
static void claim_move(vti_claim_t *claim, int family, const uint8_t *local,
					   const uint8_t *remote)
{
	static const uint8_t zero[16];
	bool any = !memcmp(claim->params.remote, zero, sizeof(zero));

	claim->params.family = family;
	claim->params.kind = family == AF_INET ? VTI_KIND_VTI : VTI_KIND_VTI6;
	memcpy(claim->params.local, local, 16);
	if (!any)
	{
		memcpy(claim->params.remote, remote, 16);
	}
}

METHOD(vti_manager_t, ike_update, void,
	private_vti_manager_t *this, uint32_t ike_id, int family,
	const uint8_t *local, const uint8_t *remote)
{
	enumerator_t *enumerator;
	vti_holder_t *holder;
	int i;

	this->mutex->lock(this->mutex);
	enumerator = this->holders->create_ike_enumerator(this->holders, ike_id);
	while (enumerator->enumerate(enumerator, &holder))
	{
		holder->tunnel.family = family;
		memcpy(holder->tunnel.local, local, 16);
		memcpy(holder->tunnel.remote, remote, 16);
		for (i = 0; i < holder->count; i++)
		{
			/* an XFRM interface has no endpoints to follow */
			if (holder->claims[i].params.kind != VTI_KIND_XFRM)
			{
				claim_move(&holder->claims[i], family, local, remote);
			}
		}
		holder_resync(this, holder);
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
}

METHOD(vti_manager_t, reload, void,
	private_vti_manager_t *this, vti_config_t *config)
{
	vti_config_t *old;

	this->mutex->lock(this->mutex);
	old = this->config;
	this->config = config;
	this->mutex->unlock(this->mutex);
	old->destroy(old);
}

METHOD(vti_manager_t, cleanup_stale, void,
	private_vti_manager_t *this)
{
	this->mutex->lock(this->mutex);
	vti_stale_cleanup(this->config, this->backend, this->ifaces);
	this->mutex->unlock(this->mutex);
}

METHOD(vti_manager_t, count, int,
	private_vti_manager_t *this)
{
	int n;

	this->mutex->lock(this->mutex);
	n = this->ifaces->get_count(this->ifaces);
	this->mutex->unlock(this->mutex);
	return n;
}

METHOD(vti_manager_t, destroy, void,
	private_vti_manager_t *this)
{
	enumerator_t *enumerator;
	vti_iface_t *iface;
	vti_holder_t *holder;
	void *key;

	/* charon brings every IKE_SA down before unloading plugins: what is
	 * still held here had no down event */
	while ((holder = this->holders->take_any(this->holders)))
	{
		while (holder->count--)
		{
			vti_iface_unclaim(holder->claims[holder->count].iface,
							  &holder->claims[holder->count]);
		}
		free(holder);
	}
	enumerator = this->ifaces->create_enumerator(this->ifaces);
	while (enumerator->enumerate(enumerator, &key, &iface))
	{
		if (iface->known && iface->up)
		{
			iface->pending_until = 0;
			vti_iface_sync(iface, this->backend, "charon is stopping");
		}
		vti_iface_destroy(iface);
	}
	enumerator->destroy(enumerator);
	this->ifaces->destroy(this->ifaces);
	this->holders->destroy(this->holders);
	this->config->destroy(this->config);
	this->backend->destroy(this->backend);
	this->mutex->destroy(this->mutex);
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
			.expire_pending = _expire_pending,
			.child_rekey = _child_rekey,
			.ike_rekey = _ike_rekey,
			.ike_update = _ike_update,
			.reload = _reload,
			.cleanup_stale = _cleanup_stale,
			.count = _count,
			.destroy = _destroy,
		},
		.config = config,
		.backend = backend,
		.ifaces = hashtable_create(hashtable_hash_str, hashtable_equals_str, 32),
		.holders = vti_holders_create(),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	return &this->public;
}
