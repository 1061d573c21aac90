/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Settings reloaded while interfaces exist, interfaces kept down
 * (down_action = down) or adopted at start and then reused, a namespace
 * deleted by hand: found by a third review, each test failed before its
 * fix (on 860cb80).
 */

#define _GNU_SOURCE
#include "vti_tests.h"
#include "sandbox.h"
#include "manager_fixture.h"

#include "vti_netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>

static void setup(void)
{
	fixture_start("charon { plugins { vti { netns = private } } }");
}

static vti_tunnel_t xfrm_tunnel(uint32_t child, uint32_t ike, uint32_t if_id)
{
	vti_tunnel_t t = tunnel("x", child, ike, 0, "2001:db8::1", "2001:db8::2");

	t.if_id_in = t.if_id_out = if_id;
	return t;
}

/**
 * Links of the fake kernel that are XFRM interfaces with if_id; *up counts
 * those that are up, *desc lists them ("NETNS/NAME up|down ...").
 */
static int xfrm_links(uint32_t if_id, int *up, char *desc, size_t len)
{
	fake_link_t links[64];
	int i, n, count = 0;
	size_t off = 0;

	*up = 0;
	desc[0] = '\0';
	n = fake_backend_links(fake, links, 64);
	for (i = 0; i < n && i < 64; i++)
	{
		if (links[i].has_params && links[i].params.kind == VTI_KIND_XFRM &&
			links[i].params.if_id == if_id)
		{
			count++;
			*up += links[i].up;
			off += snprintf(desc + off, off < len ? len - off : 0,
							"%s/%s %s ", links[i].netns, links[i].name,
							links[i].up ? "up" : "down");
		}
	}
	return count;
}

#define ASSERT_ONE_XFRM_UP(if_id) do { \
	char _desc[512]; int _up, _n = xfrm_links(if_id, &_up, _desc, \
											  sizeof(_desc)); \
	ck_assert_msg(_n == 1 && _up == 1, "want one xfrm interface with if_id " \
				  "%u, up; the kernel has %d (%d up): %s", if_id, _n, _up, \
				  _desc); } while (0)

/*
 * (a) A name template changed by a reload, down_action = down: the XFRM
 * interface kept down under the old name is never reused (the table finds
 * XFRM interfaces by name only), and the kernel refuses a second one with
 * the same if_id: the connection gets no interface again, resyncs or not.
 */
START_TEST(test_reload_name_kept_xfrm)
{
	vti_tunnel_t a = xfrm_tunnel(1, 1, 42), b = xfrm_tunnel(2, 2, 42);

	fixture_restart("charon { plugins { vti { netns = private\n"
					"down_action = down } } }");
	UP(&a);
	ASSERT_ONE_XFRM_UP(42);
	fixture_reload("charon { plugins { vti { netns = private\ndown_action = down\n"
		   "name = tun%id } } }");
	DOWN("x", 1);
	UP(&b);
	RESYNC();
	ASSERT_ONE_XFRM_UP(42);
}
END_TEST

/*
 * (a) Likewise with netns changed by a reload.
 */
START_TEST(test_reload_netns_kept_xfrm)
{
	vti_tunnel_t a = xfrm_tunnel(1, 1, 42), b = xfrm_tunnel(2, 2, 42);

	fixture_restart("charon { plugins { vti { netns = private\n"
					"down_action = down } } }");
	UP(&a);
	fixture_reload("charon { plugins { vti { netns = other\n"
		   "down_action = down } } }");
	DOWN("x", 1);
	UP(&b);
	RESYNC();
	ASSERT_ONE_XFRM_UP(42);
}
END_TEST

/*
 * (a) down_action = delete (the default): the name changed by a reload, a
 * make-before-break reauthentication's new CHILD_SA wants the new name,
 * the kernel refuses it (same if_id as the old, still up); the old goes:
 * the tunnel has no interface until the next resync (60 s by default).
 */
START_TEST(test_reload_name_reauth_xfrm)
{
	vti_tunnel_t a = xfrm_tunnel(1, 1, 42), b = xfrm_tunnel(2, 2, 42);

	UP(&a);
	fixture_reload("charon { plugins { vti { netns = private\nname = tun%id } } }");
	UP(&b);
	DOWN("x", 1);
	ASSERT_ONE_XFRM_UP(42);
}
END_TEST

/*
 * (c) An XFRM interface kept down by an earlier run (down_action = down),
 * adopted at start; the name template changed meanwhile: the CHILD_SA with
 * its if_id gets no interface, ever (the adopted one is never reused nor
 * removed, the new one clashes with it).
 */
START_TEST(test_adopted_kept_xfrm_other_name)
{
	vti_params_t params = { .kind = VTI_KIND_XFRM, .if_id = 42 };
	vti_tunnel_t a = xfrm_tunnel(1, 1, 42);
	vti_err_t err = {};
	int ifindex;

	fixture_restart("charon { plugins { vti { netns = private\n"
					"down_action = down\nname = tun%id } } }");
	/* what the earlier run (name = xfrm%id) left, down */
	ifindex = fake->backend.create(&fake->backend, "strongswan-vti", &params,
								   VTI_ALIAS_PREFIX "x", &err);
	ck_assert_int_gt(ifindex, 0);
	ifindex = fake->backend.move(&fake->backend, ifindex, "xfrm42",
								 "private", &err);
	ck_assert_int_gt(ifindex, 0);
	RESYNC();
	ck_assert(strstr(test_log, "found xfrm42 in namespace private, left by "
					 "an earlier run (down_action = down)"));
	UP(&a);
	RESYNC();
	ASSERT_ONE_XFRM_UP(42);
}
END_TEST

static bool has_addr(const fake_link_t *link, const char *addr)
{
	vti_prefix_t prefix = { .family = strchr(addr, ':') ? AF_INET6 : AF_INET };
	int i;

	inet_pton(prefix.family, addr, prefix.addr);
	for (i = 0; i < link->n_addrs; i++)
	{
		if (link->addrs[i].family == prefix.family &&
			!memcmp(link->addrs[i].addr, prefix.addr, sizeof(prefix.addr)))
		{
			return TRUE;
		}
	}
	return FALSE;
}

/*
 * (a)/(c) down_action = down, an address taken out of the settings by a
 * reload: the kept interface is reused "with today's settings" (its new
 * address is added) but the one the plugin put there before stays, for
 * good: no resync removes it (taken for an operator's).
 */
START_TEST(test_reload_address_removed_kept)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 2), b = peer_tunnel(2, 2, 5, 2);
	fake_link_t link;

	fixture_restart("charon { plugins { vti { netns = private\n"
					"down_action = down\naddresses = 10.1.0.1/30 } } }");
	UP(&a);
	ck_assert(fake_backend_link(fake, "private", "vti5", &link));
	ck_assert(has_addr(&link, "10.1.0.1"));
	DOWN("c", 1);
	fixture_reload("charon { plugins { vti { netns = private\ndown_action = down\n"
		   "addresses = 10.2.0.1/30 } } }");
	UP(&b);
	RESYNC();
	ck_assert(fake_backend_link(fake, "private", "vti5", &link));
	ck_assert(link.up);
	ck_assert(has_addr(&link, "10.2.0.1"));
	ck_assert_msg(!has_addr(&link, "10.1.0.1"), "vti5 still has 10.1.0.1, "
				  "which the settings no longer list");
}
END_TEST

/*
 * (a) An interface kept down (down_action = down), then down_action =
 * delete by a reload: no resync ever removes it (a restart would: adopt()
 * deletes it under these settings).
 */
START_TEST(test_reload_down_action_delete_kept)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 2);

	fixture_restart("charon { plugins { vti { netns = private\n"
					"down_action = down } } }");
	UP(&a);
	DOWN("c", 1);
	ck_assert(fake_backend_exists(fake, "private", "vti5", NULL));
	fixture_reload("charon { plugins { vti { netns = private } } }");
	RESYNC();
	ck_assert_msg(!fake_backend_exists(fake, "private", "vti5", NULL),
				  "vti5 kept down though down_action is delete now");
}
END_TEST

/*
 * The same reload while the interface is held (rules.md §3, 5): the
 * down_action of the settings in force when its last CHILD_SA goes
 * decides, not the one it was made with.
 */
START_TEST(test_reload_down_action_delete_held)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 2);

	fixture_restart("charon { plugins { vti { netns = private\n"
					"down_action = down } } }");
	UP(&a);
	fixture_reload("charon { plugins { vti { netns = private } } }");
	DOWN("c", 1);
	ck_assert_msg(!fake_backend_exists(fake, "private", "vti5", NULL),
				  "vti5 kept down though down_action is delete now; calls: "
				  "%s", fake->calls);
}
END_TEST

/*
 * And the other way: made with delete, down now: kept down.
 */
START_TEST(test_reload_down_action_down_held)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 2);
	bool up = TRUE;

	fixture_restart("charon { plugins { vti { netns = private } } }");
	UP(&a);
	fixture_reload("charon { plugins { vti { netns = private\n"
		   "down_action = down } } }");
	DOWN("c", 1);
	ck_assert_msg(fake_backend_exists(fake, "private", "vti5", &up) && !up,
				  "vti5 not kept down though down_action is down now; "
				  "calls: %s", fake->calls);
}
END_TEST

/*
 * D4 in a race: a reload changed the addresses; the interface is being
 * set down at its release (down_action = down) when a new CHILD_SA takes
 * it again. The claim asks for it to be made anew with today's addresses;
 * the worker's commit of the set-down must not drop that request.
 */
START_TEST(test_reload_address_changed_claimed_while_released)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 2), b = peer_tunnel(2, 2, 5, 2);
	blocker_t *blocker;
	fake_link_t link;

	fixture_restart("charon { plugins { vti { netns = private\n"
					"down_action = down\naddresses = 10.1.0.1/30 } } }");
	UP(&a);
	fixture_reload("charon { plugins { vti { netns = private\ndown_action = down\n"
				   "addresses = 10.2.0.1/30 } } }");
	blocker = block_at("down private vti5");
	manager->child_down(manager, "c", 1, 0);
	blocker->paused->wait(blocker->paused);
	manager->child_up(manager, &b);
	unblock(blocker);
	ck_assert(fake_backend_link(fake, "private", "vti5", &link));
	ck_assert(link.up);
	ck_assert(fake_link_has_addr(&link, "10.2.0.1/30"));
	ck_assert_msg(!fake_link_has_addr(&link, "10.1.0.1/30"), "vti5 still has "
				  "10.1.0.1, which the settings no longer list; log:\n%s",
				  test_log);
}
END_TEST

/*
 * rules.md §3-20: made under down_action = delete with an IPv6 address,
 * reloaded to down while held, then released: it is kept down, and keeps
 * the address it was given (keep_addr_on_down was written when it was
 * configured, not at the release).
 */
START_TEST(test_reload_down_action_down_held_keeps_ipv6)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 2);
	fake_link_t link;

	fixture_restart("charon { plugins { vti { netns = private\n"
					"addresses = 2001:db8:ff::6/127 } } }");
	UP(&a);
	fixture_reload("charon { plugins { vti { netns = private\n"
				   "addresses = 2001:db8:ff::6/127\ndown_action = down } } }");
	DOWN("c", 1);
	ck_assert(fake_backend_link(fake, "private", "vti5", &link) && !link.up);
	ck_assert_msg(fake_link_has_addr(&link, "2001:db8:ff::6/127"),
				  "vti5, kept down, lost its IPv6 address; calls: %s",
				  fake->calls);
}
END_TEST

/*
 * rules.md §3-7: a link kept down (down_action = down) that an operator set
 * up by hand is left up; the CHILD_SA that takes it again gets it with
 * today's settings, as one kept down.
 */
START_TEST(test_kept_down_set_up_by_hand_todays_settings)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 2), b = peer_tunnel(2, 2, 5, 2);
	fake_link_t link;

	fixture_restart("charon { plugins { vti { netns = private\n"
					"down_action = down } } }");
	UP(&a);
	DOWN("c", 1);
	ck_assert(fake_backend_set_up(fake, "private", "vti5", TRUE));
	ck_assert(WAIT_FOR(strstr(test_log, "vti: c: vti5, kept down, was set up "
							  "by hand: leaving it up\n")));
	SETTLE(manager);
	ck_assert(fake_backend_link(fake, "private", "vti5", &link) && link.up);
	fixture_reload("charon { plugins { vti { netns = private\n"
				   "down_action = down\nmtu = 1400\n"
				   "addresses = 10.9.0.1/30 } } }");
	UP(&b);
	ck_assert(fake_backend_link(fake, "private", "vti5", &link));
	ck_assert(link.up);
	ck_assert_msg(link.mtu == 1400, "vti5, set up by hand while kept down, "
				  "has mtu %u after the reload to 1400 and a new CHILD_SA; "
				  "log:\n%s", link.mtu, test_log);
	ck_assert_msg(fake_link_has_addr(&link, "10.9.0.1/30"), "vti5 lacks the "
				  "address the reload gave; log:\n%s", test_log);
}
END_TEST

/*
 * Set down by hand while held, released (kept down), then set up by hand:
 * logged once, not again by the next resync as "kept down, was set up";
 * the CHILD_SA that takes it again puts back the IPv6 address a link set
 * down drops where keep_addr_on_down is not set (fake: by hand here).
 */
START_TEST(test_held_down_released_set_up_logged_once)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 2), b = peer_tunnel(2, 2, 5, 2);
	fake_link_t link;

	fixture_restart("charon { plugins { vti { netns = private\n"
					"down_action = down\naddresses = 2001:db8:ff::6/127 } } }");
	UP(&a);
	vti5_set_down_by_hand();
	SETTLE(manager);
	DOWN("c", 1);
	ck_assert(fake_backend_del_addr(fake, "private", "vti5",
									"2001:db8:ff::6/127"));
	ck_assert(fake_backend_set_up(fake, "private", "vti5", TRUE));
	ck_assert(WAIT_FOR(strstr(test_log, "vti5 was set up again by hand")));
	SETTLE(manager);
	RESYNC();
	ck_assert_msg(!strstr(test_log, "kept down, was set up"), "log:\n%s",
				  test_log);
	UP(&b);
	ck_assert(fake_backend_link(fake, "private", "vti5", &link) && link.up);
	ck_assert_msg(fake_link_has_addr(&link, "2001:db8:ff::6/127"),
				  "calls:\n%s\nlog:\n%s", fake->calls, test_log);
}
END_TEST

/*
 * A reload while the interface waits in a reauthentication grace: the
 * reload leaves it (F7), and the down_action in force when the grace ends
 * decides (G2), not the one of the settings it was made or last held
 * under.
 */
START_TEST(test_reload_down_action_in_grace)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 2), b = peer_tunnel(2, 2, 5, 2);
	bool up = FALSE;

	fixture_restart("charon { plugins { vti { netns = private\n"
					"down_action = down } } }");
	UP(&a);
	manager->child_down(manager, "c", 1, 1);
	SETTLE(manager);
	fixture_reload("charon { plugins { vti { netns = private } } }");
	SETTLE(manager);
	ck_assert_msg(fake_backend_exists(fake, "private", "vti5", &up) && up,
				  "the reload did not leave vti5 in its grace; calls: %s",
				  fake->calls);
	ck_assert_msg(WAIT_FOR(!fake_backend_exists(fake, "private", "vti5",
												NULL)),
				  "vti5 kept after its grace though down_action is delete "
				  "now; calls: %s", fake->calls);

	fixture_restart("charon { plugins { vti { netns = private } } }");
	UP(&b);
	manager->child_down(manager, "c", 2, 1);
	SETTLE(manager);
	fixture_reload("charon { plugins { vti { netns = private\n"
				   "down_action = down } } }");
	ck_assert_msg(WAIT_FOR(fake_backend_exists(fake, "private", "vti5", &up)
						   && !up),
				  "vti5 not kept down after its grace though down_action is "
				  "down now; calls: %s", fake->calls);
}
END_TEST

/*
 * (b) netns_create = yes, the namespace deleted by hand (ip netns del):
 * its interfaces go with it; resyncs cannot list it and compare nothing,
 * the table still has the interface up: neither the namespace nor the
 * interface of the live CHILD_SA is ever made again.
 */
START_TEST(test_netns_deleted_create)
{
	vti_tunnel_t a = peer_tunnel(1, 1, 5, 2);
	bool up = FALSE;

	fixture_restart("charon { plugins { vti { netns = private\n"
					"netns_create = yes } } }");
	UP(&a);
	ck_assert(fake_backend_exists(fake, "private", "vti5", &up) && up);
	fake_backend_netns_del(fake, "private");
	RESYNC();
	RESYNC();
	ck_assert_msg(fake_backend_exists(fake, "private", "vti5", &up) && up,
				  "vti5 not made again after its namespace was deleted "
				  "(netns_create = yes); calls: %s", fake->calls);
}
END_TEST

/*
 * (b) The real backend, in a user, network and mount namespace of the
 * test's own (as netlink_tests.c does: a forked child; skipped with a note
 * where unprivileged user namespaces are not allowed: sandbox.h).
 */

typedef struct {
	int mtu;
} lo_mtu_t;

static void read_lo_mtu(void *data)
{
	lo_mtu_t *out = data;
	struct ifreq ifr = {};
	int fd;

	out->mtu = -1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (fd >= 0 && ioctl(fd, SIOCGIFMTU, &ifr) == 0)
	{
		out->mtu = ifr.ifr_mtu;
	}
	if (fd >= 0)
	{
		close(fd);
	}
}

/** the MTU of lo in the namespace /run/netns/name names now */
static int lo_mtu(const char *name)
{
	lo_mtu_t out = { .mtu = -1 };
	vti_err_t err = {};
	int fd;

	fd = vti_netns_open(name);
	if (fd < 0)
	{
		return -1;
	}
	vti_netns_call(name, fd, read_lo_mtu, &out, &err);
	close(fd);
	return out.mtu;
}

static bool ghost_namespace(void)
{
	vti_backend_t *backend;
	vti_err_t err = {};
	int rc, mtu;

	backend = vti_netlink_create();
	REQUIRE(backend->netns_ensure(backend, "red", TRUE, &err) == 0);
	REQUIRE(backend->set_mtu(backend, "red", 1, 1400, &err) == 0);
	REQUIRE(lo_mtu("red") == 1400);
	/* ip netns del red; ip netns add red */
	REQUIRE(umount2("/run/netns/red", MNT_DETACH) == 0);
	REQUIRE(unlink("/run/netns/red") == 0);
	REQUIRE(vti_netns_create("red", &err) == 0);
	REQUIRE(lo_mtu("red") == 65536);
	/* a change of the worker (a rekey's MTU, MOBIKE, a CHILD_SA going):
	 * it must reach the namespace named red, or fail */
	rc = backend->set_mtu(backend, "red", 1, 1300, &err);
	mtu = lo_mtu("red");
	if (rc == 0 && mtu != 1300)
	{
		snprintf(sandbox_msg, sizeof(sandbox_msg), "set_mtu in namespace red "
				 "returned 0 after ip netns del/add, but red's lo has mtu "
				 "%d: the change went to the deleted namespace", mtu);
		backend->destroy(backend);
		return FALSE;
	}
	backend->destroy(backend);
	return TRUE;
}

START_TEST(test_netns_replaced_ops_go_to_ghost)
{
	in_sandbox(ghost_namespace);
}
END_TEST

Suite *settings_suite_create(void)
{
	Suite *s = suite_create("settings");
	TCase *tc = tcase_create("reload and namespaces");

	tcase_add_checked_fixture(tc, setup, fixture_stop);
	tcase_add_test(tc, test_reload_name_kept_xfrm);
	tcase_add_test(tc, test_reload_netns_kept_xfrm);
	tcase_add_test(tc, test_reload_name_reauth_xfrm);
	tcase_add_test(tc, test_adopted_kept_xfrm_other_name);
	tcase_add_test(tc, test_reload_address_removed_kept);
	tcase_add_test(tc, test_reload_down_action_delete_kept);
	tcase_add_test(tc, test_reload_down_action_delete_held);
	tcase_add_test(tc, test_reload_down_action_down_held);
	tcase_add_test(tc, test_reload_down_action_down_held_keeps_ipv6);
	tcase_add_test(tc, test_reload_address_changed_claimed_while_released);
	tcase_add_test(tc, test_kept_down_set_up_by_hand_todays_settings);
	tcase_add_test(tc, test_held_down_released_set_up_logged_once);
	tcase_add_test(tc, test_reload_down_action_in_grace);
	tcase_add_test(tc, test_netns_deleted_create);
	tcase_add_test(tc, test_netns_replaced_ops_go_to_ghost);
	suite_add_tcase(s, tc);
	return s;
}
