/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Findings of the third adversarial review (issue 18 deliverable 4, issue
 * 20): the listener and the manager against orders strongSwan 5.9.8 emits
 * on charon's bus (src/libcharon, line numbers of 5.9.8), driven as
 * lifecycle_tests.c does: the real listener over the real manager and the
 * fake kernel, with fake IKE_SAs and CHILD_SAs.
 *
 * Each test played an order the plugin got wrong or no test played
 * (7503996); all pass since the fixes in vti_listener.c (rules.md F1, I6).
 */

#include "vti_tests.h"
#include "vti_manager.h"
#include "vti_listener.h"
#include "fake_backend.h"
#include "manager_fixture.h"
#include "fake_sa.h"

#include <collections/array.h>
#include <sa/task.h>
#include <daemon.h>

/**
 * A CHILD_SA with the SPIs charon pairs a rekeyed CHILD_SA with its
 * replacement by (child_rekey.c:294-296 set_rekey_spi()).
 */
typedef struct {
	/** the fake_sa.h CHILD_SA, first */
	fake_child_sa_t fake;
	/** inbound and outbound SPI */
	uint32_t spi_in, spi_out;
	/** outbound SPI of the CHILD_SA that replaced it, 0 if none */
	uint32_t rekey_spi;
} review_child_t;

/**
 * An IKE_SA that knows its CHILD_SAs and its active tasks.
 */
typedef struct {
	/** the fake_sa.h IKE_SA, first */
	fake_ike_sa_t fake;
	/** child_sa_t*, as ike_sa.c keeps them */
	array_t *children;
	/** task_t* of the active queue */
	array_t *active;
} review_ike_t;

/**
 * A task of a type, for the active queue.
 */
typedef struct {
	/** the task */
	task_t public;
	/** its type */
	task_type_t type;
} review_task_t;

static fake_ike_cfg_t ike_cfg;
static fake_child_cfg_t child_cfg;
static fake_proposal_t proposal;
static vti_listener_t *listener;

#define L (&listener->listener)

static uint32_t child_get_spi(child_sa_t *this, bool inbound)
{
	review_child_t *child = (review_child_t*)this;

	return inbound ? child->spi_in : child->spi_out;
}

static uint32_t child_get_rekey_spi(child_sa_t *this)
{
	return ((review_child_t*)this)->rekey_spi;
}

static protocol_id_t child_get_protocol(child_sa_t *this)
{
	return PROTO_ESP;
}

/**
 * A tunnel-mode CHILD_SA of conn "c" with mark both ways and SPIs made of
 * its unique id.
 */
static void init_child(review_child_t *c, uint32_t unique, uint32_t mark)
{
	fake_child_init(&c->fake, unique, mark, 0, &child_cfg, &proposal);
	c->fake.public.get_spi = child_get_spi;
	c->fake.public.get_rekey_spi = child_get_rekey_spi;
	c->fake.public.get_protocol = child_get_protocol;
	c->spi_in = 0xc0000000 | unique;
	c->spi_out = 0xd0000000 | unique;
	c->rekey_spi = 0;
}

static enumerator_t *ike_create_child_sa_enumerator(ike_sa_t *this)
{
	return array_create_enumerator(((review_ike_t*)this)->children);
}

static enumerator_t *ike_create_task_enumerator(ike_sa_t *this,
												task_queue_t queue)
{
	review_ike_t *ike = (review_ike_t*)this;

	if (queue == TASK_QUEUE_ACTIVE)
	{
		return array_create_enumerator(ike->active);
	}
	return enumerator_create_empty();
}

static child_sa_t *ike_get_child_sa(ike_sa_t *this, protocol_id_t protocol,
									uint32_t spi, bool inbound)
{
	review_ike_t *ike = (review_ike_t*)this;
	child_sa_t *child;
	int i;

	for (i = 0; i < array_count(ike->children); i++)
	{
		array_get(ike->children, i, &child);
		if (child->get_spi(child, inbound) == spi)
		{
			return child;
		}
	}
	return NULL;
}

static int ike_get_child_count(ike_sa_t *this)
{
	return array_count(((review_ike_t*)this)->children);
}

static void init_ike(review_ike_t *i, uint32_t unique)
{
	fake_ike_init(&i->fake, "c", unique, "2001:db8:1::1", "2001:db8:3::5",
				  &ike_cfg);
	i->fake.public.create_child_sa_enumerator = ike_create_child_sa_enumerator;
	i->fake.public.create_task_enumerator = ike_create_task_enumerator;
	i->fake.public.get_child_sa = ike_get_child_sa;
	i->fake.public.get_child_count = ike_get_child_count;
	i->children = array_create(0, 0);
	i->active = array_create(0, 0);
}

static void free_ike(review_ike_t *i)
{
	array_destroy(i->children);
	array_destroy(i->active);
	fake_ike_free(&i->fake);
}

static void add_child(review_ike_t *i, review_child_t *c)
{
	array_insert(i->children, ARRAY_TAIL, &c->fake.public);
}

/**
 * Remove a CHILD_SA from its IKE_SA, as destroy_child_sa() does.
 */
static void remove_child(review_ike_t *i, review_child_t *c)
{
	child_sa_t *child;
	int n;

	for (n = 0; n < array_count(i->children); n++)
	{
		array_get(i->children, n, &child);
		if (child == &c->fake.public)
		{
			array_remove(i->children, n, NULL);
			return;
		}
	}
}

static task_type_t task_get_type(task_t *this)
{
	return ((review_task_t*)this)->type;
}

/**
 * Whether vti6 (mark 6) is in the private namespace and up.
 */
static bool vti6_up(void)
{
	bool up = FALSE;

	return fake_backend_exists(fake, "private", "vti6", &up) && up;
}

/**
 * CHILD_SA c of IKE_SA i comes up (child_updown): vti6 is up.
 */
static void child_up(review_ike_t *i, review_child_t *c)
{
	add_child(i, c);
	ck_assert(L->child_updown(L, &i->fake.public, &c->fake.public, TRUE));
	SETTLE(manager);
	ck_assert(vti6_up());
}

/**
 * vti6 is gone, within 2 s; why it should be, if not.
 */
static void assert_vti6_gone(const char *why)
{
	ck_assert_msg(WAIT_FOR(!fake_backend_exists(fake, "private", "vti6", NULL)),
				  "%s; log:\n%s", why, test_log);
}

/**
 * charon's IKE_SA manager as a resync reads it (vti_listener.c
 * create_tunnel_enumerator()): the IKE_SAs a test gives it.
 */
typedef struct {
	/** the interface, only create_enumerator() */
	ike_sa_manager_t public;
	/** ike_sa_t* */
	array_t *ike_sas;
} review_ike_sa_manager_t;

static enumerator_t *ike_sa_manager_create_enumerator(ike_sa_manager_t *this,
													  bool wait)
{
	return array_create_enumerator(
						((review_ike_sa_manager_t*)this)->ike_sas);
}

static review_ike_sa_manager_t ike_sa_manager = {
	.public = { .create_enumerator = ike_sa_manager_create_enumerator },
};

/**
 * The real listener over the fixture's manager; its resync source reads
 * ike_sa_manager's IKE_SAs (none until a test adds its own), or is taken
 * away again.
 */
static void start_listener(bool with_source)
{
	fixture_start(PRIVATE);
	fake_ike_cfg_init(&ike_cfg, "2001:db8:3::5");
	fake_child_cfg_init(&child_cfg);
	fake_proposal_init(&proposal, ENCR_AES_GCM_ICV16, 0);
	if (with_source)
	{
		ike_sa_manager.ike_sas = array_create(0, 0);
		charon->ike_sa_manager = &ike_sa_manager.public;
	}
	listener = vti_listener_create(manager);
	if (!with_source)
	{
		manager->set_source(manager, NULL);
	}
}

static void setup_listener(void)
{
	start_listener(FALSE);
}

static void setup_listener_source(void)
{
	start_listener(TRUE);
}

static void teardown_listener(void)
{
	lib->settings->set_bool(lib->settings, "%s.make_before_break", FALSE,
							lib->ns);
	if (listener)
	{
		/* destroys the manager too */
		listener->destroy(listener);
		listener = NULL;
		manager = NULL;
	}
	fixture_stop();
	if (charon->ike_sa_manager)
	{
		charon->ike_sa_manager = NULL;
		array_destroy(ike_sa_manager.ike_sas);
	}
}

/* ---- 1. a rekey whose initiator fails after we answered it ------------- */

/*
 * The peer rekeys CHILD_SA 5; we answer: child_rekey.c:248-301 build_r()
 * sets 5 CHILD_REKEYED, set_rekey_spi(7's outbound SPI) and raises
 * child_rekey(5, 7). 5 keeps its inbound and outbound SAs (the responder
 * swaps the outbound SA only when 5 is deleted, child_delete.c:349
 * install_outbound()). The peer then fails to install 7
 * (child_create.c:1905-1917 select_and_install() != SUCCESS, or the
 * KE/IPComp/label failures above it): delete_failed_sa() sends a DELETE
 * for 7, and child_rekey.c:432-437 (process_i(), NEED_MORE) keeps 5, which
 * schedule_delayed_rekey() sets back to CHILD_INSTALLED on its side and
 * rekeys again 10-15 s later. Here child_delete.c:287-296 finds 7
 * CHILD_INSTALLED, not redundant: destroy_and_reestablish() sets it
 * CHILD_DELETED and raises child_updown(7, FALSE) (child_delete.c:341).
 * 5 still carries the traffic, both ways. Before the fix (7503996) the
 * manager released the holder that followed 7 (vti6 deleted) and dropped
 * the peer's second rekey, child_rekey(5, 9) (child_rekey.c:131-156
 * find_child() accepts 5): no interface until a resync. Now 7's down event
 * hands the interface back to 5 (vti_listener.c rekey_undone()).
 */
START_TEST(test_rekey_failed_by_initiator)
{
	review_child_t c5, c7, c9;
	review_ike_t ike;

	init_ike(&ike, 3);
	init_child(&c5, 5, 6);
	init_child(&c7, 7, 6);
	init_child(&c9, 9, 6);
	child_up(&ike, &c5);

	/* build_r(): 7 installed, 5 CHILD_REKEYED, paired with 7 */
	add_child(&ike, &c7);
	c5.fake.state = CHILD_REKEYED;
	c5.rekey_spi = c7.spi_out;
	ck_assert(L->child_rekey(L, &ike.fake.public, &c5.fake.public,
							 &c7.fake.public));
	SETTLE(manager);
	ck_assert(vti6_up());

	/* the peer's DELETE for 7 (its install failed) */
	c7.fake.state = CHILD_DELETED;
	ck_assert(L->child_updown(L, &ike.fake.public, &c7.fake.public, FALSE));
	remove_child(&ike, &c7);
	SETTLE(manager);
	ck_assert_msg(vti6_up(), "vti6 is gone after the peer deleted the "
				  "CHILD_SA {7} of its failed rekey, while the rekeyed {5} "
				  "still carries the traffic; log:\n%s", test_log);

	/* the peer's second rekey of 5 succeeds */
	add_child(&ike, &c9);
	c5.rekey_spi = c9.spi_out;
	ck_assert(L->child_rekey(L, &ike.fake.public, &c5.fake.public,
							 &c9.fake.public));
	SETTLE(manager);
	ck_assert_msg(vti6_up(), "CHILD_SA {9}, the second rekey of {5}, has "
				  "no vti6; log:\n%s", test_log);

	/* 5 goes without an event (CHILD_REKEYED); 9 goes: vti6 with it */
	remove_child(&ike, &c5);
	c9.fake.state = CHILD_DELETED;
	ck_assert(L->child_updown(L, &ike.fake.public, &c9.fake.public, FALSE));
	SETTLE(manager);
	assert_vti6_gone("vti6 outlives CHILD_SA {9}");
	free_ike(&ike);
}
END_TEST

/*
 * The same failed rekey, then a resync: charon lists 5 CHILD_REKEYED, its
 * pair 7 gone. A resync that took only installed CHILD_SAs for live would
 * release the interface 5 took back ("CHILD_SA {5} is gone").
 */
START_TEST(test_rekey_failed_by_initiator_resync)
{
	review_child_t c5, c7;
	review_ike_t ike;

	init_ike(&ike, 3);
	init_child(&c5, 5, 6);
	init_child(&c7, 7, 6);
	array_insert(ike_sa_manager.ike_sas, ARRAY_TAIL, &ike.fake.public);
	add_child(&ike, &c5);
	ck_assert(L->child_updown(L, &ike.fake.public, &c5.fake.public, TRUE));
	add_child(&ike, &c7);
	c5.fake.state = CHILD_REKEYED;
	c5.rekey_spi = c7.spi_out;
	ck_assert(L->child_rekey(L, &ike.fake.public, &c5.fake.public,
							 &c7.fake.public));
	c7.fake.state = CHILD_DELETED;
	ck_assert(L->child_updown(L, &ike.fake.public, &c7.fake.public, FALSE));
	remove_child(&ike, &c7);
	SETTLE(manager);
	ck_assert(vti6_up());

	RESYNC();
	ck_assert_msg(vti6_up(), "a resync took vti6 from the rekeyed CHILD_SA "
				  "{5} whose replacement {7} is gone; log:\n%s", test_log);
	free_ike(&ike);
}
END_TEST

/* ---- 2. reauthentication grace: what charon really recreates ---------- */

/*
 * Break-before-make: reauth() (ike_sa.c:1979) sets COND_REAUTHENTICATING
 * and queues the ike_reauth task; another exchange is active (a CHILD_SA
 * rekey, a DPD), so it waits in the queue. The peer deletes the IKE_SA
 * meanwhile (its shutdown): ike_delete.c:150-164 process_r() sets
 * IKE_DELETING and, the condition being set, does not reestablish();
 * build_r() (ike_delete.c:205-224) raises ike_updown(FALSE) and reestablishes
 * only if is_reauthenticating(), i.e. an ike_reauth task is *active*
 * (ike_delete.c:181-203): it is not, so nothing recreates the CHILD_SAs
 * and the IKE_SA is destroyed. bus.c:836 child_updown(5, FALSE): before
 * the fix (7503996) recreated() saw the condition, CHILD_INSTALLED,
 * make_before_break = no and gave the grace: vti6 stayed up 30 s for a
 * CHILD_SA nothing would bring (a route over it black-holed instead of
 * failing over). It now asks whether an ike_reauth task is active.
 */
START_TEST(test_bbm_peer_delete_reauth_queued)
{
	review_child_t c5;
	review_ike_t ike;

	init_ike(&ike, 3);
	init_child(&c5, 5, 6);
	child_up(&ike, &c5);

	/* reauth() queued, not active; the peer's DELETE */
	ike.fake.conditions = COND_REAUTHENTICATING;
	ike.fake.state = IKE_DELETING;
	ck_assert(L->child_updown(L, &ike.fake.public, &c5.fake.public, FALSE));
	SETTLE(manager);
	assert_vti6_gone("vti6 is kept for a reauthentication charon abandoned "
					 "(the peer deleted the IKE_SA while the ike_reauth task "
					 "was queued)");
	ck_assert_msg(!strstr(test_log, "keeping vti6 up"), "log:\n%s", test_log);
	free_ike(&ike);
}
END_TEST

/*
 * make_before_break is read by task_manager_v2.c:2638 when an IKE_SA's task
 * manager is made, and was read by vti_listener.c recreated() at each
 * child_updown before the fix (7503996; now it asks for the task).
 * Settings reloaded from no to yes (swanctl --reload-settings): an IKE_SA
 * made before still reauthenticates break-before-make
 * (task_manager_v2.c:2269-2273 queue_ike_reauth(): ike_reauth task);
 * ike_reauth.c:52-66 process_i() -> ike_delete process_i() ->
 * ike_delete.c:87 ike_updown(FALSE) -> bus.c:836 child_updown(5, FALSE),
 * with IKE_DELETING, the ike_reauth task active; then reestablish() brings
 * the CHILD_SA back on a new IKE_SA. Reading yes, recreated() gave no
 * grace: vti6 was deleted and made again a moment later (routes on it
 * lost; with %unique marks it came back under another name).
 */
START_TEST(test_bbm_after_reload_to_mbb)
{
	review_task_t reauth = {
		.public = { .get_type = task_get_type },
		.type = TASK_IKE_REAUTH,
	};
	review_child_t c5, c9;
	review_ike_t ike, ike2;

	init_ike(&ike, 3);
	init_ike(&ike2, 7);
	init_child(&c5, 5, 6);
	init_child(&c9, 9, 6);
	child_up(&ike, &c5);

	lib->settings->set_bool(lib->settings, "%s.make_before_break", TRUE,
							lib->ns);
	ike.fake.conditions = COND_REAUTHENTICATING;
	ike.fake.state = IKE_DELETING;
	array_insert(ike.active, ARRAY_TAIL, &reauth.public);
	ck_assert(L->child_updown(L, &ike.fake.public, &c5.fake.public, FALSE));
	SETTLE(manager);
	ck_assert_msg(vti6_up(), "vti6 was released at a break-before-make "
				  "reauthentication (ike_reauth task active) because the "
				  "reloaded settings say make_before_break = yes; log:\n%s",
				  test_log);

	child_up(&ike2, &c9);
	free_ike(&ike);
	free_ike(&ike2);
}
END_TEST

/* ---- orders checked: handled right, asserted nowhere else -------------- */

/*
 * The neighbour of test_rekey_failed_by_initiator that a fix must keep: we
 * answered the peer's rekey of 5 (child_rekey(5, 7), 5 CHILD_REKEYED and
 * paired with 7 by its rekey SPI), and the IKE_SA goes down before the
 * peer deleted 5 (DPD, retransmit timeout: ike_sa.c:2518, or the peer's
 * IKE delete, ike_delete.c:212): bus.c:833-834 skips 5 (CHILD_REKEYED) and
 * raises child_updown(7, FALSE) with 7 CHILD_INSTALLED. Nothing carries
 * on: vti6 goes.
 */
START_TEST(test_rekeyed_then_ike_down)
{
	review_child_t c5, c7;
	review_ike_t ike;

	init_ike(&ike, 3);
	init_child(&c5, 5, 6);
	init_child(&c7, 7, 6);
	add_child(&ike, &c5);
	ck_assert(L->child_updown(L, &ike.fake.public, &c5.fake.public, TRUE));
	add_child(&ike, &c7);
	c5.fake.state = CHILD_REKEYED;
	c5.rekey_spi = c7.spi_out;
	ck_assert(L->child_rekey(L, &ike.fake.public, &c5.fake.public,
							 &c7.fake.public));
	SETTLE(manager);
	ck_assert(vti6_up());

	ike.fake.state = IKE_DELETING;
	ck_assert(L->child_updown(L, &ike.fake.public, &c7.fake.public, FALSE));
	SETTLE(manager);
	assert_vti6_gone("vti6 outlives its IKE_SA");
	free_ike(&ike);
}
END_TEST

/*
 * DPD (or any retransmit timeout) while we rekey 5: child_rekey.c:232 left
 * 5 CHILD_REKEYING, the new CHILD_SA is not installed yet. ike_sa.c:2511-
 * 2519 retransmit(): reestablish() (dpd_action = restart: a new IKE_SA,
 * its CHILD_SA later), then ike_updown(FALSE) -> bus.c:836
 * child_updown(5, FALSE), 5 still CHILD_REKEYING, no COND_REAUTHENTICATING:
 * no grace, vti6 goes at once (the peer is dead, routing must learn); the
 * reestablished CHILD_SA {9} of IKE_SA #7 makes it again.
 */
START_TEST(test_dpd_timeout_during_rekey)
{
	review_child_t c5, c9;
	review_ike_t ike, ike2;

	init_ike(&ike, 3);
	init_ike(&ike2, 7);
	init_child(&c5, 5, 6);
	init_child(&c9, 9, 6);
	child_up(&ike, &c5);

	c5.fake.state = CHILD_REKEYING;
	ck_assert(L->child_updown(L, &ike.fake.public, &c5.fake.public, FALSE));
	SETTLE(manager);
	assert_vti6_gone("vti6 kept after the peer was declared dead");
	ck_assert(!strstr(test_log, "keeping vti6 up"));

	child_up(&ike2, &c9);
	free_ike(&ike);
	free_ike(&ike2);
}
END_TEST

Suite *review_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("review");

	tc = tcase_create("review orders");
	tcase_add_checked_fixture(tc, setup_listener, teardown_listener);
	tcase_add_test(tc, test_rekeyed_then_ike_down);
	tcase_add_test(tc, test_dpd_timeout_during_rekey);
	tcase_add_test(tc, test_rekey_failed_by_initiator);
	tcase_add_test(tc, test_bbm_peer_delete_reauth_queued);
	tcase_add_test(tc, test_bbm_after_reload_to_mbb);
	suite_add_tcase(s, tc);

	tc = tcase_create("review orders, resync");
	tcase_add_checked_fixture(tc, setup_listener_source, teardown_listener);
	tcase_add_test(tc, test_rekey_failed_by_initiator_resync);
	suite_add_tcase(s, tc);

	return s;
}
