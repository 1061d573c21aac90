/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The manager over the fake kernel.
 */

#include "manager_fixture.h"
#include "vti_tests.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <collections/linked_list.h>
#include <crypto/crypters/crypter.h>
#include <crypto/signers/signer.h>

fake_backend_t *fake;
vti_manager_t *manager;

/**
 * A manager with these settings over the fake backend, the log cleared.
 */
static void manager_start(const char *settings_text)
{
	settings_t *settings = settings_create_string((char*)settings_text);

	manager = vti_manager_create(vti_config_create(settings, "charon"),
								 &fake->backend);
	settings->destroy(settings);
	test_log_clear();
}

void fixture_start(const char *settings_text)
{
	fake = fake_backend_create();
	test_threads();
	manager_start(settings_text);
}

void fixture_setup(void)
{
	fixture_start(PRIVATE);
}

void fixture_stop(void)
{
	if (manager)
	{
		manager->destroy(manager);
		manager = NULL;
	}
	fake_backend_free(fake);
	fake = NULL;
}

void fixture_restart(const char *settings_text)
{
	fixture_stop();
	fixture_start(settings_text);
}

void fixture_restart_charon(const char *settings_text)
{
	manager->destroy(manager);
	manager_start(settings_text);
}

void fixture_reload(const char *settings_text)
{
	settings_t *settings = settings_create_string((char*)settings_text);

	manager->reload(manager, vti_config_create(settings, "charon"));
	settings->destroy(settings);
	SETTLE(manager);
}

vti_tunnel_t tunnel(const char *conn, uint32_t child, uint32_t ike,
					uint32_t mark, const char *local, const char *remote)
{
	vti_tunnel_t t = {
		.conn = conn,
		.child_id = child,
		.ike_id = ike,
		.mark_in = mark,
		.mark_out = mark,
		.family = strchr(local, ':') ? AF_INET6 : AF_INET,
	};

	inet_pton(t.family, local, t.local);
	inet_pton(t.family, remote, t.remote);
	t.esp_known = vti_mtu_esp_overhead(ENCR_AES_GCM_ICV16, AUTH_UNDEFINED,
									   &t.esp);
	return t;
}

vti_tunnel_t peer_tunnel(uint32_t child, uint32_t ike, uint32_t mark,
						 int peer)
{
	char remote[64];

	snprintf(remote, sizeof(remote), "2001:db8:3::%d", peer);
	return tunnel("c", child, ike, mark, "2001:db8:1::1", remote);
}

void vti5_set_down_by_hand(void)
{
	ck_assert(fake_backend_set_up(fake, "private", "vti5", FALSE));
	ck_assert(WAIT_FOR(strstr(test_log, "vti: c: vti5 was set down by hand, "
							  "leaving it down")));
}

static void block(blocker_t *blocker)
{
	blocker->paused->post(blocker->paused);
	blocker->resume->wait(blocker->resume);
}

blocker_t *block_at(const char *op)
{
	blocker_t *blocker;

	INIT(blocker,
		.paused = semaphore_create(0),
		.resume = semaphore_create(0),
	);
	fake_backend_pause(fake, op, (void*)block, blocker);
	return blocker;
}

void blocker_free(blocker_t *blocker)
{
	blocker->paused->destroy(blocker->paused);
	blocker->resume->destroy(blocker->resume);
	free(blocker);
}

blocker_t *up_blocked_at(const char *op, const vti_tunnel_t *t)
{
	blocker_t *blocker = block_at(op);

	manager->child_up(manager, t);
	blocker->paused->wait(blocker->paused);
	return blocker;
}

void unblock(blocker_t *blocker)
{
	blocker->resume->post(blocker->resume);
	SETTLE(manager);
	blocker_free(blocker);
}

static void list_free(linked_list_t *list)
{
	list->destroy_function(list, free);
}

static enumerator_t *source_enumerate(source_t *this)
{
	linked_list_t *list = linked_list_create();
	vti_tunnel_t *copy;
	int i;

	for (i = 0; i < this->count; i++)
	{
		INIT(copy);
		*copy = this->tunnels[i];
		list->insert_last(list, copy);
	}
	if (this->meanwhile)
	{
		this->meanwhile(this->data);
		this->meanwhile = NULL;
	}
	return enumerator_create_cleaner(list->create_enumerator(list),
									 (void*)list_free, list);
}

static enumerator_t *source_traps(source_t *this, hashtable_t *known)
{
	linked_list_t *list = linked_list_create();
	vti_trap_t *copy;
	int i;

	this->lock->lock(this->lock);
	this->readings++;
	for (i = 0; i < this->n_traps; i++)
	{
		INIT(copy);
		*copy = this->traps[i];
		copy->described = !known->get(known, vti_id_key(copy->id));
		this->described += copy->described;
		list->insert_last(list, copy);
	}
	this->lock->unlock(this->lock);
	return enumerator_create_cleaner(list->create_enumerator(list),
									 (void*)list_free, list);
}

source_t *source_create(void)
{
	source_t *source;

	INIT(source,
		.public = {
			.create_enumerator = (void*)source_enumerate,
			.create_trap_enumerator = (void*)source_traps,
		},
		.lock = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	return source;
}

source_t *source_attach(void)
{
	source_t *source = source_create();

	manager->set_source(manager, &source->public);
	return source;
}

void source_done(source_t *source)
{
	if (manager)
	{
		manager->set_source(manager, NULL);
	}
	source->lock->destroy(source->lock);
	free(source);
}

void trap_set(source_t *source, uint32_t id, const char *conn,
			  const vti_tunnel_t *trap, const char *refused)
{
	int i;

	source->lock->lock(source->lock);
	for (i = 0; i < source->n_traps && source->traps[i].id != id; i++)
	{
	}
	if (!conn)
	{
		source->traps[i] = source->traps[--source->n_traps];
	}
	else
	{
		source->traps[i] = (vti_trap_t){
			.id = id,
			.conn = conn,
			.refused = refused,
			.tunnel = *trap,
		};
		source->traps[i].tunnel.child_id = id;
		source->traps[i].tunnel.ike_id = 0;
		source->n_traps += i == source->n_traps;
	}
	source->lock->unlock(source->lock);
}

/**
 * Number of readings of source's traps begun.
 */
void trap_unload(source_t *source, uint32_t id)
{
	trap_set(source, id, NULL, NULL, NULL);
	traps_settle(source);
}

static u_int readings(source_t *source)
{
	u_int n;

	source->lock->lock(source->lock);
	n = source->readings;
	source->lock->unlock(source->lock);
	return n;
}

void traps_read_once(source_t *source)
{
	u_int n = readings(source);

	ck_assert(WAIT_FOR(readings(source) >= n + 1));
}

void traps_settle(source_t *source)
{
	u_int n = readings(source);

	/* the worker begins reading n + 2 only once n + 1 is done */
	ck_assert(WAIT_FOR(readings(source) >= n + 2));
	SETTLE(manager);
}
