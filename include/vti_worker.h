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

#include "vti_table.h"

typedef struct vti_worker_t vti_worker_t;

/**
 * The worker.
 */
struct vti_worker_t {

	/**
	 * Compare the table with charon's CHILD_SAs and the kernel soon.
	 */
	void (*resync)(vti_worker_t *this);

	/**
	 * Wait until nothing is queued and no resync is due or running; for
	 * the unit tests and bench/ only (tests/unit/manager_probe.c).
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
 * Start the worker.
 *
 * @param table		the table, not owned
 * @param backend	the kernel, used by the worker's thread only, owned
 * @return			worker, NULL if its thread did not start
 */
vti_worker_t *vti_worker_create(vti_table_t *table, vti_backend_t *backend);

#endif /** VTI_WORKER_H_ @}*/
