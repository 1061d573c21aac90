/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Interfaces of trap connections (on_demand): the traps a source says
 * charon installed stand for an interface before the first CHILD_SA, the
 * CHILD_SA of the acquire shares it, unloading the connection removes it.
 * The worker reads the traps itself; traps_settle() waits for it.
 */

#include "vti_tests.h"
#include "fake_backend.h"
#include "manager_fixture.h"

#include <crypto/crypters/crypter.h>
#include <crypto/signers/signer.h>

static source_t *source;

static void setup(void)
{
	fixture_start(PRIVATE);
	source = source_attach();
}

static void teardown(void)
{
	source_done(source);
	fixture_stop();
}

/**
 * Restart with other settings, the source kept.
 */
static void restart(const char *settings)
{
	manager->set_source(manager, NULL);
	fixture_restart(settings);
	manager->set_source(manager, &source->public);
}

/**
 * Install the trap of V3-2; the worker has read it (traps_settle()).
 */
static void trap_v6(uint32_t id)
{
	vti_tunnel_t t = V6(0, 0);

	trap_set(source, id, "V3-2", &t, NULL);
	traps_settle(source);
}

/**
 * How many times the log has text.
 */
static int logged(const char *text)
{
	return test_count(test_log, text);
}

/*
 * A loaded trap connection gets its interface, up, with the endpoints of
 * its addresses and the MTU of its ESP proposals, before any CHILD_SA; it
 * is described once however often it is read.
 */
START_TEST(test_trap_creates)
{
	trap_v6(TRAP);
	ck_assert_str_eq(fake->calls, CREATED_VTI6);
	ck_assert(logged("vti: V3-2: trapped, vti6 stands ready for its first "
					 "CHILD_SA") == 1);
	traps_settle(source);
	ck_assert_int_eq(source->described, 1);
	ck_assert_str_eq(fake->calls, CREATED_VTI6);
}
END_TEST

/*
 * The CHILD_SA of the acquire takes the same interface (no kernel
 * operation, same ifindex); when it goes down the trap still wants it;
 * unloading the connection then removes it.
 */
START_TEST(test_trap_shared_by_child)
{
	vti_tunnel_t t = V6(1, 1);
	bool up;

	trap_v6(TRAP);
	ck_assert(fake_backend_exists(fake, "private", "vti6", &up));
	fake_backend_clear(fake);
	UP(&t);
	ck_assert_str_eq(fake->calls, "");
	DOWN("V3-2", 1);
	ck_assert_str_eq(fake->calls, "");
	UP(&t);
	trap_unload(source, TRAP);
	ck_assert_str_eq(fake->calls, "");
	ck_assert(fake_backend_exists(fake, "private", "vti6", &up));
	DOWN("V3-2", 1);
	ck_assert_str_eq(fake->calls, "remove private vti6\n");
}
END_TEST

/*
 * Unloading a connection no CHILD_SA of which is up removes its
 * interface at once (no grace).
 */
START_TEST(test_trap_unload_removes)
{
	trap_v6(TRAP);
	fake_backend_clear(fake);
	trap_unload(source, TRAP);
	ck_assert_str_eq(fake->calls, "remove private vti6\n");
	ck_assert_int_eq(vti_manager_count(manager), 0);
}
END_TEST

/*
 * A trap reinstalled (the connection loaded again: charon gives it a new
 * CHILD_SA id) keeps the interface as it is.
 */
START_TEST(test_trap_reinstalled)
{
	trap_v6(TRAP);
	fake_backend_clear(fake);
	trap_set(source, TRAP, NULL, NULL, NULL);
	trap_v6(TRAP + 1);
	ck_assert_str_eq(fake->calls, "");
	ck_assert(fake_backend_exists(fake, "private", "vti6", NULL));
}
END_TEST

/*
 * The interface has the MTU of the trap's worst proposal; a CHILD_SA
 * negotiating one that needs less lowers it (the smallest claim wins).
 */
START_TEST(test_trap_mtu_corrected)
{
	vti_tunnel_t t = V6(1, 1);

	trap_v6(TRAP);
	fake_backend_clear(fake);
	ck_assert(vti_mtu_esp_overhead(ENCR_AES_CBC, AUTH_HMAC_SHA2_512_256,
								   &t.esp));
	UP(&t);
	ck_assert_str_eq(fake->calls, "mtu private vti6 1390\n");
}
END_TEST

/*
 * A trap the source refuses (%unique, a shared remote) gets no interface;
 * the reason is logged once, not at each reading.
 */
START_TEST(test_trap_refused_logged_once)
{
	vti_tunnel_t t = V6(0, 0);

	trap_set(source, TRAP, "V3-2", &t, "its remote_addrs is not one address");
	traps_settle(source);
	traps_settle(source);
	ck_assert_str_eq(fake->calls, "");
	ck_assert_int_eq(logged("vti: V3-2: no interface before its first "
							"CHILD_SA: its remote_addrs is not one address"), 1);
}
END_TEST

/*
 * on_demand = no: the interface comes with the first CHILD_SA; logged
 * once.
 */
START_TEST(test_on_demand_no)
{
	vti_tunnel_t t = V6(1, 1);

	restart("charon { plugins { vti { netns = private\n"
			"addresses = 2001:db8:ff::6/127\n connections { V3-2 {\n"
			"on_demand = no } } } } }");
	trap_v6(TRAP);
	traps_settle(source);
	ck_assert_str_eq(fake->calls, "");
	ck_assert_int_eq(logged("vti: V3-2: no interface before its first "
							"CHILD_SA (on_demand = no)"), 1);
	UP(&t);
	ck_assert_str_eq(fake->calls, CREATED_VTI6);
}
END_TEST

/*
 * on_demand = down: the interface is made without being set up; the
 * CHILD_SA takes it up, and when it goes the interface is set down again
 * (the trap still wants it).
 */
START_TEST(test_on_demand_down)
{
	vti_tunnel_t t = V6(1, 1);

	restart("charon { plugins { vti { netns = private\n"
			"addresses = 2001:db8:ff::6/127\n on_demand = down } } }");
	trap_v6(TRAP);
	ck_assert_str_eq(fake->calls, CREATED_VTI6_DOWN);
	ck_assert(logged("vti: V3-2: trapped, vti6 stands ready for its first "
					 "CHILD_SA, down") == 1);
	fake_backend_clear(fake);
	UP(&t);
	ck_assert_str_eq(fake->calls,
		"configure private vti6 mtu=1426 addrs=1 disable_xfrm=0\n"
		"up private vti6\n");
	fake_backend_clear(fake);
	DOWN("V3-2", 1);
	ck_assert_str_eq(fake->calls, "down private vti6\n");
	fake_backend_clear(fake);
	trap_unload(source, TRAP);
	ck_assert_str_eq(fake->calls, "remove private vti6\n");
}
END_TEST

/*
 * charon stopping: the trap's interface goes with the rest.
 */
START_TEST(test_trap_shutdown_removes)
{
	trap_v6(TRAP);
	fake_backend_clear(fake);
	manager->set_source(manager, NULL);
	manager->destroy(manager);
	manager = NULL;
	ck_assert_str_eq(fake->calls, "remove private vti6\n");
}
END_TEST

/** settings of the start tests: down_action = down for V3-2 */
#define START_DOWN "charon { plugins { vti { netns = private\n" \
				   "addresses = 2001:db8:ff::6/127\n connections { V3-2 {\n" \
				   "down_action = down%s } } } } }"

/**
 * Load V3-2 as a start connection (start_action = start), the settings
 * given first.
 */
static void start_v6(const char *on_demand)
{
	vti_tunnel_t t = V6(0, 0);
	char settings[256];

	snprintf(settings, sizeof(settings), START_DOWN, on_demand);
	restart(settings);
	t.start = TRUE;
	trap_set(source, VTI_START_ID, "V3-2", &t, NULL);
	traps_settle(source);
}

/*
 * A start connection with down_action = down gets its interface, up, when
 * loaded; the CHILD_SA charon initiates joins it (no kernel operation);
 * when the CHILD_SA goes it is set down, as without the load's want;
 * unloaded, its CHILD_SA up, it is removed when the CHILD_SA goes (no
 * CHILD_SA of the connection comes back for down_action = down to keep
 * it for).
 */
START_TEST(test_start_creates_and_joins)
{
	vti_tunnel_t t = V6(1, 1);

	start_v6("");
	ck_assert_str_eq(fake->calls, CREATED_VTI6);
	ck_assert(logged("vti: V3-2: loaded to start, vti6 stands ready for its "
					 "first CHILD_SA") == 1);
	fake_backend_clear(fake);
	UP(&t);
	ck_assert_str_eq(fake->calls, "");
	DOWN("V3-2", 1);
	ck_assert_str_eq(fake->calls, "down private vti6\n");
	fake_backend_clear(fake);
	UP(&t);
	ck_assert_str_eq(fake->calls,
		"configure private vti6 mtu=1426 addrs=1 disable_xfrm=0\n"
		"up private vti6\n");
	fake_backend_clear(fake);
	trap_unload(source, VTI_START_ID);
	ck_assert_str_eq(fake->calls, "");
	DOWN("V3-2", 1);
	ck_assert_str_eq(fake->calls, "remove private vti6\n");
}
END_TEST

/*
 * on_demand = down: the start connection's interface is made down.
 */
START_TEST(test_start_on_demand_down)
{
	start_v6("\non_demand = down");
	ck_assert_str_eq(fake->calls, CREATED_VTI6_DOWN);
}
END_TEST

/*
 * Unloaded before any CHILD_SA, the interface is removed.
 */
START_TEST(test_start_unload)
{
	start_v6("");
	fake_backend_clear(fake);
	trap_unload(source, VTI_START_ID);
	ck_assert_str_eq(fake->calls, "remove private vti6\n");
	ck_assert_int_eq(vti_manager_count(manager), 0);
}
END_TEST

/*
 * down_action = delete (the default): a start connection gets no
 * interface before its first CHILD_SA, as before.
 */
START_TEST(test_start_down_action_delete)
{
	vti_tunnel_t t = V6(0, 0);

	t.start = TRUE;
	trap_set(source, VTI_START_ID, "V3-2", &t, NULL);
	traps_settle(source);
	traps_settle(source);
	ck_assert_str_eq(fake->calls, "");
}
END_TEST

Suite *ondemand_suite_create(void)
{
	Suite *s = suite_create("ondemand");
	TCase *tc;

	tc = tcase_create("trap connections");
	tcase_add_checked_fixture(tc, setup, teardown);
	/* readings every 500 ms: up to 2 s a test, check's default is 4 */
	tcase_set_timeout(tc, 15);
	tcase_add_test(tc, test_trap_creates);
	tcase_add_test(tc, test_trap_shared_by_child);
	tcase_add_test(tc, test_trap_unload_removes);
	tcase_add_test(tc, test_trap_reinstalled);
	tcase_add_test(tc, test_trap_mtu_corrected);
	tcase_add_test(tc, test_trap_refused_logged_once);
	tcase_add_test(tc, test_on_demand_no);
	tcase_add_test(tc, test_on_demand_down);
	tcase_add_test(tc, test_trap_shutdown_removes);
	suite_add_tcase(s, tc);

	tc = tcase_create("start connections");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 15);
	tcase_add_test(tc, test_start_creates_and_joins);
	tcase_add_test(tc, test_start_on_demand_down);
	tcase_add_test(tc, test_start_unload);
	tcase_add_test(tc, test_start_down_action_delete);
	suite_add_tcase(s, tc);
	return s;
}
