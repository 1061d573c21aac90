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
#include "manager_probe.h"
#include "fake_backend.h"

#include <unistd.h>
#include <threading/semaphore.h>
#include <threading/mutex.h>

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

/**
 * A CHILD_SA of conn "c" with mark between 2001:db8:1::1 and
 * 2001:db8:3::PEER, AES-GCM-16.
 */
vti_tunnel_t peer_tunnel(uint32_t child, uint32_t ike, uint32_t mark,
						 int peer);

/**
 * Poll until cond holds, 2 s at most; the value of cond then.
 */
#define WAIT_FOR(cond) ({ \
	int _i; \
	for (_i = 0; _i < 200 && !(cond); _i++) { usleep(10000); } \
	(cond); })

/**
 * The worker blocked inside a kernel operation: it posts paused, then
 * waits for resume.
 */
typedef struct {
	semaphore_t *paused;
	semaphore_t *resume;
} blocker_t;

/**
 * Block the worker in the next fake kernel call starting with op.
 */
blocker_t *block_at(const char *op);

/**
 * Let the worker go on, wait until it is idle, free the blocker.
 */
void unblock(blocker_t *blocker);

/**
 * Free a blocker the worker is done with.
 */
void blocker_free(blocker_t *blocker);

/**
 * The CHILD_SAs a test says charon has, for resyncs: meanwhile (if set)
 * runs once, after they were read, as a bus event of that moment would.
 */
typedef struct {
	vti_source_t public;
	vti_tunnel_t tunnels[8];
	int count;
	void (*meanwhile)(void *data);
	void *data;
	/** the traps charon has (trap_set()), described where not known */
	vti_trap_t traps[8];
	int n_traps;
	/** number of traps described, over all readings */
	int described;
	/** number of readings of the traps begun */
	u_int readings;
	/** guards traps, n_traps and described */
	mutex_t *lock;
} source_t;

/**
 * A source with no CHILD_SAs; the manager does not use it yet.
 */
source_t *source_create(void);

/**
 * Take the source from the manager and free it.
 */
void source_done(source_t *source);

/**
 * Install a trap (its id is trap->tunnel.child_id) or replace the one of
 * that id; with conn NULL remove it.
 */
void trap_set(source_t *source, uint32_t id, const char *conn,
			  const vti_tunnel_t *trap, const char *refused);

/**
 * Wait until the worker has begun one more reading of the traps of source
 * (it has their list).
 */
void traps_read_once(source_t *source);

/**
 * Wait until the worker has read the traps of source (set in the manager)
 * once more from start to end, and applied what that changed.
 */
void traps_settle(source_t *source);

#endif
