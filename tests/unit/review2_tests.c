/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Second review (issue 20): the kernel side. What the plugin believes about
 * its links against what Debian's Linux 6.1 reports and does, played on the
 * fake kernel (fake_backend.c models each kernel behaviour these tests need,
 * with the kernel function that does it).
 *
 * Each test played a behaviour of the kernel the plugin got wrong or no
 * test played (b49e79b); all pass since the fixes (rules.md A14, C2, K8,
 * L6).
 */

#include "vti_tests.h"
#include "vti_manager.h"
#include "fake_backend.h"
#include "manager_fixture.h"

static void setup(void)
{
	fixture_start("");
}

/** an IPv4 CHILD_SA of connection "c" with mark 5: vti5 */
#define V4(child, ike) tunnel("c", child, ike, 5, "192.0.2.1", "192.0.2.2")

/**
 * Whether vti5 exists in namespace private and is up.
 */
static bool vti5_up(void)
{
	bool up = FALSE;

	return fake_backend_exists(fake, "private", "vti5", &up) && up;
}

/*
 * 1. A namespace deleted by name (ip netns del private; with netns_create
 *    the plugin makes it again) while a process still runs in it, as one
 *    started with "ip netns exec private ..." does. The kernel keeps the
 *    namespace, and vti5 in it, as long as anything holds it
 *    (net/core/net_namespace.c: __put_net() queues cleanup_net() only at
 *    the last reference; nsproxy and every socket of a process hold one,
 *    net/core/sock.c sk_alloc() get_net_track() for !kern). vti5 stays in
 *    the tunnel table of charon's namespace, where it was created
 *    (net/ipv4/ip_tunnel.c ip_tunnel_newlink(): itn of dev_net() at
 *    creation; a netns move does not rehash it). The resync finds
 *    /run/netns/private gone (resync.c namespace_gone()), forgets vti5 and
 *    makes it again: the create in charon's namespace with the same
 *    endpoints is refused, ip_tunnel_newlink() -> ip_tunnel_find() ->
 *    -EEXIST (vti6_newlink() -> vti6_locate() and xfrmi_newlink() ->
 *    xfrmi_locate() alike), at this resync and every later one: the
 *    CHILD_SA has no interface in the new namespace for as long as the old
 *    one lives, and the old vti5 (our alias, out of reach) is never deleted.
 *    Without another holder it was the same for a while: the plugin's own
 *    fd and sockets held the namespace until they were closed at that same
 *    resync, cleanup_net() runs later on a workqueue, and the create that
 *    followed at once raced it. Now the backend deletes ours there through
 *    the sockets still open in it first (vti_nlsock.c delete_left()).
 */
START_TEST(test_netns_deleted_while_held)
{
	vti_tunnel_t a = V4(1, 1);

	fixture_restart("charon { plugins { vti { netns = private\n"
					"netns_create = yes } } }");
	UP(&a);
	ck_assert(vti5_up());

	fake_backend_netns_del_held(fake, "private");
	RESYNC();
	RESYNC();
	ck_assert_msg(vti5_up(), "vti5 not made again in the new namespace "
				  "private while the old one lives on; calls:\n%s\nlog:\n%s",
				  fake->calls, test_log);
}
END_TEST

/*
 * 2. down_action = down with an MTU below 1280 (valid: C5 refuses it only
 *    with IPv6 addresses). The netlink backend's configure() sets the MTU,
 *    then writes /proc/sys/net/ipv6/conf/vti5/keep_addr_on_down
 *    (vti_netlink.c keep_addrs()). Below IPV6_MIN_MTU the kernel has turned
 *    IPv6 off on the link and that directory is gone: net/ipv6/addrconf.c
 *    addrconf_notify() NETDEV_CHANGEMTU -> addrconf_ifdown(dev, true) ->
 *    addrconf_sysctl_unregister(). The write fails with ENOENT, configure
 *    fails, create.c undo_create() deletes vti5, and every retry does the
 *    same: the CHILD_SA never gets an interface. (A host booted with
 *    ipv6.disable=1 has no /proc/sys/net/ipv6 at all: the same for every
 *    down_action = down interface, whatever its MTU.)
 */
START_TEST(test_keep_addrs_below_ipv6_mtu)
{
	vti_tunnel_t a = V4(1, 1);

	fixture_restart("charon { plugins { vti { netns = private\n"
					"down_action = down\nmtu = 1200\n"
					"addresses = 198.51.100.6/31 } } }");
	UP(&a);
	ck_assert_msg(vti5_up(), "no vti5 with down_action = down and mtu 1200; "
				  "calls:\n%s\nlog:\n%s", fake->calls, test_log);
}
END_TEST

/*
 * 2b. The same on a host booted with ipv6.disable=1 (common on IPv4-only
 *    hosts), whatever the MTU: net/ipv6/af_inet6.c inet6_init() returns
 *    before it registers any IPv6 sysctl, so vti_nlsock.c open_in() finds
 *    no /proc/sys/net/ipv6/conf and vti_nlsock_ipv6_conf() fails with
 *    ENOENT: every down_action = down interface fails to configure and is
 *    undone, for good.
 */
START_TEST(test_keep_addrs_ipv6_disabled)
{
	vti_tunnel_t a = V4(1, 1);

	fixture_restart("charon { plugins { vti { netns = private\n"
					"down_action = down\n"
					"addresses = 198.51.100.6/31 } } }");
	fake->no_ipv6 = TRUE;
	UP(&a);
	ck_assert_msg(vti5_up(), "no vti5 with down_action = down on a host "
				  "without IPv6; calls:\n%s\nlog:\n%s", fake->calls, test_log);
}
END_TEST

/*
 * 3. mtu = auto, an IPv4 tunnel (vti) whose path MTU is small, and an IPv6
 *    address in the settings (valid: C5 checks only a fixed mtu). want.c
 *    vti_want_mtu() floors the MTU by the tunnel's family (68 for IPv4):
 *    a 1300 path gives 1300 - 20 - ESP < 1280, IPv6 is off on the link
 *    (addrconf_notify() as above) and the kernel refuses the IPv6 address:
 *    inet6_addr_add() -> addrconf_add_dev() -> ipv6_add_dev() returns
 *    -EINVAL below IPV6_MIN_MTU. configure fails, vti5 is undone, for good.
 */
START_TEST(test_auto_mtu_below_ipv6_min)
{
	vti_tunnel_t a = V4(1, 1);

	fixture_restart(PRIVATE);
	fake->path_mtu = 1300;
	UP(&a);
	ck_assert_msg(vti5_up(), "no vti5 for an IPv4 tunnel on a 1300 path "
				  "with an IPv6 address; calls:\n%s\nlog:\n%s", fake->calls,
				  test_log);
}
END_TEST

/*
 * The other floor of C2: an IPv6 tunnel with no IPv6 address (here none at
 * all) on the same path still gets 1280, as IPv6 asks of any link whose
 * outer packets PMTUD may fragment (vti_want.c vti_want_mtu()).
 */
START_TEST(test_auto_mtu_ipv6_tunnel_floor)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 2);
	fake_link_t l;

	fixture_restart("charon { plugins { vti { netns = private } } }");
	fake->path_mtu = 1300;
	UP(&a);
	ck_assert_msg(fake_backend_link(fake, "private", "vti5", &l) &&
				  l.mtu == 1280, "vti5 (vti6) on a 1300 path: mtu %u, "
				  "expected the IPv6 floor 1280; calls:\n%s", l.mtu,
				  fake->calls);
}
END_TEST

/*
 * 4. ip link set vti5 mtu 1200 by hand on a vti6 with an IPv6 address (an
 *    RTM_NEWLINK event). The kernel turns IPv6 off on it: the address goes
 *    (addrconf_notify() NETDEV_CHANGEMTU -> addrconf_ifdown(dev, true)).
 *    The event path (resync.c vti_resync_event() -> vti_resync_compare())
 *    sets the MTU back (K8; NETDEV_CHANGEMTU >= 1280 makes a new, empty
 *    inet6_dev: ipv6_add_dev()) but does not look at addresses (D2 is the
 *    resync's alone): vti5 is up without its IPv6 address until the next
 *    resync, 60 s by default.
 */
START_TEST(test_mtu_by_hand_below_ipv6_min)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 2);
	fake_link_t l;

	fixture_restart(PRIVATE);
	UP(&a);
	ck_assert(vti5_up());
	ck_assert(fake_backend_watched(fake, "private"));
	ck_assert(fake_backend_set_mtu(fake, "private", "vti5", 1200));
	ck_assert(WAIT_FOR(fake_backend_link(fake, "private", "vti5", &l) &&
					   l.mtu == 1426));
	SETTLE(manager);
	ck_assert(fake_backend_link(fake, "private", "vti5", &l));
	ck_assert_msg(fake_link_has_addr(&l, "2001:db8:ff::6/127"),
				  "vti5 has its MTU back but not its IPv6 address; "
				  "calls:\n%s\nlog:\n%s", fake->calls, test_log);
}
END_TEST

/*
 * Orders checked and handled right that no test played with the events the
 * kernel really sends (fake_backend.c now sends them).
 *
 * a. ip link del vti5 while it is up: unregister_netdevice_many() ->
 *    dev_close_many() sends RTM_NEWLINK without IFF_UP, then RTM_DELLINK,
 *    in one batch: deleted, not "set down by hand", made again (K3, K4).
 */
START_TEST(test_deleted_up_link_events)
{
	vti_tunnel_t a = V4(1, 1);

	fixture_restart("charon { plugins { vti { netns = private } } }");
	UP(&a);
	ck_assert(vti5_up());
	ck_assert(fake_backend_watched(fake, "private"));
	fake_backend_clear(fake);
	ck_assert(fake_backend_del(fake, "private", "vti5"));
	ck_assert(WAIT_FOR(fake_backend_pending(fake) == 0));
	SETTLE(manager);
	ck_assert_msg(WAIT_FOR(vti5_up()), "vti5 not made again; log:\n%s",
				  test_log);
	ck_assert(!strstr(test_log, "was set down by hand"));
}
END_TEST

/*
 * b. ip link set vti5 netns other while it is up: __dev_change_net_namespace()
 *    -> dev_close() sends RTM_NEWLINK without IFF_UP, then RTM_DELLINK with
 *    IFLA_NEW_NETNSID (rtmsg_ifinfo_newnet()): no longer ours, another vti5
 *    made, no "set down by hand" (K6).
 */
START_TEST(test_moved_up_link_events)
{
	vti_tunnel_t a = V4(1, 1);

	fixture_restart("charon { plugins { vti { netns = private } } }");
	UP(&a);
	ck_assert(vti5_up());
	ck_assert(fake_backend_move_away(fake, "private", "vti5"));
	ck_assert(WAIT_FOR(fake_backend_pending(fake) == 0));
	SETTLE(manager);
	ck_assert_msg(WAIT_FOR(vti5_up()), "vti5 not made again; log:\n%s",
				  test_log);
	ck_assert(strstr(test_log, "moved out of its namespace by hand"));
	ck_assert(!strstr(test_log, "was set down by hand"));
}
END_TEST

Suite *review2_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("review2");

	tc = tcase_create("review2 orders");
	tcase_add_checked_fixture(tc, setup, fixture_stop);
	tcase_add_test(tc, test_deleted_up_link_events);
	tcase_add_test(tc, test_moved_up_link_events);
	tcase_add_test(tc, test_auto_mtu_below_ipv6_min);
	tcase_add_test(tc, test_auto_mtu_ipv6_tunnel_floor);
	tcase_add_test(tc, test_mtu_by_hand_below_ipv6_min);
	tcase_add_test(tc, test_keep_addrs_below_ipv6_mtu);
	tcase_add_test(tc, test_keep_addrs_ipv6_disabled);
	tcase_add_test(tc, test_netns_deleted_while_held);
	suite_add_tcase(s, tc);

	return s;
}
