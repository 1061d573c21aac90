/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The unit test suites of the vti plugin.
 */

#ifndef VTI_TESTS_H_
#define VTI_TESTS_H_

#include <check.h>
#include <library.h>

#include "manager_probe.h"

Suite *mtu_suite_create(void);
Suite *config_suite_create(void);
Suite *manager_suite_create(void);
Suite *nlmsg_suite_create(void);
Suite *orders_suite_create(void);
Suite *worker_suite_create(void);
Suite *netlink_suite_create(void);
Suite *listener_suite_create(void);
Suite *races_suite_create(void);
Suite *lifecycle_suite_create(void);
Suite *settings_suite_create(void);
Suite *keys_suite_create(void);
Suite *longrun_suite_create(void);
Suite *ondemand_suite_create(void);
Suite *trapsrc_suite_create(void);
Suite *review_suite_create(void);
Suite *review2_suite_create(void);
Suite *review3_suite_create(void);
Suite *placeholder_suite_create(void);

/**
 * What the code under test logged (up to test_log_level) since
 * test_log_clear(); a line that does not fit fails the test at its exit.
 */
extern char test_log[16384];

/**
 * The highest level test_log keeps, 1 unless a test raises it; reset by
 * test_log_clear().
 */
extern level_t test_log_level;

void test_log_clear(void);

/**
 * How many times text holds what (not overlapping).
 *
 * @param text		the text, as test_log or a fake's calls
 * @param what		what to count
 * @return			the count
 */
int test_count(const char *text, const char *what);

/**
 * Record that the running test could not check what it should here, and
 * why: printed as "SKIP: reason" after the run, counted ("Skipped: K"),
 * never taken for a pass (Check itself knows no skip).
 *
 * @param fmt		the reason, printf style
 */
void test_skip(const char *fmt, ...);

/**
 * Start threads of the processor (the kernel worker is one of its jobs)
 * in this process: a forked test does not inherit the parent's.
 */
void test_threads(void);

/**
 * Wait until the manager's kernel worker applied what it was told.
 */
#define SETTLE(m) ck_assert_msg(vti_manager_flush((m), 5000), \
								"the kernel worker did not settle")

#endif
