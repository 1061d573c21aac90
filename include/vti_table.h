/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_table vti_table
 * @{ @ingroup vti
 *
 * What the manager, its resyncs and its kernel worker share: the
 * interfaces, the settings, and the interfaces to apply. Events only mark
 * interfaces dirty here; the worker applies them.
 */

#ifndef VTI_TABLE_H_
#define VTI_TABLE_H_

#include "vti_iface.h"

#include <collections/array.h>
#include <collections/hashtable.h>
#include <collections/linked_list.h>
#include <threading/mutex.h>

typedef struct vti_table_t vti_table_t;
typedef struct vti_link_ref_t vti_link_ref_t;

/**
 * A link, by namespace and ifindex.
 */
struct vti_link_ref_t {
	/** namespace, "" for charon's */
	char netns[VTI_NETNS_MAX];
	/** its ifindex there */
	int ifindex;
	/** seen by the resync running now */
	bool seen;
	/** the name it was given */
	char name[IFNAMSIZ];
	/** the alias that tells every later run it is not ours */
	char alias[IFALIASZ];
	/** the worker gave it that alias (or tried), or its alias is not ours */
	bool marked;
};

/**
 * What the manager and its worker share.
 */
struct vti_table_t {

	/** protects all of the table, held by neither across kernel work */
	mutex_t *mutex;

	/** vti_iface_t, each its own key: by namespace and name */
	hashtable_t *ifaces;

	/** the same, by the identity of their links (vti_iface_index()), new
	 * ones until their first apply by the identity they are made for
	 * (vti_iface_index_new()) */
	hashtable_t *tunnels;

	/** settings */
	vti_config_t *config;

	/**
	 * Links renamed by hand: no longer ours though they keep our alias
	 * (vti_link_ref_t*), forgotten once gone
	 */
	array_t *disowned;

	/**
	 * Counts the links the worker deleted or gave other endpoints and the
	 * entries it forgot: what kept a declined CHILD_SA from an interface
	 * may be gone once it changed
	 */
	u_int freed;

	/**
	 * How many interfaces failed their last apply (iface->failed): a freed
	 * link makes the worker look for them only where some did
	 */
	u_int failing;

	/**
	 * Compare the holders with the CHILD_SAs charon has and repair them;
	 * called by the worker at a resync without the lock.
	 *
	 * @param data		data
	 */
	void (*reconcile)(void *data);

	/**
	 * Read the traps charon has installed and tell the manager what
	 * changed; called by the worker every VTI_TRAPS_MS without the lock.
	 *
	 * @param data		data
	 */
	void (*traps)(void *data);

	/** data for reconcile and traps */
	void *data;

	/** vti_iface_t* to bring to what their claims want, each once
	 * (iface->queued), in order: the worker's work */
	linked_list_t *dirty;

	/** the interfaces in a reauthentication grace, by connection */
	hashtable_t *graces;

	/** a copy of each namespace name an interface has had (char*, its
	 * own key), kept until the table goes: entries and the worker's
	 * copies of them point to them */
	hashtable_t *netns_names;

	/** the worker's kernel, for its wakeup() alone (any thread may call
	 * it); NULL until the worker runs */
	vti_backend_t *waker;
};

/**
 * Have an interface brought to what its claims want: queue it for the
 * worker (once) and wake it up. With the table's lock held.
 *
 * @param iface		interface of the table
 * @param why		reason logged if it is released
 */
void vti_table_dirty(vti_table_t *table, vti_iface_t *iface, const char *why);

/**
 * Keep an interface its last CHILD_SA left up for the CHILD_SA a
 * reauthentication recreates (a grace); the worker releases it when the
 * grace ends. With the table's lock held.
 *
 * @param iface		interface of the table, held by nothing
 * @param seconds	length of the grace
 * @param lineage	lineage of the CHILD_SA it waits for
 */
void vti_table_grace_start(vti_table_t *table, vti_iface_t *iface,
						   uint32_t seconds, uint32_t lineage);

/**
 * End an interface's grace, if it has one. With the table's lock held.
 *
 * @param iface		interface of the table
 */
void vti_table_grace_end(vti_table_t *table, vti_iface_t *iface);

/**
 * Release the interfaces whose grace has ended by now (and end the grace
 * of those held again); with the table's lock held. Looks only at the
 * interfaces in a grace.
 *
 * @param now		monotonic seconds
 * @return			seconds to the next grace's end, -1 for none
 */
int vti_table_expire_graces(vti_table_t *table, time_t now);

/**
 * Enumerate the interfaces in a grace (vti_iface_t*), over a copy: the
 * caller may end graces meanwhile. With the table's lock held.
 *
 * @param conn		only those of this connection, NULL for all
 * @return			enumerator
 */
enumerator_t *vti_table_create_grace_enumerator(vti_table_t *table,
												const char *conn);

/**
 * Set up a table: its lock, its indexes and queue, empty.
 *
 * @param config		settings, owned by the table
 * @param reconcile		its reconcile callback
 * @param traps			its traps callback
 * @param data			data for both
 */
void vti_table_init(vti_table_t *table, vti_config_t *config,
					void (*reconcile)(void *data), void (*traps)(void *data),
					void *data);

/**
 * Free what a table holds (its interfaces included), not the table.
 */
void vti_table_clear(vti_table_t *table);

/**
 * The table's copy of a namespace name, made at its first use, for
 * vti_iface_t.netns; with the lock held.
 *
 * @param netns		namespace, "" for charon's
 * @return			copy, valid until vti_table_clear()
 */
const char *vti_table_netns(vti_table_t *table, const char *netns);

/**
 * The interface of the table named name in netns (its key), NULL if none;
 * with the lock held.
 *
 * @param netns		its namespace, "" for charon's
 * @param name		its name there
 */
vti_iface_t *vti_table_named(vti_table_t *table, const char *netns,
							 const char *name);

/**
 * Forget an interface nothing holds, queues or links to any more (and
 * destroy it); with the table's lock held.
 *
 * @param iface		interface of the table
 */
void vti_table_forget_unused(vti_table_t *table, vti_iface_t *iface);

/**
 * Take back what the worker applied to a copy of an interface, with the
 * lock held: the copy's kernel state, the count of failing interfaces and
 * the index of tunnels (a new entry counts for its identity until here).
 *
 * @param iface		interface of the table
 * @param copy		the copy the worker applied
 * @param before	its ifindex before the apply
 * @return			TRUE if that freed a link or an identity (call
 *					vti_table_link_freed())
 */
bool vti_table_commit(vti_table_t *table, vti_iface_t *iface,
					  vti_iface_t *copy, int before);

/**
 * A link of ours was freed (deleted, or given other endpoints), with the
 * lock held: counted for declined CHILD_SAs, and the interfaces whose last
 * apply failed are queued again, as it may have had what the kernel
 * refused them (its endpoints, its if_id). Each resync would, later.
 *
 * @param freed		the interface whose link was freed
 */
void vti_table_link_freed(vti_table_t *table, vti_iface_t *freed);

/**
 * The entry of a link renamed by hand, NULL if none; with the lock held.
 *
 * @param netns		its namespace
 * @param ifindex	its ifindex there
 */
vti_link_ref_t *vti_table_disowned(vti_table_t *table, const char *netns,
								   int ifindex);

/**
 * Remember a link renamed by hand: resyncs must leave it alone though it
 * keeps our alias, and the worker puts VTI_DISOWNED_PREFIX before that
 * alias so that charon started again does too (a link without our alias
 * is left as it is). With the lock held.
 *
 * @param netns		its namespace
 * @param link		the link as the kernel shows it now
 * @return			its entry
 */
vti_link_ref_t *vti_table_disown(vti_table_t *table, const char *netns,
								 const vti_link_info_t *link);

/**
 * Forget the renamed links of netns a resync did not see (gone), and
 * clear the seen mark of the others. With the lock held.
 *
 * @param netns		the namespace the resync dumped
 */
void vti_table_forget_unseen(vti_table_t *table, const char *netns);

#endif /** VTI_TABLE_H_ @}*/
