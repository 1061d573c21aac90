/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * What the unit tests and the benchmark ask the manager, through the one
 * test-only entry point of plugin/vti_manager.c (vti_manager_probe()).
 */

#include "manager_probe.h"

/*
 * Described in header
 */
bool vti_manager_flush(vti_manager_t *manager, u_int timeout_ms)
{
	vti_worker_t *worker;

	vti_manager_probe(manager, &worker);
	return worker->flush(worker, timeout_ms);
}

/*
 * Described in header
 */
int vti_manager_count(vti_manager_t *manager)
{
	vti_worker_t *worker;
	vti_table_t *table = vti_manager_probe(manager, &worker);
	int n;

	table->mutex->lock(table->mutex);
	n = table->ifaces->get_count(table->ifaces);
	table->mutex->unlock(table->mutex);
	return n;
}

/*
 * Described in header
 */
void vti_manager_expire_graces(vti_manager_t *manager, bool all)
{
	vti_worker_t *worker;
	vti_table_t *table = vti_manager_probe(manager, &worker);

	table->mutex->lock(table->mutex);
	vti_table_expire_graces(table, all ? TIME_32_BIT_SIGNED_MAX :
							time_monotonic(NULL));
	table->mutex->unlock(table->mutex);
}
