/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The addresses the kernel has against those of our interfaces' settings.
 */

#include "vti_addrs.h"

#include <utils/debug.h>

/**
 * An address the kernel has.
 */
typedef struct {
	/** its link */
	int ifindex;
	/** the address */
	vti_prefix_t prefix;
} kernel_addr_t;

static void collect_addr(array_t *addrs, int ifindex,
						 const vti_prefix_t *prefix)
{
	kernel_addr_t addr = {
		.ifindex = ifindex,
		.prefix = *prefix,
	};

	array_insert(addrs, ARRAY_TAIL, &addr);
}

/**
 * Order kernel_addr_t by ifindex, for array_sort() and array_bsearch().
 */
static int addr_order(const kernel_addr_t *x, const kernel_addr_t *y)
{
	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static int addr_cmp(const void *a, const void *b, void *user)
{
	return addr_order(a, b);
}

static int addr_find(const void *key, const void *elem)
{
	return addr_order(key, elem);
}

/**
 * Whether the link ifindex has the address of prefix, whatever its length
 * (the kernel takes no IPv6 address twice, with another length neither).
 *
 * @param addrs		kernel_addr_t sorted by ifindex
 */
static bool has_addr(array_t *addrs, int ifindex, const vti_prefix_t *prefix)
{
	kernel_addr_t key = { .ifindex = ifindex }, addr;
	int i;

	i = array_bsearch(addrs, &key, addr_find, NULL);
	/* one of the link's: back to its first */
	while (i > 0 && array_get(addrs, i - 1, &addr) && addr.ifindex == ifindex)
	{
		i--;
	}
	while (i >= 0 && array_get(addrs, i++, &addr) && addr.ifindex == ifindex)
	{
		if (addr.prefix.family == prefix->family &&
			!memcmp(addr.prefix.addr, prefix->addr, sizeof(prefix->addr)))
		{
			return TRUE;
		}
	}
	return FALSE;
}

/*
 * Described in header
 */
bool vti_addrs_compare(vti_iface_t *iface, array_t *addrs)
{
	vti_prefix_t *prefix;
	host_t *host;
	bool lacks = FALSE;
	int i;

	if (!addrs || !iface->up || !array_count(iface->claims))
	{
		return FALSE;
	}
	for (i = 0; i < iface->settings.n_addrs; i++)
	{
		prefix = &iface->settings.addrs[i];
		if (has_addr(addrs, iface->ifindex, prefix))
		{
			continue;
		}
		host = host_create_from_chunk(prefix->family,
					chunk_create(prefix->addr, prefix->family == AF_INET ?
								 4 : 16), 0);
		DBG1(DBG_CHD, "vti: %s: %s lacks %H/%u (removed behind our back)",
			 iface->conn, iface->name, host, prefix->len);
		DESTROY_IF(host);
		lacks = TRUE;
	}
	iface->lacks_addrs = lacks;
	return lacks;
}

/*
 * Described in header
 */
array_t *vti_addrs_list(vti_backend_t *backend, const char *netns)
{
	vti_err_t err = {};
	array_t *addrs;

	addrs = array_create(sizeof(kernel_addr_t), 0);
	if (backend->list_addrs(backend, netns, (vti_addr_cb_t)collect_addr,
							addrs, &err) < 0)
	{
		DBG1(DBG_KNL, "vti: listing the addresses of namespace %s failed, "
			 "not comparing them: %s", vti_iface_netns_str(netns), err.msg);
		array_destroy(addrs);
		return NULL;
	}
	array_sort(addrs, addr_cmp, NULL);
	return addrs;
}
