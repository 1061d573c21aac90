/*
 * The kernel side without a kernel: sysctl writes through vti_netns on
 * files that fail, and the parsing of netlink replies on crafted buffers.
 */

#include "vti_tests.h"
#include "vti_netns.h"

#include <dirent.h>
#include <errno.h>

/**
 * Open file descriptors of this process.
 */
static int count_fds(void)
{
	struct dirent *entry;
	DIR *dir;
	int n = 0;

	dir = opendir("/proc/self/fd");
	ck_assert(dir);
	while ((entry = readdir(dir)))
	{
		n += entry->d_name[0] != '.';
	}
	closedir(dir);
	return n;
}

START_TEST(test_sysctl_write_fails)
{
	vti_err_t err = {};
	int before, i;

	/* /proc/sys/../../dev/full opens for writing, and writing it fails with
	 * ENOSPC, for anyone and without a namespace */
	before = count_fds();
	for (i = 0; i < 3; i++)
	{
		ck_assert_int_eq(vti_netns_sysctl("", "../../dev/full", "1", &err),
						 -ENOSPC);
	}
	ck_assert_msg(strstr(err.msg, "writing /proc/sys/../../dev/full: "),
				  "%s", err.msg);
	ck_assert_int_eq(count_fds(), before);
}
END_TEST

START_TEST(test_sysctl_write_ok)
{
	vti_err_t err = {};
	int before;

	before = count_fds();
	ck_assert_int_eq(vti_netns_sysctl("", "../../dev/null", "1", &err), 0);
	ck_assert_int_eq(count_fds(), before);
}
END_TEST

START_TEST(test_sysctl_open_fails)
{
	vti_err_t err = {};
	int before;

	before = count_fds();
	ck_assert_int_eq(vti_netns_sysctl("", "net/no/such/sysctl", "1", &err),
					 -ENOENT);
	ck_assert_msg(strstr(err.msg, "opening /proc/sys/net/no/such/sysctl"),
				  "%s", err.msg);
	ck_assert_int_eq(count_fds(), before);
}
END_TEST

Suite *netlink_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("netlink");
	tc = tcase_create("sysctl");
	tcase_add_test(tc, test_sysctl_write_fails);
	tcase_add_test(tc, test_sysctl_write_ok);
	tcase_add_test(tc, test_sysctl_open_fails);
	suite_add_tcase(s, tc);
	return s;
}
