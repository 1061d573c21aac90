/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup manager_probe manager_probe
 * @{ @ingroup vti_tests
 *
 * What the unit tests and the benchmark ask the manager besides the bus
 * events, kept out of its interface: no part of the plugin calls these.
 * vti_manager_probe() is defined in plugin/vti_manager.c, the others in
 * tests/unit/manager_probe.c.
 */

#ifndef MANAGER_PROBE_H_
#define MANAGER_PROBE_H_

#include "vti_manager.h"
#include "vti_worker.h"

/**
 * The table and the worker of a manager.
 *
 * @param manager		the manager
 * @param worker		receives its worker
 * @return				its table
 */
vti_table_t *vti_manager_probe(vti_manager_t *manager, vti_worker_t **worker);

/**
 * Wait until the kernel worker has applied what was recorded so far.
 *
 * @param manager		the manager
 * @param timeout_ms	longest wait
 * @return				FALSE if it was still busy then
 */
bool vti_manager_flush(vti_manager_t *manager, u_int timeout_ms);

/**
 * Number of interfaces in the table.
 *
 * @param manager		the manager
 */
int vti_manager_count(vti_manager_t *manager);

/**
 * Release the interfaces waiting for a reauthentication's CHILD_SAs now,
 * as the worker does when their grace ends.
 *
 * @param manager		the manager
 * @param all			every waiting one, not only those whose grace ended
 */
void vti_manager_expire_graces(vti_manager_t *manager, bool all);

#endif /** MANAGER_PROBE_H_ @}*/
