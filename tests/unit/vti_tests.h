/*
 * The unit test suites of the vti plugin.
 */

#ifndef VTI_TESTS_H_
#define VTI_TESTS_H_

#include <check.h>
#include <library.h>

Suite *mtu_suite_create(void);
Suite *config_suite_create(void);
Suite *manager_suite_create(void);
Suite *nlmsg_suite_create(void);
Suite *orders_suite_create(void);
Suite *netlink_suite_create(void);
Suite *listener_suite_create(void);

/**
 * What the code under test logged at level 1 since test_log_clear().
 */
extern char test_log[16384];

void test_log_clear(void);

#endif
