/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Runs every unit test suite of the vti plugin with Check.
 */

#include "vti_tests.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

char test_log[16384];
level_t test_log_level = 1;

/**
 * Lines that did not fit into test_log since the process started (a
 * forked test starts from its parent's 0): any fails the run at exit.
 */
static u_int test_log_lost;

/**
 * Where test_skip() writes, shared by every forked test (O_APPEND).
 */
static int skip_fd = -1;

void test_log_clear(void)
{
	test_log[0] = '\0';
	test_log_level = 1;
}

/**
 * Keeps the log lines up to test_log_level for assertions; a line that
 * does not fit whole is dropped and counted: after it, "was not logged"
 * would pass unseen.
 */
static void test_dbg(debug_t group, level_t level, char *fmt, ...)
{
	size_t len = strlen(test_log);
	va_list args;
	int n;

	if (level > test_log_level)
	{
		return;
	}
	va_start(args, fmt);
	n = vsnprintf(test_log + len, sizeof(test_log) - len, fmt, args);
	va_end(args);
	if (n < 0 || len + n + 1 >= sizeof(test_log))
	{
		test_log[len] = '\0';
		test_log_lost++;
		return;
	}
	strcat(test_log, "\n");
}

/**
 * At the exit of a forked test (Check exits its child after the test and
 * its teardown) or of the whole run (CK_FORK=no): a log that overflowed
 * fails it, with the reason on stderr (Check reports "Early exit").
 */
static void check_log_lost(void)
{
	if (test_log_lost)
	{
		fprintf(stderr, "vti_tests: %u log lines did not fit into the "
				"%zu bytes of test_log: assertions on what was not logged "
				"cannot be trusted\n", test_log_lost, sizeof(test_log));
		_exit(1);
	}
}

int test_count(const char *text, const char *what)
{
	int n = 0;

	while ((text = strstr(text, what)))
	{
		n++;
		text += strlen(what);
	}
	return n;
}

void test_skip(const char *fmt, ...)
{
	char line[512];
	va_list args;
	int len;

	va_start(args, fmt);
	len = vsnprintf(line, sizeof(line) - 1, fmt, args);
	va_end(args);
	len = min(max(len, 0), (int)sizeof(line) - 2);
	line[len++] = '\n';
	ck_assert_msg(skip_fd >= 0 && write(skip_fd, "SKIP: ", 6) == 6 &&
				  write(skip_fd, line, len) == len,
				  "recording a skip failed: %s", strerror(errno));
}

/**
 * Print the skips the tests recorded, one line each, and their number.
 */
static u_int print_skips(void)
{
	char buf[4096];
	u_int count = 0;
	ssize_t len, i;

	if (lseek(skip_fd, 0, SEEK_SET) < 0)
	{
		return 0;
	}
	while ((len = read(skip_fd, buf, sizeof(buf))) > 0)
	{
		fwrite(buf, 1, len, stdout);
		for (i = 0; i < len; i++)
		{
			count += buf[i] == '\n';
		}
	}
	printf("Skipped: %u\n", count);
	return count;
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
	char skips[] = "/tmp/vti-tests-skips.XXXXXX";
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
	skip_fd = mkstemp(skips);
	if (skip_fd < 0 || fcntl(skip_fd, F_SETFL, O_APPEND) < 0)
	{
		library_deinit();
		return 1;
	}
	unlink(skips);
	dbg = test_dbg;
	atexit(check_log_lost);
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
	srunner_add_suite(runner, ondemand_suite_create());
	srunner_add_suite(runner, trapsrc_suite_create());
	srunner_add_suite(runner, review_suite_create());
	srunner_add_suite(runner, review2_suite_create());
	srunner_add_suite(runner, review3_suite_create());
	srunner_add_suite(runner, placeholder_suite_create());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	/* a skip passes for Check: counted apart, scripts/test.sh reads it */
	print_skips();
	close(skip_fd);
	/* as charon does: the threads stop before the library goes */
	lib->processor->cancel(lib->processor);
	library_deinit();
	return failed ? 1 : 0;
}
