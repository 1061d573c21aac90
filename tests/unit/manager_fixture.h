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

/**
 * The settings most tests start with: interfaces moved into the namespace
 * "private", with an address.
 */
#define PRIVATE "charon { plugins { vti { netns = private\n" \
				"addresses = 2001:db8:ff::6/127 } } }"

/** PRIVATE with down_action = down */
#define PRIVATE_DOWN "charon { plugins { vti { netns = private\n" \
					 "down_action = down\n" \
					 "addresses = 2001:db8:ff::6/127 } } }"

/**
 * A CHILD_SA of V3-2 with mark 6 between 2001:db8:1::1 and 2001:db8:3::2,
 * AES-GCM-16 (mtu 1426: a 1500 path minus 74 bytes over IPv6).
 */
#define V6(child, ike) tunnel("V3-2", child, ike, 6, "2001:db8:1::1", \
							  "2001:db8:3::2")

/**
 * How V6()'s vti6 starts under PRIVATE: born in charon's namespace under
 * the name charon is told to ignore, moved into "private".
 */
#define MOVED_VTI6 \
	"create vti6 strongswan-vti ikey=6 okey=6 alias=strongswan-vti:V3-2\n" \
	"move private strongswan-vti vti6\n"

/**
 * What V6() gets under PRIVATE: MOVED_VTI6, configured and up, named in
 * its own namespace, found by its connection's name too.
 */
#define CREATED_VTI6 MOVED_VTI6 \
	"configure private vti6 mtu=1426 addrs=1 disable_xfrm=0 up\n" \
	"altname private vti6 V3-2\n"

/**
 * The same, left down (on_demand = down, before a CHILD_SA).
 */
#define CREATED_VTI6_DOWN MOVED_VTI6 \
	"configure private vti6 mtu=1426 addrs=1 disable_xfrm=0\n" \
	"altname private vti6 V3-2\n"

/** the trap id of the trap tests: charon's unique id of its CHILD_SA */
#define TRAP 100

/** the fake kernel of the running test */
extern fake_backend_t *fake;

/** the manager of the running test, NULL once a test destroyed it */
extern vti_manager_t *manager;

/**
 * Create the fake kernel and a manager with these settings.
 */
void fixture_start(const char *settings_text);

/**
 * The manager reloads these settings (manager->reload()), the worker
 * applies them (SETTLE()).
 */
void fixture_reload(const char *settings_text);

/**
 * fixture_start(PRIVATE), a setup for tcase_add_checked_fixture().
 */
void fixture_setup(void);

/**
 * Destroy the manager (unless the test did) and the fake kernel.
 */
void fixture_stop(void);

/**
 * Start again with other settings.
 */
void fixture_restart(const char *settings_text);

/**
 * charon stopped and started again, the kernel's links kept: the manager
 * made anew over the same fake backend (what the old one held it released
 * as at a stop).
 */
void fixture_restart_charon(const char *settings_text);

/**
 * CHILD_SA t comes up (manager->child_up()), the worker applies it
 * (SETTLE(), an assertion).
 */
#define UP(t) ({ manager->child_up(manager, (t)); SETTLE(manager); })

/**
 * CHILD_SA child of conn goes down without grace, the worker applies it
 * (SETTLE(), an assertion).
 */
#define DOWN(conn, child) ({ \
	manager->child_down(manager, (conn), (child), 0); SETTLE(manager); })

/**
 * CHILD_SA old is rekeyed to t (manager->child_rekey()), the worker
 * applies it (SETTLE(), an assertion).
 */
#define REKEY(old, t) ({ \
	manager->child_rekey(manager, (old), (t)); SETTLE(manager); })

/**
 * manager->ike_update() (IKE_SA, family, local, remote, encap), the worker
 * applies it (SETTLE(), an assertion).
 */
#define IKE_UPDATE(...) ({ \
	manager->ike_update(manager, __VA_ARGS__); SETTLE(manager); })

/**
 * A resync (manager->resync()), the worker has applied it (SETTLE(), an
 * assertion).
 */
#define RESYNC() ({ manager->resync(manager); SETTLE(manager); })

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
 * An operator sets vti5 (peer_tunnel() mark 5) down; the worker logged it
 * (2 s at most).
 */
void vti5_set_down_by_hand(void);

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
 * CHILD_SA t comes up; returns with the worker blocked in the next fake
 * kernel call starting with op (block_at()).
 */
blocker_t *up_blocked_at(const char *op, const vti_tunnel_t *t);

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
 * A source with no CHILD_SAs, set in the manager.
 */
source_t *source_attach(void);

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
 * Remove the trap of that id; the worker has read it (traps_settle()).
 */
void trap_unload(source_t *source, uint32_t id);

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
