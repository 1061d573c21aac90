/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Runs every unit test suite of the vti plugin with Check.
 */

#include "vti_tests.h"

#include <stdarg.h>
#include <unistd.h>

char test_log[16384];
level_t test_log_level = 1;

void test_log_clear(void)
{
	test_log[0] = '\0';
	test_log_level = 1;
}

/**
 * Keeps the log lines up to test_log_level for assertions.
 */
static void test_dbg(debug_t group, level_t level, char *fmt, ...)
{
	size_t len = strlen(test_log);
	va_list args;

	if (level > test_log_level)
	{
		return;
	}
	va_start(args, fmt);
	vsnprintf(test_log + len, sizeof(test_log) - len, fmt, args);
	va_end(args);
	len = strlen(test_log);
	if (len < sizeof(test_log) - 1)
	{
		strcat(test_log, "\n");
	}
}

void test_threads(void)
{
	if (!lib->processor->get_total_threads(lib->processor))
	{
		lib->processor->set_threads(lib->processor, 2);
	}
}

int main(int argc, char *argv[])
{
	char conf[] = "/tmp/vti-tests.XXXXXX";
	SRunner *runner;
	int failed, fd;

	/* settings, hosts and logging come from the real libstrongswan, with an
	 * empty strongswan.conf so that the machine's does not interfere */
	fd = mkstemp(conf);
	if (fd < 0)
	{
		return 1;
	}
	close(fd);
	if (!library_init(conf, "vti-tests"))
	{
		unlink(conf);
		return 1;
	}
	unlink(conf);
	dbg = test_dbg;
	runner = srunner_create(mtu_suite_create());
	srunner_add_suite(runner, config_suite_create());
	srunner_add_suite(runner, manager_suite_create());
	srunner_add_suite(runner, nlmsg_suite_create());
	srunner_add_suite(runner, orders_suite_create());
	srunner_add_suite(runner, worker_suite_create());
	srunner_add_suite(runner, netlink_suite_create());
	srunner_add_suite(runner, listener_suite_create());
	srunner_add_suite(runner, races_suite_create());
	srunner_add_suite(runner, lifecycle_suite_create());
	srunner_add_suite(runner, settings_suite_create());
	srunner_add_suite(runner, keys_suite_create());
	srunner_add_suite(runner, longrun_suite_create());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	/* as charon does: the threads stop before the library goes */
	lib->processor->cancel(lib->processor);
	library_deinit();
	return failed ? 1 : 0;
}
