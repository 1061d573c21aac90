/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <check.h>
#include <library.h>

#include "vti_tests.h"

char sandbox_msg[512];
char sandbox_skipped[256];

bool sandbox_write_file(const char *path, const char *text)
{
	int fd, len = strlen(text);
	bool ok;

	fd = open(path, O_WRONLY);
	if (fd < 0)
	{
		return FALSE;
	}
	ok = write(fd, text, len) == len;
	close(fd);
	return ok;
}

/**
 * Enter namespaces of our own, as root of a user namespace.
 */
static bool enter_sandbox(void)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS) < 0)
	{
		snprintf(sandbox_msg, sizeof(sandbox_msg), "SKIP: no user namespace "
				 "(%s)", strerror(errno));
		return FALSE;
	}
	snprintf(map, sizeof(map), "0 %u 1", uid);
	sandbox_write_file("/proc/self/setgroups", "deny");
	if (!sandbox_write_file("/proc/self/uid_map", map))
	{
		snprintf(sandbox_msg, sizeof(sandbox_msg), "SKIP: uid_map: %s",
				 strerror(errno));
		return FALSE;
	}
	snprintf(map, sizeof(map), "0 %u 1", gid);
	sandbox_write_file("/proc/self/gid_map", map);
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
		mount("tmpfs", "/run", "tmpfs", 0, NULL) < 0)
	{
		snprintf(sandbox_msg, sizeof(sandbox_msg), "SKIP: mounting /run: %s",
				 strerror(errno));
		return FALSE;
	}
	return TRUE;
}

/**
 * Run fn in a forked child inside its own namespaces; fail with what it
 * says, or record a skip (test_skip()) if it could not get there or could
 * not check a part of what it should.
 */
void in_sandbox(bool (*fn)(void))
{
	int fds[2], status;
	char buf[sizeof(sandbox_msg)] = "";
	ssize_t len;
	pid_t pid;

	ck_assert(pipe(fds) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0)
	{
		close(fds[0]);
		sandbox_msg[0] = '\0';
		sandbox_skipped[0] = '\0';
		if (enter_sandbox() && fn())
		{
			snprintf(sandbox_msg, sizeof(sandbox_msg), "%s%s",
					 sandbox_skipped[0] ? "SKIP: " : "", sandbox_skipped);
		}
		else if (!sandbox_msg[0])
		{
			snprintf(sandbox_msg, sizeof(sandbox_msg), "failed");
		}
		len = write(fds[1], sandbox_msg, strlen(sandbox_msg));
		close(fds[1]);
		_exit(len < 0);
	}
	close(fds[1]);
	len = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	buf[max(len, 0)] = '\0';
	if (strpfx(buf, "SKIP: "))
	{
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		test_skip("real sockets: %s", buf + strlen("SKIP: "));
		return;
	}
	ck_assert_msg(!buf[0], "%s", buf);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
