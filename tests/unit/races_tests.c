/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Races between the bus, the worker, resyncs, hands on the kernel and
 * charon stopping, found by an adversarial review: each test failed on the
 * code it was written against (7d8a6a1) before the fix it goes with.
 */

#include "vti_tests.h"
#include "vti_manager.h"
#include "fake_backend.h"
#include "manager_fixture.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>
#include <pthread.h>
#include <collections/linked_list.h>
#include <threading/semaphore.h>
#include <crypto/crypters/crypter.h>
#include <crypto/signers/signer.h>

/** the same CHILD_SA with AES-CBC/HMAC-SHA2-256: more ESP overhead */
static vti_tunnel_t cbc(vti_tunnel_t t)
{
	t.esp_known = vti_mtu_esp_overhead(ENCR_AES_CBC, AUTH_HMAC_SHA2_256_128,
									   &t.esp);
	return t;
}

/**
 * CHILD_SA a comes up, then a resync reads it from charon, meanwhile runs
 * between that reading and its applying; the source, for source_done().
 */
static source_t *resync_racing(vti_tunnel_t *a, void (*meanwhile)(void*))
{
	source_t *source = source_create();

	UP(a);
	source->tunnels[source->count++] = *a;
	source->meanwhile = meanwhile;
	manager->set_source(manager, &source->public);
	RESYNC();
	return source;
}

/* ---- 1. reconcile() applies a view of charon older than the bus ------- */

static vti_tunnel_t racing;

static void up_meanwhile(void *data)
{
	manager->child_up(manager, &racing);
}

/*
 * A CHILD_SA comes up (child_updown) after the resync read charon's
 * IKE_SAs: reconcile_gone() takes it for gone and deletes the interface of
 * a CHILD_SA that is installed; nothing makes it again before the next
 * resync (60 s).
 */
START_TEST(test_resync_releases_new_child)
{
	source_t *source;
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);

	racing = peer_tunnel(2, 2, 6, 6);
	source = resync_racing(&a, up_meanwhile);
	/* charon has CHILD_SA 2 installed; the bus told us so */
	ck_assert_msg(fake_backend_exists(fake, "private", "vti6", NULL),
				  "vti6 of the installed CHILD_SA {2} is missing after a "
				  "resync that raced its child_updown; log:\n%s", test_log);
	source_done(source);
}
END_TEST

static void rekey_meanwhile(void *data)
{
	manager->child_rekey(manager, 1, &racing);
}

/*
 * A CHILD_SA rekey (child_rekey 1 -> 2) after the resync read charon's
 * IKE_SAs (1 still CHILD_REKEYING, 2 not installed yet): the holder, now 2,
 * is released as gone and the dead 1 takes the interface again. charon
 * deletes the rekeyed 1 without a child_updown (child_delete.c:339), so
 * the table keeps a holder for a CHILD_SA that no longer exists; when 2 is
 * deleted (child_updown down) the manager knows no holder 2: the interface
 * stays up with no CHILD_SA until the next resync.
 */
START_TEST(test_resync_rekey_in_window)
{
	source_t *source;
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);

	racing = peer_tunnel(2, 1, 5, 5);
	source = resync_racing(&a, rekey_meanwhile);
	/* the rekeyed 1 is deleted silently; then 2 goes down */
	DOWN("c", 2);
	ck_assert_msg(!fake_backend_exists(fake, "private", "vti5", NULL),
				  "vti5 is still there after its only CHILD_SA {2} went "
				  "down (the resync gave it back to the rekeyed {1}); log:\n%s",
				  test_log);
	source_done(source);
}
END_TEST

static void down_meanwhile(void *data)
{
	manager->child_down(manager, "c", 1, 0);
}

/*
 * A CHILD_SA goes down after the resync read charon's IKE_SAs:
 * reconcile_live() finds it without holder and not declined and gives it
 * its interface again (logged "had no interface"): a tunnel interface up
 * for a dead CHILD_SA until the next resync.
 */
START_TEST(test_resync_revives_dead_child)
{
	source_t *source;
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);

	source = resync_racing(&a, down_meanwhile);
	ck_assert_msg(!fake_backend_exists(fake, "private", "vti5", NULL),
				  "vti5 is up after its only CHILD_SA {1} went down during "
				  "a resync; log:\n%s", test_log);
	source_done(source);
}
END_TEST

static void ike_rekey_meanwhile(void *data)
{
	manager->ike_rekey(manager, 1, 7);
}

/*
 * An IKE_SA rekey (#1 -> #7) after the resync read charon's IKE_SAs:
 * reconcile_live() moves the holder back to the dead #1 ("belongs to IKE_SA
 * #1"); a MOBIKE update of #7 then finds no holder and the VTI keeps the
 * old endpoints until the next resync.
 */
START_TEST(test_resync_ike_rekey_in_window)
{
	source_t *source;
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5), moved = peer_tunnel(1, 7, 5, 9);
	fake_link_t link;

	source = resync_racing(&a, ike_rekey_meanwhile);
	/* MOBIKE on the new IKE_SA: the peer is now 2001:db8:3::9 */
	IKE_UPDATE(7, AF_INET6, moved.local, moved.remote, FALSE);
	ck_assert(fake_backend_link(fake, "private", "vti5", &link));
	ck_assert_msg(!memcmp(link.params.remote, moved.remote, 16),
				  "vti5 kept its old remote after a MOBIKE update of the "
				  "rekeyed IKE_SA #7; log:\n%s", test_log);
	source_done(source);
}
END_TEST

/* ---- 2. a claim's MTU changed while the worker resolved it ------------ */

/*
 * A rekey negotiates another algorithm (vti_claims_changed() zeroes the
 * claim's MTU) while the worker is creating the interface with the MTU it
 * resolved from the old algorithm: vti_iface_remember() matches the claim
 * by seq and mtu == 0 and stores the stale MTU, so the next apply sees no
 * unresolved claim and keeps the old MTU. A resync compares the link with
 * settings.mtu only: nothing sets it right.
 */
START_TEST(test_mtu_change_during_apply_lost)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5), b = peer_tunnel(3, 3, 6, 6);
	vti_tunnel_t a2 = cbc(peer_tunnel(2, 1, 5, 5));
	vti_tunnel_t b2 = cbc(peer_tunnel(4, 3, 6, 6));
	fake_link_t racy, calm;
	blocker_t *blocker;

	/* the reference: the same rekey once the interface is made */
	UP(&b);
	REKEY(3, &b2);
	ck_assert(fake_backend_link(fake, "private", "vti6", &calm));

	blocker = up_blocked_at("create vti6", &a);
	manager->child_rekey(manager, 1, &a2);
	unblock(blocker);
	RESYNC();
	ck_assert(fake_backend_link(fake, "private", "vti5", &racy));
	ck_assert_msg(racy.mtu == calm.mtu, "vti5 has mtu %u after a rekey to "
				  "AES-CBC/SHA256 during its creation, the same rekey later "
				  "gives %u", racy.mtu, calm.mtu);
}
END_TEST

/* ---- 2b. link events during our own operation ---------------------- */

/** delete_by_hand() found vti5 and deleted it */
static bool deleted_by_hand;

static void delete_by_hand(void *data)
{
	deleted_by_hand = fake_backend_del(fake, "private", "vti5");
}

/*
 * An operator deletes vti5 (ip link del) while the worker changes its MTU
 * (a rekey to another algorithm): set_mtu fails with ENODEV, which
 * kernel_mtu() only logs, and handle_events() drops the RTM_DELLINK as one
 * of our own operation's (its ifindex is "before"): the table keeps the
 * ifindex of a link that is gone and the CHILD_SA has no interface until
 * the next resync, where the README promises "made again at once".
 */
START_TEST(test_deleted_during_own_op)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);
	vti_tunnel_t a2 = cbc(peer_tunnel(2, 1, 5, 5));

	UP(&a);
	deleted_by_hand = FALSE;
	fake_backend_pause(fake, "mtu private vti5", delete_by_hand, NULL);
	REKEY(1, &a2);
	ck_assert_msg(deleted_by_hand, "vti5 was not deleted during the MTU "
				  "change: nothing was tested; calls:\n%s", fake->calls);
	/* the worker reads the deletion after its follow-up window */
	ck_assert_msg(fake_backend_wait_exists(fake, "private", "vti5", 5000),
				  "vti5 deleted by hand during our MTU change is not made "
				  "again within 5 s; log:\n%s", test_log);
}
END_TEST

/*
 * down_action = down: the last CHILD_SA goes and the worker sets vti5
 * down, while an operator deletes it (ip link del). The deletion of the
 * link the apply left is someone else's: handle_events() forgot the
 * unused entry (destroyed it), and apply_next() then forgot it again: a
 * double free, glibc aborts charon (second review of f7bf2d0..).
 */
START_TEST(test_deleted_during_set_down)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);

	fixture_restart("charon { plugins { vti { netns = private\n"
					"down_action = down } } }");
	UP(&a);
	/* after the set-down, before the worker reads its events: it watches
	 * the namespace of the link it left next */
	fake_backend_pause(fake, "watch private", delete_by_hand, NULL);
	DOWN("c", 1);
	ck_assert(!fake_backend_exists(fake, "private", "vti5", NULL));
	/* the table forgot it, once: a new CHILD_SA makes it again */
	UP(&a);
	ck_assert(fake_backend_exists(fake, "private", "vti5", NULL));
}
END_TEST

/* ---- 2c. a resync while interfaces are queued -------------------------- */

/*
 * run() resyncs before it applies the queue; compare_known() skips queued
 * interfaces without taking their link out of the list, so adopt() takes
 * each for a left-over and logs at level 1 that it is "ours but its name is
 * taken in the table, leaving it": one false alarm per queued interface
 * (a burst at resync time).
 */
START_TEST(test_resync_with_queue_false_alarm)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5), b = peer_tunnel(3, 3, 6, 6);
	vti_tunnel_t a2 = peer_tunnel(2, 1, 5, 5);
	blocker_t *blocker;

	UP(&a);
	blocker = up_blocked_at("create vti6", &b);
	/* vti5 queued (a rekey), a resync due, behind vti6's creation */
	manager->child_rekey(manager, 1, &a2);
	manager->resync(manager);
	unblock(blocker);
	ck_assert_msg(!strstr(test_log, "is ours but its name is taken"),
				  "a resync with vti5 queued logged:\n%s", test_log);
}
END_TEST

/* ---- 3. shutdown ------------------------------------------------------- */

static void *destroy_manager(void *data)
{
	manager->destroy(manager);
	return NULL;
}

/*
 * charon stops while the worker creates an interface: release_all() looks
 * at the table, where the link has no ifindex yet (the worker commits it
 * after the kernel acked) and the interface is no longer queued, so it
 * queues nothing; the worker then commits the new link and stops with an
 * empty queue: the interface outlives charon.
 */
START_TEST(test_shutdown_during_create)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);
	blocker_t *blocker;
	pthread_t thread;

	int wakeups;

	blocker = up_blocked_at("create vti6", &a);
	wakeups = fake_backend_wakeups(fake);
	ck_assert(!pthread_create(&thread, NULL, destroy_manager, NULL));
	/* release_all() ran (it wakes the worker, with the table locked, for
	 * what it queues) or the worker was told to stop (after it) */
	ck_assert_msg(fake_backend_wait_wakeup(fake, wakeups, 5000),
				  "charon's stop did not wake the worker within 5 s");
	blocker->resume->post(blocker->resume);
	pthread_join(thread, NULL);
	manager = NULL;
	blocker_free(blocker);
	ck_assert_msg(fake_backend_count(fake) == 0, "%d interface(s) left after "
				  "charon stopped during a creation; calls:\n%s",
				  fake_backend_count(fake), fake->calls);
}
END_TEST

static pthread_t stopper;

/** stop_meanwhile() saw the stop wake the worker */
static bool stop_seen;

static void stop_meanwhile(void *data)
{
	int wakeups = fake_backend_wakeups(fake);

	ck_assert(!pthread_create(&stopper, NULL, destroy_manager, NULL));
	/* release_all() ran (it wakes the worker, with the table locked, for
	 * what it queues) or the worker was told to stop (after it) */
	stop_seen = fake_backend_wait_wakeup(fake, wakeups, 5000);
}

/*
 * charon stops while a resync reads its IKE_SAs: release_all() drops every
 * holder, then reconcile() applies the view it read before, making holders
 * and claims again (up()); the worker drains that queue, stops, and the
 * manager frees a table whose interfaces are still held: they outlive
 * charon.
 */
START_TEST(test_shutdown_during_resync)
{
	source_t *source = source_create();
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);

	UP(&a);
	source->tunnels[source->count++] = a;
	source->meanwhile = stop_meanwhile;
	stop_seen = FALSE;
	manager->set_source(manager, &source->public);
	manager->resync(manager);
	ck_assert(WAIT_FOR(source->meanwhile == NULL));
	pthread_join(stopper, NULL);
	ck_assert_msg(stop_seen, "charon's stop did not wake the worker within "
				  "5 s of the resync's reading");
	manager = NULL;
	source_done(source);
	ck_assert_msg(fake_backend_count(fake) == 0, "%d interface(s) left after "
				  "charon stopped during a resync; log:\n%s",
				  fake_backend_count(fake), test_log);
}
END_TEST

/*
 * An interface an operator set down (down_action = delete): release_all()
 * queues only interfaces that are up, so at shutdown it stays in the
 * kernel, though the README says the plugin removes what it made.
 */
START_TEST(test_shutdown_leaves_set_down)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);

	UP(&a);
	vti5_set_down_by_hand();
	manager->destroy(manager);
	manager = NULL;
	ck_assert_msg(!fake_backend_exists(fake, "private", "vti5", NULL),
				  "vti5 (set down by hand, down_action = delete) is left "
				  "after charon stopped; calls:\n%s", fake->calls);
}
END_TEST

Suite *races_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("races");
	tc = tcase_create("resync races the bus");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_stop);
	tcase_add_test(tc, test_resync_releases_new_child);
	tcase_add_test(tc, test_resync_rekey_in_window);
	tcase_add_test(tc, test_resync_revives_dead_child);
	tcase_add_test(tc, test_resync_ike_rekey_in_window);
	suite_add_tcase(s, tc);

	tc = tcase_create("worker races the bus");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_stop);
	tcase_add_test(tc, test_mtu_change_during_apply_lost);
	tcase_add_test(tc, test_deleted_during_own_op);
	tcase_add_test(tc, test_deleted_during_set_down);
	tcase_add_test(tc, test_resync_with_queue_false_alarm);
	suite_add_tcase(s, tc);

	tc = tcase_create("shutdown");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_stop);
	tcase_add_test(tc, test_shutdown_during_create);
	tcase_add_test(tc, test_shutdown_during_resync);
	tcase_add_test(tc, test_shutdown_leaves_set_down);
	suite_add_tcase(s, tc);
	return s;
}
