/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The manager through the fake kernel in the exact orders the bus emits
 * events in around rekey collisions, reauthentications, %unique marks, kept
 * interfaces and races with expire_pending (issue 10). Each test checks what
 * the kernel ends up with, not only the table.
 *
 * Event orders from strongSwan 5.9.8 (src/libcharon/sa/ikev2/tasks):
 *  - child_rekey.c build_r: answering the peer's rekey of CHILD_SA 1 raises
 *    child_rekey(1 -> the peer's new one);
 *  - child_rekey.c process_i: our rekey of 1 raises child_rekey(1 -> ours)
 *    unless we lost a collision (ours is then deleted, no event); when we
 *    won, the peer's redundant SA is set CHILD_REKEYED and its deletion
 *    raises no child_updown (child_delete.c destroy_and_reestablish);
 *  - a peer's delete of a CHILD_SA we are rekeying raises child_updown(FALSE)
 *    for it; our redundant new SA goes without an event.
 */

#include "vti_tests.h"
#include "vti_manager.h"
#include "fake_backend.h"
#include "manager_fixture.h"

#include <errno.h>
#include <unistd.h>
#include <pthread.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <crypto/crypters/crypter.h>
#include <crypto/signers/signer.h>

#define A6 "2001:db8:1::1"
#define B6 "2001:db8:3::2"
#define C6 "2001:db8:3::7"

/**
 * The kernel's state of a link, which must exist.
 */
static fake_link_t link_of(const char *netns, const char *name)
{
	fake_link_t l;

	ck_assert_msg(fake_backend_link(fake, netns, name, &l),
				  "no link %s in namespace '%s' in the kernel", name, netns);
	return l;
}

/**
 * Number of links of a kind in the kernel, in any namespace; with endpoints
 * those only.
 */
static int count_kind(vti_kind_t kind, int family, const char *local,
					  const char *remote)
{
	fake_link_t links[64];
	uint8_t l[16] = {}, r[16] = {};
	int i, n, found = 0;

	if (local)
	{
		inet_pton(family, local, l);
		inet_pton(family, remote, r);
	}
	n = fake_backend_links(fake, links, (int)countof(links));
	for (i = 0; i < n && i < (int)countof(links); i++)
	{
		if (!links[i].has_params || links[i].params.kind != kind)
		{
			continue;
		}
		if (local && (links[i].params.family != family ||
					  memcmp(links[i].params.local, l, 16) ||
					  memcmp(links[i].params.remote, r, 16)))
		{
			continue;
		}
		found++;
	}
	return found;
}

static bool addr_is(const vti_params_t *params, const uint8_t *addr,
					const char *text)
{
	uint8_t want[16] = {};

	inet_pton(params->family, text, want);
	return !memcmp(addr, want, params->family == AF_INET ? 4 : 16);
}

/*
 * a. CHILD_SA rekey collision that we win: child_rekey(1 -> the peer's 2),
 * then child_rekey(1 -> ours, 3); 2 goes silently. The IKE_SA's updates
 * reach the interface through 3, and 3 going down removes it.
 */
START_TEST(test_rekey_collision_won)
{
	vti_tunnel_t t = V6(1, 1), peers = V6(2, 1), ours = V6(3, 1);
	uint8_t local[16], remote[16];
	fake_link_t l;

	UP(&t);
	REKEY(1, &peers);
	REKEY(1, &ours);
	/* the peer deletes its redundant CHILD_SA 2: no event */
	fake_backend_clear(fake);
	inet_pton(AF_INET6, "2001:db8:1::9", local);
	inet_pton(AF_INET6, B6, remote);
	IKE_UPDATE(1, AF_INET6, local, remote, FALSE);
	ck_assert_msg(strstr(fake->calls, "change private vti6 "),
				  "no change after ike_update: %s", fake->calls);
	l = link_of("private", "vti6");
	ck_assert(addr_is(&l.params, l.params.local, "2001:db8:1::9"));
	/* the IKE_SA is terminated: its one CHILD_SA, 3, goes down */
	DOWN("V3-2", 3);
	ck_assert_msg(!fake_backend_exists(fake, "private", "vti6", NULL),
				  "vti6 still in the kernel after child_down(3); calls: %s",
				  fake->calls);
	ck_assert_int_eq(vti_manager_count(manager), 0);
	ck_assert_int_eq(fake_backend_count(fake), 0);
}
END_TEST

/*
 * b. Collision lost: only child_rekey(1 -> the peer's 2); ours goes silently.
 */
START_TEST(test_rekey_collision_lost)
{
	vti_tunnel_t t = V6(1, 1), peers = V6(2, 1);
	fake_link_t before, after;

	UP(&t);
	before = link_of("private", "vti6");
	REKEY(1, &peers);
	after = link_of("private", "vti6");
	ck_assert_int_eq(after.ifindex, before.ifindex);
	ck_assert(after.up);
	DOWN("V3-2", 2);
	ck_assert(!fake_backend_exists(fake, "private", "vti6", NULL));
	ck_assert_int_eq(vti_manager_count(manager), 0);
	ck_assert_int_eq(fake_backend_count(fake), 0);
}
END_TEST

/*
 * c. Rekey/delete collision: the peer deletes 1 while we rekey it.
 */
START_TEST(test_rekey_delete_collision)
{
	vti_tunnel_t t = V6(1, 1);

	UP(&t);
	DOWN("V3-2", 1);
	/* our redundant new CHILD_SA goes without an event */
	ck_assert(!fake_backend_exists(fake, "private", "vti6", NULL));
	ck_assert_int_eq(vti_manager_count(manager), 0);
	ck_assert_int_eq(fake_backend_count(fake), 0);
}
END_TEST

#define UNIQUE "charon { plugins { vti { netns = private\n" \
			   "addresses = 2001:db8:ff::6/127\n" \
			   "connections { u { name = u%id } } } } }"
#define UNIQUE_INVALID "charon { plugins { vti { netns = private\n" \
			   "addresses = 2001:db8:ff::6/127\n" \
			   "connections { u { name = u%id\n addresses = 300.1.2.3/24 } } } } }"

/**
 * The one vti6 between A6 and B6, u1 as made for CHILD_SA 1, now with keys
 * mark/mark and up.
 */
static void assert_unique_vti6(int ifindex, uint32_t mark)
{
	fake_link_t l;

	ck_assert_int_eq(count_kind(VTI_KIND_VTI6, AF_INET6, A6, B6), 1);
	ck_assert_int_eq(count_kind(VTI_KIND_VTI6, 0, NULL, NULL), 1);
	l = link_of("private", "u1");
	ck_assert_int_eq(l.ifindex, ifindex);
	ck_assert_msg(l.params.ikey == mark && l.params.okey == mark,
				  "u1 has keys %u/%u, wanted %u/%u; calls: %s", l.params.ikey,
				  l.params.okey, mark, mark, fake->calls);
	ck_assert(l.up);
	ck_assert_int_eq(l.mtu, 1426);
}

/**
 * Under UNIQUE, u's CHILD_SA 1 (mark 1, A6 to B6) comes up: the ifindex of
 * its u1.
 */
static int unique_first_up(void)
{
	vti_tunnel_t first = tunnel("u", 1, 1, 1, A6, B6);

	fixture_restart(UNIQUE);
	UP(&first);
	return link_of("private", "u1").ifindex;
}

/*
 * d. The new CHILD_SA going first gives the interface back to the old one.
 */
START_TEST(test_unique_marks_new_goes_first)
{
	vti_tunnel_t new = tunnel("u", 2, 2, 2, A6, B6);
	int ifindex = unique_first_up();

	UP(&new);
	DOWN("u", 2);
	assert_unique_vti6(ifindex, 1);
	DOWN("u", 1);
	ck_assert_int_eq(fake_backend_count(fake), 0);
}
END_TEST

/*
 * d. Two CHILD_SAs of one IKE_SA with other marks between the same
 * endpoints: the second must not take the first one's VTI.
 */
START_TEST(test_same_ike_other_marks)
{
	vti_tunnel_t second = tunnel("u", 2, 1, 2, A6, B6);
	int ifindex = unique_first_up();

	fake_backend_clear(fake);
	UP(&second);
	ck_assert_str_eq(fake->calls, "");
	assert_unique_vti6(ifindex, 1);
	ck_assert(strstr(test_log, "vti: u: u1 already carries another CHILD_SA "
					 "of the same IKE_SA with other keys or endpoints"));
	DOWN("u", 2);
	assert_unique_vti6(ifindex, 1);
	DOWN("u", 1);
	ck_assert_int_eq(fake_backend_count(fake), 0);
}
END_TEST

/*
 * d. %unique marks, make-before-break reauthentication, responder: the new
 * CHILD_SA has a new mark but the same endpoints, which the kernel cannot
 * give a second VTI.
 */
START_TEST(test_unique_marks_make_before_break)
{
	vti_tunnel_t new = tunnel("u", 2, 2, 2, A6, B6);
	int ifindex = unique_first_up();

	UP(&new);
	assert_unique_vti6(ifindex, 2);
	DOWN("u", 1);
	assert_unique_vti6(ifindex, 2);
	DOWN("u", 2);
	ck_assert_int_eq(fake_backend_count(fake), 0);
	ck_assert_int_eq(vti_manager_count(manager), 0);
}
END_TEST

/*
 * d. The same, break-before-make on the reauthenticating side.
 */
START_TEST(test_unique_marks_break_before_make)
{
	vti_tunnel_t new = tunnel("u", 2, 2, 2, A6, B6);
	int ifindex = unique_first_up();

	manager->child_down(manager, "u", 1, 30);
	SETTLE(manager);
	UP(&new);
	assert_unique_vti6(ifindex, 2);
	vti_manager_expire_graces(manager, TRUE);
	SETTLE(manager);
	assert_unique_vti6(ifindex, 2);
	DOWN("u", 2);
	ck_assert_int_eq(fake_backend_count(fake), 0);
	ck_assert_int_eq(vti_manager_count(manager), 0);
}
END_TEST

/*
 * d2. The same, with the connection's settings made invalid meanwhile (the
 * soak's seeds 1299709, event 50, and 712231421, event 91): the new
 * CHILD_SA gets no interface, so nothing takes the one kept in the grace
 * over. It must go at once: it carries the old marks, no CHILD_SA's.
 */
START_TEST(test_unique_marks_break_before_make_invalid)
{
	vti_tunnel_t new = tunnel("u", 2, 2, 5, A6, B6);

	ck_assert(unique_first_up());
	fixture_reload(UNIQUE_INVALID);
	ck_assert(link_of("private", "u1").ifindex);
	manager->child_down(manager, "u", 1, 30);
	SETTLE(manager);
	ck_assert(link_of("private", "u1").up);
	UP(&new);
	ck_assert_int_eq(fake_backend_count(fake), 0);
	ck_assert_int_eq(vti_manager_count(manager), 0);
	ck_assert(strstr(test_log, "vti: u: the reauthenticated CHILD_SA {2} "
					 "got no interface, u1 kept for it goes"));
	ck_assert(strstr(test_log, "vti: u: deleted u1 from namespace private "
					 "(its CHILD_SA came back without it)"));
}
END_TEST

/*
 * d2b. The same, the peer back from another address: the new CHILD_SA
 * gets another interface (other endpoints, other %unique name), and the
 * one kept for it goes at once instead of 30 s later with the old keys
 * (rules.md §3, 9).
 */
START_TEST(test_unique_marks_break_before_make_moved)
{
	vti_tunnel_t old = tunnel("u", 1, 1, 1, A6, B6);
	vti_tunnel_t new = tunnel("u", 2, 2, 5, A6, C6);

	fixture_restart(UNIQUE);
	UP(&old);
	manager->child_down(manager, "u", 1, 30);
	SETTLE(manager);
	ck_assert(link_of("private", "u1").up);
	UP(&new);
	ck_assert(link_of("private", "u5").up);
	ck_assert_msg(!fake_backend_exists(fake, "private", "u1", NULL),
				  "u1 still kept; calls: %s", fake->calls);
	ck_assert(strstr(test_log, "vti: u: the reauthenticated CHILD_SA {2} "
					 "took u5, u1 kept for it goes"));
	ck_assert_int_eq(vti_manager_count(manager), 1);
}
END_TEST

/*
 * d2c. A CHILD_SA of another child config (or peer) of the connection is
 * not the one a grace waits for: it leaves the kept interface alone.
 */
START_TEST(test_grace_other_lineage)
{
	vti_tunnel_t old = tunnel("u", 1, 1, 1, A6, B6);
	vti_tunnel_t other = tunnel("u", 2, 2, 5, A6, C6);
	vti_tunnel_t back = tunnel("u", 3, 3, 7, A6, B6);

	fixture_restart(UNIQUE);
	old.lineage = back.lineage = 1;
	other.lineage = 2;
	UP(&old);
	manager->child_down(manager, "u", 1, 30);
	SETTLE(manager);
	UP(&other);
	ck_assert(link_of("private", "u5").up);
	ck_assert(link_of("private", "u1").up);
	UP(&back);
	ck_assert(strstr(test_log, "vti: u: u1 carries on with the "
					 "reauthenticated CHILD_SA {3}"));
	ck_assert(!strstr(fake->calls, "remove"));
}
END_TEST

/*
 * d3. The grace ends on time though nothing else wakes the worker (no
 * resync, no other event): it was released only at the next resync.
 */
START_TEST(test_grace_ends_alone)
{
	vti_tunnel_t old = tunnel("u", 1, 1, 1, A6, B6);

	fixture_restart("charon { plugins { vti { netns = private\n"
					"resync = 0\n connections { u { name = u%id } } } } }");
	UP(&old);
	ck_assert(link_of("private", "u1").up);
	manager->child_down(manager, "u", 1, 1);
	SETTLE(manager);
	ck_assert(link_of("private", "u1").up);
	ck_assert_msg(WAIT_FOR(fake_backend_count(fake) == 0),
				  "u1 still there 2 s after its 1 s grace; calls: %s",
				  fake->calls);
	ck_assert(strstr(test_log, "vti: u: deleted u1 from namespace private "
					 "(no CHILD_SA came back after reauthentication)"));
}
END_TEST

#define KEPT "charon { plugins { vti { netns = private\n" \
			 "addresses = 2001:db8:ff::6/127\n" \
			 "connections { d6 { name = dvti\n down_action = down } } } } }"

/*
 * e. down_action = down and the connection comes back with another peer.
 */
START_TEST(test_kept_new_endpoints)
{
	vti_tunnel_t first = tunnel("d6", 1, 1, 6, A6, B6);
	vti_tunnel_t again = tunnel("d6", 2, 2, 6, A6, C6);
	fake_link_t l;
	int ifindex;

	fixture_restart(KEPT);
	UP(&first);
	ifindex = link_of("private", "dvti").ifindex;
	DOWN("d6", 1);
	l = link_of("private", "dvti");
	ck_assert(!l.up);
	UP(&again);
	ck_assert_msg(!strstr(test_log, "already used by connection"),
				  "log: %s", test_log);
	l = link_of("private", "dvti");
	ck_assert_int_eq(l.ifindex, ifindex);
	ck_assert(l.up);
	ck_assert(addr_is(&l.params, l.params.remote, C6));
	ck_assert(addr_is(&l.params, l.params.local, A6));
	ck_assert_int_eq(l.params.ikey, 6);
	ck_assert_int_eq(l.params.okey, 6);
	ck_assert_int_eq(l.mtu, 1426);
	ck_assert_int_eq(fake_backend_count(fake), 1);
}
END_TEST

/*
 * e. The same where the kind must change: IPv6 endpoints, then IPv4 ones.
 */
START_TEST(test_kept_kind_changes)
{
	vti_tunnel_t first = tunnel("d6", 1, 1, 6, A6, B6);
	vti_tunnel_t again = tunnel("d6", 2, 2, 6, "192.0.2.1", "192.0.2.2");
	fake_link_t l;

	fixture_restart(KEPT);
	UP(&first);
	DOWN("d6", 1);
	UP(&again);
	ck_assert_msg(!strstr(test_log, "already used by connection"),
				  "log: %s", test_log);
	l = link_of("private", "dvti");
	ck_assert_msg(l.params.kind == VTI_KIND_VTI, "dvti is a %s; calls: %s",
				  vti_kind_name(l.params.kind), fake->calls);
	ck_assert(l.up);
	ck_assert(addr_is(&l.params, l.params.remote, "192.0.2.2"));
	ck_assert_int_eq(l.params.ikey, 6);
	ck_assert_int_eq(l.mtu, 1446);
	ck_assert_int_eq(count_kind(VTI_KIND_VTI6, 0, NULL, NULL), 0);
	ck_assert_int_eq(fake_backend_count(fake), 1);
}
END_TEST

/*
 * f. An adopted interface whose change fails: the table must not believe the
 * kernel has the new keys. Either the CHILD_SA gets no interface and the
 * link stays down (then the next CHILD_SA must send the change again), or
 * the manager makes the interface anew, up with the new identity.
 */
START_TEST(test_adopted_change_fails)
{
	vti_tunnel_t t = V6(1, 1), again = V6(2, 2);
	fake_link_t l;
	bool remade;

	fixture_restart(PRIVATE_DOWN);
	fake_backend_add(fake, "private", "vti6", VTI_ALIAS_PREFIX "V3-2", FALSE);
	RESYNC();
	fake->fail_op = "change";
	fake->fail_errno = EINVAL;
	UP(&t);
	ck_assert(strstr(test_log, "fake: Invalid argument"));
	l = link_of("private", "vti6");
	remade = l.up;
	if (remade)
	{
		ck_assert(l.has_params);
		ck_assert_int_eq(l.params.ikey, 6);
		ck_assert_int_eq(l.params.okey, 6);
	}
	DOWN("V3-2", 1);
	ck_assert(!link_of("private", "vti6").up);
	fake_backend_clear(fake);
	UP(&again);
	ck_assert_msg(remade || strstr(fake->calls, "change private vti6 "),
				  "no change for the link the failed change left; calls: %s",
				  fake->calls);
	l = link_of("private", "vti6");
	ck_assert(l.up);
	ck_assert(l.has_params);
	ck_assert_int_eq(l.params.ikey, 6);
	ck_assert_int_eq(l.params.okey, 6);
	ck_assert(addr_is(&l.params, l.params.remote, B6));
	ck_assert_int_eq(l.mtu, 1426);
}
END_TEST

/**
 * A child_up racing a kernel operation of another thread.
 */
typedef struct {
	vti_tunnel_t tunnel;
	pthread_t thread;
	bool started;
	int done;
} racer_t;

static void *racer_run(void *data)
{
	racer_t *racer = data;

	UP(&racer->tunnel);
	__atomic_store_n(&racer->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/**
 * Pause callback: child_up in another thread, waited for at most 300 ms
 * before the paused operation proceeds.
 */
static void racer_start(void *data)
{
	racer_t *racer = data;
	int i;

	racer->started = !pthread_create(&racer->thread, NULL, racer_run, racer);
	for (i = 0; racer->started && i < 300 &&
		 !__atomic_load_n(&racer->done, __ATOMIC_SEQ_CST); i++)
	{
		usleep(1000);
	}
}

static void *expire_all(void *data)
{
	vti_manager_expire_graces(manager, TRUE);
	SETTLE(manager);
	return NULL;
}

/**
 * expire_pending(all) in a thread whose op is paused while child_up(2)
 * runs; both joined.
 */
static void race_expire(const char *op, racer_t *racer)
{
	pthread_t expirer;

	fake_backend_pause(fake, op, racer_start, racer);
	ck_assert(!pthread_create(&expirer, NULL, expire_all, NULL));
	pthread_join(expirer, NULL);
	ck_assert_msg(racer->started, "expire_pending made no '%s' call", op);
	pthread_join(racer->thread, NULL);
}

/*
 * g. expire_pending removes a pending interface while child_up(2) wants it.
 */
START_TEST(test_expire_races_child_up)
{
	vti_tunnel_t t = V6(1, 1);
	racer_t racer = { .tunnel = V6(2, 2) };
	fake_link_t l;

	UP(&t);
	manager->child_down(manager, "V3-2", 1, 30);
	SETTLE(manager);
	race_expire("remove", &racer);
	l = link_of("private", "vti6");
	ck_assert_msg(l.up, "calls: %s", fake->calls);
	ck_assert_int_eq(vti_manager_count(manager), 1);
	ck_assert_int_eq(fake_backend_count(fake), 1);
	DOWN("V3-2", 2);
	ck_assert(!fake_backend_exists(fake, "private", "vti6", NULL));
	ck_assert_int_eq(vti_manager_count(manager), 0);
}
END_TEST

/*
 * g. The same with down_action = down: the late "down" must not win.
 */
START_TEST(test_expire_races_child_up_down)
{
	vti_tunnel_t t = V6(1, 1);
	racer_t racer = { .tunnel = V6(2, 2) };
	fake_link_t l;

	fixture_restart(PRIVATE_DOWN);
	UP(&t);
	manager->child_down(manager, "V3-2", 1, 30);
	SETTLE(manager);
	race_expire("down", &racer);
	l = link_of("private", "vti6");
	ck_assert_msg(l.up, "vti6 down after child_up(2); calls: %s",
				  fake->calls);
	DOWN("V3-2", 2);
	l = link_of("private", "vti6");
	ck_assert(!l.up);
}
END_TEST

/*
 * h. MOBIKE on a vti6 keeps its MTU (a change without IFLA_MTU makes the
 * kernel recompute it from the lower device).
 */
START_TEST(test_mobike_keeps_mtu)
{
	vti_tunnel_t t = V6(1, 1);
	uint8_t local[16], remote[16];
	fake_link_t before, after;

	UP(&t);
	before = link_of("private", "vti6");
	ck_assert_int_eq(before.mtu, 1426);
	fake_backend_clear(fake);
	inet_pton(AF_INET6, "2001:db8:1::9", local);
	inet_pton(AF_INET6, B6, remote);
	IKE_UPDATE(1, AF_INET6, local, remote, FALSE);
	after = link_of("private", "vti6");
	ck_assert_msg(after.mtu == 1426, "mtu %u after MOBIKE; calls: %s",
				  after.mtu, fake->calls);
	ck_assert_int_eq(after.ifindex, before.ifindex);
	ck_assert(after.up);
	ck_assert(addr_is(&after.params, after.params.local, "2001:db8:1::9"));
	ck_assert(!strstr(fake->calls, "remove") &&
			  !strstr(fake->calls, "create") &&
			  !strstr(fake->calls, "down"));
}
END_TEST

/*
 * h. And on a new path with another MTU, mtu = auto follows it.
 */
START_TEST(test_mobike_new_path_mtu)
{
	vti_tunnel_t t = V6(1, 1);
	uint8_t local[16], remote[16];
	fake_link_t l;

	UP(&t);
	fake->path_mtu = 1400;
	inet_pton(AF_INET6, "2001:db8:1::9", local);
	inet_pton(AF_INET6, B6, remote);
	IKE_UPDATE(1, AF_INET6, local, remote, FALSE);
	l = link_of("private", "vti6");
	ck_assert_msg(l.mtu == 1326, "mtu %u on a 1400 path; calls: %s", l.mtu,
				  fake->calls);
	ck_assert(l.up);
}
END_TEST

/**
 * Two roadwarriors on the shared vti9, one behind a NAT.
 */
static void roadwarriors(vti_tunnel_t *plain, vti_tunnel_t *nat)
{
	*plain = tunnel("rw", 1, 1, 9, "192.0.2.1", "203.0.113.5");
	*nat = tunnel("rw", 2, 2, 9, "192.0.2.1", "203.0.113.6");
	plain->remote_any = nat->remote_any = TRUE;
	nat->natt = TRUE;
}

static uint32_t mtu_of(vti_tunnel_t *t)
{
	return vti_mtu_inner(1500, t->family, t->natt, &t->esp);
}

/*
 * i. A shared VTI's MTU is the smallest any holder needs: NAT one second.
 */
START_TEST(test_shared_mtu_nat_second)
{
	vti_tunnel_t plain, nat, rekeyed;

	roadwarriors(&plain, &nat);
	ck_assert(mtu_of(&nat) < mtu_of(&plain));
	UP(&plain);
	ck_assert_int_eq(link_of("private", "vti9").mtu, mtu_of(&plain));
	UP(&nat);
	ck_assert_int_eq(link_of("private", "vti9").mtu, mtu_of(&nat));
	rekeyed = plain;
	rekeyed.child_id = 3;
	REKEY(1, &rekeyed);
	ck_assert_int_eq(link_of("private", "vti9").mtu, mtu_of(&nat));
	DOWN("rw", 2);
	ck_assert_int_eq(link_of("private", "vti9").mtu, mtu_of(&plain));
}
END_TEST

/*
 * i. The same, NAT one first: the other's rekey must not raise the MTU.
 */
START_TEST(test_shared_mtu_nat_first)
{
	vti_tunnel_t plain, nat, rekeyed, third;

	roadwarriors(&plain, &nat);
	UP(&nat);
	UP(&plain);
	ck_assert_int_eq(link_of("private", "vti9").mtu, mtu_of(&nat));
	/* a third peer: of the two MTUs known, the smaller still wins */
	third = tunnel("rw", 4, 3, 9, "192.0.2.1", "203.0.113.7");
	third.remote_any = TRUE;
	UP(&third);
	ck_assert_int_eq(link_of("private", "vti9").mtu, mtu_of(&nat));
	rekeyed = plain;
	rekeyed.child_id = 3;
	REKEY(1, &rekeyed);
	ck_assert_msg(link_of("private", "vti9").mtu == mtu_of(&nat),
				  "mtu %u after the non-NAT rekey, wanted %u; calls: %s",
				  link_of("private", "vti9").mtu, mtu_of(&nat), fake->calls);
	DOWN("rw", 2);
	ck_assert_int_eq(link_of("private", "vti9").mtu, mtu_of(&plain));
}
END_TEST

/*
 * j. A lookup that fails for another reason than ENODEV creates nothing.
 */
START_TEST(test_lookup_error)
{
	vti_tunnel_t t = V6(1, 1);

	fake->fail_op = "lookup";
	fake->fail_errno = EACCES;
	UP(&t);
	ck_assert_msg(!strstr(fake->calls, "create"), "calls: %s", fake->calls);
	ck_assert_msg(strstr(test_log, "fake: Permission denied"), "log: %s",
				  test_log);
	ck_assert_int_eq(fake_backend_count(fake), 0);
	/* the CHILD_SA keeps its claim, for the next resync to try again */
	ck_assert_int_eq(vti_manager_count(manager), 1);
}
END_TEST

/*
 * k. Deleting an interface someone already deleted is no failure.
 */
START_TEST(test_remove_already_gone)
{
	vti_tunnel_t t = V6(1, 1);
	vti_err_t err;

	UP(&t);
	/* gone without an event, so that the worker does not make it again */
	ck_assert_int_eq(fake->backend.remove(&fake->backend, "private",
										  link_of("private", "vti6").ifindex,
										  &err), 0);
	test_log_clear();
	DOWN("V3-2", 1);
	ck_assert(strstr(fake->calls, "remove private"));
	ck_assert_msg(!strstr(test_log, "failed"), "log: %s", test_log);
	ck_assert_int_eq(vti_manager_count(manager), 0);
}
END_TEST

static void vanish(void *data)
{
	fake_backend_del(fake, "private", "vti6");
}

/*
 * k. A leftover that goes away before we delete it does not stop the new
 * interface.
 */
START_TEST(test_leftover_already_gone)
{
	vti_tunnel_t t = V6(1, 1);
	fake_link_t l;

	fake_backend_add(fake, "private", "vti6", VTI_ALIAS_PREFIX "V3-2", FALSE);
	fake_backend_pause(fake, "remove", vanish, NULL);
	UP(&t);
	ck_assert_msg(!strstr(test_log, "failed"), "log: %s", test_log);
	l = link_of("private", "vti6");
	ck_assert(l.up);
	ck_assert_int_eq(l.params.ikey, 6);
	ck_assert_int_eq(vti_manager_count(manager), 1);
}
END_TEST

Suite *orders_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("orders");
	tc = tcase_create("rekey collisions");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_stop);
	tcase_add_test(tc, test_rekey_collision_won);
	tcase_add_test(tc, test_rekey_collision_lost);
	tcase_add_test(tc, test_rekey_delete_collision);
	suite_add_tcase(s, tc);

	tc = tcase_create("reused interfaces");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_stop);
	tcase_add_test(tc, test_unique_marks_make_before_break);
	tcase_add_test(tc, test_unique_marks_break_before_make);
	tcase_add_test(tc, test_unique_marks_break_before_make_invalid);
	tcase_add_test(tc, test_grace_ends_alone);
	tcase_add_test(tc, test_unique_marks_break_before_make_moved);
	tcase_add_test(tc, test_grace_other_lineage);
	tcase_add_test(tc, test_kept_new_endpoints);
	tcase_add_test(tc, test_kept_kind_changes);
	tcase_add_test(tc, test_adopted_change_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("races");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_stop);
	tcase_add_test(tc, test_expire_races_child_up);
	tcase_add_test(tc, test_expire_races_child_up_down);
	suite_add_tcase(s, tc);

	tc = tcase_create("mtu");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_stop);
	tcase_add_test(tc, test_mobike_keeps_mtu);
	tcase_add_test(tc, test_mobike_new_path_mtu);
	tcase_add_test(tc, test_shared_mtu_nat_second);
	tcase_add_test(tc, test_shared_mtu_nat_first);
	suite_add_tcase(s, tc);

	tc = tcase_create("kernel errors");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_stop);
	tcase_add_test(tc, test_lookup_error);
	tcase_add_test(tc, test_unique_marks_new_goes_first);
	tcase_add_test(tc, test_same_ike_other_marks);
	tcase_add_test(tc, test_remove_already_gone);
	tcase_add_test(tc, test_leftover_already_gone);
	suite_add_tcase(s, tc);
	return s;
}
