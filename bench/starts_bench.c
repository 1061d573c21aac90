/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The cost of reading the loaded start configs for their standing wants
 * (plugin/vti_trapsrc.c read_starts(), with vti_traps.c, every 500 ms on
 * the kernel worker) at N connections loaded in charon's backend manager
 * (libcharon's, as charon has it): each a peer config with one CHILD_SA
 * config of start_action = start and its own mark, in a backend that
 * enumerates them under a read lock as vici's does (vici_config.c). No
 * trap is installed. Prints the first reading (all new: described), the
 * steady ones (nothing changed: what charon pays every 500 ms), and one
 * with a connection unloaded.
 *
 *   starts_bench N [READINGS]
 */

#include "reading.h"
#include "vti_trapsrc.h"

#include <daemon.h>
#include <collections/linked_list.h>
#include <threading/rwlock.h>

/**
 * A backend of peer configs, enumerated under a read lock (vici's).
 */
typedef struct {
	backend_t public;
	linked_list_t *configs;
	rwlock_t *lock;
} bench_backend_t;

/**
 * The reading's source: a vti_trapsrc_t over charon.
 */
typedef struct {
	vti_source_t public;
	vti_trapsrc_t *trapsrc;
} bench_source_t;

static void unlock(rwlock_t *lock)
{
	lock->unlock(lock);
}

static enumerator_t *create_peer_cfgs(bench_backend_t *this,
									  identification_t *me,
									  identification_t *other)
{
	this->lock->read_lock(this->lock);
	return enumerator_create_cleaner(
					this->configs->create_enumerator(this->configs),
					(void*)unlock, this->lock);
}

static enumerator_t *create_traps(bench_source_t *this, hashtable_t *known)
{
	return this->trapsrc->create_enumerator(this->trapsrc, known);
}

/**
 * Connection i: its own remote address and mark, start_action = start.
 */
static peer_cfg_t *config(int i)
{
	char remote[64], name[32];
	ike_cfg_t *ike_cfg;
	peer_cfg_t *peer_cfg;
	child_cfg_t *child_cfg;

	snprintf(remote, sizeof(remote), "2001:db8:%x::2", i);
	snprintf(name, sizeof(name), "c%d", i);
	ike_cfg = ike_cfg_create(&(ike_cfg_create_t){
					.version = IKEV2,
					.local = "2001:db8::1",
					.remote = remote,
				});
	peer_cfg = peer_cfg_create(name, ike_cfg, &(peer_cfg_create_t){});
	child_cfg = child_cfg_create(name, &(child_cfg_create_t){
					.mode = MODE_TUNNEL,
					.mark_in = { .value = i, .mask = 0xffffffff },
					.mark_out = { .value = i, .mask = 0xffffffff },
					.start_action = ACTION_START,
				});
	child_cfg->add_proposal(child_cfg, proposal_create_from_string(
								PROTO_ESP, "aes256gcm16-ecp384"));
	peer_cfg->add_child_cfg(peer_cfg, child_cfg);
	return peer_cfg;
}

/** the first connection is unloaded */
static void one_unloaded(bench_backend_t *backend)
{
	peer_cfg_t *gone;

	backend->configs->remove_first(backend->configs, (void**)&gone);
	gone->destroy(gone);
}

int main(int argc, char *argv[])
{
	bench_backend_t backend = {
		.public = {
			.create_peer_cfg_enumerator = (void*)create_peer_cfgs,
		},
	};
	bench_source_t source = {
		.public = { .create_trap_enumerator = (void*)create_traps },
	};
	int i, n, readings, status;

	n = bench_args(argc, argv, &readings);
	library_init(NULL, "starts_bench");
	libcharon_init();
	backend.configs = linked_list_create();
	backend.lock = rwlock_create(RWLOCK_TYPE_DEFAULT);
	for (i = 1; i <= n; i++)
	{
		backend.configs->insert_last(backend.configs, config(i));
	}
	charon->backends->add_backend(charon->backends, &backend.public);
	source.trapsrc = vti_trapsrc_create();
	status = bench_run(&source.public, n, readings, (void*)one_unloaded,
					   &backend, "start configs", "config", "unloaded");
	source.trapsrc->destroy(source.trapsrc);
	charon->backends->remove_backend(charon->backends, &backend.public);
	backend.configs->destroy_offset(backend.configs,
									offsetof(peer_cfg_t, destroy));
	backend.lock->destroy(backend.lock);
	libcharon_deinit();
	library_deinit();
	return status;
}
