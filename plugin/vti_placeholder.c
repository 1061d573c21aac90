/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "vti_placeholder.h"

#include <errno.h>
#include <utils/debug.h>

/** Most queued interfaces looked at for a burst, to keep the look short */
#define SCAN_MAX 256

/**
 * The namespace an interface is to be made in, if that is not charon's.
 */
static const char *creation_netns(vti_iface_t *iface)
{
	if (iface->ifindex || !*iface->netns || !vti_iface_newest(iface))
	{
		return NULL;
	}
	return iface->netns;
}

/**
 * How many queued creations go into netns, counted up to want.
 */
static int queued_into(linked_list_t *dirty, const char *netns, int want)
{
	enumerator_t *enumerator;
	vti_iface_t *iface;
	const char *into;
	int found = 0, seen = 0;

	enumerator = dirty->create_enumerator(dirty);
	while (found < want && seen++ < SCAN_MAX &&
		   enumerator->enumerate(enumerator, &iface))
	{
		into = creation_netns(iface);
		found += into && streq(into, netns);
	}
	enumerator->destroy(enumerator);
	return found;
}

/*
 * Described in header
 */
const char *vti_placeholder_wanted(vti_placeholder_t *this,
								   linked_list_t *dirty, vti_iface_t *next)
{
	const char *netns = creation_netns(next);

	if (!netns)
	{
		return NULL;
	}
	if (this->netns && streq(this->netns, netns))
	{
		return netns;
	}
	/* one at a time: bursts into two namespaces at once would otherwise
	 * make and delete it at every turn */
	if (this->netns && vti_placeholder_needed(this, dirty))
	{
		return NULL;
	}
	if (queued_into(dirty, netns, VTI_PLACEHOLDER_BURST - 1) <
		VTI_PLACEHOLDER_BURST - 1)
	{
		return NULL;
	}
	return netns;
}

/*
 * Described in header
 */
bool vti_placeholder_needed(vti_placeholder_t *this, linked_list_t *dirty)
{
	return this->netns && queued_into(dirty, this->netns, 1);
}

/*
 * Described in header
 */
void vti_placeholder_hold(vti_placeholder_t *this, vti_backend_t *backend,
						  const char *netns, bool create)
{
	vti_params_t params = {
		.kind = VTI_KIND_XFRM,
		.if_id = VTI_PLACEHOLDER_IF_ID,
	};
	vti_err_t err = {};
	const char *step = "making";
	int ifindex, moved;

	if (!netns || (this->netns && streq(this->netns, netns)))
	{
		return;
	}
	vti_placeholder_drop(this, backend);
	this->netns = strdup(netns);
	/* as the creation would: made if missing, found anew if replaced */
	ifindex = backend->netns_ensure(backend, netns, create, &err);
	if (ifindex >= 0)
	{
		ifindex = backend->create(backend, VTI_TEMP_NAME, &params,
								  VTI_ALIAS_PREFIX, &err);
	}
	if (ifindex >= 0)
	{
		step = "moving";
		/* under the name it has: nothing to rename */
		moved = backend->move(backend, ifindex, VTI_TEMP_NAME, netns, &err);
		if (moved >= 0)
		{
			this->ifindex = moved;
			DBG2(DBG_CHD, "vti: a placeholder %s in namespace %s while a "
				 "burst of interfaces moves in", VTI_TEMP_NAME, netns);
			return;
		}
		backend->remove(backend, "", ifindex, &(vti_err_t){});
	}
	DBG2(DBG_KNL, "vti: %s a placeholder %s for namespace %s failed, each "
		 "interface is named after its move: %s", step, VTI_TEMP_NAME,
		 netns, err.msg);
}

/*
 * Described in header
 */
void vti_placeholder_drop(vti_placeholder_t *this, vti_backend_t *backend)
{
	vti_err_t err = {};
	int rc;

	if (!this->netns)
	{
		return;
	}
	if (this->ifindex)
	{
		rc = backend->remove(backend, this->netns, this->ifindex, &err);
		if (rc < 0 && rc != -ENODEV)
		{
			DBG1(DBG_KNL, "vti: deleting the placeholder %s in namespace %s "
				 "failed: %s", VTI_TEMP_NAME, this->netns, err.msg);
		}
	}
	free(this->netns);
	*this = (vti_placeholder_t){};
}

/*
 * Described in header
 */
bool vti_placeholder_is(const vti_link_info_t *link)
{
	return streq(link->alias, VTI_ALIAS_PREFIX);
}
