/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Marking interfaces dirty for the kernel worker, and forgetting them.
 */

#include "vti_table.h"

#include <utils/debug.h>

/*
 * Described in header
 */
void vti_table_dirty(vti_table_t *table, vti_iface_t *iface, const char *why)
{
	iface->why = why;
	if (!iface->queued)
	{
		iface->queued = TRUE;
		table->dirty->insert_last(table->dirty, iface);
		if (table->waker)
		{
			table->waker->wakeup(table->waker);
		}
	}
}

/**
 * The interfaces of one connection in a grace.
 */
typedef struct {
	/** the connection, the key */
	char *conn;
	/** vti_iface_t* */
	array_t *ifaces;
} grace_entry_t;

static void grace_entry_destroy(grace_entry_t *entry)
{
	array_destroy(entry->ifaces);
	free(entry->conn);
	free(entry);
}

/**
 * Hash of an interface by its key, its namespace and name.
 */
static u_int iface_hash(const vti_iface_t *iface)
{
	return chunk_hash_inc(chunk_from_str((char*)iface->name),
						  chunk_hash(chunk_from_str((char*)iface->netns)));
}

/**
 * Whether two interfaces have the same key.
 */
static bool iface_equals(const vti_iface_t *a, const vti_iface_t *b)
{
	return streq(a->name, b->name) && streq(a->netns, b->netns);
}

/*
 * Described in header
 */
void vti_table_init(vti_table_t *table, vti_config_t *config,
					void (*reconcile)(void *data), void (*traps)(void *data),
					void *data)
{
	*table = (vti_table_t){
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.ifaces = hashtable_create((hashtable_hash_t)iface_hash,
								   (hashtable_equals_t)iface_equals, 32),
		.tunnels = vti_iface_create_index(),
		.config = config,
		.disowned = array_create(0, 0),
		.reconcile = reconcile,
		.traps = traps,
		.data = data,
		.dirty = linked_list_create(),
		.graces = hashtable_create(hashtable_hash_str, hashtable_equals_str,
								   8),
		.netns_names = hashtable_create(hashtable_hash_str,
										hashtable_equals_str, 4),
	};
}

/*
 * Described in header
 */
void vti_table_clear(vti_table_t *table)
{
	table->ifaces->destroy_function(table->ifaces, (void*)vti_iface_destroy);
	table->tunnels->destroy(table->tunnels);
	table->dirty->destroy(table->dirty);
	table->graces->destroy_function(table->graces,
									(void*)grace_entry_destroy);
	table->config->destroy(table->config);
	array_destroy_function(table->disowned, (void*)free, NULL);
	table->netns_names->destroy_function(table->netns_names,
										 (void*)free);
	table->mutex->destroy(table->mutex);
}

/*
 * Described in header
 */
void vti_table_grace_start(vti_table_t *table, vti_iface_t *iface,
						   uint32_t seconds, uint32_t lineage)
{
	grace_entry_t *entry;

	if (!iface->pending_until)
	{
		entry = table->graces->get(table->graces, iface->conn);
		if (!entry)
		{
			INIT(entry,
				.conn = strdup(iface->conn),
				.ifaces = array_create(0, 0),
			);
			table->graces->put(table->graces, entry->conn, entry);
		}
		array_insert(entry->ifaces, ARRAY_TAIL, iface);
	}
	iface->pending_until = time_monotonic(NULL) + seconds;
	iface->pending_lineage = lineage;
	/* the worker's wait ends at the earliest grace: it must see this one */
	if (table->waker)
	{
		table->waker->wakeup(table->waker);
	}
}

/*
 * Described in header
 */
void vti_table_grace_end(vti_table_t *table, vti_iface_t *iface)
{
	grace_entry_t *entry;
	vti_iface_t *current;
	int i;

	if (!iface->pending_until)
	{
		return;
	}
	iface->pending_until = 0;
	entry = table->graces->get(table->graces, iface->conn);
	for (i = 0; entry && i < array_count(entry->ifaces); i++)
	{
		array_get(entry->ifaces, i, &current);
		if (current == iface)
		{
			array_remove(entry->ifaces, i, NULL);
			break;
		}
	}
	if (entry && !array_count(entry->ifaces))
	{
		table->graces->remove(table->graces, entry->conn);
		grace_entry_destroy(entry);
	}
}

/*
 * Described in header
 */
int vti_table_expire_graces(vti_table_t *table, time_t now)
{
	enumerator_t *enumerator;
	vti_iface_t *iface;
	int next = -1;

	enumerator = vti_table_create_grace_enumerator(table, NULL);
	while (enumerator->enumerate(enumerator, &iface))
	{
		if (array_count(iface->claims))
		{
			vti_table_grace_end(table, iface);
		}
		else if (now >= iface->pending_until)
		{
			vti_table_grace_end(table, iface);
			vti_table_dirty(table, iface, "no CHILD_SA came back after "
							"reauthentication");
		}
		else if (next < 0 || iface->pending_until - now < next)
		{
			next = iface->pending_until - now;
		}
	}
	enumerator->destroy(enumerator);
	return next;
}

/**
 * Copy the interfaces of an entry into a list.
 */
static void copy_graces(grace_entry_t *entry, linked_list_t *list)
{
	vti_iface_t *iface;
	int i;

	for (i = 0; i < array_count(entry->ifaces); i++)
	{
		array_get(entry->ifaces, i, &iface);
		list->insert_last(list, iface);
	}
}

/*
 * Described in header
 */
enumerator_t *vti_table_create_grace_enumerator(vti_table_t *table,
												const char *conn)
{
	enumerator_t *enumerator;
	linked_list_t *list = linked_list_create();
	grace_entry_t *entry;
	void *key;

	if (conn)
	{
		entry = table->graces->get(table->graces, conn);
		if (entry)
		{
			copy_graces(entry, list);
		}
	}
	else
	{
		enumerator = table->graces->create_enumerator(table->graces);
		while (enumerator->enumerate(enumerator, &key, &entry))
		{
			copy_graces(entry, list);
		}
		enumerator->destroy(enumerator);
	}
	return enumerator_create_cleaner(list->create_enumerator(list),
									 (void*)list->destroy, list);
}

#ifdef VTI_CHECK_TABLE
/**
 * The unit tests' build: the count of failed interfaces is a walk's.
 */
static void check_failing(vti_table_t *table)
{
	enumerator_t *enumerator;
	vti_iface_t *iface;
	u_int failing = 0;
	void *key;

	enumerator = table->ifaces->create_enumerator(table->ifaces);
	while (enumerator->enumerate(enumerator, &key, &iface))
	{
		failing += iface->failed;
	}
	enumerator->destroy(enumerator);
	if (failing != table->failing)
	{
		DBG1(DBG_CHD, "vti: %u failed interfaces counted, %u in the table",
			 table->failing, failing);
		abort();
	}
}
#endif

/*
 * Described in header
 */
void vti_table_forget_unused(vti_table_t *table, vti_iface_t *iface)
{
	if (!iface->queued && !iface->ifindex && !iface->pending_until &&
		!array_count(iface->claims))
	{
		table->ifaces->remove(table->ifaces, iface);
		vti_iface_unindex(iface, table->tunnels);
		table->failing -= iface->failed;
		vti_iface_destroy(iface);
		table->freed++;
#ifdef VTI_CHECK_TABLE
		check_failing(table);
#endif
	}
}

/*
 * Described in header
 */
bool vti_table_commit(vti_table_t *table, vti_iface_t *iface,
					  vti_iface_t *copy, int before)
{
	/* whether it went well or not: a removal that a failed creation
	 * followed freed the endpoints as well */
	bool freed = before && (copy->ifindex != before ||
							!vti_params_equal(&iface->kernel, &copy->kernel));

	if (copy->failed != iface->failed)
	{
		copy->failed ? table->failing++ : table->failing--;
	}
	vti_iface_commit(iface, copy);
	/* a new entry counts for its identity until now: without a link, it
	 * frees it for the CHILD_SAs declined meanwhile */
	freed |= iface->indexed_new && !iface->ifindex;
	iface->indexed_new = FALSE;
	vti_iface_index(iface, table->tunnels);
	return freed;
}

/*
 * Described in header
 */
void vti_table_link_freed(vti_table_t *table, vti_iface_t *freed)
{
	enumerator_t *enumerator;
	vti_iface_t *iface;
	void *key;

	table->freed++;
#ifdef VTI_CHECK_TABLE
	check_failing(table);
#endif
	if (!table->failing)
	{
		return;
	}
	enumerator = table->ifaces->create_enumerator(table->ifaces);
	while (enumerator->enumerate(enumerator, &key, &iface))
	{
		if (iface != freed && iface->failed && !iface->queued &&
			array_count(iface->claims))
		{
			DBG2(DBG_CHD, "vti: %s: trying %s again: %s of %s was %s",
				 iface->conn, iface->name, freed->name, freed->conn,
				 freed->ifindex ? "changed" : "deleted (or not made)");
			vti_table_dirty(table, iface, iface->why);
		}
	}
	enumerator->destroy(enumerator);
}

/*
 * Described in header
 */
vti_iface_t *vti_table_named(vti_table_t *table, const char *netns,
							 const char *name)
{
	vti_iface_t probe = { .netns = netns };

	/* only the key's fields are read */
	if (snprintf(probe.name, sizeof(probe.name), "%s", name) >=
		(int)sizeof(probe.name))
	{
		return NULL;
	}
	return table->ifaces->get(table->ifaces, &probe);
}

/*
 * Described in header
 */
const char *vti_table_netns(vti_table_t *table, const char *netns)
{
	char *copy;

	copy = table->netns_names->get(table->netns_names, netns);
	if (!copy)
	{
		copy = strdup(netns);
		table->netns_names->put(table->netns_names, copy, copy);
	}
	return copy;
}

/*
 * Described in header
 */
vti_link_ref_t *vti_table_disowned(vti_table_t *table, const char *netns,
								   int ifindex)
{
	vti_link_ref_t *ref;
	int i;

	for (i = 0; i < array_count(table->disowned); i++)
	{
		array_get(table->disowned, i, &ref);
		if (ref->ifindex == ifindex && streq(ref->netns, netns))
		{
			return ref;
		}
	}
	return NULL;
}

/*
 * Described in header
 */
vti_link_ref_t *vti_table_disown(vti_table_t *table, const char *netns,
								 const vti_link_info_t *link)
{
	vti_link_ref_t *ref = vti_table_disowned(table, netns, link->ifindex);

	if (!ref)
	{
		INIT(ref,
			.ifindex = link->ifindex,
			/* one without our alias is no one's to mark */
			.marked = !strpfx(link->alias, VTI_ALIAS_PREFIX),
		);
		snprintf(ref->netns, sizeof(ref->netns), "%s", netns);
		snprintf(ref->name, sizeof(ref->name), "%s", link->name);
		/* truncated as the kernel would (IFALIASZ) */
		snprintf(ref->alias, sizeof(ref->alias), VTI_DISOWNED_PREFIX "%.*s",
				 (int)(sizeof(ref->alias) - strlen(VTI_DISOWNED_PREFIX) - 1),
				 link->alias);
		array_insert(table->disowned, ARRAY_TAIL, ref);
	}
	return ref;
}

/*
 * Described in header
 */
void vti_table_forget_unseen(vti_table_t *table, const char *netns)
{
	vti_link_ref_t *ref;
	int i;

	for (i = array_count(table->disowned) - 1; i >= 0; i--)
	{
		array_get(table->disowned, i, &ref);
		if (streq(ref->netns, netns))
		{
			if (!ref->seen)
			{
				array_remove(table->disowned, i, NULL);
				free(ref);
				continue;
			}
			ref->seen = FALSE;
		}
	}
}
