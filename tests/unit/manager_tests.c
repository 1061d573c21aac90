/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The manager driven through a fake kernel, in the order the bus emits
 * events: up, rekeys, make-before-break reauthentication, IKE_SA down,
 * roadwarriors sharing marks, restarts, failures.
 */

#include "vti_tests.h"
#include "vti_manager.h"
#include "fake_backend.h"
#include "manager_fixture.h"

#include <errno.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <crypto/crypters/crypter.h>
#include <crypto/signers/signer.h>

START_TEST(test_up_down)
{
	vti_tunnel_t t = V6(1, 1);

	UP(&t);
	ck_assert_str_eq(fake->calls, CREATED_VTI6);
	ck_assert(fake_backend_exists(fake, "private", "vti6", NULL));
	ck_assert(!fake_backend_exists(fake, "", "vti6", NULL));
	ck_assert_int_eq(fake->last_params.family, AF_INET6);
	ck_assert_int_eq(fake->last_params.remote[15], 2);
	ck_assert(strstr(test_log, "vti: V3-2: created vti6 vti6 (local "
			  "2001:db8:1::1 remote 2001:db8:3::2, keys 6/6) in namespace "
			  "private, mtu 1426"));
	fake_backend_clear(fake);
	DOWN("V3-2", 1);
	ck_assert_str_eq(fake->calls, "remove private vti6\n");
	ck_assert_int_eq(vti_manager_count(manager), 0);
	ck_assert_int_eq(fake_backend_count(fake), 0);
}
END_TEST

START_TEST(test_ipv4_is_vti)
{
	vti_tunnel_t t = tunnel("v4", 1, 1, 5, "192.0.2.1", "192.0.2.2");

	UP(&t);
	ck_assert_str_eq(fake->calls,
		"create vti strongswan-vti ikey=5 okey=5 alias=strongswan-vti:v4\n"
		"move private strongswan-vti vti5\n"
		"configure private vti5 mtu=1446 addrs=1 disable_xfrm=0 up\n"
		"altname private vti5 v4\n");
}
END_TEST

START_TEST(test_no_netns)
{
	vti_tunnel_t t = V6(1, 1);

	fixture_restart("charon { plugins { vti { mtu = 1500 } } }");
	UP(&t);
	ck_assert_str_eq(fake->calls,
		"create vti6 vti6 ikey=6 okey=6 alias=strongswan-vti:V3-2\n"
		"configure - vti6 mtu=1500 addrs=0 disable_xfrm=0 up\n"
		"altname - vti6 V3-2\n");
}
END_TEST

START_TEST(test_child_rekey)
{
	vti_tunnel_t t = V6(1, 1), rekeyed = V6(2, 1);

	UP(&t);
	fake_backend_clear(fake);
	/* a rekey raises child_rekey only; the old SA goes without down event */
	REKEY(1, &rekeyed);
	ck_assert_str_eq(fake->calls, "");
	DOWN("V3-2", 1);
	ck_assert_str_eq(fake->calls, "");
	DOWN("V3-2", 2);
	ck_assert_str_eq(fake->calls, "remove private vti6\n");
}
END_TEST

START_TEST(test_rekey_changes_algorithm)
{
	vti_tunnel_t t = V6(1, 1), rekeyed = V6(2, 1);

	UP(&t);
	fake_backend_clear(fake);
	vti_mtu_esp_overhead(ENCR_AES_CBC, AUTH_HMAC_SHA2_256_128, &rekeyed.esp);
	REKEY(1, &rekeyed);
	ck_assert_str_eq(fake->calls, "mtu private vti6 1406\n");
	ck_assert(strstr(test_log, "mtu of vti6 changed from 1426 to 1406"));
}
END_TEST

START_TEST(test_ike_rekey_then_down)
{
	vti_tunnel_t t = V6(1, 1);
	uint8_t local[16], remote[16];

	UP(&t);
	manager->ike_rekey(manager, 1, 7);
	SETTLE(manager);
	fake_backend_clear(fake);
	/* the children follow the new IKE_SA: its updates reach them */
	inet_pton(AF_INET6, "2001:db8:1::9", local);
	inet_pton(AF_INET6, "2001:db8:3::2", remote);
	IKE_UPDATE(1, AF_INET6, local, remote, FALSE);
	ck_assert_str_eq(fake->calls, "");
	IKE_UPDATE(7, AF_INET6, local, remote, FALSE);
	ck_assert_str_eq(fake->calls, "change private vti6 ikey=6 "
					 "local=2001:db8:1::9 remote=2001:db8:3::2 mtu=1426\n");
}
END_TEST

START_TEST(test_ike_update_only_its_children)
{
	vti_tunnel_t a = tunnel("a", 1, 1, 4, "192.0.2.1", "192.0.2.2");
	vti_tunnel_t b = tunnel("b", 2, 2, 5, "192.0.2.1", "192.0.2.3");
	vti_tunnel_t a2 = tunnel("a", 3, 1, 6, "192.0.2.1", "192.0.2.2");
	uint8_t local[16] = { 192, 0, 2, 9 }, remote[16] = { 192, 0, 2, 2 };

	/* the kernel refuses two VTIs with the same endpoints: the second one
	 * of the IKE_SA has remote "any" */
	a2.remote_any = TRUE;
	UP(&a);
	UP(&b);
	UP(&a2);
	manager->ike_rekey(manager, 1, 11);
	SETTLE(manager);
	manager->ike_rekey(manager, 2, 12);
	SETTLE(manager);
	fake_backend_clear(fake);
	IKE_UPDATE(11, AF_INET, local, remote, FALSE);
	ck_assert_str_eq(fake->calls,
		"change private vti4 ikey=4 local=192.0.2.9 remote=192.0.2.2 mtu=1446\n"
		"change private vti6 ikey=6 local=192.0.2.9 remote=0.0.0.0 mtu=1446\n");
	/* the children keep their new IKE_SA through their own rekeys */
	a2.child_id = 4;
	a2.ike_id = 11;
	REKEY(3, &a2);
	DOWN("a", 1);
	fake_backend_clear(fake);
	local[3] = 10;
	IKE_UPDATE(11, AF_INET, local, remote, FALSE);
	ck_assert_str_eq(fake->calls,
		"change private vti6 ikey=6 local=192.0.2.10 remote=0.0.0.0 mtu=1446\n");
}
END_TEST

/*
 * A5/H1: MOBIKE onto the other family: the VTI takes the new kind.
 */
START_TEST(test_ike_update_other_family)
{
	vti_tunnel_t t = V6(1, 1);
	uint8_t local[16] = { 192, 0, 2, 9 }, remote[16] = { 192, 0, 2, 2 };
	fake_link_t l;

	UP(&t);
	IKE_UPDATE(1, AF_INET, local, remote, FALSE);
	ck_assert(fake_backend_link(fake, "private", "vti6", &l));
	ck_assert_msg(l.params.kind == VTI_KIND_VTI, "vti6 is a %s; calls: %s",
				  vti_kind_name(l.params.kind), fake->calls);
	ck_assert_int_eq(l.params.family, AF_INET);
}
END_TEST

START_TEST(test_make_before_break)
{
	vti_tunnel_t old = V6(1, 1), new = V6(2, 2);

	UP(&old);
	fake_backend_clear(fake);
	/* the new IKE_SA's children come up before the old ones go down */
	UP(&new);
	ck_assert_str_eq(fake->calls, "");
	DOWN("V3-2", 1);
	ck_assert_str_eq(fake->calls, "");
	ck_assert_int_eq(vti_manager_count(manager), 1);
	DOWN("V3-2", 2);
	ck_assert_str_eq(fake->calls, "remove private vti6\n");
}
END_TEST

START_TEST(test_break_before_make)
{
	vti_tunnel_t old = V6(1, 1), new = V6(2, 2);

	UP(&old);
	DOWN("V3-2", 1);
	fake_backend_clear(fake);
	UP(&new);
	ck_assert_str_eq(fake->calls, CREATED_VTI6);
}
END_TEST

START_TEST(test_break_before_make_reauth_initiator)
{
	vti_tunnel_t old = V6(1, 1), new = V6(2, 2);

	UP(&old);
	fake_backend_clear(fake);
	/* our IKE_SA reauthenticates: its children go down first */
	manager->child_down(manager, "V3-2", 1, 30);
	SETTLE(manager);
	vti_manager_expire_graces(manager, FALSE);
	SETTLE(manager);
	ck_assert_str_eq(fake->calls, "");
	UP(&new);
	ck_assert_str_eq(fake->calls, "");
	vti_manager_expire_graces(manager, TRUE);
	SETTLE(manager);
	ck_assert_str_eq(fake->calls, "");
	DOWN("V3-2", 2);
	ck_assert_str_eq(fake->calls, "remove private vti6\n");
}
END_TEST

START_TEST(test_reauth_never_returns)
{
	vti_tunnel_t old = V6(1, 1);

	UP(&old);
	fake_backend_clear(fake);
	manager->child_down(manager, "V3-2", 1, 30);
	SETTLE(manager);
	vti_manager_expire_graces(manager, FALSE);
	SETTLE(manager);
	ck_assert_str_eq(fake->calls, "");
	vti_manager_expire_graces(manager, TRUE);
	SETTLE(manager);
	ck_assert_str_eq(fake->calls, "remove private vti6\n");
	ck_assert_int_eq(vti_manager_count(manager), 0);
}
END_TEST

START_TEST(test_ike_down_several_children)
{
	vti_tunnel_t a = V6(1, 1), b = tunnel("V3-2", 2, 1, 7, "2001:db8:1::1",
										  "2001:db8:3::3");

	UP(&a);
	UP(&b);
	ck_assert_int_eq(vti_manager_count(manager), 2);
	fake_backend_clear(fake);
	/* the bus raises child_updown(FALSE) for each child of a dying IKE_SA */
	DOWN("V3-2", 1);
	DOWN("V3-2", 2);
	ck_assert_str_eq(fake->calls, "remove private vti6\nremove private vti7\n");
	ck_assert_int_eq(fake_backend_count(fake), 0);
}
END_TEST

START_TEST(test_roadwarriors_share)
{
	vti_tunnel_t a = tunnel("rw", 1, 1, 9, "192.0.2.1", "203.0.113.5");
	vti_tunnel_t b = tunnel("rw", 2, 2, 9, "192.0.2.1", "203.0.113.6");

	a.remote_any = b.remote_any = TRUE;
	UP(&a);
	ck_assert_int_eq(fake->last_params.remote[0], 0);
	ck_assert_int_eq(fake->last_params.remote[3], 0);
	UP(&b);
	ck_assert_int_eq(vti_manager_count(manager), 1);
	fake_backend_clear(fake);
	/* one client leaving never cuts the other */
	DOWN("rw", 1);
	ck_assert_str_eq(fake->calls, "");
	DOWN("rw", 2);
	ck_assert_str_eq(fake->calls, "remove private vti9\n");
}
END_TEST

START_TEST(test_unique_marks)
{
	vti_tunnel_t a = tunnel("u", 1, 1, 1, "192.0.2.1", "192.0.2.2");
	vti_tunnel_t b = tunnel("u", 2, 2, 2, "192.0.2.1", "192.0.2.3");

	UP(&a);
	UP(&b);
	ck_assert(fake_backend_exists(fake, "private", "vti1", NULL));
	ck_assert(fake_backend_exists(fake, "private", "vti2", NULL));
}
END_TEST

START_TEST(test_same_name_other_peer)
{
	vti_tunnel_t a = tunnel("x", 1, 1, 4, "192.0.2.1", "192.0.2.2");
	vti_tunnel_t b = tunnel("x", 2, 2, 4, "192.0.2.1", "192.0.2.3");
	vti_tunnel_t c = tunnel("x", 3, 3, 4, "192.0.2.1", "192.0.2.3");

	/* the peer is back from another address while its old IKE_SA still
	 * waits for DPD: the new IKE_SA's endpoints are the ones that carry
	 * traffic, the interface follows them in place */
	UP(&a);
	fake_backend_clear(fake);
	UP(&b);
	ck_assert_str_eq(fake->calls, "change private vti4 ikey=4 "
					 "local=192.0.2.1 remote=192.0.2.3 mtu=1446\n");
	fake_backend_clear(fake);
	DOWN("x", 1);
	ck_assert_str_eq(fake->calls, "");
	DOWN("x", 2);
	ck_assert_str_eq(fake->calls, "remove private vti4\n");
	/* the new one going first gives the interface back to the old one */
	UP(&a);
	UP(&c);
	fake_backend_clear(fake);
	DOWN("x", 3);
	ck_assert_str_eq(fake->calls, "change private vti4 ikey=4 "
					 "local=192.0.2.1 remote=192.0.2.2 mtu=1446\n");
	ck_assert_int_eq(vti_manager_count(manager), 1);
}
END_TEST

START_TEST(test_foreign_interface_untouched)
{
	vti_tunnel_t t = V6(1, 1);
	bool up;

	fake_backend_add(fake, "private", "vti6", "", TRUE);
	UP(&t);
	ck_assert_str_eq(fake->calls, "");
	ck_assert(fake_backend_exists(fake, "private", "vti6", &up) && up);
	ck_assert(strstr(test_log, "vti: V3-2: interface vti6 exists in namespace "
					 "private and is not ours (no alias), leaving it alone"));
	DOWN("V3-2", 1);
	manager->destroy(manager);
	manager = NULL;
	ck_assert_str_eq(fake->calls, "");
	ck_assert(fake_backend_exists(fake, "private", "vti6", NULL));
}
END_TEST

START_TEST(test_other_connections_interface)
{
	vti_tunnel_t t = V6(1, 1);

	/* in charon's namespace the name is never used: only where it goes */
	fake_backend_add(fake, "", "vti6", VTI_ALIAS_PREFIX "other", 0);
	fake_backend_add(fake, "private", "vti6", VTI_ALIAS_PREFIX "other", 0);
	UP(&t);
	ck_assert_str_eq(fake->calls, "");
	ck_assert(strstr(test_log, "is not ours (strongswan-vti:other)"));
}
END_TEST

/*
 * A creation looks up only the name the interface ends up with: the
 * temporary name is looked at only where the kernel refuses it (a crash
 * left a link of ours under it in charon's namespace), which is then
 * deleted and the step tried again. In the private namespace such a
 * left-over is in nobody's way (test_temp_leftover_private).
 */
START_TEST(test_one_lookup_per_creation)
{
	vti_tunnel_t t = V6(1, 1);

	UP(&t);
	ck_assert_str_eq(fake->calls, CREATED_VTI6);
	ck_assert_int_eq(fake->lookups, 1);
}
END_TEST

START_TEST(test_temp_leftover_charon)
{
	vti_tunnel_t t = V6(1, 1);

	fake_backend_add(fake, "", VTI_TEMP_NAME, VTI_ALIAS_PREFIX "other", 0);
	UP(&t);
	ck_assert(strstr(test_log, "vti: V3-2: removing strongswan-vti left over "
					 "in namespace of charon"));
	ck_assert(fake_backend_exists(fake, "private", "vti6", NULL));
	ck_assert_int_eq(fake_backend_count(fake), 1);
}
END_TEST

START_TEST(test_temp_leftover_private)
{
	vti_tunnel_t t = V6(1, 1);
	bool up = FALSE;

	fake_backend_add(fake, "private", VTI_TEMP_NAME, VTI_ALIAS_PREFIX "x", 0);
	UP(&t);
	/* in nobody's way: the kernel names ours at once, nothing looked up */
	ck_assert_str_eq(fake->calls, CREATED_VTI6);
	ck_assert_int_eq(fake->lookups, 1);
	ck_assert(fake_backend_exists(fake, "private", "vti6", &up) && up);
	/* the next resync adopts the left-over and removes it (J1) */
	RESYNC();
	ck_assert(!fake_backend_exists(fake, "private", VTI_TEMP_NAME, NULL));
	ck_assert_int_eq(fake_backend_count(fake), 1);
}
END_TEST

START_TEST(test_temp_name_foreign)
{
	vti_tunnel_t t = V6(1, 1);

	fake_backend_add(fake, "", VTI_TEMP_NAME, "", TRUE);
	UP(&t);
	ck_assert(strstr(test_log, "vti: V3-2: interface strongswan-vti exists in "
					 "namespace of charon and is not ours (no alias)"));
	ck_assert(fake_backend_exists(fake, "", VTI_TEMP_NAME, NULL));
	ck_assert_int_eq(fake_backend_count(fake), 1);
}
END_TEST

START_TEST(test_leftover_replaced)
{
	vti_tunnel_t t = V6(1, 1);

	/* ours, same connection, but not in the table: a crash left it */
	fake_backend_add(fake, "private", "vti6", VTI_ALIAS_PREFIX "V3-2", 0);
	UP(&t);
	ck_assert_str_eq(fake->calls, "remove private vti6\n" CREATED_VTI6);
}
END_TEST

START_TEST(test_failure_leaves_nothing)
{
	vti_tunnel_t t = V6(1, 1);

	fake->fail_op = "configure";
	fake->fail_errno = EINVAL;
	UP(&t);
	ck_assert_str_eq(fake->calls,
		MOVED_VTI6
		"configure private vti6 mtu=1426 addrs=1 disable_xfrm=0 up\n"
		"remove private vti6\n");
	ck_assert(strstr(test_log, "vti: V3-2: configuring vti6 failed: fake: "
					 "Invalid argument"));
	ck_assert_int_eq(fake_backend_count(fake), 0);
	/* the table keeps the CHILD_SA's claim: a resync tries again */
	ck_assert_int_eq(vti_manager_count(manager), 1);
	/* and the next SA tries again */
	fake_backend_clear(fake);
	t.child_id = 2;
	UP(&t);
	ck_assert_str_eq(fake->calls, CREATED_VTI6);
}
END_TEST

START_TEST(test_move_failure)
{
	vti_tunnel_t t = V6(1, 1);

	fake->fail_op = "move";
	fake->fail_errno = ENOENT;
	UP(&t);
	ck_assert_str_eq(fake->calls,
		MOVED_VTI6
		"remove - strongswan-vti\n");
	ck_assert_int_eq(fake_backend_count(fake), 0);
}
END_TEST

START_TEST(test_down_action_down)
{
	vti_tunnel_t t = V6(1, 1), again = V6(2, 2);
	bool up;

	fixture_restart(PRIVATE_DOWN);
	UP(&t);
	fake_backend_clear(fake);
	DOWN("V3-2", 1);
	ck_assert_str_eq(fake->calls, "down private vti6\n");
	ck_assert(fake_backend_exists(fake, "private", "vti6", &up) && !up);
	fake_backend_clear(fake);
	UP(&again);
	ck_assert_str_eq(fake->calls, "configure private vti6 mtu=1426 addrs=1 "
					 "disable_xfrm=0\nup private vti6\n");
	ck_assert(fake->last_settings.keep_addrs);
	/* at shutdown it is set down, not deleted */
	fake_backend_clear(fake);
	manager->destroy(manager);
	manager = NULL;
	ck_assert_str_eq(fake->calls, "down private vti6\n");
	ck_assert(fake_backend_exists(fake, "private", "vti6", NULL));
}
END_TEST

START_TEST(test_shutdown_removes)
{
	vti_tunnel_t t = V6(1, 1);

	UP(&t);
	fake_backend_clear(fake);
	manager->destroy(manager);
	manager = NULL;
	ck_assert_str_eq(fake->calls, "remove private vti6\n");
}
END_TEST

/*
 * F7: at shutdown an interface kept for a reauthentication goes too.
 */
START_TEST(test_shutdown_ends_grace)
{
	vti_tunnel_t t = V6(1, 1);

	UP(&t);
	manager->child_down(manager, "V3-2", 1, 30);
	SETTLE(manager);
	fake_backend_clear(fake);
	manager->destroy(manager);
	manager = NULL;
	ck_assert_str_eq(fake->calls, "remove private vti6\n");
}
END_TEST

START_TEST(test_cleanup_stale)
{
	fake_backend_add(fake, "", "vti1", VTI_ALIAS_PREFIX "a", 0);
	fake_backend_add(fake, "private", "vti2", VTI_ALIAS_PREFIX "b", TRUE);
	fake_backend_add(fake, "private", "eth0", "", TRUE);
	RESYNC();
	ck_assert_str_eq(fake->calls, "remove - vti1\nremove private vti2\n");
	ck_assert(fake_backend_exists(fake, "private", "eth0", NULL));
	ck_assert(strstr(test_log, "vti: b: deleted vti2 from namespace private "
					 "(left by an earlier run)"));
}
END_TEST

START_TEST(test_cleanup_adopts_down)
{
	vti_tunnel_t t = V6(1, 1);
	bool up;

	fixture_restart(PRIVATE_DOWN);
	fake_backend_add(fake, "private", "vti6", VTI_ALIAS_PREFIX "V3-2", TRUE);
	RESYNC();
	ck_assert_str_eq(fake->calls, "down private vti6\n");
	ck_assert(fake_backend_exists(fake, "private", "vti6", &up) && !up);
	fake_backend_clear(fake);
	/* the next matching SA reuses it: same interface, new keys */
	UP(&t);
	ck_assert_str_eq(fake->calls, "change private vti6 ikey=6 "
		"local=2001:db8:1::1 remote=2001:db8:3::2 mtu=1426\n"
		"configure private vti6 mtu=1426 addrs=1 disable_xfrm=0\n"
		"up private vti6\n");
}
END_TEST

/*
 * K5: a left-over adopted at start (its identity unknown: no index of
 * tunnels holds it) renamed by hand is no longer ours: its event is found
 * by ifindex as it carries our alias; the next SA gets a new vti6.
 */
START_TEST(test_adopted_renamed_by_hand)
{
	vti_tunnel_t t = V6(1, 1);

	fixture_restart("charon { plugins { vti { netns = private\n down_action = down\n"
		  " addresses = 2001:db8:ff::6/127 } } }");
	fake_backend_add(fake, "private", "vti6", VTI_ALIAS_PREFIX "V3-2", TRUE);
	RESYNC();
	ck_assert_str_eq(fake->calls, "down private vti6\n");
	ck_assert_int_eq(fake_backend_rename(fake, "private", "vti6", "mine"), 0);
	ck_assert(WAIT_FOR(strstr(test_log, "vti: V3-2: vti6 was renamed by hand, "
							  "it is no longer ours")));
	SETTLE(manager);
	fake_backend_clear(fake);
	UP(&t);
	ck_assert_msg(!strstr(fake->calls, "mine"), "calls:\n%s", fake->calls);
	ck_assert(fake_backend_exists(fake, "private", "vti6", NULL));
}
END_TEST

/*
 * G4: a left-over is kept down only in the namespace its connection's
 * settings keep it in.
 */
START_TEST(test_cleanup_other_netns)
{
	fixture_restart("charon { plugins { vti { netns = private\n"
		  " down_action = down\n connections { o { netns = other } } } } }");
	fake_backend_add(fake, "other", "vti6", VTI_ALIAS_PREFIX "V3-2", TRUE);
	RESYNC();
	ck_assert_str_eq(fake->calls, "remove other vti6\n");
}
END_TEST

START_TEST(test_not_enabled)
{
	vti_tunnel_t t = V6(1, 1);

	fixture_restart("charon { plugins { vti { auto = no\n"
		  " connections { other { } } } } }");
	UP(&t);
	DOWN("V3-2", 1);
	ck_assert_str_eq(fake->calls, "");
}
END_TEST

START_TEST(test_reload)
{
	vti_tunnel_t t = V6(1, 1), u = V6(2, 2);

	UP(&t);
	fixture_reload("charon { plugins { vti { connections { V3-2 { "
				   "enable = no } } } } }");
	fake_backend_clear(fake);
	/* existing interfaces stay; new SAs follow the new settings */
	u.mark_in = u.mark_out = 8;
	UP(&u);
	ck_assert_str_eq(fake->calls, "");
	DOWN("V3-2", 1);
	ck_assert_str_eq(fake->calls, "remove private vti6\n");
}
END_TEST

START_TEST(test_bad_name)
{
	vti_tunnel_t t = tunnel("a-long-connection-name", 1, 1, 6, "192.0.2.1",
							"192.0.2.2");

	fixture_restart("charon { plugins { vti { name = vti-%conn } } }");
	UP(&t);
	ck_assert_str_eq(fake->calls, "");
	ck_assert(strstr(test_log, "vti: a-long-connection-name: name template "
					 "'vti-%conn' gives no valid interface name"));
}
END_TEST

START_TEST(test_path_mtu_natt)
{
	vti_tunnel_t t = tunnel("v4", 1, 1, 5, "192.0.2.1", "192.0.2.2");
	vti_tunnel_t v6 = V6(2, 2);

	fake->path_mtu = 1400;
	t.natt = TRUE;
	UP(&t);
	ck_assert_int_eq(fake->last_settings.mtu, 1338);
	/* a path too small for IPv6's minimum: the tunnel still gets 1280 */
	fake->path_mtu = 1280;
	UP(&v6);
	ck_assert_int_eq(fake->last_settings.mtu, 1280);
}
END_TEST

/**
 * A CHILD_SA of conn with if_ids.
 */
static vti_tunnel_t xfrm_tunnel(const char *conn, uint32_t child, uint32_t ike,
								uint32_t in, uint32_t out, const char *local,
								const char *remote)
{
	vti_tunnel_t t = tunnel(conn, child, ike, 0, local, remote);

	t.if_id_in = in;
	t.if_id_out = out;
	return t;
}

#define CREATED_XFRM42 \
	"create xfrm strongswan-vti if_id=42 link=3 alias=strongswan-vti:x\n" \
	"move private strongswan-vti xfrm42\n" \
	"configure private xfrm42 mtu=1426 addrs=1 disable_xfrm=1 up\n" \
	"altname private xfrm42 x\n"

START_TEST(test_xfrm_up_down)
{
	vti_tunnel_t t = xfrm_tunnel("x", 1, 1, 42, 42, "2001:db8::1",
								 "2001:db8::2");

	UP(&t);
	ck_assert_str_eq(fake->calls, CREATED_XFRM42);
	fake_backend_clear(fake);
	DOWN("x", 1);
	ck_assert_str_eq(fake->calls, "remove private xfrm42\n");
}
END_TEST

START_TEST(test_xfrm_both_families_share)
{
	vti_tunnel_t v6 = xfrm_tunnel("x", 1, 1, 42, 42, "2001:db8::1",
								  "2001:db8::2");
	vti_tunnel_t v4 = xfrm_tunnel("x", 2, 2, 42, 42, "192.0.2.1",
								  "192.0.2.2");

	UP(&v6);
	fake_backend_clear(fake);
	/* one XFRM interface carries IPv4 and IPv6, whatever the endpoints */
	UP(&v4);
	ck_assert_str_eq(fake->calls, "");
	/* the MTU is the smallest its CHILD_SAs need: IPv6's leaves */
	DOWN("x", 1);
	ck_assert_str_eq(fake->calls, "mtu private xfrm42 1446\n");
	fake_backend_clear(fake);
	DOWN("x", 2);
	ck_assert_str_eq(fake->calls, "remove private xfrm42\n");
}
END_TEST

START_TEST(test_xfrm_mark_and_if_id)
{
	vti_tunnel_t t = xfrm_tunnel("x", 1, 1, 42, 42, "2001:db8::1",
								 "2001:db8::2");

	t.mark_in = t.mark_out = 6;
	UP(&t);
	ck_assert_str_eq(fake->calls, CREATED_XFRM42);
	ck_assert(strstr(test_log, "vti: x: CHILD_SA {1} has marks and if_ids, "
					 "it gets an XFRM interface"));
}
END_TEST

START_TEST(test_xfrm_kind_vti)
{
	vti_tunnel_t t = xfrm_tunnel("x", 1, 1, 42, 42, "2001:db8::1",
								 "2001:db8::2");

	fixture_restart("charon { plugins { vti { connections { x { kind = vti } } } } }");
	t.mark_in = t.mark_out = 6;
	UP(&t);
	ck_assert(strpfx(fake->calls, "create vti6 vti6 ikey=6 okey=6"));
}
END_TEST

START_TEST(test_xfrm_kind_without_if_id)
{
	vti_tunnel_t t = V6(1, 1);

	fixture_restart("charon { plugins { vti { kind = xfrm } } }");
	UP(&t);
	ck_assert_str_eq(fake->calls, "");
	ck_assert(strstr(test_log, "has no if_ids, kind = xfrm wants them"));
}
END_TEST

/* A4: kind = vti and a CHILD_SA with if_ids but no marks: no interface */
START_TEST(test_vti_kind_without_marks)
{
	vti_tunnel_t t = xfrm_tunnel("x", 1, 1, 42, 42, "2001:db8::1",
								 "2001:db8::2");

	fixture_restart("charon { plugins { vti { kind = vti } } }");
	UP(&t);
	ck_assert_str_eq(fake->calls, "");
	ck_assert(strstr(test_log, "vti: x: CHILD_SA {1} has no marks, kind = vti "
					 "wants them: no interface"));
}
END_TEST

START_TEST(test_xfrm_unique_dir)
{
	vti_tunnel_t t = xfrm_tunnel("x", 1, 1, 7, 8, "192.0.2.1", "192.0.2.2");

	/* %unique-dir: distinct in and out ids, an interface each */
	UP(&t);
	ck_assert(fake_backend_exists(fake, "private", "xfrm7", NULL));
	ck_assert(fake_backend_exists(fake, "private", "xfrm8", NULL));
	ck_assert_int_eq(vti_manager_count(manager), 2);
	fake_backend_clear(fake);
	DOWN("x", 1);
	ck_assert_str_eq(fake->calls, "remove private xfrm7\n"
					 "remove private xfrm8\n");
}
END_TEST

START_TEST(test_xfrm_if_id_zero_unused)
{
	vti_tunnel_t t = xfrm_tunnel("x", 1, 1, 0, 5, "192.0.2.1", "192.0.2.2");

	UP(&t);
	ck_assert_int_eq(vti_manager_count(manager), 1);
	ck_assert(fake_backend_exists(fake, "private", "xfrm5", NULL));
	ck_assert(!fake_backend_exists(fake, "private", "xfrm0", NULL));
}
END_TEST

START_TEST(test_xfrm_reauth_unique)
{
	vti_tunnel_t old = xfrm_tunnel("x", 1, 1, 1, 1, "192.0.2.1", "192.0.2.2");
	vti_tunnel_t new = xfrm_tunnel("x", 2, 2, 2, 2, "192.0.2.1", "192.0.2.2");

	/* make-before-break reauth allocates new %unique if_ids: the new
	 * interface comes up before the old one goes */
	UP(&old);
	fake_backend_clear(fake);
	UP(&new);
	ck_assert(strpfx(fake->calls, "create xfrm strongswan-vti if_id=2"));
	ck_assert(fake_backend_exists(fake, "private", "xfrm1", NULL));
	fake_backend_clear(fake);
	DOWN("x", 1);
	ck_assert_str_eq(fake->calls, "remove private xfrm1\n");
	ck_assert(fake_backend_exists(fake, "private", "xfrm2", NULL));
}
END_TEST

START_TEST(test_xfrm_endpoints_ignored)
{
	vti_tunnel_t t = xfrm_tunnel("x", 1, 1, 42, 42, "192.0.2.1", "192.0.2.2");
	uint8_t local[16] = { 192, 0, 2, 9 }, remote[16] = { 192, 0, 2, 2 };

	UP(&t);
	fake_backend_clear(fake);
	IKE_UPDATE(1, AF_INET, local, remote, FALSE);
	ck_assert_str_eq(fake->calls, "");
}
END_TEST

Suite *manager_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("manager");
	tc = tcase_create("lifecycle");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_stop);
	tcase_add_test(tc, test_up_down);
	tcase_add_test(tc, test_ipv4_is_vti);
	tcase_add_test(tc, test_no_netns);
	tcase_add_test(tc, test_child_rekey);
	tcase_add_test(tc, test_rekey_changes_algorithm);
	tcase_add_test(tc, test_ike_rekey_then_down);
	tcase_add_test(tc, test_ike_update_only_its_children);
	tcase_add_test(tc, test_ike_update_other_family);
	tcase_add_test(tc, test_make_before_break);
	tcase_add_test(tc, test_break_before_make);
	tcase_add_test(tc, test_break_before_make_reauth_initiator);
	tcase_add_test(tc, test_reauth_never_returns);
	tcase_add_test(tc, test_ike_down_several_children);
	tcase_add_test(tc, test_roadwarriors_share);
	tcase_add_test(tc, test_unique_marks);
	tcase_add_test(tc, test_same_name_other_peer);
	tcase_add_test(tc, test_not_enabled);
	tcase_add_test(tc, test_reload);
	tcase_add_test(tc, test_bad_name);
	tcase_add_test(tc, test_path_mtu_natt);
	suite_add_tcase(s, tc);

	tc = tcase_create("safety");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_stop);
	tcase_add_test(tc, test_foreign_interface_untouched);
	tcase_add_test(tc, test_other_connections_interface);
	tcase_add_test(tc, test_leftover_replaced);
	tcase_add_test(tc, test_one_lookup_per_creation);
	tcase_add_test(tc, test_temp_leftover_charon);
	tcase_add_test(tc, test_temp_leftover_private);
	tcase_add_test(tc, test_temp_name_foreign);
	tcase_add_test(tc, test_failure_leaves_nothing);
	tcase_add_test(tc, test_move_failure);
	suite_add_tcase(s, tc);

	tc = tcase_create("xfrm");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_stop);
	tcase_add_test(tc, test_xfrm_up_down);
	tcase_add_test(tc, test_xfrm_both_families_share);
	tcase_add_test(tc, test_xfrm_mark_and_if_id);
	tcase_add_test(tc, test_xfrm_kind_vti);
	tcase_add_test(tc, test_xfrm_kind_without_if_id);
	tcase_add_test(tc, test_vti_kind_without_marks);
	tcase_add_test(tc, test_xfrm_unique_dir);
	tcase_add_test(tc, test_xfrm_if_id_zero_unused);
	tcase_add_test(tc, test_xfrm_reauth_unique);
	tcase_add_test(tc, test_xfrm_endpoints_ignored);
	suite_add_tcase(s, tc);

	tc = tcase_create("restarts");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_stop);
	tcase_add_test(tc, test_down_action_down);
	tcase_add_test(tc, test_shutdown_removes);
	tcase_add_test(tc, test_shutdown_ends_grace);
	tcase_add_test(tc, test_cleanup_stale);
	tcase_add_test(tc, test_cleanup_adopts_down);
	tcase_add_test(tc, test_adopted_renamed_by_hand);
	tcase_add_test(tc, test_cleanup_other_netns);
	suite_add_tcase(s, tc);
	return s;
}
