/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Link events of watched namespaces (see the header). An overrun of an
 * event socket (ENOBUFS: the kernel dropped events) or a socket reopened
 * after an error is reported as -ENOBUFS, for the caller to resync.
 */

#include "vti_nlevents.h"
#include "vti_nlreply.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>
#include <collections/array.h>

/** Receive buffer of event sockets */
#define RX_BUF 32768

/** Receive buffer asked for on event sockets (past rmem_max only with
 * CAP_NET_ADMIN) */
#define EVENTS_RCVBUF (1024 * 1024)

/** Most messages read from one event socket per wait */
#define EVENTS_BATCH 256

/**
 * A watched namespace.
 */
typedef struct {
	/** name under /run/netns, "" for charon's */
	char *name;
	/** RTNLGRP_LINK socket, NULL after an error or forget() */
	struct mnl_socket *nl;
	/** opening it again failed and was logged */
	bool failed;
} watched_t;

struct vti_nlevents_t {
	/** opens sockets in namespaces */
	vti_nlsock_t *sock;
	/** watched namespaces, watched_t* */
	array_t *watched;
	/** eventfd written by wakeup() */
	int wakeup_fd;
	/** receive buffer */
	char rx[RX_BUF];
};

/**
 * Counts the events reported to the caller's callback.
 */
typedef struct {
	vti_event_cb_t cb;
	void *data;
	int count;
} events_t;

static const char *label(watched_t *w)
{
	return *w->name ? w->name : "of charon";
}

static watched_t *find(vti_nlevents_t *this, const char *netns)
{
	watched_t *w;
	int i;

	for (i = 0; i < array_count(this->watched); i++)
	{
		array_get(this->watched, i, &w);
		if (streq(w->name, netns))
		{
			return w;
		}
	}
	return NULL;
}

static void close_socket(watched_t *w)
{
	if (w->nl)
	{
		mnl_socket_close(w->nl);
		w->nl = NULL;
	}
}

/**
 * Open the event socket of a watched namespace.
 */
static bool open_socket(vti_nlevents_t *this, watched_t *w, vti_err_t *err)
{
	int size = EVENTS_RCVBUF, fd;

	w->nl = vti_nlsock_open(this->sock, w->name, RTMGRP_LINK, err);
	if (!w->nl)
	{
		return FALSE;
	}
	fd = mnl_socket_get_fd(w->nl);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
	{
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
	w->failed = FALSE;
	DBG2(DBG_KNL, "vti: watching link events in namespace %s", label(w));
	return TRUE;
}

int vti_nlevents_watch(vti_nlevents_t *this, const char *netns,
					   vti_err_t *err)
{
	watched_t *w = find(this, netns);

	if (!w)
	{
		INIT(w,
			.name = strdup(netns),
		);
		array_insert(this->watched, ARRAY_TAIL, w);
	}
	if (w->nl)
	{
		return 0;
	}
	if (!open_socket(this, w, err))
	{
		/* the caller logs it; waits try again */
		w->failed = TRUE;
		return -EIO;
	}
	return 0;
}

void vti_nlevents_forget(vti_nlevents_t *this, const char *netns)
{
	watched_t *w = find(this, netns);

	if (w)
	{
		close_socket(w);
	}
}

/**
 * Open the event socket of a watched namespace again after an error.
 *
 * @return			TRUE if it was (events may have been missed)
 */
static bool reopen(vti_nlevents_t *this, watched_t *w)
{
	vti_err_t err;

	if (w->nl)
	{
		return FALSE;
	}
	if (!open_socket(this, w, &err))
	{
		if (!w->failed)
		{
			DBG1(DBG_KNL, "vti: watching link events in namespace %s "
				 "failed: %s", label(w), err.msg);
			w->failed = TRUE;
		}
		return FALSE;
	}
	DBG1(DBG_KNL, "vti: link events of namespace %s watched again",
		 label(w));
	return TRUE;
}

static void count_event(void *data, const vti_link_event_t *event)
{
	events_t *events = data;

	events->count++;
	events->cb(events->data, event);
}

/**
 * Read and report what is queued on the event socket of a namespace.
 *
 * @return			FALSE if events were lost (overrun, socket error)
 */
static bool read_events(vti_nlevents_t *this, watched_t *w,
						events_t *events)
{
	bool complete = TRUE;
	ssize_t len;
	int i;

	for (i = 0; w->nl && i < EVENTS_BATCH; i++)
	{
		len = recv(mnl_socket_get_fd(w->nl), this->rx, sizeof(this->rx), 0);
		if (len < 0)
		{
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			{
				break;
			}
			if (errno == ENOBUFS)
			{
				DBG1(DBG_KNL, "vti: link events of namespace %s overran",
					 label(w));
				complete = FALSE;
				continue;
			}
			DBG1(DBG_KNL, "vti: reading link events of namespace %s "
				 "failed: %s", label(w), strerror(errno));
			close_socket(w);
			return FALSE;
		}
		if (vti_nlmsg_link_events(this->rx, len, w->name, count_event,
								  events) < 0)
		{
			DBG1(DBG_KNL, "vti: a malformed link event in namespace %s",
				 label(w));
			complete = FALSE;
		}
	}
	return complete;
}

int vti_nlevents_wait(vti_nlevents_t *this, int timeout_ms,
					  vti_event_cb_t cb, void *data)
{
	events_t events = { .cb = cb, .data = data };
	int n = array_count(this->watched), nfds = 1, i;
	struct pollfd fds[1 + n];
	watched_t *polled[1 + n], *w;
	uint64_t value;
	bool lost = FALSE;

	fds[0] = (struct pollfd){ .fd = this->wakeup_fd, .events = POLLIN };
	for (i = 0; i < n; i++)
	{
		array_get(this->watched, i, &w);
		lost |= reopen(this, w);
		if (w->nl)
		{
			polled[nfds] = w;
			fds[nfds++] = (struct pollfd){
				.fd = mnl_socket_get_fd(w->nl),
				.events = POLLIN,
			};
		}
	}
	if (lost)
	{
		return -ENOBUFS;
	}
	if (poll(fds, nfds, timeout_ms) < 0)
	{
		return errno == EINTR ? 0 : -errno;
	}
	if (fds[0].revents &&
		read(this->wakeup_fd, &value, sizeof(value)) < 0)
	{
		/* EAGAIN: taken by an earlier wait */
	}
	/* a callback may watch() more: polled holds what was polled */
	for (i = 1; i < nfds; i++)
	{
		if (fds[i].revents && !read_events(this, polled[i], &events))
		{
			lost = TRUE;
		}
	}
	return lost ? -ENOBUFS : events.count;
}

void vti_nlevents_wakeup(vti_nlevents_t *this)
{
	uint64_t one = 1;

	if (write(this->wakeup_fd, &one, sizeof(one)) < 0)
	{
		/* EAGAIN: the counter is full, a wakeup is due anyway */
	}
}

vti_nlevents_t *vti_nlevents_create(vti_nlsock_t *sock)
{
	vti_nlevents_t *this;

	INIT(this,
		.sock = sock,
		.watched = array_create(0, 0),
		.wakeup_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK),
	);
	if (this->wakeup_fd < 0)
	{
		DBG1(DBG_KNL, "vti: eventfd: %s, wakeups take up to a wait",
			 strerror(errno));
	}
	return this;
}

void vti_nlevents_destroy(vti_nlevents_t *this)
{
	watched_t *w;

	while (array_remove(this->watched, ARRAY_TAIL, &w))
	{
		close_socket(w);
		free(w->name);
		free(w);
	}
	array_destroy(this->watched);
	if (this->wakeup_fd >= 0)
	{
		close(this->wakeup_fd);
	}
	free(this);
}
