/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The placeholder (vti_placeholder.h): a burst of new interfaces into one
 * namespace moves past a link named strongswan-vti there, so that the
 * kernel names each in the move instead of renaming it afterwards; a
 * small one does without; a failure costs only the renames; one a crash
 * left is deleted by a resync, someone else's is left alone.
 */

#include "vti_tests.h"
#include "vti_placeholder.h"
#include "manager_fixture.h"

#include <errno.h>

/** the calls that make, move and delete the placeholder */
#define PLACEHOLDER_MADE "create xfrm strongswan-vti if_id=4294967295 " \
	"link=0 alias=strongswan-vti:\nmove private strongswan-vti strongswan-vti\n"
#define PLACEHOLDER_DELETED "remove private strongswan-vti\n"

/**
 * count CHILD_SAs of conn "c" come up at once: the first (mark 5) while
 * the worker is held in its first creation, the others (marks 6, ...)
 * queued behind it.
 *
 * @return			the blocker holding the worker in that creation
 */
static blocker_t *burst_queued(int count)
{
	vti_tunnel_t t[16];
	blocker_t *blocker;
	int i;

	ck_assert(count <= (int)countof(t));
	for (i = 0; i < count; i++)
	{
		t[i] = peer_tunnel(i + 1, i + 1, 5 + i, i + 2);
	}
	blocker = up_blocked_at("create", &t[0]);
	for (i = 1; i < count; i++)
	{
		manager->child_up(manager, &t[i]);
	}
	return blocker;
}

/**
 * A burst of count (burst_queued()), all applied.
 */
static void burst(int count)
{
	unblock(burst_queued(count));
}

/**
 * Whether interfaces vti5 ... of a burst of count exist in private and
 * no link is left under the temporary name.
 */
static bool burst_made(int count)
{
	char name[IFNAMSIZ];
	int i;

	for (i = 0; i < count; i++)
	{
		snprintf(name, sizeof(name), "vti%d", 5 + i);
		if (!fake_backend_exists(fake, "private", name, NULL))
		{
			return FALSE;
		}
	}
	return !fake_backend_exists(fake, "private", VTI_TEMP_NAME, NULL) &&
		   !fake_backend_exists(fake, "", VTI_TEMP_NAME, NULL);
}

/*
 * The first of ten is applied alone and renamed after its move; the nine
 * queued behind it are a burst: the placeholder is made once before the
 * second, each of the nine is named in its move, and the placeholder is
 * deleted once the queue holds no creation into private.
 */
START_TEST(test_burst_named_in_move)
{
	burst(10);
	ck_assert_msg(burst_made(10), "calls:\n%s", fake->calls);
	ck_assert_int_eq(test_count(fake->calls, PLACEHOLDER_MADE), 1);
	ck_assert_int_eq(test_count(fake->calls, PLACEHOLDER_DELETED), 1);
	ck_assert_int_eq(fake->renamed_after_move, 1);
	/* made after the first interface, deleted after the last */
	ck_assert(strstr(fake->calls, "altname private vti5 c\n" PLACEHOLDER_MADE));
	ck_assert(strstr(fake->calls, "altname private vti14 c\n"
					 PLACEHOLDER_DELETED));
}
END_TEST

/*
 * Fewer than VTI_PLACEHOLDER_BURST queued: no placeholder, each renamed.
 */
START_TEST(test_small_burst_without)
{
	burst(VTI_PLACEHOLDER_BURST - 1);
	ck_assert(burst_made(VTI_PLACEHOLDER_BURST - 1));
	ck_assert_msg(!strstr(fake->calls, "xfrm strongswan-vti"), "calls:\n%s",
				  fake->calls);
	ck_assert_int_eq(fake->renamed_after_move, VTI_PLACEHOLDER_BURST - 1);
}
END_TEST

/*
 * The kernel refuses the placeholder: tried once for the burst, every
 * interface made all the same, each renamed after its move.
 */
START_TEST(test_placeholder_refused)
{
	fake->fail_op = "create xfrm strongswan-vti";
	fake->fail_errno = EOPNOTSUPP;
	burst(10);
	ck_assert(burst_made(10));
	ck_assert_int_eq(test_count(fake->calls, "create xfrm strongswan-vti"), 1);
	ck_assert_int_eq(fake->renamed_after_move, 10);
}
END_TEST

/*
 * Someone else's link under the temporary name in private takes the
 * placeholder's place: the worker's fails to move in (and is deleted),
 * theirs is left alone, and the kernel names ours in the move.
 */
START_TEST(test_foreign_name_kept)
{
	fake_backend_add(fake, "private", VTI_TEMP_NAME, "not ours", FALSE);
	burst(10);
	ck_assert(fake_backend_exists(fake, "private", VTI_TEMP_NAME, NULL));
	/* tried once for the burst, then theirs did its work */
	ck_assert_int_eq(test_count(fake->calls, "remove - strongswan-vti\n"), 1);
	ck_assert(!strstr(fake->calls, PLACEHOLDER_DELETED));
	ck_assert_int_eq(fake->renamed_after_move, 0);
}
END_TEST

/*
 * Bursts into two namespaces at once, interleaved: the placeholder goes
 * to the first the worker takes and stays there while it is needed; the
 * other's links are renamed after their moves (without that rule, every
 * turn made one and deleted the other).
 */
START_TEST(test_two_bursts_one_placeholder)
{
	vti_tunnel_t t[20];
	blocker_t *blocker;
	int i;

	fixture_restart("charon { plugins { vti { netns = private\n"
					"addresses = 2001:db8:ff::6/127\n"
					"connections { d { netns = other } } } } }");
	for (i = 0; i < 10; i++)
	{
		t[2 * i] = peer_tunnel(2 * i + 1, 2 * i + 1, 5 + i, i + 2);
		t[2 * i + 1] = tunnel("d", 2 * i + 2, 2 * i + 2, 20 + i,
							  "2001:db8:1::1", "2001:db8:4::1");
		t[2 * i + 1].remote[15] = i + 2;
	}
	blocker = up_blocked_at("create", &t[0]);
	for (i = 1; i < 20; i++)
	{
		manager->child_up(manager, &t[i]);
	}
	unblock(blocker);
	ck_assert_msg(burst_made(10), "calls:\n%s", fake->calls);
	ck_assert(fake_backend_exists(fake, "other", "vti29", NULL));
	/* d's burst came first after the queue filled (d20, then c6) */
	ck_assert_int_eq(test_count(fake->calls, "create xfrm strongswan-vti"), 1);
	ck_assert_msg(test_count(fake->calls, "move other strongswan-vti "
							  "strongswan-vti\n") == 1, "calls:\n%s",
				  fake->calls);
	ck_assert_int_eq(test_count(fake->calls, "remove other strongswan-vti\n"),
					 1);
	/* c's ten renamed, d's ten named in their moves */
	ck_assert_int_eq(fake->renamed_after_move, 10);
}
END_TEST

/*
 * A resync due in the middle of a burst: the worker deletes its
 * placeholder first (else the resync would take it for one a crash left),
 * and makes it again for the rest of the burst.
 */
START_TEST(test_resync_during_burst)
{
	blocker_t *first, *later;

	first = burst_queued(12);
	later = block_at("create vti6 strongswan-vti ikey=8 ");
	first->resume->post(first->resume);
	later->paused->wait(later->paused);
	ck_assert(fake_backend_exists(fake, "private", VTI_TEMP_NAME, NULL));
	manager->resync(manager);
	later->resume->post(later->resume);
	SETTLE(manager);
	blocker_free(first);
	blocker_free(later);
	ck_assert(burst_made(12));
	ck_assert_msg(!strstr(test_log, "removing the placeholder"), "log:\n%s",
				  test_log);
	ck_assert_int_eq(test_count(fake->calls, PLACEHOLDER_MADE), 2);
	ck_assert_int_eq(test_count(fake->calls, PLACEHOLDER_DELETED), 2);
}
END_TEST

/*
 * A placeholder a crash left (its alias the prefix alone) is deleted by
 * the next resync, and says so; other links are not touched.
 */
START_TEST(test_left_over_removed)
{
	fake_backend_add(fake, "private", VTI_TEMP_NAME, VTI_ALIAS_PREFIX, FALSE);
	fake_backend_add(fake, "private", "eth0", "", TRUE);
	RESYNC();
	ck_assert_str_eq(fake->calls, PLACEHOLDER_DELETED);
	ck_assert(fake_backend_exists(fake, "private", "eth0", NULL));
	ck_assert(strstr(test_log, "vti: removing the placeholder strongswan-vti "
					 "left in namespace private"));
}
END_TEST

Suite *placeholder_suite_create(void)
{
	Suite *s = suite_create("placeholder");
	TCase *tc = tcase_create("bursts");

	tcase_add_checked_fixture(tc, fixture_setup, fixture_stop);
	tcase_add_test(tc, test_burst_named_in_move);
	tcase_add_test(tc, test_small_burst_without);
	tcase_add_test(tc, test_placeholder_refused);
	tcase_add_test(tc, test_foreign_name_kept);
	tcase_add_test(tc, test_two_bursts_one_placeholder);
	tcase_add_test(tc, test_resync_during_burst);
	tcase_add_test(tc, test_left_over_removed);
	suite_add_tcase(s, tc);
	return s;
}
