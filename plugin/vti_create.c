/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Making a new interface: born in charon's namespace (under the temporary
 * name where it moves), moved, named, configured, brought up, given its
 * connection's name as an alternative one. Kernel failures are logged in
 * DBG_KNL with the kernel's message, what was done in DBG_CHD.
 */

#include "vti_create.h"

#include <errno.h>
#include <utils/debug.h>

/**
 * What clear_name() found under a name.
 */
typedef enum {
	/** no link has it */
	NAME_FREE,
	/** a link of ours a crash left had it: deleted */
	NAME_CLEARED,
	/** someone else's link has it, or the kernel failed (logged) */
	NAME_TAKEN,
} name_state_t;

/**
 * Make a name free in netns: a link of ours there that the table does not
 * know (a crash left it) is deleted, anything else stops us.
 *
 * @param any_ours	any alias of ours will do (the temporary name), not
 *					only the connection's
 */
static name_state_t clear_name(vti_iface_t *this, vti_backend_t *backend,
							   const char *netns, const char *name,
							   bool any_ours)
{
	char alias[IFALIASZ], found[IFALIASZ];
	vti_err_t err = {};
	int ifindex;

	snprintf(alias, sizeof(alias), VTI_ALIAS_PREFIX "%s", this->conn);
	ifindex = backend->lookup(backend, netns, name, found, sizeof(found),
							  &err);
	if (ifindex == -ENODEV)
	{
		return NAME_FREE;
	}
	if (ifindex < 0)
	{
		DBG1(DBG_KNL, "vti: %s: looking up %s in namespace %s failed: %s",
			 this->conn, name, vti_iface_netns_str(netns), err.msg);
		return NAME_TAKEN;
	}
	if (*netns && streq(found, VTI_ALIAS_PREFIX))
	{
		/* the worker's placeholder (vti_placeholder.h), in nobody's way */
		return NAME_FREE;
	}
	if (!(any_ours ? strpfx(found, VTI_ALIAS_PREFIX) : streq(found, alias)))
	{
		DBG1(DBG_CHD, "vti: %s: interface %s exists in namespace %s and is "
			 "not ours (%s), leaving it alone: the connection gets no "
			 "interface", this->conn, name, vti_iface_netns_str(netns),
			 *found ? found : "no alias");
		return NAME_TAKEN;
	}
	DBG1(DBG_CHD, "vti: %s: removing %s left over in namespace %s",
		 this->conn, name, vti_iface_netns_str(netns));
	ifindex = backend->remove(backend, netns, ifindex, &err);
	if (ifindex < 0 && ifindex != -ENODEV)
	{
		DBG1(DBG_KNL, "vti: %s: deleting %s failed: %s", this->conn, name,
			 err.msg);
		return NAME_TAKEN;
	}
	return NAME_CLEARED;
}

/**
 * Remove a half-made link after a failed step.
 *
 * @return			0, -ENODEV if netns has no such link, or -errno (logged)
 */
static int undo_create(vti_iface_t *this, vti_backend_t *backend,
					   const char *netns, int ifindex)
{
	vti_err_t err = {};
	int ret;

	ret = backend->remove(backend, netns, ifindex, &err);
	if (ret < 0 && ret != -ENODEV)
	{
		DBG1(DBG_KNL, "vti: %s: removing the half-made %s failed: %s",
			 this->conn, this->name, err.msg);
	}
	return ret;
}

/**
 * Move a link born under the temporary name into its namespace and give
 * it its name there, in one request. A link of ours a crash left under the
 * temporary name there is in nobody's way: the kernel names ours at once
 * (the next resync adopts the left-over, J1). Where the name was taken
 * after clear_name() looked, the kernel moved ours and could not rename
 * it: it is deleted there under the temporary name.
 *
 * @return			its ifindex there, 0 on failure (logged, undone)
 */
static int kernel_move(vti_iface_t *this, vti_backend_t *backend, int ifindex)
{
	vti_err_t err = {};
	int moved;

	moved = backend->move(backend, ifindex, this->name, this->netns, &err);
	if (moved < 0)
	{
		DBG1(DBG_KNL, "vti: %s: moving %s into namespace %s failed: %s",
			 this->conn, this->name, this->netns, err.msg);
		if (undo_create(this, backend, "", ifindex) == -ENODEV)
		{
			clear_name(this, backend, this->netns, VTI_TEMP_NAME, TRUE);
		}
		return 0;
	}
	return moved;
}

/**
 * Configure a new link in its namespace and bring it up (if up; with its
 * MTU, in one request).
 */
static bool kernel_setup(vti_iface_t *this, vti_backend_t *backend,
						 int ifindex, bool up)
{
	vti_err_t err = {};

	if (backend->configure(backend, this->netns, ifindex, this->name,
						   &this->settings, up, &err) < 0)
	{
		DBG1(DBG_KNL, "vti: %s: configuring %s failed: %s", this->conn,
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

/*
 * Described in header
 */
bool vti_create_link(vti_iface_t *this, vti_backend_t *backend,
					 const vti_params_t *params, uint32_t mtu, bool up)
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
	/* the name it ends up with must be free (or a left-over of ours) */
	if (clear_name(this, backend, this->netns, this->name, FALSE) == NAME_TAKEN)
	{
		return FALSE;
	}
	snprintf(alias, sizeof(alias), VTI_ALIAS_PREFIX "%s", this->conn);
	vti_iface_describe(this->name, params, desc, sizeof(desc));
	ifindex = backend->create(backend, *this->netns ? VTI_TEMP_NAME :
							  this->name, params, alias, &err);
	/* likewise the temporary name a crash left in charon's namespace */
	if (ifindex == -EEXIST && *this->netns &&
		clear_name(this, backend, "", VTI_TEMP_NAME, TRUE) == NAME_CLEARED)
	{
		ifindex = backend->create(backend, VTI_TEMP_NAME, params, alias, &err);
	}
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
	if (!ifindex || !kernel_setup(this, backend, ifindex, up))
	{
		return FALSE;
	}
	this->ifindex = ifindex;
	this->kernel = *params;
	this->known = TRUE;
	this->up = up;
	this->lacks_addrs = FALSE;
	kernel_altname(this, backend);
	DBG1(DBG_CHD, "vti: %s: created %s in namespace %s, mtu %u, %d "
		 "address%s, %s", this->conn, desc, vti_iface_netns_str(this->netns),
		 mtu, this->settings.n_addrs, this->settings.n_addrs == 1 ? "" : "es",
		 up ? "up" : "down until its first CHILD_SA (on_demand = down)");
	return TRUE;
}

