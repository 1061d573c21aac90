/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The table against the kernel's links and their addresses: what differs
 * is logged once and repaired by the worker.
 */

#include "vti_resync.h"
#include "vti_placeholder.h"
#include "vti_addrs.h"

#include <errno.h>
#include <collections/linked_list.h>
#include <utils/debug.h>

/*
 * Described in header
 */
bool vti_resync_compare(vti_iface_t *iface, const vti_link_info_t *link,
						const char *how)
{
	char desc[256];
	bool differs = FALSE, revive = FALSE;

	if (iface->up && !link->up)
	{
		DBG1(DBG_CHD, "vti: %s: %s was set down %s, leaving it down",
			 iface->conn, iface->name, how);
		iface->held_down = TRUE;
	}
	else if (!iface->up && link->up && iface->held_down)
	{
		DBG1(DBG_CHD, "vti: %s: %s was set up again %s", iface->conn,
			 iface->name, how);
		iface->held_down = FALSE;
		/* its IPv6 addresses may have gone while it was down (a link
		 * without keep_addr_on_down): a held one is taken as down and
		 * configured again, an unheld one gets them from its next claim */
		revive = array_count(iface->claims) > 0;
		iface->lacks_addrs |= !revive && vti_iface_has_ipv6(iface);
	}
	else if (!iface->up && link->up && !array_count(iface->claims) &&
			 !iface->pending_until)
	{
		DBG1(DBG_CHD, "vti: %s: %s, kept down, was set up %s: leaving it up",
			 iface->conn, iface->name, how);
	}
	iface->up = link->up && !revive;
	if (link->mtu != iface->settings.mtu)
	{
		DBG1(DBG_CHD, "vti: %s: %s has mtu %u (set %s), not %u", iface->conn,
			 iface->name, link->mtu, how, iface->settings.mtu);
		iface->settings.mtu = link->mtu;
		/* the kernel dropped its IPv6 addresses: put back with the MTU */
		iface->lacks_addrs |= link->mtu < VTI_IPV6_MIN_MTU &&
							  vti_iface_has_ipv6(iface);
		differs = TRUE;
	}
	if (link->known && iface->known &&
		!vti_params_equal(&link->params, &iface->kernel))
	{
		DBG1(DBG_CHD, "vti: %s: %s was changed %s to %s", iface->conn,
			 iface->name, how, vti_iface_describe(iface->name, &link->params,
												  desc, sizeof(desc)));
		differs = TRUE;
	}
	if (link->known)
	{
		iface->kernel = link->params;
		iface->known = TRUE;
	}
	return (differs || revive) && array_count(iface->claims);
}

/**
 * Whether iface is the link of netns with ifindex.
 */
static bool is_link(vti_iface_t *iface, const char *netns, int ifindex)
{
	return iface && iface->ifindex == ifindex && streq(iface->netns, netns);
}

/**
 * The interface of ours a link of netns is, NULL if none: by its name (the
 * table's key), else by its identity (the index of tunnels: a link renamed
 * by hand, with or without our alias), each with its ifindex; only a link
 * of unknown identity carrying our alias walks the table.
 */
static vti_iface_t *find_link(vti_table_t *table, const char *netns,
							  const vti_link_info_t *link)
{
	enumerator_t *enumerator;
	vti_iface_t *iface, *found = NULL;
	void *unused;

	iface = vti_table_named(table, netns, link->name);
	if (is_link(iface, netns, link->ifindex))
	{
		return iface;
	}
	if (link->known)
	{
		iface = vti_iface_find_tunnel(table->tunnels, &link->params);
		if (is_link(iface, netns, link->ifindex))
		{
			return iface;
		}
	}
	if (!strpfx(link->alias, VTI_ALIAS_PREFIX))
	{
		return NULL;
	}
	enumerator = table->ifaces->create_enumerator(table->ifaces);
	while (!found && enumerator->enumerate(enumerator, &unused, &iface))
	{
		found = is_link(iface, netns, link->ifindex) ? iface : NULL;
	}
	enumerator->destroy(enumerator);
	return found;
}

/*
 * Described in header
 */
vti_iface_t *vti_resync_event(vti_table_t *table,
							  const vti_link_event_t *event)
{
	vti_iface_t *iface;

	iface = find_link(table, event->netns, &event->link);
	if (!iface)
	{
		return NULL;
	}
	if (event->deleted || !streq(event->link.name, iface->name))
	{
		iface->ifindex = 0;
		iface->up = iface->held_down = FALSE;
		if (event->deleted && !event->moved)
		{
			DBG1(DBG_CHD, "vti: %s: %s was deleted in namespace %s by hand%s",
				 iface->conn, iface->name, vti_iface_netns_str(iface->netns),
				 array_count(iface->claims) ? ", making it again" : "");
		}
		else
		{
			DBG1(DBG_CHD, "vti: %s: %s was %s by hand, it is no longer ours%s",
				 iface->conn, iface->name, event->deleted ?
				 "moved out of its namespace" : "renamed",
				 array_count(iface->claims) ? ", making another" : "");
		}
		if (!event->deleted)
		{
			vti_table_disown(table, event->netns, &event->link);
		}
		if (array_count(iface->claims))
		{
			vti_table_dirty(table, iface, "");
		}
	}
	else if (vti_resync_compare(iface, &event->link, "by hand"))
	{
		vti_table_dirty(table, iface, "");
	}
	return iface;
}

/**
 * Whether a later event of the batch deletes the link of event: a link
 * deleted goes down first, which is no setting down by hand.
 */
static bool deleted_later(linked_list_t *events, vti_link_event_t *event)
{
	enumerator_t *enumerator;
	vti_link_event_t *later;
	bool found = FALSE;

	if (event->deleted)
	{
		return FALSE;
	}
	enumerator = events->create_enumerator(events);
	while (!found && enumerator->enumerate(enumerator, &later))
	{
		found = later->deleted && later->link.ifindex == event->link.ifindex &&
				streq(later->netns, event->netns);
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Whether our own apply of iface caused event: its link before or after
 * (but a deletion of the link it left, which was someone else's), or the
 * temporary name.
 */
static bool own_event(vti_link_event_t *event, vti_iface_t *iface,
					  int before, int after)
{
	int ifindex = event->link.ifindex;

	if (streq(event->link.name, VTI_TEMP_NAME))
	{
		return TRUE;
	}
	if (!iface || !streq(event->netns, iface->netns))
	{
		return FALSE;
	}
	if (after && ifindex == after && event->deleted && !event->moved)
	{
		return FALSE;
	}
	return ifindex == before || ifindex == after;
}

/*
 * Described in header
 */
void vti_resync_events(vti_table_t *table, linked_list_t *events,
					   vti_iface_t *iface, int before, int after)
{
	vti_link_event_t *event;
	vti_iface_t *ours;

	while (events->remove_first(events, (void**)&event) == SUCCESS)
	{
		if (!own_event(event, iface, before, after) &&
			!deleted_later(events, event))
		{
			ours = vti_resync_event(table, event);
			if (ours)
			{
				vti_iface_index(ours, table->tunnels);
			}
			if (ours && event->deleted)
			{
				/* gone by hand: what it had is free */
				vti_table_link_freed(table, ours);
			}
			/* the one applied is apply_next()'s to forget */
			if (ours && ours != iface)
			{
				vti_table_forget_unused(table, ours);
			}
		}
		free((char*)event->netns);
		free(event);
	}
	events->destroy(events);
}

CALLBACK(netns_equals, bool,
	char *listed, va_list args)
{
	char *netns;

	VA_ARGS_VGET(args, netns);
	return streq(listed, netns);
}

/**
 * The namespaces to look at, each once: the settings' and those of the table.
 */
static linked_list_t *namespaces(vti_table_t *table)
{
	enumerator_t *enumerator;
	linked_list_t *list;
	vti_iface_t *iface;
	char *netns;
	void *key;

	list = linked_list_create();
	table->mutex->lock(table->mutex);
	enumerator = table->config->create_netns_enumerator(table->config);
	while (enumerator->enumerate(enumerator, &netns))
	{
		list->insert_last(list, strdup(netns));
	}
	enumerator->destroy(enumerator);
	enumerator = table->ifaces->create_enumerator(table->ifaces);
	while (enumerator->enumerate(enumerator, &key, &iface))
	{
		if (!list->find_first(list, netns_equals, NULL, iface->netns))
		{
			list->insert_last(list, strdup(iface->netns));
		}
	}
	enumerator->destroy(enumerator);
	table->mutex->unlock(table->mutex);
	return list;
}

/**
 * Implements vti_found_cb_t: a link of the namespace into links.
 */
static void collect_link(hashtable_t *links, const vti_link_info_t *link)
{
	vti_link_info_t *copy;

	INIT(copy);
	*copy = *link;
	free(links->put(links, vti_id_key(copy->ifindex), copy));
}

/**
 * Compare the interfaces of the table in netns with its links and their
 * addresses, taking those the table knows out of links.
 *
 * @param addrs		the namespace's addresses, sorted; NULL if unknown
 */
static void compare_known(vti_table_t *table, const char *netns,
						  hashtable_t *links, array_t *addrs)
{
	enumerator_t *enumerator;
	vti_link_info_t *link;
	vti_iface_t *iface;
	bool differs;
	void *key;

	enumerator = table->ifaces->create_enumerator(table->ifaces);
	while (enumerator->enumerate(enumerator, &key, &iface))
	{
		if (!streq(iface->netns, netns))
		{
			continue;
		}
		link = iface->ifindex ? links->remove(links,
									vti_id_key(iface->ifindex)) : NULL;
		if (iface->queued)
		{
			/* the worker will see to it: its link is no left-over */
			free(link);
			continue;
		}
		if (iface->ifindex && (!link || !streq(link->name, iface->name)))
		{
			DBG1(DBG_CHD, "vti: %s: %s is %s in namespace %s", iface->conn,
				 iface->name, link ? "renamed" : "gone",
				 vti_iface_netns_str(netns));
			if (link)
			{
				/* it keeps our alias: this resync and the next leave it */
				vti_table_disown(table, netns, link)->seen = TRUE;
			}
			iface->ifindex = 0;
			iface->up = iface->held_down = FALSE;
		}
		else if (link)
		{
			differs = vti_resync_compare(iface, link, "behind our back");
			if (vti_addrs_compare(iface, addrs) || differs)
			{
				vti_table_dirty(table, iface, "");
			}
		}
		free(link);
		vti_iface_index(iface, table->tunnels);
		if (array_count(iface->claims) && (!iface->ifindex || iface->failed))
		{
			if (iface->ifindex)
			{
				DBG1(DBG_CHD, "vti: %s: resync: trying again what failed on "
					 "%s", iface->conn, iface->name);
			}
			vti_table_dirty(table, iface, "");
		}
	}
	enumerator->destroy(enumerator);
}

/**
 * Adopt a link of ours the table does not know, to be released: deleted,
 * or kept down if its connection wants that in this namespace.
 */
static void adopt(vti_table_t *table, const char *netns,
				  vti_link_info_t *link)
{
	const char *conn = link->alias + strlen(VTI_ALIAS_PREFIX);
	vti_iface_t *iface;

	iface = vti_iface_adopt(conn, vti_table_netns(table, netns), link->name,
							link->ifindex);
	if (table->ifaces->get(table->ifaces, iface))
	{
		DBG1(DBG_CHD, "vti: %s: %s in namespace %s is ours but its name is "
			 "taken in the table, leaving it", conn, link->name,
			 vti_iface_netns_str(netns));
		vti_iface_destroy(iface);
		return;
	}
	iface->delete_unheld = streq(link->name, VTI_TEMP_NAME);
	iface->up = link->up;
	iface->settings.mtu = link->mtu;
	iface->known = link->known;
	iface->kernel = link->params;
	table->ifaces->put(table->ifaces, iface, iface);
	vti_iface_index(iface, table->tunnels);
	DBG1(DBG_CHD, "vti: %s: found %s in namespace %s, left by an earlier "
		 "run (down_action = %N)", conn, link->name,
		 vti_iface_netns_str(netns), vti_down_action_names,
		 vti_iface_down_action(iface, table->config));
	vti_table_dirty(table, iface, "left by an earlier run");
}

/**
 * A namespace deleted by hand took our links in it along: the table
 * forgets them, those still held are made again (in a namespace made
 * anew with netns_create, else failing, logged); with the lock held.
 */
static void namespace_gone(vti_table_t *table, const char *netns)
{
	enumerator_t *enumerator;
	vti_iface_t *iface;
	void *key;

	enumerator = table->ifaces->create_enumerator(table->ifaces);
	while (enumerator->enumerate(enumerator, &key, &iface))
	{
		if (!iface->ifindex || !streq(iface->netns, netns))
		{
			continue;
		}
		DBG1(DBG_CHD, "vti: %s: namespace %s is gone, and %s with it%s",
			 iface->conn, netns, iface->name,
			 array_count(iface->claims) ? ", making it again" : "");
		iface->ifindex = 0;
		iface->up = iface->held_down = iface->known = FALSE;
		vti_iface_index(iface, table->tunnels);
		vti_table_dirty(table, iface, "");
	}
	enumerator->destroy(enumerator);
	vti_table_forget_unseen(table, netns);
}

/**
 * Links of ours the table does not know: seen if renamed by hand, else
 * adopted; with the lock held.
 */
static void adopt_unknown(vti_table_t *table, const char *netns,
						  hashtable_t *links)
{
	enumerator_t *enumerator;
	vti_link_info_t *link;
	vti_link_ref_t *ref;
	void *key;

	enumerator = links->create_enumerator(links);
	while (enumerator->enumerate(enumerator, &key, &link))
	{
		links->remove_at(links, enumerator);
		ref = vti_table_disowned(table, netns, link->ifindex);
		if (ref)
		{
			ref->seen = TRUE;
		}
		else
		{
			adopt(table, netns, link);
		}
		free(link);
	}
	enumerator->destroy(enumerator);
}

/**
 * Take the placeholders out of links and delete them: the worker drops
 * its own before a resync, so each is one a crash left.
 */
static void remove_placeholders(vti_backend_t *backend, const char *netns,
								hashtable_t *links)
{
	enumerator_t *enumerator;
	vti_link_info_t *link;
	vti_err_t err = {};
	void *key;

	enumerator = links->create_enumerator(links);
	while (enumerator->enumerate(enumerator, &key, &link))
	{
		if (!vti_placeholder_is(link))
		{
			continue;
		}
		links->remove_at(links, enumerator);
		DBG1(DBG_CHD, "vti: removing the placeholder %s left in namespace %s",
			 link->name, vti_iface_netns_str(netns));
		if (backend->remove(backend, netns, link->ifindex, &err) < 0)
		{
			DBG1(DBG_KNL, "vti: deleting the placeholder %s failed: %s",
				 link->name, err.msg);
		}
		free(link);
	}
	enumerator->destroy(enumerator);
}

/**
 * Compare one namespace's links and addresses with the table.
 */
static void resync_namespace(vti_table_t *table, vti_backend_t *backend,
							 const char *netns)
{
	hashtable_t *links;
	array_t *addrs;
	vti_err_t err = {};

	/* by ifindex: the table's interfaces take theirs out at once */
	links = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr, 32);
	if (backend->list(backend, netns, (vti_found_cb_t)collect_link, links,
					  &err) < 0)
	{
		/* a namespace not made yet, or deleted by hand */
		DBG2(DBG_KNL, "vti: listing the links of namespace %s: %s",
			 vti_iface_netns_str(netns), err.msg);
		if (*netns &&
			backend->netns_ensure(backend, netns, FALSE, &err) == -ENOENT)
		{
			table->mutex->lock(table->mutex);
			namespace_gone(table, netns);
			table->mutex->unlock(table->mutex);
		}
	}
	else
	{
		remove_placeholders(backend, netns, links);
		addrs = vti_addrs_list(backend, netns);
		table->mutex->lock(table->mutex);
		compare_known(table, netns, links, addrs);
		adopt_unknown(table, netns, links);
		vti_table_forget_unseen(table, netns);
		table->mutex->unlock(table->mutex);
		array_destroy(addrs);
	}
	links->destroy_function(links, (void*)free);
}

/*
 * Described in header
 */
void vti_resync_kernel(vti_table_t *table, vti_backend_t *backend)
{
	linked_list_t *list;
	char *netns;

	list = namespaces(table);
	while (list->remove_first(list, (void**)&netns) == SUCCESS)
	{
		resync_namespace(table, backend, netns);
		free(netns);
	}
	list->destroy(list);
}

/*
 * Described in header
 */
void vti_resync_settings(vti_table_t *table)
{
	enumerator_t *enumerator;
	vti_iface_t *iface;
	void *key;

	enumerator = table->ifaces->create_enumerator(table->ifaces);
	while (enumerator->enumerate(enumerator, &key, &iface))
	{
		if (iface->ifindex && !iface->queued && !array_count(iface->claims) &&
			!iface->pending_until && !iface->delete_unheld &&
			vti_iface_down_action(iface, table->config) == VTI_DOWN_DELETE)
		{
			vti_table_dirty(table, iface, "the settings no longer keep it");
		}
	}
	enumerator->destroy(enumerator);
}
