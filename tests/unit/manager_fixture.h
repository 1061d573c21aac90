/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The manager over the fake kernel, as the manager, orders and worker
 * suites set it up.
 */

#ifndef MANAGER_FIXTURE_H_
#define MANAGER_FIXTURE_H_

#include "vti_manager.h"
#include "fake_backend.h"

/** the fake kernel of the running test */
extern fake_backend_t *fake;

/** the manager of the running test, NULL once a test destroyed it */
extern vti_manager_t *manager;

/**
 * Create the fake kernel and a manager with these settings.
 */
void fixture_start(const char *settings_text);

/**
 * Destroy the manager (unless the test did) and the fake kernel.
 */
void fixture_stop(void);

/**
 * Start again with other settings.
 */
void fixture_restart(const char *settings_text);

/**
 * A CHILD_SA of conn with mark, between two addresses, AES-GCM-16.
 */
vti_tunnel_t tunnel(const char *conn, uint32_t child, uint32_t ike,
					uint32_t mark, const char *local, const char *remote);

#endif
