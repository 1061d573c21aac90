/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Named network namespaces. A netlink socket belongs to the namespace it
 * was opened in, and /proc/sys/net shows the namespace of whoever opens it,
 * so entering one takes setns() on the calling thread for the socket() or
 * open() call only, then returning to charon's namespace.
 */

#define _GNU_SOURCE
#include "vti_netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <linux/netlink.h>

#define NETNS_RUN_DIR "/run/netns"

int vti_netns_open(const char *name)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%.100s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

bool vti_netns_same(const char *name, int netns_fd)
{
	struct stat now, kept;
	char path[128];

	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%.100s", name);
	return stat(path, &now) == 0 && fstat(netns_fd, &kept) == 0 &&
		   now.st_dev == kept.st_dev && now.st_ino == kept.st_ino;
}

struct mnl_socket *vti_netns_mnl_open(unsigned int groups, vti_err_t *err)
{
	struct mnl_socket *nl;
	int one = 1;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl || mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID) < 0)
	{
		snprintf(err->msg, sizeof(err->msg), "netlink socket: %s",
				 strerror(errno));
		if (nl)
		{
			mnl_socket_close(nl);
		}
		return NULL;
	}
	/* the kernel's reasons (extended ACK), without a copy of our request */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	return nl;
}

bool vti_netns_call(const char *name, int netns_fd, void (*fn)(void*),
					void *data, vti_err_t *err)
{
	int self;

	if (netns_fd < 0)
	{
		fn(data);
		return TRUE;
	}
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
	{
		snprintf(err->msg, sizeof(err->msg), "own namespace: %s",
				 strerror(errno));
		return FALSE;
	}
	if (setns(netns_fd, CLONE_NEWNET) < 0)
	{
		snprintf(err->msg, sizeof(err->msg), "entering namespace %s: %s "
				 "(needs CAP_SYS_ADMIN)", name, strerror(errno));
		close(self);
		return FALSE;
	}
	fn(data);
	if (setns(self, CLONE_NEWNET) < 0)
	{
		/* this thread would stay in the wrong namespace: nothing is safe */
		DBG1(DBG_KNL, "vti: returning to charon's namespace failed: %s",
			 strerror(errno));
		abort();
	}
	close(self);
	return TRUE;
}

/**
 * Write value to fd and close it; full is the file's name for messages.
 */
static int write_close(int fd, const char *full, const char *value,
					   vti_err_t *err)
{
	ssize_t len = strlen(value), written;
	int ret;

	written = write(fd, value, len);
	/* a short write has no errno of its own */
	ret = written < 0 ? -errno : written != len ? -EIO : 0;
	close(fd);
	if (ret < 0)
	{
		snprintf(err->msg, sizeof(err->msg), "writing %.200s: %s", full,
				 strerror(-ret));
	}
	return ret;
}

int vti_netns_write_at(int dir_fd, const char *dir_name, const char *path,
					   const char *value, vti_err_t *err)
{
	char full[256];
	int fd;

	snprintf(full, sizeof(full), "%.100s/%.100s", dir_name, path);
	fd = openat(dir_fd, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
	{
		fd = -errno;
		snprintf(err->msg, sizeof(err->msg), "opening %.200s: %s", full,
				 strerror(-fd));
		return fd;
	}
	return write_close(fd, full, value, err);
}

int vti_netns_create(const char *name, vti_err_t *err)
{
	char path[128];
	int fd, self, ret = 0;

	mkdir(NETNS_RUN_DIR, 0755);
	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%.100s", name);
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
	{
		ret = -errno;
		snprintf(err->msg, sizeof(err->msg), "creating %.100s: %s", path,
				 strerror(errno));
		return ret;
	}
	close(fd);
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0 || unshare(CLONE_NEWNET) < 0)
	{
		ret = -errno;
		snprintf(err->msg, sizeof(err->msg), "new namespace: %s",
				 strerror(errno));
	}
	else
	{
		if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND,
				  NULL) < 0)
		{
			ret = -errno;
			snprintf(err->msg, sizeof(err->msg), "binding it to %.100s: %s", path,
					 strerror(errno));
		}
		if (setns(self, CLONE_NEWNET) < 0)
		{
			DBG1(DBG_KNL, "vti: returning to charon's namespace failed: %s",
				 strerror(errno));
			abort();
		}
	}
	if (self >= 0)
	{
		close(self);
	}
	if (ret < 0)
	{
		unlink(path);
	}
	return ret;
}
