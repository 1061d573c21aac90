/*
 * The table of interfaces: which CHILD_SAs hold which interface, and every
 * decision to create, keep, reconfigure or remove one.
 *
 * Interfaces are keyed by namespace and name; an interface is shared by
 * every CHILD_SA whose identity (kind, keys, endpoints) and connection
 * match, so make-before-break reauthentication and roadwarriors sharing
 * marks never flap it. The lock protects the tables only: every kernel
 * operation runs after it is released.
 */

#include "vti_manager.h"

#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <collections/array.h>
#include <collections/hashtable.h>
#include <collections/linked_list.h>
#include <threading/mutex.h>
#include <utils/debug.h>

/** Path MTU assumed when there is no route to the peer */
#define DEFAULT_PATH_MTU 1500

typedef struct private_vti_manager_t private_vti_manager_t;
typedef struct iface_t iface_t;
typedef struct holder_t holder_t;

/**
 * Where an interface is in its life.
 */
typedef enum {
	/** being created, the kernel does not have all of it yet */
	IFACE_CREATING,
	/** up, held by CHILD_SAs */
	IFACE_UP,
	/** kept down (down_action = down), held by none */
	IFACE_DOWN,
	/** found down at start (down_action = down), identity unknown */
	IFACE_ADOPTED,
	/** up, unheld while its IKE_SA is reauthenticated break-before-make */
	IFACE_PENDING,
} iface_state_t;

/**
 * An interface of ours.
 */
struct iface_t {
	/** hashtable key, "netns/name" */
	char key[VTI_NETNS_MAX + IFNAMSIZ + 1];
	char netns[VTI_NETNS_MAX];
	char name[IFNAMSIZ];
	/** connection owning it */
	char *conn;
	vti_params_t params;
	vti_settings_t settings;
	vti_down_action_t down_action;
	/** MTU computed from the path and algorithm */
	bool mtu_auto;
	/** ifindex in its namespace */
	int ifindex;
	/** CHILD_SAs holding it */
	u_int refs;
	iface_state_t state;
	/** until when an IFACE_PENDING one waits */
	time_t pending_until;
};

/** Most interfaces one CHILD_SA holds: XFRM ones for distinct in/out ids */
#define MAX_HELD 2

/**
 * A CHILD_SA holding interfaces.
 */
struct holder_t {
	uint32_t child_id;
	uint32_t ike_id;
	int count;
	iface_t *ifaces[MAX_HELD];
};

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

	/** iface_t by key */
	hashtable_t *ifaces;

	/** holder_t by CHILD_SA unique id */
	hashtable_t *holders;

	/** array_t of holder_t by IKE_SA unique id, for IKE_SA events */
	hashtable_t *by_ike;

	/** protects the tables and config */
	mutex_t *mutex;
};

/*
 * Described in header
 */
const char *vti_kind_name(vti_kind_t kind)
{
	switch (kind)
	{
		case VTI_KIND_VTI:
			return "vti";
		case VTI_KIND_VTI6:
			return "vti6";
		case VTI_KIND_XFRM:
			return "xfrm";
	}
	return "?";
}

/**
 * An endpoint in text, "any" for all zeros.
 */
static char *addr_str(int family, const uint8_t *addr, char *buf, size_t len)
{
	static const uint8_t zero[16];

	if (!memcmp(addr, zero, family == AF_INET ? 4 : 16))
	{
		snprintf(buf, len, "any");
		return buf;
	}
	if (!inet_ntop(family, addr, buf, len))
	{
		snprintf(buf, len, "?");
	}
	return buf;
}

/**
 * An interface's kind, name and identity in text for logs.
 */
static char *describe(const char *name, const vti_params_t *params, char *buf,
					  size_t len)
{
	char local[64], remote[64];

	if (params->kind == VTI_KIND_XFRM)
	{
		snprintf(buf, len, "xfrm %s (if_id %u)", name, params->if_id);
	}
	else
	{
		snprintf(buf, len, "%s %s (local %s remote %s, keys %u/%u)",
				 vti_kind_name(params->kind), name,
				 addr_str(params->family, params->local, local, sizeof(local)),
				 addr_str(params->family, params->remote, remote,
						  sizeof(remote)),
				 params->ikey, params->okey);
	}
	return buf;
}

/**
 * The namespace in text for logs.
 */
static const char *netns_str(const char *netns)
{
	return *netns ? netns : "of charon";
}

static bool same_identity(const vti_params_t *a, const vti_params_t *b)
{
	return a->kind == b->kind && a->ikey == b->ikey && a->okey == b->okey &&
		   a->if_id == b->if_id && a->family == b->family &&
		   !memcmp(a->local, b->local, sizeof(a->local)) &&
		   !memcmp(a->remote, b->remote, sizeof(a->remote));
}

static void *child_key(uint32_t child_id)
{
	return (void*)(uintptr_t)child_id;
}

static void *ike_key(uint32_t ike_id)
{
	return (void*)(uintptr_t)ike_id;
}

/**
 * Register a holder under its IKE_SA, with the lock held.
 */
static void index_add(private_vti_manager_t *this, holder_t *holder)
{
	array_t *list;

	list = this->by_ike->get(this->by_ike, ike_key(holder->ike_id));
	if (!list)
	{
		list = array_create(0, 0);
		this->by_ike->put(this->by_ike, ike_key(holder->ike_id), list);
	}
	array_insert(list, ARRAY_TAIL, holder);
}

/**
 * Unregister a holder from its IKE_SA, with the lock held.
 */
static void index_remove(private_vti_manager_t *this, holder_t *holder)
{
	array_t *list;
	holder_t *current;
	int i;

	list = this->by_ike->get(this->by_ike, ike_key(holder->ike_id));
	for (i = 0; list && i < array_count(list); i++)
	{
		array_get(list, i, &current);
		if (current == holder)
		{
			array_remove(list, i, NULL);
			break;
		}
	}
	if (list && !array_count(list))
	{
		this->by_ike->remove(this->by_ike, ike_key(holder->ike_id));
		array_destroy(list);
	}
}

static void iface_destroy(iface_t *iface)
{
	free(iface->conn);
	free(iface);
}

/**
 * The MTU of an interface for a tunnel: configured, or computed from the
 * route to the peer and the ESP overhead.
 */
static uint32_t tunnel_mtu(private_vti_manager_t *this,
						   const vti_tunnel_t *tunnel, uint32_t configured,
						   uint32_t *link)
{
	/* unknown algorithms: assume a large IV, block and ICV */
	vti_esp_overhead_t esp = { .iv = 16, .align = 16, .icv = 32 };
	uint32_t path = 0, mtu, min_mtu;

	/* the route is only needed for an auto MTU or an XFRM link */
	if (!configured || link)
	{
		path = this->backend->path_mtu(this->backend, tunnel->family,
									   tunnel->remote, link);
	}
	if (configured)
	{
		return configured;
	}
	if (!path)
	{
		path = DEFAULT_PATH_MTU;
	}
	if (tunnel->esp_known)
	{
		esp = tunnel->esp;
	}
	mtu = vti_mtu_inner(path, tunnel->family, tunnel->natt, &esp);
	/* IPv6 needs 1280 on the tunnel: PMTUD fragments the outer packets */
	min_mtu = tunnel->family == AF_INET ? 68 : 1280;
	return max(mtu, min_mtu);
}

/**
 * The kernel identity of a VTI a tunnel wants.
 */
static void vti_params(const vti_tunnel_t *tunnel, vti_params_t *params)
{
	*params = (vti_params_t){
		.kind = tunnel->family == AF_INET ? VTI_KIND_VTI : VTI_KIND_VTI6,
		.ikey = tunnel->mark_in,
		.okey = tunnel->mark_out,
		.family = tunnel->family,
	};
	memcpy(params->local, tunnel->local, sizeof(params->local));
	if (!tunnel->remote_any)
	{
		memcpy(params->remote, tunnel->remote, sizeof(params->remote));
	}
}

/**
 * The kernel identity of an XFRM interface: its id alone, as it carries
 * both families and needs no endpoints.
 */
static void xfrm_params(uint32_t if_id, uint32_t link, vti_params_t *params)
{
	*params = (vti_params_t){
		.kind = VTI_KIND_XFRM,
		.if_id = if_id,
		.link = link,
	};
}

/**
 * Create, move, configure and bring up an interface, outside the lock.
 * Leaves nothing behind on failure.
 */
static bool kernel_create(private_vti_manager_t *this, iface_t *iface,
						  bool netns_create)
{
	char alias[IFALIASZ], found[IFALIASZ], desc[256];
	vti_err_t err = {};
	int ifindex, moved;
	const char *netns;

	if (*iface->netns &&
		this->backend->netns_ensure(this->backend, iface->netns,
									netns_create, &err) < 0)
	{
		DBG1(DBG_CHD, "vti: %s: namespace '%s' unusable: %s", iface->conn,
			 iface->netns, err.msg);
		return FALSE;
	}
	snprintf(alias, sizeof(alias), VTI_ALIAS_PREFIX "%s", iface->conn);
	/* the name may be taken where the interface is made or where it goes */
	netns = iface->netns;
	do
	{
		ifindex = this->backend->lookup(this->backend, netns, iface->name,
										found, sizeof(found), &err);
		if (ifindex >= 0 && streq(found, alias))
		{
			/* ours, but not in the table: a crash left it */
			DBG1(DBG_CHD, "vti: %s: removing %s left over in namespace %s",
				 iface->conn, iface->name, netns_str(netns));
			if (this->backend->remove(this->backend, netns, ifindex, &err) < 0)
			{
				DBG1(DBG_CHD, "vti: %s: deleting %s failed: %s", iface->conn,
					 iface->name, err.msg);
				return FALSE;
			}
		}
		else if (ifindex >= 0)
		{
			DBG1(DBG_CHD, "vti: %s: interface %s exists in namespace %s and "
				 "is not ours (%s), leaving it alone: the connection gets no "
				 "interface", iface->conn, iface->name, netns_str(netns),
				 *found ? found : "no alias");
			return FALSE;
		}
		netns = *netns ? "" : NULL;
	}
	while (netns);

	ifindex = this->backend->create(this->backend, iface->name,
									&iface->params, alias, &err);
	if (ifindex < 0)
	{
		DBG1(DBG_CHD, "vti: %s: creating %s failed: %s", iface->conn,
			 describe(iface->name, &iface->params, desc, sizeof(desc)),
			 err.msg);
		return FALSE;
	}
	netns = "";
	if (*iface->netns)
	{
		moved = this->backend->move(this->backend, ifindex, iface->name,
									iface->netns, &err);
		if (moved < 0)
		{
			DBG1(DBG_CHD, "vti: %s: moving %s into namespace %s failed: %s",
				 iface->conn, iface->name, iface->netns, err.msg);
			goto failed;
		}
		ifindex = moved;
		netns = iface->netns;
	}
	if (this->backend->configure(this->backend, netns, ifindex,
								 iface->name, &iface->settings, &err) < 0)
	{
		DBG1(DBG_CHD, "vti: %s: configuring %s failed: %s", iface->conn,
			 iface->name, err.msg);
		goto failed;
	}
	if (this->backend->set_state(this->backend, netns, ifindex, TRUE,
								 &err) < 0)
	{
		DBG1(DBG_CHD, "vti: %s: setting %s up failed: %s", iface->conn,
			 iface->name, err.msg);
		goto failed;
	}
	iface->ifindex = ifindex;
	DBG1(DBG_CHD, "vti: %s: created %s in namespace %s, mtu %u, %d "
		 "address%s, up", iface->conn,
		 describe(iface->name, &iface->params, desc, sizeof(desc)),
		 netns_str(iface->netns), iface->settings.mtu, iface->settings.n_addrs,
		 iface->settings.n_addrs == 1 ? "" : "es");
	return TRUE;

failed:
	if (this->backend->remove(this->backend, netns, ifindex, &err) < 0)
	{
		DBG1(DBG_CHD, "vti: %s: removing the half-made %s failed: %s",
			 iface->conn, iface->name, err.msg);
	}
	return FALSE;
}

/**
 * Bring a kept or adopted interface back for a tunnel, outside the lock.
 */
static bool kernel_revive(private_vti_manager_t *this, iface_t *iface,
						  bool change)
{
	vti_err_t err = {};

	if (change && this->backend->change(this->backend, iface->netns,
							iface->ifindex, &iface->params, 0, &err) < 0)
	{
		DBG1(DBG_CHD, "vti: %s: updating %s failed: %s", iface->conn,
			 iface->name, err.msg);
		return FALSE;
	}
	/* configured again: an adopted one may miss settings, and the kernel
	 * may have dropped addresses while it was down */
	if (this->backend->configure(this->backend, iface->netns, iface->ifindex,
								 iface->name, &iface->settings, &err) < 0 ||
		this->backend->set_state(this->backend, iface->netns, iface->ifindex,
								 TRUE, &err) < 0)
	{
		DBG1(DBG_CHD, "vti: %s: bringing %s up failed: %s", iface->conn,
			 iface->name, err.msg);
		return FALSE;
	}
	DBG1(DBG_CHD, "vti: %s: %s is up again in namespace %s, mtu %u",
		 iface->conn, iface->name, netns_str(iface->netns),
		 iface->settings.mtu);
	return TRUE;
}

/**
 * What child_down or shutdown does with an interface no CHILD_SA holds.
 */
static void kernel_release(private_vti_manager_t *this, iface_t *iface,
						   const char *why)
{
	vti_err_t err = {};

	if (iface->down_action == VTI_DOWN_SET_DOWN)
	{
		if (this->backend->set_state(this->backend, iface->netns,
									 iface->ifindex, FALSE, &err) < 0)
		{
			DBG1(DBG_CHD, "vti: %s: setting %s down failed: %s", iface->conn,
				 iface->name, err.msg);
			return;
		}
		DBG1(DBG_CHD, "vti: %s: %s set down (%s), kept in namespace %s",
			 iface->conn, iface->name, why, netns_str(iface->netns));
		return;
	}
	if (this->backend->remove(this->backend, iface->netns, iface->ifindex,
							  &err) < 0)
	{
		DBG1(DBG_CHD, "vti: %s: deleting %s failed: %s", iface->conn,
			 iface->name, err.msg);
		return;
	}
	DBG1(DBG_CHD, "vti: %s: deleted %s from namespace %s (%s)", iface->conn,
		 iface->name, netns_str(iface->netns), why);
}

/**
 * Find or create the interface of name and params for a tunnel, held once
 * more. NULL if the tunnel cannot have it.
 */
static iface_t *acquire(private_vti_manager_t *this, const vti_tunnel_t *tunnel,
						const vti_conn_cfg_t *cfg, const char *name,
						const vti_params_t *params, uint32_t mtu)
{
	iface_t *iface, *existing;
	char desc[256];
	bool ok, revive = FALSE, change = FALSE;

	INIT(iface,
		.conn = strdup(tunnel->conn),
		.params = *params,
		.down_action = cfg->down_action,
		.mtu_auto = !cfg->mtu,
		.refs = 1,
		.state = IFACE_CREATING,
	);
	snprintf(iface->netns, sizeof(iface->netns), "%s", cfg->netns);
	snprintf(iface->name, sizeof(iface->name), "%s", name);
	snprintf(iface->key, sizeof(iface->key), "%s/%s", cfg->netns, name);
	iface->settings.mtu = mtu;
	iface->settings.n_addrs = cfg->n_addrs;
	memcpy(iface->settings.addrs, cfg->addrs, sizeof(cfg->addrs));
	/* disable_xfrm (the article sets it on its vti6) makes every VTI drop
	 * the IPv4 it carries, measured: only XFRM interfaces get it */
	iface->settings.disable_xfrm = params->kind == VTI_KIND_XFRM;
	iface->settings.keep_addrs = cfg->down_action == VTI_DOWN_SET_DOWN;

	this->mutex->lock(this->mutex);
	existing = this->ifaces->get(this->ifaces, iface->key);
	if (existing && existing->state == IFACE_ADOPTED &&
		streq(existing->conn, tunnel->conn))
	{
		/* left down by an earlier run: take it over with our identity */
		existing->params = iface->params;
		existing->settings = iface->settings;
		existing->down_action = iface->down_action;
		existing->mtu_auto = iface->mtu_auto;
		existing->refs = 1;
		existing->state = IFACE_CREATING;
		revive = change = TRUE;
	}
	else if (existing && (!same_identity(&existing->params, params) ||
						  !streq(existing->conn, tunnel->conn)))
	{
		this->mutex->unlock(this->mutex);
		DBG1(DBG_CHD, "vti: %s: %s in namespace %s is already used by "
			 "connection %s with other keys or endpoints (wanted %s): the "
			 "CHILD_SA gets no interface", tunnel->conn, name,
			 netns_str(cfg->netns), existing->conn,
			 describe(name, params, desc, sizeof(desc)));
		iface_destroy(iface);
		return NULL;
	}
	else if (existing)
	{
		existing->refs++;
		if (existing->state == IFACE_PENDING)
		{
			DBG1(DBG_CHD, "vti: %s: %s carries on with the reauthenticated "
				 "CHILD_SA {%u}", tunnel->conn, name, tunnel->child_id);
			existing->state = IFACE_UP;
		}
		revive = existing->state == IFACE_DOWN;
		if (revive)
		{
			existing->state = IFACE_CREATING;
			existing->settings.mtu = mtu;
		}
		DBG2(DBG_CHD, "vti: %s: CHILD_SA {%u} shares %s (%u holders)",
			 tunnel->conn, tunnel->child_id, name, existing->refs);
	}
	if (existing)
	{
		iface_destroy(iface);
		iface = existing;
	}
	else
	{
		this->ifaces->put(this->ifaces, iface->key, iface);
	}
	this->mutex->unlock(this->mutex);

	if (existing && !revive)
	{
		return iface;
	}
	ok = revive ? kernel_revive(this, iface, change)
				: kernel_create(this, iface, cfg->netns_create);

	this->mutex->lock(this->mutex);
	if (ok)
	{
		iface->state = IFACE_UP;
	}
	else if (revive)
	{
		iface->state = IFACE_DOWN;
		iface->refs--;
		iface = NULL;
	}
	else
	{
		/* nobody else can hold it: events of one bus are serialized */
		this->ifaces->remove(this->ifaces, iface->key);
		iface_destroy(iface);
		iface = NULL;
	}
	this->mutex->unlock(this->mutex);
	return iface;
}

/**
 * Resolve a name template for an id; logs why not.
 */
static bool expand_name(const vti_conn_cfg_t *cfg, vti_kind_t kind,
						uint32_t id, const char *conn, char name[IFNAMSIZ])
{
	const char *tpl = cfg->name;

	if (!*tpl)
	{
		tpl = kind == VTI_KIND_XFRM ? "xfrm%id" : "vti%id";
	}
	if (!vti_config_expand_name(tpl, id, conn, name))
	{
		DBG1(DBG_CHD, "vti: %s: name template '%s' gives no valid interface "
			 "name for %u (at most 15 bytes, no '/', ':' or spaces), the "
			 "connection gets no interface", conn, tpl, id);
		return FALSE;
	}
	return TRUE;
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
	vti_params_t params;
	holder_t *holder;
	iface_t *iface;
	uint32_t ids[MAX_HELD], mtu, link = 0;
	char name[IFNAMSIZ];
	bool xfrm, marks;
	int i, n = 0;

	this->mutex->lock(this->mutex);
	if (this->holders->get(this->holders, child_key(tunnel->child_id)) ||
		!this->config->lookup(this->config, tunnel->conn, &cfg))
	{
		this->mutex->unlock(this->mutex);
		DBG2(DBG_CHD, "vti: %s: CHILD_SA {%u} not managed by the plugin",
			 tunnel->conn, tunnel->child_id);
		return;
	}
	this->mutex->unlock(this->mutex);

	marks = tunnel->mark_in || tunnel->mark_out;
	xfrm = (tunnel->if_id_in || tunnel->if_id_out) &&
		   cfg.kind != VTI_KIND_SETTING_VTI;
	if (!xfrm && (!marks || cfg.kind == VTI_KIND_SETTING_XFRM))
	{
		DBG1(DBG_CHD, "vti: %s: CHILD_SA {%u} has no %s, kind = %s wants "
			 "them: no interface", tunnel->conn, tunnel->child_id,
			 cfg.kind == VTI_KIND_SETTING_XFRM ? "if_ids" : "marks",
			 cfg.kind == VTI_KIND_SETTING_XFRM ? "xfrm" : "vti");
		return;
	}
	if (xfrm && marks && cfg.kind == VTI_KIND_SETTING_AUTO)
	{
		DBG1(DBG_CHD, "vti: %s: CHILD_SA {%u} has marks and if_ids, it gets "
			 "an XFRM interface (kind = vti would give a VTI)", tunnel->conn,
			 tunnel->child_id);
	}
	mtu = tunnel_mtu(this, tunnel, cfg.mtu, xfrm ? &link : NULL);
	if (xfrm)
	{
		/* an if_id of 0 is never used; distinct ids need an interface each */
		if (tunnel->if_id_in)
		{
			ids[n++] = tunnel->if_id_in;
		}
		if (tunnel->if_id_out && tunnel->if_id_out != tunnel->if_id_in)
		{
			ids[n++] = tunnel->if_id_out;
		}
	}
	else
	{
		ids[n++] = tunnel->mark_in;
	}

	INIT(holder,
		.child_id = tunnel->child_id,
		.ike_id = tunnel->ike_id,
	);
	for (i = 0; i < n; i++)
	{
		if (xfrm)
		{
			xfrm_params(ids[i], link, &params);
		}
		else
		{
			vti_params(tunnel, &params);
		}
		if (!expand_name(&cfg, params.kind, ids[i], tunnel->conn, name))
		{
			continue;
		}
		iface = acquire(this, tunnel, &cfg, name, &params, mtu);
		if (iface)
		{
			holder->ifaces[holder->count++] = iface;
		}
	}
	if (!holder->count)
	{
		free(holder);
		return;
	}
	this->mutex->lock(this->mutex);
	this->holders->put(this->holders, child_key(holder->child_id), holder);
	index_add(this, holder);
	this->mutex->unlock(this->mutex);
	/* for bench/: the event and the interface ready, monotonic */
	DBG3(DBG_CHD, "vti: %s: CHILD_SA {%u} up at %llu us, %s ready at %llu us",
		 tunnel->conn, tunnel->child_id, (unsigned long long)start,
		 holder->ifaces[0]->name, (unsigned long long)now_us());
}

METHOD(vti_manager_t, child_down, void,
	private_vti_manager_t *this, const char *conn, uint32_t child_id,
	uint32_t grace)
{
	holder_t *holder;
	iface_t *iface, *released[MAX_HELD];
	int i, count = 0;

	this->mutex->lock(this->mutex);
	holder = this->holders->remove(this->holders, child_key(child_id));
	if (!holder)
	{
		this->mutex->unlock(this->mutex);
		return;
	}
	index_remove(this, holder);
	for (i = 0; i < holder->count; i++)
	{
		iface = holder->ifaces[i];
		if (--iface->refs == 0 && iface->state == IFACE_UP && grace)
		{
			iface->state = IFACE_PENDING;
			iface->pending_until = time_monotonic(NULL) + grace;
			DBG1(DBG_CHD, "vti: %s: keeping %s up to %us for the CHILD_SAs "
				 "of a reauthentication", conn, iface->name, grace);
		}
		else if (iface->refs == 0 && iface->state == IFACE_UP)
		{
			if (iface->down_action == VTI_DOWN_DELETE)
			{
				this->ifaces->remove(this->ifaces, iface->key);
			}
			else
			{
				iface->state = IFACE_DOWN;
			}
			released[count++] = iface;
		}
		else
		{
			DBG2(DBG_CHD, "vti: %s: CHILD_SA {%u} left %s, %u holders remain",
				 conn, child_id, iface->name, iface->refs);
		}
	}
	free(holder);
	this->mutex->unlock(this->mutex);

	for (i = 0; i < count; i++)
	{
		kernel_release(this, released[i], "its last CHILD_SA went down");
		if (released[i]->down_action == VTI_DOWN_DELETE)
		{
			iface_destroy(released[i]);
		}
	}
}

METHOD(vti_manager_t, expire_pending, void,
	private_vti_manager_t *this, bool all)
{
	enumerator_t *enumerator;
	linked_list_t *expired;
	iface_t *iface;
	time_t now = time_monotonic(NULL);
	void *key;

	expired = linked_list_create();
	this->mutex->lock(this->mutex);
	enumerator = this->ifaces->create_enumerator(this->ifaces);
	while (enumerator->enumerate(enumerator, &key, &iface))
	{
		if (iface->state == IFACE_PENDING &&
			(all || now >= iface->pending_until))
		{
			if (iface->down_action == VTI_DOWN_DELETE)
			{
				this->ifaces->remove_at(this->ifaces, enumerator);
			}
			else
			{
				iface->state = IFACE_DOWN;
			}
			expired->insert_last(expired, iface);
		}
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);

	while (expired->remove_first(expired, (void**)&iface) == SUCCESS)
	{
		kernel_release(this, iface, "no CHILD_SA came back after "
					   "reauthentication");
		if (iface->down_action == VTI_DOWN_DELETE)
		{
			iface_destroy(iface);
		}
	}
	expired->destroy(expired);
}

METHOD(vti_manager_t, child_rekey, void,
	private_vti_manager_t *this, uint32_t old_id, const vti_tunnel_t *tunnel)
{
	holder_t *holder;
	iface_t *ifaces[MAX_HELD];
	vti_err_t err = {};
	uint32_t mtu;
	int i, count = 0;

	this->mutex->lock(this->mutex);
	holder = this->holders->remove(this->holders, child_key(old_id));
	if (holder)
	{
		index_remove(this, holder);
		holder->child_id = tunnel->child_id;
		holder->ike_id = tunnel->ike_id;
		this->holders->put(this->holders, child_key(holder->child_id), holder);
		index_add(this, holder);
		for (i = 0; i < holder->count; i++)
		{
			if (holder->ifaces[i]->mtu_auto &&
				holder->ifaces[i]->state == IFACE_UP)
			{
				ifaces[count++] = holder->ifaces[i];
			}
		}
	}
	this->mutex->unlock(this->mutex);

	if (!count)
	{
		return;
	}
	/* the rekey may have negotiated another algorithm */
	mtu = tunnel_mtu(this, tunnel, 0, NULL);
	for (i = 0; i < count; i++)
	{
		if (mtu == ifaces[i]->settings.mtu)
		{
			continue;
		}
		if (this->backend->set_mtu(this->backend, ifaces[i]->netns,
								   ifaces[i]->ifindex, mtu, &err) < 0)
		{
			DBG1(DBG_CHD, "vti: %s: setting the mtu of %s to %u failed: %s",
				 tunnel->conn, ifaces[i]->name, mtu, err.msg);
			continue;
		}
		DBG1(DBG_CHD, "vti: %s: mtu of %s changed from %u to %u after "
			 "rekeying", tunnel->conn, ifaces[i]->name,
			 ifaces[i]->settings.mtu, mtu);
		ifaces[i]->settings.mtu = mtu;
	}
}

METHOD(vti_manager_t, ike_rekey, void,
	private_vti_manager_t *this, uint32_t old_id, uint32_t new_id)
{
	array_t *list;
	holder_t *holder;

	this->mutex->lock(this->mutex);
	list = this->by_ike->remove(this->by_ike, ike_key(old_id));
	while (list && array_remove(list, ARRAY_HEAD, &holder))
	{
		holder->ike_id = new_id;
		index_add(this, holder);
	}
	array_destroy(list);
	this->mutex->unlock(this->mutex);
}

METHOD(vti_manager_t, ike_update, void,
	private_vti_manager_t *this, uint32_t ike_id, int family,
	const uint8_t *local, const uint8_t *remote)
{
	linked_list_t *changed;
	array_t *list;
	holder_t *holder;
	iface_t *iface;
	vti_params_t params;
	vti_err_t err = {};
	char l[64], r[64];
	bool any;
	int i, j;
	static const uint8_t zero[16];

	changed = linked_list_create();
	this->mutex->lock(this->mutex);
	list = this->by_ike->get(this->by_ike, ike_key(ike_id));
	for (j = 0; list && j < array_count(list); j++)
	{
		array_get(list, j, &holder);
		for (i = 0; i < holder->count; i++)
		{
			iface = holder->ifaces[i];
			/* an XFRM interface has no endpoints to follow */
			if (iface->params.kind == VTI_KIND_XFRM ||
				iface->params.family != family ||
				changed->find_first(changed, NULL, (void**)&iface))
			{
				continue;
			}
			params = iface->params;
			any = !memcmp(params.remote, zero, sizeof(zero));
			memcpy(params.local, local, 16);
			if (!any)
			{
				memcpy(params.remote, remote, 16);
			}
			if (!same_identity(&params, &iface->params))
			{
				iface->params = params;
				changed->insert_last(changed, iface);
			}
		}
	}
	this->mutex->unlock(this->mutex);

	while (changed->remove_first(changed, (void**)&iface) == SUCCESS)
	{
		if (this->backend->change(this->backend, iface->netns, iface->ifindex,
								  &iface->params, 0, &err) < 0)
		{
			DBG1(DBG_CHD, "vti: %s: updating the endpoints of %s failed: %s",
				 iface->conn, iface->name, err.msg);
			continue;
		}
		DBG1(DBG_CHD, "vti: %s: endpoints of %s now local %s remote %s",
			 iface->conn, iface->name,
			 addr_str(family, iface->params.local, l, sizeof(l)),
			 addr_str(family, iface->params.remote, r, sizeof(r)));
	}
	changed->destroy(changed);
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

/**
 * An interface with our alias found in a namespace at start.
 */
typedef struct {
	int ifindex;
	char name[IFNAMSIZ];
	char conn[IFALIASZ];
} stale_t;

static void collect_stale(void *data, int ifindex, const char *name,
						  const char *alias)
{
	linked_list_t *list = data;
	stale_t *stale;

	INIT(stale,
		.ifindex = ifindex,
	);
	snprintf(stale->name, sizeof(stale->name), "%s", name);
	snprintf(stale->conn, sizeof(stale->conn), "%s", alias + strlen(VTI_ALIAS_PREFIX));
	list->insert_last(list, stale);
}

METHOD(vti_manager_t, cleanup_stale, void,
	private_vti_manager_t *this)
{
	enumerator_t *enumerator;
	linked_list_t *netnses, *found;
	vti_conn_cfg_t cfg;
	vti_err_t err = {};
	stale_t *stale;
	iface_t *iface;
	char *netns;
	bool keep;

	netnses = linked_list_create();
	this->mutex->lock(this->mutex);
	enumerator = this->config->create_netns_enumerator(this->config);
	while (enumerator->enumerate(enumerator, &netns))
	{
		netnses->insert_last(netnses, strdup(netns));
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);

	while (netnses->remove_first(netnses, (void**)&netns) == SUCCESS)
	{
		found = linked_list_create();
		if (this->backend->list(this->backend, netns, collect_stale, found,
								&err) < 0 && *err.msg)
		{
			DBG2(DBG_CHD, "vti: looking for interfaces left in namespace %s: "
				 "%s", netns_str(netns), err.msg);
		}
		while (found->remove_first(found, (void**)&stale) == SUCCESS)
		{
			this->mutex->lock(this->mutex);
			keep = this->config->lookup(this->config, stale->conn, &cfg) &&
				   cfg.down_action == VTI_DOWN_SET_DOWN &&
				   streq(cfg.netns, netns);
			this->mutex->unlock(this->mutex);
			if (!keep)
			{
				if (this->backend->remove(this->backend, netns, stale->ifindex,
										  &err) < 0)
				{
					DBG1(DBG_CHD, "vti: %s: deleting %s left by an earlier run "
						 "failed: %s", stale->conn, stale->name, err.msg);
				}
				else
				{
					DBG1(DBG_CHD, "vti: %s: deleted %s left by an earlier run "
						 "in namespace %s", stale->conn, stale->name,
						 netns_str(netns));
				}
				free(stale);
				continue;
			}
			if (this->backend->set_state(this->backend, netns, stale->ifindex,
										 FALSE, &err) < 0)
			{
				DBG1(DBG_CHD, "vti: %s: setting %s down failed: %s",
					 stale->conn, stale->name, err.msg);
			}
			INIT(iface,
				.conn = strdup(stale->conn),
				.ifindex = stale->ifindex,
				.down_action = VTI_DOWN_SET_DOWN,
				.state = IFACE_ADOPTED,
			);
			snprintf(iface->netns, sizeof(iface->netns), "%s", netns);
			snprintf(iface->name, sizeof(iface->name), "%s", stale->name);
			snprintf(iface->key, sizeof(iface->key), "%s/%s", netns,
					 stale->name);
			this->mutex->lock(this->mutex);
			iface = this->ifaces->put(this->ifaces, iface->key, iface);
			this->mutex->unlock(this->mutex);
			if (iface)
			{
				iface_destroy(iface);
			}
			DBG1(DBG_CHD, "vti: %s: keeping %s left by an earlier run down in "
				 "namespace %s for the next CHILD_SA", stale->conn,
				 stale->name, netns_str(netns));
			free(stale);
		}
		found->destroy(found);
		free(netns);
	}
	netnses->destroy(netnses);
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
	iface_t *iface;
	holder_t *holder;
	array_t *list;
	void *key;

	/* charon brings every IKE_SA down before unloading plugins: what is
	 * still held here had no down event */
	enumerator = this->ifaces->create_enumerator(this->ifaces);
	while (enumerator->enumerate(enumerator, &key, &iface))
	{
		if (iface->state == IFACE_UP || iface->state == IFACE_PENDING)
		{
			kernel_release(this, iface, "charon is stopping");
		}
		iface_destroy(iface);
	}
	enumerator->destroy(enumerator);
	enumerator = this->holders->create_enumerator(this->holders);
	while (enumerator->enumerate(enumerator, &key, &holder))
	{
		free(holder);
	}
	enumerator->destroy(enumerator);
	enumerator = this->by_ike->create_enumerator(this->by_ike);
	while (enumerator->enumerate(enumerator, &key, &list))
	{
		array_destroy(list);
	}
	enumerator->destroy(enumerator);
	this->by_ike->destroy(this->by_ike);
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
		.holders = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr, 32),
		.by_ike = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr, 32),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	return &this->public;
}
