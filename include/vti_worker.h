/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_worker vti_worker
 * @{ @ingroup vti
 *
 * The kernel worker: one thread that takes the kernel to what the table
 * wants, an interface at a time, so that charon's bus never waits for the
 * kernel; it expires reauthentication graces, follows link events and
 * compares the table with the kernel (resync).
 */

#ifndef VTI_WORKER_H_
#define VTI_WORKER_H_

#include "vti_iface.h"

#include <collections/array.h>
#include <collections/hashtable.h>
#include <threading/mutex.h>

typedef struct vti_worker_t vti_worker_t;
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
};

/**
 * What the manager and its worker share.
 */
struct vti_table_t {

	/** protects all of the table, held by neither across kernel work */
	mutex_t *mutex;

	/** vti_iface_t by key */
	hashtable_t *ifaces;

	/** the same, by the identity of their links (vti_iface_index()) */
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

	/** data for reconcile */
	void *data;
};

/**
 * The worker.
 */
struct vti_worker_t {

	/**
	 * Have an interface brought to what its claims want. With the table's
	 * lock held.
	 *
	 * @param iface		interface of the table
	 * @param why		reason logged if it is released
	 */
	void (*queue)(vti_worker_t *this, vti_iface_t *iface, const char *why);

	/**
	 * An interface was given a reauthentication grace (pending_until): the
	 * worker looks for the next grace to end now. With the table's lock held.
	 */
	void (*grace)(vti_worker_t *this);

	/**
	 * Compare the table with charon's CHILD_SAs and the kernel soon.
	 */
	void (*resync)(vti_worker_t *this);

	/**
	 * Wait until nothing is queued and no resync is due or running.
	 *
	 * @param timeout_ms	longest wait
	 * @return			FALSE if the worker was still busy then
	 */
	bool (*flush)(vti_worker_t *this, u_int timeout_ms);

	/**
	 * Finish what is queued (or abandon it past a deadline, logged) and
	 * stop the thread.
	 */
	void (*destroy)(vti_worker_t *this);
};

/**
 * Monotonic microseconds, for the level 3 log lines bench/ reads.
 */
uint64_t vti_worker_now_us(void);

/**
 * Start the worker.
 *
 * @param table		the table, not owned
 * @param backend	the kernel, used by the worker's thread only, owned
 * @return			worker, NULL if its thread did not start
 */
vti_worker_t *vti_worker_create(vti_table_t *table, vti_backend_t *backend);

#endif /** VTI_WORKER_H_ @}*/
