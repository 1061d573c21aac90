/*
 * Named network namespaces. A netlink socket belongs to the namespace it
 * was opened in, so entering one takes setns() on the calling thread for
 * the socket() call only, then returning to charon's namespace.
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

/**
 * Open and bind an rtnetlink socket in the current namespace.
 */
static struct mnl_socket *open_socket(vti_err_t *err)
{
	struct mnl_socket *nl;
	int one = 1;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
	{
		snprintf(err->msg, sizeof(err->msg), "netlink socket: %s",
				 strerror(errno));
		if (nl)
		{
			mnl_socket_close(nl);
		}
		return NULL;
	}
	/* the kernel's reasons (extended ACK) and answers to our requests only */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	return nl;
}

struct mnl_socket *vti_netns_socket(const char *name, vti_err_t *err)
{
	struct mnl_socket *nl;
	int target, self;

	if (!*name)
	{
		return open_socket(err);
	}
	target = vti_netns_open(name);
	if (target < 0)
	{
		snprintf(err->msg, sizeof(err->msg), "namespace %s: %s", name,
				 strerror(-target));
		return NULL;
	}
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
	{
		snprintf(err->msg, sizeof(err->msg), "own namespace: %s",
				 strerror(errno));
		close(target);
		return NULL;
	}
	if (setns(target, CLONE_NEWNET) < 0)
	{
		snprintf(err->msg, sizeof(err->msg), "entering namespace %s: %s "
				 "(needs CAP_SYS_ADMIN)", name, strerror(errno));
		close(target);
		close(self);
		return NULL;
	}
	nl = open_socket(err);
	if (setns(self, CLONE_NEWNET) < 0)
	{
		/* this thread would stay in the wrong namespace: nothing is safe */
		DBG1(DBG_CHD, "vti: returning to charon's namespace failed: %s",
			 strerror(errno));
		abort();
	}
	close(target);
	close(self);
	return nl;
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
			DBG1(DBG_CHD, "vti: returning to charon's namespace failed: %s",
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
