/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The listener's reading of charon's traps (on-demand interfaces): which
 * traps are read, how a new one is described (endpoints, the worst ESP
 * transform of its proposals) or why it gets no interface, and that a
 * known one is not described again; likewise the start configs loaded.
 * charon->traps is a fake trap manager, charon->backends fake backends.
 */

#include "vti_tests.h"
#include "vti_listener.h"
#include "fake_sa.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <daemon.h>

/** the traps the fake trap manager has */
static struct {
	peer_cfg_t *peer;
	child_sa_t *child;
} traps[4];
static int n_traps;

/**
 * An enumerator over traps (peer_cfg_t*, child_sa_t*).
 */
typedef struct {
	enumerator_t public;
	int i;
} traps_enumerator_t;

static bool traps_enumerate(enumerator_t *this, va_list args)
{
	traps_enumerator_t *e = (traps_enumerator_t*)this;
	peer_cfg_t **peer;
	child_sa_t **child;

	VA_ARGS_VGET(args, peer, child);
	if (e->i >= n_traps)
	{
		return FALSE;
	}
	*peer = traps[e->i].peer;
	*child = traps[e->i].child;
	e->i++;
	return TRUE;
}

static enumerator_t *traps_create_enumerator(trap_manager_t *this)
{
	traps_enumerator_t *e;

	INIT(e,
		.public = {
			.enumerate = enumerator_enumerate_default,
			.venumerate = traps_enumerate,
			.destroy = (void*)free,
		},
	);
	return &e->public;
}

static trap_manager_t trap_manager = {
	.create_enumerator = traps_create_enumerator,
};

/** the peer config the fake backends have loaded, NULL for none */
static peer_cfg_t *loaded;

static enumerator_t *configs_create_enumerator(backend_manager_t *this,
							host_t *me, host_t *other, identification_t *my_id,
							identification_t *other_id, ike_version_t version)
{
	ck_assert(!me && !other && !my_id && !other_id);
	return loaded ? enumerator_create_single(loaded, NULL)
				  : enumerator_create_empty();
}

static backend_manager_t backends = {
	.create_peer_cfg_enumerator = configs_create_enumerator,
};

/** the source the listener gives the manager */
static vti_source_t *source;

static void m_set_source(vti_manager_t *this, vti_source_t *new)
{
	source = new;
}

static void m_destroy(vti_manager_t *this)
{
}

static vti_manager_t manager = {
	.set_source = m_set_source,
	.destroy = m_destroy,
};

static vti_listener_t *listener;
static trap_manager_t *no_traps;
static backend_manager_t *no_configs;
static fake_ike_cfg_t ike_cfg;
static fake_peer_cfg_t peer;
static fake_child_cfg_t child_cfg;
static fake_proposal_t gcm, cbc;
static fake_child_sa_t child;
static hashtable_t *known;

/** the one trap read, copied; FALSE if none was */
static vti_trap_t read_trap;

static void setup(void)
{
	no_traps = charon->traps;
	charon->traps = &trap_manager;
	no_configs = charon->backends;
	charon->backends = &backends;
	loaded = NULL;
	listener = vti_listener_create(&manager);
	fake_ike_cfg_init(&ike_cfg, "2001:db8::2");
	ike_cfg.my_addr = "2001:db8::1";
	fake_peer_cfg_init(&peer, "net", &ike_cfg);
	fake_child_cfg_init(&child_cfg);
	child_cfg.mark_in = child_cfg.mark_out = (mark_t){ 6, 0xffffffff };
	fake_proposal_init(&gcm, ENCR_AES_GCM_ICV16, 0);
	fake_proposal_init(&cbc, ENCR_AES_CBC, AUTH_HMAC_SHA2_256_128);
	child_cfg.proposals[0] = &gcm.public;
	child_cfg.proposals[1] = &cbc.public;
	/* the trap's CHILD_SA, id 40, with the config's marks resolved */
	fake_child_init(&child, 40, 6, 0, &child_cfg, &gcm);
	traps[0].peer = &peer.public;
	traps[0].child = &child.public;
	n_traps = 1;
	known = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr, 4);
	test_log_clear();
}

static void teardown(void)
{
	known->destroy(known);
	listener->destroy(listener);
	charon->traps = no_traps;
	charon->backends = no_configs;
}

/**
 * Read the traps: the number read, the last one copied into read_trap.
 */
static int read_traps(void)
{
	enumerator_t *enumerator;
	vti_trap_t *trap;
	int n = 0;

	enumerator = source->create_trap_enumerator(source, known);
	while (enumerator->enumerate(enumerator, &trap))
	{
		read_trap = *trap;
		read_trap.tunnel.conn = NULL;
		read_trap.conn = trap->conn ? "set" : NULL;
		n++;
	}
	enumerator->destroy(enumerator);
	return n;
}

/*
 * A new trap: the endpoints of its addresses, its marks, the worst of its
 * ESP transforms (AES-CBC/SHA-256 over AES-GCM); known, it is read but not
 * described again.
 */
START_TEST(test_trap_described)
{
	vti_esp_overhead_t worst;
	char local[64], remote[64];

	ck_assert_int_eq(read_traps(), 1);
	ck_assert(read_trap.described);
	ck_assert_int_eq(read_trap.id, 40);
	ck_assert_str_eq(read_trap.conn, "set");
	ck_assert_ptr_null(read_trap.refused);
	ck_assert_int_eq(read_trap.tunnel.child_id, 40);
	ck_assert_int_eq(read_trap.tunnel.ike_id, 0);
	ck_assert_int_eq(read_trap.tunnel.mark_in, 6);
	ck_assert_int_eq(read_trap.tunnel.mark_out, 6);
	ck_assert_int_eq(read_trap.tunnel.family, AF_INET6);
	inet_ntop(AF_INET6, read_trap.tunnel.local, local, sizeof(local));
	inet_ntop(AF_INET6, read_trap.tunnel.remote, remote, sizeof(remote));
	ck_assert_str_eq(local, "2001:db8::1");
	ck_assert_str_eq(remote, "2001:db8::2");
	ck_assert(vti_mtu_esp_overhead(ENCR_AES_CBC, AUTH_HMAC_SHA2_256_128,
								   &worst));
	ck_assert(read_trap.tunnel.esp_known);
	ck_assert(memeq(&read_trap.tunnel.esp, &worst, sizeof(worst)));

	known->put(known, vti_id_key(40), &peer);
	ck_assert_int_eq(read_traps(), 1);
	ck_assert(!read_trap.described);
	ck_assert_int_eq(read_trap.id, 40);
	ck_assert_ptr_null(read_trap.conn);
}
END_TEST

/*
 * An unknown algorithm among the proposals: the overhead is unknown (the
 * largest is assumed).
 */
START_TEST(test_trap_unknown_algorithm)
{
	fake_proposal_t odd;

	fake_proposal_init(&odd, 1000, 0);
	child_cfg.proposals[2] = &odd.public;
	ck_assert_int_eq(read_traps(), 1);
	ck_assert_ptr_null(read_trap.refused);
	ck_assert(!read_trap.tunnel.esp_known);
}
END_TEST

/*
 * A trap in transport mode, or without marks or if_ids, is not read.
 */
START_TEST(test_trap_unmarked_skipped)
{
	fake_child_sa_t plain, transport;

	fake_child_init(&plain, 41, 0, 0, &child_cfg, &gcm);
	fake_child_init(&transport, 42, 6, 0, &child_cfg, &gcm);
	transport.mode = MODE_TRANSPORT;
	traps[0].child = &plain.public;
	traps[1].peer = &peer.public;
	traps[1].child = &transport.public;
	n_traps = 2;
	ck_assert_int_eq(read_traps(), 0);
}
END_TEST

/** What a trap is refused for, by what its configs say */
static struct {
	/** remote_addrs */
	char *remote;
	/** config mark_in, peer if_id_out */
	uint32_t mark_in, peer_if_id;
	/** what the refusal starts with */
	char *refused;
} refusals[] = {
	{ "2001:db8::2", MARK_UNIQUE, 0, "its marks are %unique" },
	{ "2001:db8::2", 6, IF_ID_UNIQUE, "its if_ids are %unique" },
	{ "%any", 6, 0, "its remote_addrs is not one address" },
	{ "2001:db8::2, 2001:db8::3", 6, 0,
	  "its remote_addrs is not one address" },
	{ "2001:db8::2-2001:db8::9", 6, 0, "its remote_addrs is not one address" },
	{ "gw.example", 6, 0, "its remote_addrs does not resolve" },
};

START_TEST(test_trap_refused)
{
	ike_cfg.other_addr = refusals[_i].remote;
	child_cfg.mark_in.value = refusals[_i].mark_in;
	peer.if_id_out = refusals[_i].peer_if_id;
	ck_assert_int_eq(read_traps(), 1);
	ck_assert(read_trap.described);
	ck_assert_msg(read_trap.refused && strpfx(read_trap.refused,
				  refusals[_i].refused), "%s: %s", refusals[_i].remote,
				  read_trap.refused ?: "not refused");
}
END_TEST

/**
 * Load the peer config with one CHILD_SA config of start_action, no trap
 * installed.
 */
static void load(action_t start_action)
{
	n_traps = 0;
	child_cfg.start_action = start_action;
	peer.children[0] = &child_cfg.public;
	loaded = &peer.public;
}

/*
 * A start config loaded is read from the backends, described (the
 * endpoints of its addresses, its marks) once, and keeps its id while it
 * stays loaded; unloaded it is not read, loaded again it gets a new id.
 */
START_TEST(test_start_described)
{
	char remote[64];

	load(ACTION_START);
	ck_assert_int_eq(read_traps(), 1);
	ck_assert(read_trap.described);
	ck_assert_int_eq(read_trap.id, VTI_START_ID);
	ck_assert_ptr_null(read_trap.refused);
	ck_assert(read_trap.tunnel.start);
	ck_assert_int_eq(read_trap.tunnel.child_id, VTI_START_ID);
	ck_assert_int_eq(read_trap.tunnel.mark_in, 6);
	inet_ntop(AF_INET6, read_trap.tunnel.remote, remote, sizeof(remote));
	ck_assert_str_eq(remote, "2001:db8::2");
	ck_assert(read_trap.tunnel.esp_known);

	known->put(known, vti_id_key(VTI_START_ID), &peer);
	ck_assert_int_eq(read_traps(), 1);
	ck_assert(!read_trap.described);
	ck_assert_int_eq(read_trap.id, VTI_START_ID);

	loaded = NULL;
	ck_assert_int_eq(read_traps(), 0);
	loaded = &peer.public;
	ck_assert_int_eq(read_traps(), 1);
	ck_assert(read_trap.described);
	ck_assert_int_eq(read_trap.id, VTI_START_ID + 1);
}
END_TEST

/*
 * A start config without if_ids of its own has its peer config's.
 */
START_TEST(test_start_peer_if_id)
{
	child_cfg.mark_in = child_cfg.mark_out = (mark_t){};
	peer.if_id_in = 9;
	peer.if_id_out = 10;
	load(ACTION_START);
	ck_assert_int_eq(read_traps(), 1);
	ck_assert_int_eq(read_trap.tunnel.if_id_in, 9);
	ck_assert_int_eq(read_trap.tunnel.if_id_out, 10);
}
END_TEST

/*
 * Configs without start_action = start (trap ones are read from the traps
 * charon installed), in transport mode, or without marks or if_ids are not
 * read from the backends.
 */
START_TEST(test_start_others_skipped)
{
	load(ACTION_TRAP);
	ck_assert_int_eq(read_traps(), 0);
	load(ACTION_NONE);
	ck_assert_int_eq(read_traps(), 0);
	load(ACTION_START);
	child_cfg.mode = MODE_TRANSPORT;
	ck_assert_int_eq(read_traps(), 0);
	child_cfg.mode = MODE_TUNNEL;
	child_cfg.mark_in = child_cfg.mark_out = (mark_t){};
	ck_assert_int_eq(read_traps(), 0);
}
END_TEST

/*
 * Review 3 (fixed: trapsrc.c start_id()): a start connection loaded again
 * unchanged (swanctl --load-all, as any reload does). vici_config.c
 * merge_config() finds the peer config equal ("updated vici connection")
 * and replace_children() -> peer_cfg.c replace_child_cfgs() puts the NEW,
 * equal child_cfg_t objects in place of the old ones (the old are
 * destroyed) and runs no start action for them: charon's CHILD_SA stays,
 * nothing is initiated. start_id() keys by the object's address, so the
 * reading reports a new start id and the old one gone: the manager logs
 * "loaded to start" and "its connection was unloaded" of a connection
 * never unloaded, and trap_down() sets down_action = delete on its
 * interface (review3_tests.c test_start_replaced_kept_at_stop: removed at
 * charon's stop instead of kept down). Expected: an equal config of the
 * same connection and name keeps its id and is not described again.
 */
START_TEST(test_start_reloaded_unchanged)
{
	/* referenced by the source until the teardown */
	static fake_child_cfg_t again;

	load(ACTION_START);
	ck_assert_int_eq(read_traps(), 1);
	ck_assert_int_eq(read_trap.id, VTI_START_ID);
	known->put(known, vti_id_key(VTI_START_ID), &peer);
	/* the equal object of the reload, in the same peer config */
	again = child_cfg;
	peer.children[0] = &again.public;
	ck_assert_int_eq(read_traps(), 1);
	ck_assert_int_eq(read_trap.id, VTI_START_ID);
	ck_assert(!read_trap.described);
}
END_TEST

Suite *trapsrc_suite_create(void)
{
	Suite *s = suite_create("trapsrc");
	TCase *tc;

	tc = tcase_create("reading charon's traps");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_trap_described);
	tcase_add_test(tc, test_trap_unknown_algorithm);
	tcase_add_test(tc, test_trap_unmarked_skipped);
	tcase_add_loop_test(tc, test_trap_refused, 0, countof(refusals));
	suite_add_tcase(s, tc);

	tc = tcase_create("reading charon's start configs");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_start_described);
	tcase_add_test(tc, test_start_peer_if_id);
	tcase_add_test(tc, test_start_others_skipped);
	suite_add_tcase(s, tc);

	tc = tcase_create("start identity (review 3)");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_start_reloaded_unchanged);
	suite_add_tcase(s, tc);
	return s;
}
