/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The life of one interface in the kernel: vti_iface_apply() takes its
 * link to what its claims want one operation at a time and records only
 * what the kernel accepted.
 */

#include "vti_iface.h"
#include "vti_create.h"

#include <errno.h>
#include <utils/debug.h>

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
 * Set the link down; a failure is logged.
 */
static bool kernel_down(vti_iface_t *this, vti_backend_t *backend)
{
	vti_err_t err = {};

	if (backend->set_state(backend, this->netns, this->ifindex, FALSE,
						   &err) < 0)
	{
		DBG1(DBG_KNL, "vti: %s: setting %s down failed: %s", this->conn,
			 this->name, err.msg);
		return FALSE;
	}
	this->up = FALSE;
	return TRUE;
}

/**
 * What an interface no CHILD_SA holds becomes: deleted, or kept down.
 */
static bool release(vti_iface_t *this, vti_backend_t *backend,
					const vti_target_t *target, const char *why)
{
	if (!this->ifindex)
	{
		return TRUE;
	}
	if (target->delete)
	{
		return kernel_remove(this, backend, why);
	}
	if (!this->up)
	{
		return TRUE;
	}
	if (!kernel_down(this, backend))
	{
		return FALSE;
	}
	DBG1(DBG_CHD, "vti: %s: %s set down (%s), kept in namespace %s",
		 this->conn, this->name, why, vti_iface_netns_str(this->netns));
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
 * Set the MTU; a failure is logged and left for the next resync.
 */
static bool kernel_mtu(vti_iface_t *this, vti_backend_t *backend,
					   uint32_t mtu)
{
	vti_err_t err = {};

	if (backend->set_mtu(backend, this->netns, this->ifindex, mtu, &err) < 0)
	{
		DBG1(DBG_KNL, "vti: %s: setting the mtu of %s to %u failed: %s",
			 this->conn, this->name, mtu, err.msg);
		return FALSE;
	}
	DBG1(DBG_CHD, "vti: %s: mtu of %s changed from %u to %u", this->conn,
		 this->name, this->settings.mtu, mtu);
	this->settings.mtu = mtu;
	return TRUE;
}

/**
 * Put back the addresses of its settings an up link lacks: configure() adds
 * them all, those it has are refused and taken as there. Same link, same
 * MTU (the kernel's).
 */
static bool kernel_readdress(vti_iface_t *this, vti_backend_t *backend)
{
	vti_err_t err = {};

	if (backend->configure(backend, this->netns, this->ifindex, this->name,
						   &this->settings, FALSE, &err) < 0)
	{
		DBG1(DBG_KNL, "vti: %s: putting the addresses of %s back failed: %s",
			 this->conn, this->name, err.msg);
		return FALSE;
	}
	this->lacks_addrs = FALSE;
	DBG2(DBG_CHD, "vti: %s: addresses of %s put back", this->conn,
		 this->name);
	return TRUE;
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
						   &settings, FALSE, &err) < 0)
	{
		DBG1(DBG_KNL, "vti: %s: configuring %s failed: %s", this->conn,
			 this->name, err.msg);
		return FALSE;
	}
	this->settings.mtu = mtu;
	this->lacks_addrs = FALSE;
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
							  const vti_params_t *params, uint32_t mtu,
							  bool up)
{
	bool adopted = !this->known;
	int rc;

	rc = kernel_change(this, backend, params, mtu);
	if (rc == 0)
	{
		return TRUE;
	}
	if (rc == -EEXIST && !adopted)
	{
		/* another link has these endpoints (if_id): with its old ones this
		 * link carries nothing, and must not look usable to routing */
		if (this->up && kernel_down(this, backend))
		{
			DBG1(DBG_CHD, "vti: %s: %s set down: the kernel refuses its new "
				 "%s", this->conn, this->name, params->kind == VTI_KIND_XFRM ?
				 "if_id while another XFRM interface has it" :
				 "endpoints while another VTI has them");
		}
		return FALSE;
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
	return vti_create_link(this, backend, params, mtu, up);
}

/**
 * Delete a link that must be made anew: the settings changed the
 * addresses we put on it, or it must change its kind.
 *
 * @return			FALSE if deleting it failed (logged)
 */
static bool kernel_unmake(vti_iface_t *this, vti_backend_t *backend,
						  const vti_params_t *params)
{
	char desc[256];

	if (this->ifindex && this->remake &&
		!kernel_remove(this, backend, "the settings changed its addresses, "
					   "making it anew"))
	{
		return FALSE;
	}
	this->remake = FALSE;
	if (this->ifindex && this->known && this->kernel.kind != params->kind)
	{
		DBG1(DBG_CHD, "vti: %s: %s must become %s", this->conn, this->name,
			 vti_iface_describe(this->name, params, desc, sizeof(desc)));
		return kernel_remove(this, backend, "a link cannot change its kind");
	}
	return TRUE;
}

/*
 * Described in header
 */
bool vti_iface_apply(vti_iface_t *this, vti_backend_t *backend,
					 const vti_target_t *target, const char *why)
{
	bool mtu_set = TRUE;

	if (!target->held)
	{
		return target->keep || release(this, backend, target, why);
	}
	if (!kernel_unmake(this, backend, &target->params))
	{
		return FALSE;
	}
	if (!this->ifindex)
	{
		return vti_create_link(this, backend, &target->params, target->mtu,
							   !target->down);
	}
	if (!this->known || !vti_params_equal(&this->kernel, &target->params))
	{
		if (!kernel_reidentify(this, backend, &target->params, target->mtu,
							   !target->down))
		{
			return FALSE;
		}
	}
	else if ((this->up || this->held_down) &&
			 this->settings.mtu != target->mtu)
	{
		/* a link down for us gets it from kernel_revive(); one an operator
		 * set down keeps what routing reads right meanwhile */
		mtu_set = kernel_mtu(this, backend, target->mtu);
	}
	if (this->up && this->lacks_addrs && !kernel_readdress(this, backend))
	{
		return FALSE;
	}
	if (target->down)
	{
		return (!this->up || kernel_down(this, backend)) && mtu_set;
	}
	if (this->up || this->held_down)
	{
		return mtu_set;
	}
	return kernel_revive(this, backend, target->mtu) && mtu_set;
}
