/*
 * The life of one interface in the kernel: its claims say what it should
 * be, its kernel members what it is, vti_iface_apply() closes the gap one
 * operation at a time and records only what the kernel accepted.
 */

#include "vti_iface.h"

#include <errno.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <utils/debug.h>

ENUM(vti_kind_names, VTI_KIND_VTI, VTI_KIND_XFRM,
	"vti",
	"vti6",
	"xfrm",
);

/*
 * Described in header
 */
const char *vti_kind_name(vti_kind_t kind)
{
	return enum_to_name(vti_kind_names, kind) ?: "?";
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

/*
 * Described in header
 */
char *vti_iface_describe(const char *name, const vti_params_t *params,
						 char *buf, size_t len)
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

/*
 * Described in header
 */
const char *vti_iface_netns_str(const char *netns)
{
	return *netns ? netns : "of charon";
}

/*
 * Described in header
 */
bool vti_params_equal(const vti_params_t *a, const vti_params_t *b)
{
	return a->kind == b->kind && a->ikey == b->ikey && a->okey == b->okey &&
		   a->if_id == b->if_id && a->family == b->family &&
		   !memcmp(a->local, b->local, sizeof(a->local)) &&
		   !memcmp(a->remote, b->remote, sizeof(a->remote));
}

/*
 * Described in header
 */
bool vti_iface_same_endpoints(vti_iface_t *this, const vti_params_t *params)
{
	return this->ifindex && this->known && params->kind != VTI_KIND_XFRM &&
		   this->kernel.kind == params->kind &&
		   !memcmp(this->kernel.local, params->local, sizeof(params->local)) &&
		   !memcmp(this->kernel.remote, params->remote, sizeof(params->remote));
}

/*
 * Described in header
 */
void vti_iface_use_cfg(vti_iface_t *this, const vti_conn_cfg_t *cfg,
					   vti_kind_t kind)
{
	this->netns_create = cfg->netns_create;
	this->down_action = cfg->down_action;
	this->mtu_cfg = cfg->mtu;
	this->settings.n_addrs = cfg->n_addrs;
	memcpy(this->settings.addrs, cfg->addrs, sizeof(cfg->addrs));
	/* disable_xfrm (the article sets it on its vti6) makes every VTI drop
	 * the IPv4 it carries, measured: only XFRM interfaces get it */
	this->settings.disable_xfrm = kind == VTI_KIND_XFRM;
	this->settings.keep_addrs = cfg->down_action == VTI_DOWN_SET_DOWN;
}

/**
 * An entry with no kernel link and no claim.
 */
static vti_iface_t *iface_new(const char *conn, const char *netns,
							  const char *name)
{
	vti_iface_t *this;

	INIT(this,
		.conn = strdup(conn),
		.claims = array_create(0, 0),
	);
	snprintf(this->netns, sizeof(this->netns), "%s", netns);
	snprintf(this->name, sizeof(this->name), "%s", name);
	snprintf(this->key, sizeof(this->key), "%s/%s", netns, name);
	return this;
}

/*
 * Described in header
 */
vti_iface_t *vti_iface_create(const char *conn, const vti_conn_cfg_t *cfg,
							  const char *name, vti_kind_t kind)
{
	vti_iface_t *this = iface_new(conn, cfg->netns, name);

	vti_iface_use_cfg(this, cfg, kind);
	return this;
}

/*
 * Described in header
 */
vti_iface_t *vti_iface_adopt(const char *conn, const char *netns,
							 const char *name, int ifindex)
{
	vti_iface_t *this = iface_new(conn, netns, name);

	this->ifindex = ifindex;
	this->down_action = VTI_DOWN_SET_DOWN;
	this->settings.keep_addrs = TRUE;
	return this;
}

/*
 * Described in header
 */
vti_claim_t *vti_iface_newest(vti_iface_t *this)
{
	vti_claim_t *claim, *newest = NULL;
	int i;

	for (i = 0; i < array_count(this->claims); i++)
	{
		array_get(this->claims, i, &claim);
		if (!newest || claim->seq > newest->seq)
		{
			newest = claim;
		}
	}
	return newest;
}

/*
 * Described in header
 */
void vti_iface_claim(vti_iface_t *this, vti_claim_t *claim)
{
	claim->iface = this;
	array_insert(this->claims, ARRAY_TAIL, claim);
}

/*
 * Described in header
 */
void vti_iface_unclaim(vti_iface_t *this, vti_claim_t *claim)
{
	vti_claim_t *current;
	int i;

	for (i = 0; i < array_count(this->claims); i++)
	{
		array_get(this->claims, i, &current);
		if (current == claim)
		{
			array_remove(this->claims, i, NULL);
			break;
		}
	}
	claim->iface = NULL;
}

/**
 * Delete the link; one that is already gone counts as deleted.
 */
static bool kernel_remove(vti_iface_t *this, vti_backend_t *backend,
						  const char *why)
{
	vti_err_t err = {};
	int rc;

	rc = backend->remove(backend, this->netns, this->ifindex, &err);
	if (rc < 0 && rc != -ENODEV)
	{
		DBG1(DBG_KNL, "vti: %s: deleting %s failed: %s", this->conn,
			 this->name, err.msg);
		return FALSE;
	}
	DBG1(DBG_CHD, "vti: %s: deleted %s from namespace %s (%s)%s", this->conn,
		 this->name, vti_iface_netns_str(this->netns), why,
		 rc < 0 ? ", it was already gone" : "");
	this->ifindex = 0;
	this->up = FALSE;
	return TRUE;
}

/**
 * What an interface no CHILD_SA holds becomes: deleted, or kept down.
 */
static bool release(vti_iface_t *this, vti_backend_t *backend,
					const char *why)
{
	vti_err_t err = {};

	if (!this->ifindex)
	{
		return TRUE;
	}
	if (this->down_action == VTI_DOWN_DELETE)
	{
		return kernel_remove(this, backend, why);
	}
	if (!this->up)
	{
		return TRUE;
	}
	if (backend->set_state(backend, this->netns, this->ifindex, FALSE,
						   &err) < 0)
	{
		DBG1(DBG_KNL, "vti: %s: setting %s down failed: %s", this->conn,
			 this->name, err.msg);
		return FALSE;
	}
	this->up = FALSE;
	DBG1(DBG_CHD, "vti: %s: %s set down (%s), kept in namespace %s",
		 this->conn, this->name, why, vti_iface_netns_str(this->netns));
	return TRUE;
}

/**
 * Make a name free in netns: a link of ours there that the table does not
 * know (a crash left it) is deleted, anything else stops us.
 *
 * @param any_ours	any alias of ours will do (the temporary name), not
 *					only the connection's
 */
static bool clear_name(vti_iface_t *this, vti_backend_t *backend,
					   const char *netns, const char *name, bool any_ours)
{
	char alias[IFALIASZ], found[IFALIASZ];
	vti_err_t err = {};
	int ifindex;

	snprintf(alias, sizeof(alias), VTI_ALIAS_PREFIX "%s", this->conn);
	ifindex = backend->lookup(backend, netns, name, found, sizeof(found),
							  &err);
	if (ifindex == -ENODEV)
	{
		return TRUE;
	}
	if (ifindex < 0)
	{
		DBG1(DBG_KNL, "vti: %s: looking up %s in namespace %s failed: %s",
			 this->conn, name, vti_iface_netns_str(netns), err.msg);
		return FALSE;
	}
	if (!(any_ours ? strpfx(found, VTI_ALIAS_PREFIX) : streq(found, alias)))
	{
		DBG1(DBG_CHD, "vti: %s: interface %s exists in namespace %s and is "
			 "not ours (%s), leaving it alone: the connection gets no "
			 "interface", this->conn, name, vti_iface_netns_str(netns),
			 *found ? found : "no alias");
		return FALSE;
	}
	DBG1(DBG_CHD, "vti: %s: removing %s left over in namespace %s",
		 this->conn, name, vti_iface_netns_str(netns));
	ifindex = backend->remove(backend, netns, ifindex, &err);
	if (ifindex < 0 && ifindex != -ENODEV)
	{
		DBG1(DBG_KNL, "vti: %s: deleting %s failed: %s", this->conn, name,
			 err.msg);
		return FALSE;
	}
	return TRUE;
}

/**
 * Make the names a new link passes through free: in a namespace of its
 * own it is born in charon's under the temporary name (which charon is
 * told to ignore, so that moving it away raises no roam event) and renamed
 * there; else it is born under its name.
 */
static bool clear_names(vti_iface_t *this, vti_backend_t *backend)
{
	if (!*this->netns)
	{
		return clear_name(this, backend, "", this->name, FALSE);
	}
	return clear_name(this, backend, this->netns, this->name, FALSE) &&
		   clear_name(this, backend, this->netns, VTI_TEMP_NAME, TRUE) &&
		   clear_name(this, backend, "", VTI_TEMP_NAME, TRUE);
}

/**
 * Remove a half-made link after a failed step.
 */
static void undo_create(vti_iface_t *this, vti_backend_t *backend,
						const char *netns, int ifindex)
{
	vti_err_t err = {};

	if (backend->remove(backend, netns, ifindex, &err) < 0)
	{
		DBG1(DBG_KNL, "vti: %s: removing the half-made %s failed: %s",
			 this->conn, this->name, err.msg);
	}
}

/**
 * Move a link born under the temporary name into its namespace and give
 * it its name there.
 *
 * @return			its ifindex there, 0 on failure (logged, undone)
 */
static int kernel_move(vti_iface_t *this, vti_backend_t *backend, int ifindex)
{
	vti_err_t err = {};
	int moved;

	moved = backend->move(backend, ifindex, VTI_TEMP_NAME, this->netns, &err);
	if (moved < 0)
	{
		DBG1(DBG_KNL, "vti: %s: moving %s into namespace %s failed: %s",
			 this->conn, this->name, this->netns, err.msg);
		undo_create(this, backend, "", ifindex);
		return 0;
	}
	if (backend->rename(backend, this->netns, moved, this->name, &err) < 0)
	{
		DBG1(DBG_KNL, "vti: %s: naming %s in namespace %s failed: %s",
			 this->conn, this->name, this->netns, err.msg);
		undo_create(this, backend, this->netns, moved);
		return 0;
	}
	return moved;
}

/**
 * Configure a new link in its namespace and bring it up.
 */
static bool kernel_setup(vti_iface_t *this, vti_backend_t *backend,
						 int ifindex)
{
	vti_err_t err = {};

	if (backend->configure(backend, this->netns, ifindex, this->name,
						   &this->settings, &err) < 0)
	{
		DBG1(DBG_KNL, "vti: %s: configuring %s failed: %s", this->conn,
			 this->name, err.msg);
		undo_create(this, backend, this->netns, ifindex);
		return FALSE;
	}
	if (backend->set_state(backend, this->netns, ifindex, TRUE, &err) < 0)
	{
		DBG1(DBG_KNL, "vti: %s: setting %s up failed: %s", this->conn,
			 this->name, err.msg);
		undo_create(this, backend, this->netns, ifindex);
		return FALSE;
	}
	return TRUE;
}

/**
 * Let "ip link show CONN" find the interface, where that name is free.
 */
static void kernel_altname(vti_iface_t *this, vti_backend_t *backend)
{
	vti_err_t err = {};
	int rc;

	if (streq(this->conn, this->name) || strlen(this->conn) > VTI_ALTNAME_MAX)
	{
		return;
	}
	rc = backend->add_altname(backend, this->netns, this->ifindex, this->conn,
							  &err);
	if (rc < 0)
	{
		DBG2(DBG_CHD, "vti: %s: %s gets no alternative name %s: %s",
			 this->conn, this->name, this->conn, err.msg);
	}
}

/**
 * Create, move, name, configure and bring up the link for params; leaves
 * nothing behind on failure.
 */
static bool kernel_create(vti_iface_t *this, vti_backend_t *backend,
						  const vti_params_t *params, uint32_t mtu)
{
	char alias[IFALIASZ], desc[256];
	vti_err_t err = {};
	int ifindex;

	if (*this->netns && backend->netns_ensure(backend, this->netns,
											  this->netns_create, &err) < 0)
	{
		DBG1(DBG_KNL, "vti: %s: namespace '%s' unusable: %s", this->conn,
			 this->netns, err.msg);
		return FALSE;
	}
	if (!clear_names(this, backend))
	{
		return FALSE;
	}
	snprintf(alias, sizeof(alias), VTI_ALIAS_PREFIX "%s", this->conn);
	vti_iface_describe(this->name, params, desc, sizeof(desc));
	ifindex = backend->create(backend, *this->netns ? VTI_TEMP_NAME :
							  this->name, params, alias, &err);
	if (ifindex < 0)
	{
		DBG1(DBG_KNL, "vti: %s: creating %s failed: %s", this->conn, desc,
			 err.msg);
		return FALSE;
	}
	if (*this->netns)
	{
		ifindex = kernel_move(this, backend, ifindex);
	}
	this->settings.mtu = mtu;
	if (!ifindex || !kernel_setup(this, backend, ifindex))
	{
		return FALSE;
	}
	this->ifindex = ifindex;
	this->kernel = *params;
	this->known = this->up = TRUE;
	kernel_altname(this, backend);
	DBG1(DBG_CHD, "vti: %s: created %s in namespace %s, mtu %u, %d "
		 "address%s, up", this->conn, desc, vti_iface_netns_str(this->netns),
		 mtu, this->settings.n_addrs, this->settings.n_addrs == 1 ? "" : "es");
	return TRUE;
}

/**
 * Change kind-specific identity (keys, endpoints, if_id) in place, the MTU
 * in the same request: without it a vti6 recomputes its MTU.
 *
 * @return			0, or -errno (logged)
 */
static int kernel_change(vti_iface_t *this, vti_backend_t *backend,
						 const vti_params_t *params, uint32_t mtu)
{
	char desc[256];
	vti_err_t err = {};
	int rc;

	vti_iface_describe(this->name, params, desc, sizeof(desc));
	rc = backend->change(backend, this->netns, this->ifindex, params, mtu,
						 &err);
	if (rc < 0)
	{
		DBG1(DBG_KNL, "vti: %s: changing %s in namespace %s to %s failed: %s",
			 this->conn, this->name, vti_iface_netns_str(this->netns), desc,
			 err.msg);
		return rc;
	}
	this->kernel = *params;
	this->known = TRUE;
	this->settings.mtu = mtu;
	DBG1(DBG_CHD, "vti: %s: changed %s in place, mtu %u", this->conn, desc,
		 mtu);
	return 0;
}

/**
 * Set the MTU; a failure is logged and left for the next sync.
 */
static void kernel_mtu(vti_iface_t *this, vti_backend_t *backend,
					   uint32_t mtu)
{
	vti_err_t err = {};

	if (backend->set_mtu(backend, this->netns, this->ifindex, mtu, &err) < 0)
	{
		DBG1(DBG_KNL, "vti: %s: setting the mtu of %s to %u failed: %s",
			 this->conn, this->name, mtu, err.msg);
		return;
	}
	DBG1(DBG_CHD, "vti: %s: mtu of %s changed from %u to %u", this->conn,
		 this->name, this->settings.mtu, mtu);
	this->settings.mtu = mtu;
}

/**
 * Configure a kept or adopted link again and bring it up: the kernel may
 * have dropped addresses while it was down, an adopted one may miss
 * settings.
 */
static bool kernel_revive(vti_iface_t *this, vti_backend_t *backend,
						  uint32_t mtu)
{
	vti_settings_t settings = this->settings;
	vti_err_t err = {};

	settings.mtu = mtu;
	if (backend->configure(backend, this->netns, this->ifindex, this->name,
						   &settings, &err) < 0)
	{
		DBG1(DBG_KNL, "vti: %s: configuring %s failed: %s", this->conn,
			 this->name, err.msg);
		return FALSE;
	}
	this->settings.mtu = mtu;
	if (backend->set_state(backend, this->netns, this->ifindex, TRUE,
						   &err) < 0)
	{
		DBG1(DBG_KNL, "vti: %s: setting %s up failed: %s", this->conn,
			 this->name, err.msg);
		return FALSE;
	}
	this->up = TRUE;
	DBG1(DBG_CHD, "vti: %s: %s is up again in namespace %s, mtu %u",
		 this->conn, this->name, vti_iface_netns_str(this->netns), mtu);
	return TRUE;
}

/**
 * Take an existing link to the identity params.
 */
static bool kernel_reidentify(vti_iface_t *this, vti_backend_t *backend,
							  const vti_params_t *params, uint32_t mtu)
{
	bool adopted = !this->known;
	int rc;

	rc = kernel_change(this, backend, params, mtu);
	if (rc == 0)
	{
		return TRUE;
	}
	if (rc != -ENODEV && !adopted)
	{
		return FALSE;
	}
	/* gone, or left by an earlier run as something we cannot change */
	if (!kernel_remove(this, backend, rc == -ENODEV ? "it vanished" :
					   "it could not be changed, making it anew"))
	{
		return FALSE;
	}
	return kernel_create(this, backend, params, mtu);
}

/*
 * Described in header
 */
bool vti_iface_apply(vti_iface_t *this, vti_backend_t *backend,
					 const vti_target_t *target, const char *why)
{
	char desc[256];

	if (!target->held)
	{
		return target->keep || release(this, backend, why);
	}
	if (this->ifindex && this->known &&
		this->kernel.kind != target->params.kind)
	{
		DBG1(DBG_CHD, "vti: %s: %s must become %s", this->conn, this->name,
			 vti_iface_describe(this->name, &target->params, desc,
								sizeof(desc)));
		if (!kernel_remove(this, backend, "a link cannot change its kind"))
		{
			return FALSE;
		}
	}
	if (!this->ifindex)
	{
		return kernel_create(this, backend, &target->params, target->mtu);
	}
	if (!this->known || !vti_params_equal(&this->kernel, &target->params))
	{
		if (!kernel_reidentify(this, backend, &target->params, target->mtu))
		{
			return FALSE;
		}
	}
	else if (this->up && this->settings.mtu != target->mtu)
	{
		kernel_mtu(this, backend, target->mtu);
	}
	if (this->up || this->held_down)
	{
		return TRUE;
	}
	return kernel_revive(this, backend, target->mtu);
}

/*
 * Described in header
 */
void vti_iface_commit(vti_iface_t *this, const vti_iface_t *copy)
{
	this->ifindex = copy->ifindex;
	this->known = copy->known;
	this->kernel = copy->kernel;
	this->up = copy->up;
	this->settings.mtu = copy->settings.mtu;
}

/*
 * Described in header
 */
void vti_iface_destroy(vti_iface_t *this)
{
	array_destroy(this->claims);
	free(this->conn);
	free(this);
}
