/*
 * The unit test suites of the vti plugin.
 */

#ifndef VTI_TESTS_H_
#define VTI_TESTS_H_

#include <check.h>

Suite *mtu_suite_create(void);

#endif
