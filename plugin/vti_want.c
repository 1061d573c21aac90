/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Which interfaces a CHILD_SA wants.
 */

#include "vti_want.h"

#include <sys/socket.h>
#include <utils/debug.h>

/** Path MTU assumed when there is no route to the peer */
#define DEFAULT_PATH_MTU 1500

/*
 * Described in header
 */
uint32_t vti_want_mtu(const vti_tunnel_t *tunnel, vti_backend_t *backend)
{
	/* unknown algorithms: assume a large IV, block and ICV */
	vti_esp_overhead_t esp = { .iv = 16, .align = 16, .icv = 32 };
	uint32_t path, mtu, min_mtu;

	path = backend->path_mtu(backend, tunnel->family, tunnel->remote, NULL);
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
	min_mtu = tunnel->family == AF_INET ? 68 : VTI_IPV6_MIN_MTU;
	return max(mtu, min_mtu);
}

/*
 * Described in header
 */
uint32_t vti_want_link(const vti_tunnel_t *tunnel, vti_backend_t *backend)
{
	uint32_t link = 0;

	backend->path_mtu(backend, tunnel->family, tunnel->remote, &link);
	return link;
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
 * both families and needs no endpoints; its link comes later, from the
 * route to the peer.
 */
static void xfrm_params(uint32_t if_id, vti_params_t *params)
{
	*params = (vti_params_t){
		.kind = VTI_KIND_XFRM,
		.if_id = if_id,
	};
}

/**
 * Resolve a name template for an id; logs why not.
 */
static bool expand_name(const vti_conn_cfg_t *cfg, vti_kind_t kind,
						uint32_t id, const char *conn, char name[IFNAMSIZ])
{
	const char *tpl = cfg->name, *why;

	if (!*tpl)
	{
		tpl = kind == VTI_KIND_XFRM ? "xfrm%id" : "vti%id";
	}
	if (!vti_config_expand_name(tpl, id, conn, name, &why))
	{
		DBG1(DBG_CHD, "vti: %s: name template '%s' gives no valid interface "
			 "name for %u (%s), the connection gets no interface", conn, tpl,
			 id, why);
		return FALSE;
	}
	return TRUE;
}

/**
 * Whether the CHILD_SA gets an XFRM interface; FALSE with none wanted if
 * it has not what the kind needs (logged).
 */
static bool want_xfrm(const vti_tunnel_t *tunnel, const vti_conn_cfg_t *cfg,
					  bool *none)
{
	bool marks, xfrm;

	marks = tunnel->mark_in || tunnel->mark_out;
	xfrm = (tunnel->if_id_in || tunnel->if_id_out) &&
		   cfg->kind != VTI_KIND_SETTING_VTI;
	*none = !xfrm && (!marks || cfg->kind == VTI_KIND_SETTING_XFRM);
	if (*none)
	{
		DBG1(DBG_CHD, "vti: %s: CHILD_SA {%u} has no %s, kind = %s wants "
			 "them: no interface", tunnel->conn, tunnel->child_id,
			 cfg->kind == VTI_KIND_SETTING_XFRM ? "if_ids" : "marks",
			 cfg->kind == VTI_KIND_SETTING_XFRM ? "xfrm" : "vti");
	}
	else if (xfrm && marks && cfg->kind == VTI_KIND_SETTING_AUTO)
	{
		DBG1(DBG_CHD, "vti: %s: CHILD_SA {%u} has marks and if_ids, it gets "
			 "an XFRM interface (kind = vti would give a VTI)", tunnel->conn,
			 tunnel->child_id);
	}
	return xfrm;
}

/*
 * Described in header
 */
int vti_want(const vti_tunnel_t *tunnel, const vti_conn_cfg_t *cfg,
			 vti_want_t *wants, int max)
{
	uint32_t ids[2];
	bool xfrm, none;
	int i, n = 0, count = 0;

	xfrm = want_xfrm(tunnel, cfg, &none);
	if (none)
	{
		return 0;
	}
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
	for (i = 0; i < n && count < max; i++)
	{
		if (xfrm)
		{
			xfrm_params(ids[i], &wants[count].params);
		}
		else
		{
			vti_params(tunnel, &wants[count].params);
		}
		if (expand_name(cfg, wants[count].params.kind, ids[i], tunnel->conn,
						wants[count].name))
		{
			count++;
		}
	}
	return count;
}
