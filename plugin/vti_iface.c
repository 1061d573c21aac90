/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * One interface of the table: its claims say what it should be, its kernel
 * members what it is (vti_apply.c closes the gap).
 */

#include "vti_iface.h"
#include "vti_want.h"

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

/**
 * Hash of the identity the kernel tells tunnels apart by.
 */
static u_int tunnel_hash(const vti_params_t *params)
{
	u_int hash = chunk_hash(chunk_from_thing(params->kind));

	if (params->kind == VTI_KIND_XFRM)
	{
		return chunk_hash_inc(chunk_from_thing(params->if_id), hash);
	}
	hash = chunk_hash_inc(chunk_create((u_char*)params->local,
									   sizeof(params->local)), hash);
	return chunk_hash_inc(chunk_create((u_char*)params->remote,
									   sizeof(params->remote)), hash);
}

/**
 * Whether two identities are one tunnel to the kernel.
 */
static bool tunnel_equals(const vti_params_t *a, const vti_params_t *b)
{
	if (a->kind != b->kind)
	{
		return FALSE;
	}
	if (a->kind == VTI_KIND_XFRM)
	{
		return a->if_id == b->if_id;
	}
	return memeq(a->local, b->local, sizeof(a->local)) &&
		   memeq(a->remote, b->remote, sizeof(a->remote));
}

/*
 * Described in header
 */
bool vti_iface_same_tunnel(vti_iface_t *this, const vti_params_t *params)
{
	if (this->ifindex)
	{
		return this->known && tunnel_equals(&this->kernel, params);
	}
	/* a new entry: the link it is to get has the identity it is indexed
	 * under, while a CHILD_SA holds it */
	return this->indexed && this->indexed_new && array_count(this->claims) &&
		   tunnel_equals(&this->indexed_as, params);
}

/*
 * Described in header
 */
hashtable_t *vti_iface_create_index(void)
{
	return hashtable_create((hashtable_hash_t)tunnel_hash,
							(hashtable_equals_t)tunnel_equals, 32);
}

/*
 * Described in header
 */
void vti_iface_unindex(vti_iface_t *this, hashtable_t *index)
{
	if (this->indexed &&
		index->get(index, &this->indexed_as) == this)
	{
		index->remove(index, &this->indexed_as);
	}
	this->indexed = FALSE;
}

/**
 * Index an interface under identity, in place of any other.
 */
static void put_index(vti_iface_t *this, hashtable_t *index,
					  const vti_params_t *identity)
{
	vti_iface_t *displaced;

	this->indexed_as = *identity;
	displaced = index->put(index, &this->indexed_as, this);
	/* the kernel holds one link per identity: one of ours that had it
	 * before is stale, and indexed again once it learns its own */
	if (displaced && displaced != this)
	{
		displaced->indexed = FALSE;
	}
	this->indexed = TRUE;
}

/*
 * Described in header
 */
void vti_iface_index(vti_iface_t *this, hashtable_t *index)
{
	if (this->indexed && vti_iface_same_tunnel(this, &this->indexed_as) &&
		index->get(index, &this->indexed_as) == this)
	{
		return;
	}
	vti_iface_unindex(this, index);
	if (this->ifindex && this->known)
	{
		put_index(this, index, &this->kernel);
	}
}

/*
 * Described in header
 */
void vti_iface_index_new(vti_iface_t *this, hashtable_t *index,
						 const vti_params_t *params)
{
	put_index(this, index, params);
	this->indexed_new = TRUE;
}

/*
 * Described in header
 */
vti_iface_t *vti_iface_find_tunnel(hashtable_t *index,
								   const vti_params_t *params)
{
	vti_iface_t *iface = index->get(index, params);

	return iface && vti_iface_same_tunnel(iface, params) ? iface : NULL;
}

/**
 * Whether two lists of addresses are the same (field by field: the structs
 * have padding).
 */
static bool same_addrs(const vti_prefix_t *a, int n_a, const vti_prefix_t *b,
					   int n_b)
{
	int i;

	if (n_a != n_b)
	{
		return FALSE;
	}
	for (i = 0; i < n_a; i++)
	{
		if (a[i].family != b[i].family || a[i].len != b[i].len ||
			!memeq(a[i].addr, b[i].addr, sizeof(a[i].addr)))
		{
			return FALSE;
		}
	}
	return TRUE;
}

/*
 * Described in header
 */
void vti_iface_use_cfg(vti_iface_t *this, const vti_conn_cfg_t *cfg,
					   vti_kind_t kind)
{
	/* the addresses we put on a kept link, not those an adopted one has,
	 * go with it; where we put none, today's are added */
	if (this->ifindex && !same_addrs(this->settings.addrs,
									 this->settings.n_addrs, cfg->addrs,
									 cfg->n_addrs))
	{
		this->remake |= this->settings.n_addrs > 0;
		this->lacks_addrs |= !this->settings.n_addrs && cfg->n_addrs;
	}
	this->netns_create = cfg->netns_create;
	this->mtu_cfg = cfg->mtu;
	this->settings.n_addrs = cfg->n_addrs;
	memcpy(this->settings.addrs, cfg->addrs, sizeof(cfg->addrs));
	/* disable_xfrm (the article sets it on its vti6) makes every VTI drop
	 * the IPv4 it carries, measured: only XFRM interfaces get it */
	this->settings.disable_xfrm = kind == VTI_KIND_XFRM;
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
	this->netns = netns;
	snprintf(this->name, sizeof(this->name), "%s", name);
	return this;
}

/*
 * Described in header
 */
vti_iface_t *vti_iface_create(const char *conn, const char *netns,
							  const vti_conn_cfg_t *cfg, const char *name,
							  vti_kind_t kind)
{
	vti_iface_t *this = iface_new(conn, netns, name);

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

/*
 * Described in header
 */
void vti_iface_commit(vti_iface_t *this, const vti_iface_t *copy)
{
	/* a claim meanwhile gave other addresses (vti_iface_use_cfg()): what
	 * it asked of the link stays asked */
	bool asked = !same_addrs(this->settings.addrs, this->settings.n_addrs,
							 copy->settings.addrs, copy->settings.n_addrs);

	this->ifindex = copy->ifindex;
	this->known = copy->known;
	this->kernel = copy->kernel;
	this->up = copy->up;
	this->lacks_addrs = copy->lacks_addrs || (asked && this->lacks_addrs);
	this->failed = copy->failed;
	this->remake = copy->remake || (asked && this->remake);
	this->settings.mtu = copy->settings.mtu;
}

/*
 * Described in header
 */
bool vti_iface_has_ipv6(vti_iface_t *this)
{
	int i;

	for (i = 0; i < this->settings.n_addrs; i++)
	{
		if (this->settings.addrs[i].family == AF_INET6)
		{
			return TRUE;
		}
	}
	return FALSE;
}

/*
 * Described in header
 */
vti_down_action_t vti_iface_down_action(vti_iface_t *this,
										vti_config_t *config)
{
	vti_conn_cfg_t cfg;

	if (!this->delete_unheld && config->lookup(config, this->conn, &cfg) &&
		cfg.down_action == VTI_DOWN_SET_DOWN && streq(cfg.netns, this->netns))
	{
		return VTI_DOWN_SET_DOWN;
	}
	return VTI_DOWN_DELETE;
}

/*
 * Described in header
 */
void vti_iface_snapshot(vti_iface_t *iface, vti_config_t *config,
						vti_job_t *job)
{
	vti_claim_t *claim, *last;
	bool delete;
	int i;

	last = vti_iface_newest(iface);
	delete = vti_iface_down_action(iface, config) == VTI_DOWN_DELETE;
	/* keep_addr_on_down, written when it is configured: a link given IPv6
	 * addresses keeps them whatever the down_action, as a reload to down
	 * while it is held keeps it down at its release */
	iface->settings.keep_addrs = !delete || vti_iface_has_ipv6(iface);
	*job = (vti_job_t){
		.target = {
			.held = last != NULL,
			.keep = !last && iface->pending_until,
			.delete = delete,
			.mtu = iface->mtu_cfg,
		},
	};
	if (!last)
	{
		return;
	}
	if (vti_iface_has_ipv6(iface))
	{
		job->mtu_floor = VTI_IPV6_MIN_MTU;
	}
	job->target.params = last->params;
	job->target.down = TRUE;
	for (i = 0; i < array_count(iface->claims); i++)
	{
		array_get(iface->claims, i, &claim);
		job->target.down &= claim->tunnel->standby ||
							(claim->tunnel->start && iface->sa_held);
	}
	job->newest = *last->tunnel;
	job->unresolved = calloc(array_count(iface->claims), sizeof(vti_unresolved_t));
	for (i = 0; !iface->mtu_cfg && i < array_count(iface->claims); i++)
	{
		array_get(iface->claims, i, &claim);
		if (!claim->mtu)
		{
			job->unresolved[job->count++] = (vti_unresolved_t){
				.seq = claim->seq,
				.tunnel = *claim->tunnel,
			};
		}
		else if (!job->target.mtu || claim->mtu < job->target.mtu)
		{
			job->target.mtu = claim->mtu;
		}
	}
}

/*
 * Described in header
 */
void vti_iface_resolve(vti_job_t *job, vti_backend_t *backend)
{
	vti_target_t *target = &job->target;
	int i;

	if (target->params.kind == VTI_KIND_XFRM)
	{
		target->params.link = vti_want_link(&job->newest, backend);
	}
	for (i = 0; i < job->count; i++)
	{
		job->unresolved[i].mtu = vti_want_mtu(&job->unresolved[i].tunnel,
											  backend);
		if (!target->mtu || job->unresolved[i].mtu < target->mtu)
		{
			target->mtu = job->unresolved[i].mtu;
		}
	}
	target->mtu = max(target->mtu, job->mtu_floor);
}

/**
 * Whether the MTU computed for tunnel a holds for tunnel b.
 */
static bool same_mtu_inputs(const vti_tunnel_t *a, const vti_tunnel_t *b)
{
	return a->family == b->family && memeq(a->remote, b->remote, 16) &&
		   a->natt == b->natt && a->esp_known == b->esp_known &&
		   (!a->esp_known || memeq(&a->esp, &b->esp, sizeof(a->esp)));
}

/*
 * Described in header
 */
void vti_iface_remember(vti_iface_t *iface, vti_job_t *job)
{
	vti_claim_t *claim;
	int i, j;

	for (i = 0; i < job->count; i++)
	{
		for (j = 0; j < array_count(iface->claims); j++)
		{
			array_get(iface->claims, j, &claim);
			/* a rekey or an address change meanwhile computes it anew */
			if (claim->seq == job->unresolved[i].seq && !claim->mtu &&
				same_mtu_inputs(claim->tunnel, &job->unresolved[i].tunnel))
			{
				claim->mtu = job->unresolved[i].mtu;
			}
		}
	}
	free(job->unresolved);
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
