/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The kernel worker: the bus never waits for the kernel, changes that
 * cancel out cost nothing, link events of someone else's doing and resyncs
 * repair the table and the kernel.
 */

#include "vti_tests.h"
#include "vti_manager.h"
#include "fake_backend.h"
#include "manager_fixture.h"

#include <errno.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>
#include <collections/linked_list.h>
#include <threading/semaphore.h>
#include <crypto/crypters/crypter.h>
#include <crypto/signers/signer.h>

START_TEST(test_bus_never_waits)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5), b = peer_tunnel(2, 2, 6, 6);
	blocker_t *blocker = up_blocked_at("create vti6", &a);

	/* the worker is inside the kernel: events still return at once */
	manager->child_up(manager, &b);
	manager->child_down(manager, "c", 2, 0);
	manager->child_rekey(manager, 1, &a);
	ck_assert(!fake_backend_exists(fake, "private", "vti5", NULL));
	unblock(blocker);
	ck_assert(fake_backend_exists(fake, "private", "vti5", NULL));
}
END_TEST

START_TEST(test_cancelled_costs_nothing)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5), b = peer_tunnel(2, 2, 7, 7);
	blocker_t *blocker = up_blocked_at("create vti6", &a);

	/* an up and a down before the worker gets to them: nothing */
	manager->child_up(manager, &b);
	manager->child_down(manager, "c", 2, 0);
	unblock(blocker);
	ck_assert_msg(!strstr(fake->calls, "vti7"), "calls: %s", fake->calls);
	ck_assert_int_eq(vti_manager_count(manager), 1);
}
END_TEST

START_TEST(test_down_up_keeps_it)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5), again = peer_tunnel(2, 2, 5, 5);
	vti_tunnel_t other = peer_tunnel(3, 3, 9, 9);
	blocker_t *blocker;
	fake_link_t before, after;

	UP(&a);
	ck_assert(fake_backend_link(fake, "private", "vti5", &before));
	fake_backend_clear(fake);
	blocker = up_blocked_at("lookup", &other);
	/* down and up again of vti5 while the worker is busy elsewhere */
	manager->child_down(manager, "c", 1, 0);
	manager->child_up(manager, &again);
	unblock(blocker);
	ck_assert(!strstr(fake->calls, "vti5"));
	ck_assert(fake_backend_link(fake, "private", "vti5", &after));
	ck_assert_int_eq(after.ifindex, before.ifindex);
	ck_assert(after.up);
}
END_TEST

START_TEST(test_deleted_by_hand)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);

	UP(&a);
	ck_assert(fake_backend_watched(fake, "private"));
	ck_assert(fake_backend_del(fake, "private", "vti5"));
	ck_assert(WAIT_FOR(fake_backend_exists(fake, "private", "vti5", NULL)));
	SETTLE(manager);
	ck_assert(strstr(test_log, "vti: c: vti5 was deleted in namespace "
					 "private by hand, making it again"));
	DOWN("c", 1);
	ck_assert_int_eq(fake_backend_count(fake), 0);
}
END_TEST

START_TEST(test_set_down_by_hand)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5), rekeyed = peer_tunnel(2, 1, 5, 5);
	bool up = TRUE;

	UP(&a);
	vti5_set_down_by_hand();
	/* not fought: a rekey leaves it down */
	REKEY(1, &rekeyed);
	ck_assert(fake_backend_exists(fake, "private", "vti5", &up) && !up);
	ck_assert(fake_backend_set_up(fake, "private", "vti5", TRUE));
	ck_assert(WAIT_FOR(strstr(test_log, "vti: c: vti5 was set up again by "
							  "hand")));
}
END_TEST

/*
 * F2: a reauthentication keeps no interface an operator set down: it goes
 * now, as down_action says.
 */
START_TEST(test_set_down_no_grace)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);

	UP(&a);
	vti5_set_down_by_hand();
	manager->child_down(manager, "c", 1, 30);
	SETTLE(manager);
	ck_assert_msg(!fake_backend_exists(fake, "private", "vti5", NULL),
				  "vti5 kept for a reauthentication though set down by "
				  "hand; log: %s", test_log);
}
END_TEST

START_TEST(test_deleted_is_no_set_down)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5), other = peer_tunnel(2, 2, 6, 6);
	blocker_t *blocker;

	UP(&a);
	/* a link deleted goes down first: both events come in one batch */
	blocker = up_blocked_at("create", &other);
	ck_assert(fake_backend_set_up(fake, "private", "vti5", FALSE));
	ck_assert(fake_backend_del(fake, "private", "vti5"));
	unblock(blocker);
	ck_assert(WAIT_FOR(fake_backend_exists(fake, "private", "vti5", NULL)));
	SETTLE(manager);
	ck_assert(strstr(test_log, "vti5 was deleted in namespace private by "
					 "hand, making it again"));
	ck_assert_msg(!strstr(test_log, "vti5 was set down"), "log: %s", test_log);
}
END_TEST

START_TEST(test_deleted_apart_is_no_set_down)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);

	UP(&a);
	/* the kernel's two events 20 ms apart, as seen in the guest */
	ck_assert(fake_backend_set_up(fake, "private", "vti5", FALSE));
	usleep(20000);
	ck_assert(fake_backend_del(fake, "private", "vti5"));
	ck_assert(WAIT_FOR(strstr(test_log, "vti5 was deleted in namespace "
							  "private by hand, making it again")));
	SETTLE(manager);
	ck_assert_msg(!strstr(test_log, "vti5 was set down"), "log: %s", test_log);
}
END_TEST

START_TEST(test_set_up_again_configures)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);

	UP(&a);
	vti5_set_down_by_hand();
	SETTLE(manager);
	fake_backend_clear(fake);
	/* set up again, it is configured anew (its IPv6 addresses may have
	 * gone while it was down) */
	ck_assert(fake_backend_set_up(fake, "private", "vti5", TRUE));
	ck_assert(WAIT_FOR(strstr(fake->calls, "configure private vti5")));
	SETTLE(manager);
	ck_assert(strstr(test_log, "vti5 was set up again by hand"));
}
END_TEST

/**
 * The link renamed "mine" carries the alias that tells charon started
 * again it is not ours (rules.md §3, 3): no resync of the next run deletes
 * it as a left-over.
 */
static void survives_restart(void)
{
	fake_link_t link;

	ck_assert(fake_backend_link(fake, "private", "mine", &link));
	ck_assert_str_eq(link.alias, VTI_DISOWNED_PREFIX VTI_ALIAS_PREFIX "c");
	ck_assert(strstr(test_log, "vti: c: mine, renamed by hand in namespace "
					 "private, has the alias 'was strongswan-vti:c' now"));
	fixture_restart_charon(PRIVATE);
	RESYNC();
	ck_assert_msg(fake_backend_exists(fake, "private", "mine", NULL),
				  "charon started again deleted the link renamed by hand; "
				  "log:\n%s", test_log);
}

START_TEST(test_renamed_by_hand)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);

	UP(&a);
	ck_assert(fake_backend_set_up(fake, "private", "vti5", FALSE));
	ck_assert_int_eq(fake_backend_rename(fake, "private", "vti5", "mine"), 0);
	ck_assert(WAIT_FOR(strstr(test_log, "vti: c: vti5 was renamed by hand, "
							  "it is no longer ours")));
	SETTLE(manager);
	fake_backend_clear(fake);
	/* it keeps our alias: no resync takes it for a left-over (it did) */
	RESYNC();
	ck_assert_msg(fake_backend_exists(fake, "private", "mine", NULL),
				  "the link renamed by hand was deleted by the next resync; "
				  "log:\n%s", test_log);
	DOWN("c", 1);
	ck_assert(!strstr(fake->calls, "remove"));
	ck_assert(fake_backend_exists(fake, "private", "mine", NULL));
	survives_restart();
}
END_TEST

/**
 * vti5 (CHILD_SA 1's) set down by hand, then renamed "mine" with no
 * event, as if the socket had missed it.
 *
 * @param link		receives the link as it was before
 */
static void set_down_rename_unseen(fake_link_t *link)
{
	vti5_set_down_by_hand();
	SETTLE(manager);
	ck_assert(fake_backend_link(fake, "private", "vti5", link));
	ck_assert_int_eq(fake_backend_rename_unseen(fake, "private", "vti5",
												"mine", TRUE), 0);
}

/*
 * The same rename, its event missed (rules.md §3, 2): the resync that
 * notices it must leave the renamed link alone, then and after (the
 * kernel refuses a new vti5 beside it: same endpoints).
 */
START_TEST(test_renamed_unseen)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);
	fake_link_t link;

	UP(&a);
	set_down_rename_unseen(&link);
	RESYNC();
	ck_assert(strstr(test_log, "vti: c: vti5 is renamed in namespace private"));
	ck_assert(fake_backend_exists(fake, "private", "mine", NULL));
	RESYNC();
	ck_assert_msg(fake_backend_exists(fake, "private", "mine", NULL),
				  "the link renamed by hand was deleted by the next resync; "
				  "log:\n%s", test_log);
	DOWN("c", 1);
	ck_assert(fake_backend_exists(fake, "private", "mine", NULL));
	survives_restart();
}
END_TEST

/*
 * vti5 set down and renamed by hand, the rename's event missed, then a link
 * of someone else's named vti5 appears: its events are of another link
 * than the table's vti5 (same name, another ifindex, no alias) and change
 * nothing of ours (resync.c find_link(), M1).
 */
START_TEST(test_foreign_link_takes_name)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5), b = peer_tunnel(2, 2, 6, 6);
	fake_link_t link;

	UP(&a);
	UP(&b);
	set_down_rename_unseen(&link);
	fake_backend_clear(fake);
	test_log_clear();
	ck_assert(fake_backend_add(fake, "private", "vti5", "", TRUE) > 0);
	ck_assert(fake_backend_set_mtu(fake, "private", "vti5", 1300));
	/* events are taken in order: once vti6's is, vti5's were */
	ck_assert(fake_backend_set_up(fake, "private", "vti6", FALSE));
	ck_assert(WAIT_FOR(strstr(test_log, "vti: c: vti6 was set down by hand")));
	SETTLE(manager);
	ck_assert_str_eq(fake->calls, "");
	ck_assert_msg(!strstr(test_log, "vti5"), "log:\n%s", test_log);
}
END_TEST

/*
 * vti5's alias taken off by hand, then the link set down and renamed: the
 * rename's event carries no alias of ours, the link is still known by its
 * identity and ifindex. It is no longer ours: never deleted nor changed
 * (the review of 5250d1a: found by name or alias alone, the plugin deleted
 * "mine" when the CHILD_SA went).
 */
START_TEST(test_renamed_without_alias)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);

	UP(&a);
	ck_assert(fake_backend_set_alias(fake, "private", "vti5", ""));
	vti5_set_down_by_hand();
	ck_assert_int_eq(fake_backend_rename(fake, "private", "vti5", "mine"), 0);
	ck_assert(WAIT_FOR(strstr(test_log, "vti: c: vti5 was renamed by hand, "
							  "it is no longer ours")));
	SETTLE(manager);
	DOWN("c", 1);
	/* its alias is not ours: nothing to mark, the operator's is kept */
	ck_assert_msg(!strstr(fake->calls, "mine"), "calls:\n%s", fake->calls);
	ck_assert(fake_backend_exists(fake, "private", "mine", NULL));
}
END_TEST

/*
 * §3-14: a set-down by hand goes with the link a resync finds renamed: the
 * one made anew, set down for endpoints another VTI has, comes up once
 * they are free.
 */
START_TEST(test_renamed_unseen_held_down)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5), b = peer_tunnel(2, 2, 6, 6);
	fake_link_t link;
	vti_err_t err;

	UP(&a);
	/* renamed, then deleted, with no event: only resyncs see it */
	set_down_rename_unseen(&link);
	RESYNC();
	ck_assert_int_eq(fake->backend.remove(&fake->backend, "private",
										  link.ifindex, &err), 0);
	RESYNC();
	ck_assert(fake_backend_link(fake, "private", "vti5", &link) && link.up);
	UP(&b);
	IKE_UPDATE(1, AF_INET6, b.local, b.remote, FALSE);
	ck_assert(fake_backend_link(fake, "private", "vti5", &link) && !link.up);
	DOWN("c", 2);
	ck_assert_msg(fake_backend_link(fake, "private", "vti5", &link) &&
				  link.up, "vti5 made after the rename stays down; log:\n%s",
				  test_log);
}
END_TEST

START_TEST(test_moved_by_hand)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);
	fake_link_t link, again;

	UP(&a);
	ck_assert(fake_backend_link(fake, "private", "vti5", &link));
	ck_assert(fake_backend_move_away(fake, "private", "vti5"));
	ck_assert(WAIT_FOR(strstr(test_log, "vti: c: vti5 was moved out of its "
							  "namespace by hand, it is no longer ours, "
							  "making another")));
	SETTLE(manager);
	/* the CHILD_SA still needs one: a new link, the moved one left alone */
	ck_assert(fake_backend_link(fake, "private", "vti5", &again));
	ck_assert_int_ne(again.ifindex, link.ifindex);
	ck_assert(again.up);
	fake_backend_clear(fake);
	DOWN("c", 1);
	ck_assert(strstr(fake->calls, "remove private vti5"));
	ck_assert_int_eq(vti_manager_count(manager), 0);
}
END_TEST

START_TEST(test_resync_missing_interface)
{
	source_t *source = source_create();

	source->tunnels[source->count++] = peer_tunnel(1, 1, 5, 5);
	manager->set_source(manager, &source->public);
	test_log_level = 2;
	/* the bus never told of CHILD_SA 1 */
	RESYNC();
	ck_assert(fake_backend_exists(fake, "private", "vti5", NULL));
	ck_assert(strstr(test_log, "vti: c: resync: CHILD_SA {1} had no "
					 "interface"));
	ck_assert(strstr(test_log, "vti: resync: charon has 1 CHILD_SAs for "
					 "interfaces, the table 1 holders (0 retired, 1 IKE_SAs), "
					 "1 interfaces, 0 declined"));
	/* and it went without an event */
	source->count = 0;
	RESYNC();
	ck_assert(!fake_backend_exists(fake, "private", "vti5", NULL));
	ck_assert(strstr(test_log, "vti: resync: CHILD_SA {1} is gone"));
	source_done(source);
}
END_TEST

/**
 * vti5 is still the link of ifindex, up, with its keys 5/5 set back.
 */
static void assert_vti5_keys_back(int ifindex)
{
	fake_link_t after;

	ck_assert(fake_backend_link(fake, "private", "vti5", &after));
	ck_assert_int_eq(after.ifindex, ifindex);
	ck_assert_int_eq(after.params.ikey, 5);
	ck_assert_int_eq(after.params.okey, 5);
	ck_assert(after.up);
}

/*
 * Keys and endpoints changed behind our back (no event) are set back by
 * the next resync, same link (README, self-healing; rules.md §3, 13: no
 * test asserted it).
 */
START_TEST(test_resync_repairs_identity)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);
	vti_params_t params;
	fake_link_t link;
	vti_err_t err;

	UP(&a);
	ck_assert(fake_backend_link(fake, "private", "vti5", &link));
	params = link.params;
	params.ikey = params.okey = 9;
	ck_assert_int_eq(fake->backend.change(&fake->backend, "private",
							link.ifindex, &params, link.mtu, &err), 0);
	RESYNC();
	ck_assert(strstr(test_log, "vti: c: vti5 was changed behind our back"));
	assert_vti5_keys_back(link.ifindex);
}
END_TEST

/*
 * rules.md §3-13: keys changed by hand on a link kept down (down_action =
 * down) stay until a CHILD_SA takes it again, which sets them right in
 * place: a resync leaves an unheld link's identity alone.
 */
START_TEST(test_kept_down_identity_set_right_when_held)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5), b = peer_tunnel(2, 2, 5, 5);
	vti_params_t params;
	fake_link_t link, after;
	vti_err_t err;

	fixture_restart("charon { plugins { vti { netns = private\n"
					"down_action = down } } }");
	UP(&a);
	DOWN("c", 1);
	ck_assert(fake_backend_link(fake, "private", "vti5", &link) && !link.up);
	params = link.params;
	params.ikey = params.okey = 9;
	ck_assert_int_eq(fake->backend.change(&fake->backend, "private",
							link.ifindex, &params, link.mtu, &err), 0);
	RESYNC();
	ck_assert(fake_backend_link(fake, "private", "vti5", &after));
	ck_assert_int_eq(after.params.ikey, 9);
	UP(&b);
	assert_vti5_keys_back(link.ifindex);
}
END_TEST

START_TEST(test_resync_repairs_kernel)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5), b = peer_tunnel(2, 2, 6, 6);
	fake_link_t link;
	vti_err_t err;

	manager->child_up(manager, &a);
	UP(&b);
	ck_assert(fake_backend_link(fake, "private", "vti5", &link));
	/* changed behind our back, no event: the next resync sets it right */
	ck_assert_int_eq(fake->backend.set_mtu(&fake->backend, "private",
										   link.ifindex, 1300, &err), 0);
	ck_assert(fake_backend_link(fake, "private", "vti6", &link));
	ck_assert_int_eq(fake->backend.remove(&fake->backend, "private",
										  link.ifindex, &err), 0);
	fake_backend_add(fake, "private", "vti9", VTI_ALIAS_PREFIX "c", TRUE);
	RESYNC();
	ck_assert(fake_backend_link(fake, "private", "vti5", &link));
	ck_assert_int_eq(link.mtu, 1426);
	ck_assert(strstr(test_log, "vti: c: vti5 has mtu 1300 (set behind our "
					 "back), not 1426"));
	ck_assert(fake_backend_link(fake, "private", "vti6", &link));
	ck_assert(link.up);
	ck_assert(strstr(test_log, "vti: c: vti6 is gone in namespace private"));
	ck_assert(!fake_backend_exists(fake, "private", "vti9", NULL));
	ck_assert(strstr(test_log, "vti: c: deleted vti9 from namespace private "
					 "(left by an earlier run)"));
}
END_TEST

#define ADDRESSES "charon { plugins { vti { netns = private\n" \
				  "addresses = 10.1.0.1/30, 2001:db8:ff::6/127 } } }"

START_TEST(test_resync_restores_addresses)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);
	fake_link_t before, after;

	fixture_restart(ADDRESSES);
	UP(&a);
	ck_assert(fake_backend_link(fake, "private", "vti5", &before));
	ck_assert(fake_link_has_addr(&before, "10.1.0.1/30"));
	ck_assert(fake_link_has_addr(&before, "2001:db8:ff::6/127"));
	/* ip addr del behind our back (no event), and one of the operator's */
	ck_assert(fake_backend_del_addr(fake, "private", "vti5", "10.1.0.1/30"));
	ck_assert(fake_backend_add_addr(fake, "private", "vti5", "192.0.2.9/24"));
	fake_backend_clear(fake);
	RESYNC();
	ck_assert(fake_backend_link(fake, "private", "vti5", &after));
	ck_assert(fake_link_has_addr(&after, "10.1.0.1/30"));
	ck_assert(fake_link_has_addr(&after, "2001:db8:ff::6/127"));
	/* not made again, not set down */
	ck_assert_int_eq(after.ifindex, before.ifindex);
	ck_assert(after.up);
	ck_assert_msg(!strstr(fake->calls, "create") &&
				  !strstr(fake->calls, "remove") &&
				  !strstr(fake->calls, "down"), "calls: %s", fake->calls);
	ck_assert_msg(strstr(test_log, "vti: c: vti5 lacks 10.1.0.1/30 (removed "
						 "behind our back)"), "log: %s", test_log);
	ck_assert(!strstr(test_log, "2001:db8:ff::6/127 ("));
	/* the operator's address is left alone, and nothing differs now */
	ck_assert(fake_link_has_addr(&after, "192.0.2.9/24"));
	test_log_clear();
	fake_backend_clear(fake);
	RESYNC();
	ck_assert_str_eq(fake->calls, "");
	ck_assert_msg(!strstr(test_log, "lacks"), "log: %s", test_log);
}
END_TEST

START_TEST(test_resync_addresses_per_link)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5), b = peer_tunnel(2, 2, 6, 6);
	fake_link_t link;

	fixture_restart(ADDRESSES);
	manager->child_up(manager, &a);
	UP(&b);
	/* the same addresses on both: each link's own count */
	ck_assert(fake_backend_del_addr(fake, "private", "vti5", "10.1.0.1/30"));
	ck_assert(fake_backend_del_addr(fake, "private", "vti6",
									"2001:db8:ff::6/127"));
	/* a dump the kernel refuses: not compared this time */
	fake->fail_op = "addrs private";
	fake->fail_errno = ENOBUFS;
	RESYNC();
	ck_assert_msg(strstr(test_log, "vti: listing the addresses of namespace "
						 "private failed, not comparing them: fake: "),
				  "log: %s", test_log);
	ck_assert(!strstr(test_log, "lacks"));
	RESYNC();
	ck_assert(strstr(test_log, "vti: c: vti5 lacks 10.1.0.1/30 (removed "
					 "behind our back)"));
	ck_assert(strstr(test_log, "vti: c: vti6 lacks 2001:db8:ff::6/127 "
					 "(removed behind our back)"));
	ck_assert(!strstr(test_log, "vti5 lacks 2001:db8:ff::6/127"));
	ck_assert(!strstr(test_log, "vti6 lacks 10.1.0.1/30"));
	ck_assert(fake_backend_link(fake, "private", "vti5", &link));
	ck_assert(fake_link_has_addr(&link, "10.1.0.1/30"));
	ck_assert(fake_backend_link(fake, "private", "vti6", &link));
	ck_assert(fake_link_has_addr(&link, "2001:db8:ff::6/127"));
}
END_TEST

/*
 * An XFRM interface set down by hand whose IKE_SA MOBIKE moves from IPv6
 * to IPv4 (the soak, seed 20261130, event 364 of a long run): its MTU
 * follows the new path though it stays down, as a VTI's does (changed with
 * its endpoints). It kept 1426 where 1446 was right until set up again.
 */
START_TEST(test_held_down_mtu_follows)
{
	vti_tunnel_t t = tunnel("c", 1, 1, 0, "2001:db8:1::1", "2001:db8:3::1");
	uint8_t local[16] = { 192, 0, 2, 1 }, remote[16] = { 192, 0, 2, 2 };
	fake_link_t link;

	t.if_id_in = t.if_id_out = 42;
	UP(&t);
	ck_assert(fake_backend_link(fake, "private", "xfrm42", &link));
	ck_assert_int_eq(link.mtu, 1426);
	ck_assert(fake_backend_set_up(fake, "private", "xfrm42", FALSE));
	ck_assert(WAIT_FOR(strstr(test_log, "xfrm42 was set down by hand")));
	SETTLE(manager);
	IKE_UPDATE(1, AF_INET, local, remote, FALSE);
	ck_assert(fake_backend_link(fake, "private", "xfrm42", &link));
	ck_assert(!link.up);
	ck_assert_msg(link.mtu == 1446, "xfrm42, set down by hand, has mtu %u "
				  "after MOBIKE onto IPv4, expected 1446; log:\n%s", link.mtu,
				  test_log);
}
END_TEST

START_TEST(test_resync_held_down_addresses)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);
	fake_link_t link;

	fixture_restart(ADDRESSES);
	UP(&a);
	/* set down by hand, it keeps its IPv6 address (keep_addr_on_down, A14),
	 * which is then deleted by hand */
	vti5_set_down_by_hand();
	SETTLE(manager);
	ck_assert(fake_backend_link(fake, "private", "vti5", &link));
	ck_assert(fake_link_has_addr(&link, "2001:db8:ff::6/127"));
	ck_assert(fake_backend_del_addr(fake, "private", "vti5",
									"2001:db8:ff::6/127"));
	/* and held down: not repaired */
	fake_backend_clear(fake);
	RESYNC();
	ck_assert_str_eq(fake->calls, "");
	ck_assert_msg(!strstr(test_log, "lacks"), "log: %s", test_log);
	/* set up again, it is configured again */
	ck_assert(fake_backend_set_up(fake, "private", "vti5", TRUE));
	ck_assert(WAIT_FOR(strstr(fake->calls, "configure private vti5")));
	SETTLE(manager);
	ck_assert(fake_backend_link(fake, "private", "vti5", &link));
	ck_assert(fake_link_has_addr(&link, "2001:db8:ff::6/127"));
	test_log_clear();
	RESYNC();
	ck_assert_msg(!strstr(test_log, "lacks"), "log: %s", test_log);
}
END_TEST

/* a namespace is listed once per resync, however many interfaces it holds */
START_TEST(test_resync_lists_namespace_once)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5), b = peer_tunnel(2, 2, 6, 6);
	vti_tunnel_t c = peer_tunnel(3, 3, 7, 7);
	int before, one, three;

	UP(&a);
	before = fake_backend_lists(fake);
	RESYNC();
	one = fake_backend_lists(fake) - before;
	manager->child_up(manager, &b);
	UP(&c);
	before = fake_backend_lists(fake);
	RESYNC();
	three = fake_backend_lists(fake) - before;
	ck_assert_int_ge(one, 1);
	ck_assert_int_eq(three, one);
}
END_TEST

START_TEST(test_events_lost)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5);
	fake_link_t link;
	vti_err_t err;

	UP(&a);
	ck_assert(fake_backend_link(fake, "private", "vti5", &link));
	ck_assert_int_eq(fake->backend.remove(&fake->backend, "private",
										  link.ifindex, &err), 0);
	/* an overrun of the event socket: resync at once */
	fake_backend_overrun(fake);
	ck_assert(WAIT_FOR(fake_backend_exists(fake, "private", "vti5", NULL)));
}
END_TEST

START_TEST(test_shutdown_drains)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 5), b = peer_tunnel(2, 2, 6, 6);

	manager->child_up(manager, &a);
	manager->child_up(manager, &b);
	manager->destroy(manager);
	manager = NULL;
	ck_assert_int_eq(fake_backend_count(fake), 0);
}
END_TEST

Suite *worker_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("worker");
	tc = tcase_create("off the bus");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_stop);
	tcase_add_test(tc, test_bus_never_waits);
	tcase_add_test(tc, test_cancelled_costs_nothing);
	tcase_add_test(tc, test_down_up_keeps_it);
	tcase_add_test(tc, test_shutdown_drains);
	suite_add_tcase(s, tc);

	tc = tcase_create("self-healing");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_stop);
	tcase_add_test(tc, test_deleted_by_hand);
	tcase_add_test(tc, test_set_down_by_hand);
	tcase_add_test(tc, test_set_down_no_grace);
	tcase_add_test(tc, test_deleted_is_no_set_down);
	tcase_add_test(tc, test_deleted_apart_is_no_set_down);
	tcase_add_test(tc, test_set_up_again_configures);
	tcase_add_test(tc, test_renamed_by_hand);
	tcase_add_test(tc, test_renamed_unseen);
	tcase_add_test(tc, test_foreign_link_takes_name);
	tcase_add_test(tc, test_renamed_without_alias);
	tcase_add_test(tc, test_renamed_unseen_held_down);
	tcase_add_test(tc, test_moved_by_hand);
	tcase_add_test(tc, test_resync_missing_interface);
	tcase_add_test(tc, test_resync_repairs_kernel);
	tcase_add_test(tc, test_resync_repairs_identity);
	tcase_add_test(tc, test_kept_down_identity_set_right_when_held);
	tcase_add_test(tc, test_resync_restores_addresses);
	tcase_add_test(tc, test_resync_addresses_per_link);
	tcase_add_test(tc, test_resync_held_down_addresses);
	tcase_add_test(tc, test_held_down_mtu_follows);
	tcase_add_test(tc, test_resync_lists_namespace_once);
	tcase_add_test(tc, test_events_lost);
	suite_add_tcase(s, tc);
	return s;
}
