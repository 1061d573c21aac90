/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Kept rtnetlink request sockets, one per namespace in use (see the
 * header). A socket error closes the socket; it is opened again on next
 * use. Failures handled here are logged (DBG_KNL, level 1); those of a
 * request go back to the caller in err for its one log line.
 */

#include "vti_nlsock.h"
#include "vti_netns.h"
#include "vti_nlreply.h"
#include "vti_nlmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <collections/array.h>

/** Receive buffer: the kernel sizes dump parts to what we read with */
#define RX_BUF 32768

/** Longest wait for an answer (the kernel queues it before sendto()
 * returns, or makes the next part of a dump as we read) */
#define RX_TIMEOUT_S 10

/** The per-device IPv6 sysctls, opened in each namespace */
#define IPV6_CONF "/proc/sys/net/ipv6/conf"

/**
 * A namespace in use.
 */
typedef struct {
	/** name under /run/netns, "" for charon's */
	char *name;
	/** /run/netns/NAME, -1 for charon's or until opened */
	int fd;
	/** request socket, NULL until opened or after a socket error */
	struct mnl_socket *nl;
	/** its port id */
	uint32_t portid;
	/** IPV6_CONF opened inside the namespace, -1 if none */
	int ipv6_conf;
} ns_t;

struct vti_nlsock_t {
	/** namespaces in use, ns_t* */
	array_t *namespaces;
	/** sequence number of our last request */
	uint32_t seq;
	/** receive buffer */
	char rx[RX_BUF];
};

static const char *label(const char *netns)
{
	return *netns ? netns : "of charon";
}

/**
 * Find a namespace, adding it (nothing opened yet) if it is new.
 */
static ns_t *get_ns(vti_nlsock_t *this, const char *name)
{
	ns_t *ns;
	int i;

	for (i = 0; i < array_count(this->namespaces); i++)
	{
		array_get(this->namespaces, i, &ns);
		if (streq(ns->name, name))
		{
			return ns;
		}
	}
	INIT(ns,
		.name = strdup(name),
		.fd = -1,
		.ipv6_conf = -1,
	);
	array_insert(this->namespaces, ARRAY_TAIL, ns);
	return ns;
}

static void close_request(ns_t *ns)
{
	if (ns->nl)
	{
		mnl_socket_close(ns->nl);
		ns->nl = NULL;
	}
	if (ns->ipv6_conf >= 0)
	{
		close(ns->ipv6_conf);
		ns->ipv6_conf = -1;
	}
}

/**
 * Forget all we opened in a namespace.
 */
static void forget(ns_t *ns)
{
	close_request(ns);
	if (ns->fd >= 0)
	{
		close(ns->fd);
		ns->fd = -1;
	}
}

/**
 * The fd of a named namespace, opened once.
 *
 * @return			0, or -errno with err set
 */
static int open_fd(ns_t *ns, vti_err_t *err)
{
	int fd;

	if (*ns->name && ns->fd < 0)
	{
		fd = vti_netns_open(ns->name);
		if (fd < 0)
		{
			snprintf(err->msg, sizeof(err->msg), "namespace %s: %s",
					 ns->name, strerror(-fd));
			return fd;
		}
		ns->fd = fd;
	}
	return 0;
}

/**
 * What is opened inside a namespace in one visit.
 */
typedef struct {
	unsigned int groups;
	struct mnl_socket *nl;
	int ipv6_conf;
	vti_err_t *err;
} open_in_t;

static void open_in(void *data)
{
	open_in_t *in = data;

	in->nl = vti_netns_mnl_open(in->groups, in->err);
	if (in->nl && !in->groups)
	{
		/* keep_addr_on_down has no netlink attribute (inet6_set_link_af
		 * takes only the token and addr_gen_mode): /proc it is, opened here
		 * once, its files later with openat() and no setns() */
		in->ipv6_conf = open(IPV6_CONF, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
}

/**
 * Open a socket (bound to groups) in a namespace, entering it if named;
 * for a request socket (no groups) the IPV6_CONF directory too.
 */
static struct mnl_socket *open_socket(ns_t *ns, unsigned int groups,
									  int *ipv6_conf, vti_err_t *err)
{
	open_in_t in = { .groups = groups, .ipv6_conf = -1, .err = err };

	if (open_fd(ns, err) < 0 ||
		!vti_netns_call(ns->name, ns->fd, open_in, &in, err))
	{
		return NULL;
	}
	if (ipv6_conf)
	{
		*ipv6_conf = in.ipv6_conf;
	}
	return in.nl;
}

/**
 * The request socket of a namespace, opened on first use.
 */
static bool request_socket(ns_t *ns, vti_err_t *err)
{
	struct timeval timeout = { .tv_sec = RX_TIMEOUT_S };

	if (ns->nl)
	{
		return TRUE;
	}
	ns->nl = open_socket(ns, 0, &ns->ipv6_conf, err);
	if (!ns->nl)
	{
		return FALSE;
	}
	setsockopt(mnl_socket_get_fd(ns->nl), SOL_SOCKET, SO_RCVTIMEO, &timeout,
			   sizeof(timeout));
	ns->portid = mnl_socket_get_portid(ns->nl);
	DBG2(DBG_KNL, "vti: netlink socket opened in namespace %s",
		 label(ns->name));
	return TRUE;
}

/**
 * A socket error: the request socket is closed, reopened on next use.
 */
static int socket_failed(ns_t *ns, const char *op, const char *what,
						 int error, vti_err_t *err)
{
	snprintf(err->msg, sizeof(err->msg), "%s: %s: %s", op, what,
			 strerror(-error));
	DBG1(DBG_KNL, "vti: netlink socket of namespace %s failed (%s), "
		 "opening it again on next use", label(ns->name), err->msg);
	close_request(ns);
	return error;
}

/**
 * Read what is queued on a socket (the rest of an abandoned dump: the
 * kernel makes its next part as we read, and runs one dump at a time).
 */
static bool drain(vti_nlsock_t *this, ns_t *ns)
{
	while (recv(mnl_socket_get_fd(ns->nl), this->rx, sizeof(this->rx),
				MSG_DONTWAIT) >= 0)
	{
	}
	return errno == EAGAIN || errno == EWOULDBLOCK;
}

/**
 * err from the kernel's answer to a request that failed, with its reason
 * (extended ACK) if it gave one.
 */
static int describe(const char *op, int error, const char *text,
					vti_err_t *err)
{
	snprintf(err->msg, sizeof(err->msg), "%s: %s%s%s", op, strerror(-error),
			 *text ? ", kernel says: " : "", text);
	return error;
}

/**
 * A failed request: err from the kernel's answer (NULL text: an interrupted
 * dump), nothing left queued.
 */
static int failed(vti_nlsock_t *this, ns_t *ns, const char *op, int error,
				  const char *text, vti_err_t *err)
{
	if (!text)
	{
		snprintf(err->msg, sizeof(err->msg), "%s: the dump was interrupted",
				 op);
	}
	else
	{
		describe(op, error, text, err);
	}
	if (!drain(this, ns))
	{
		close_request(ns);
	}
	return error;
}

/**
 * Send a request on the socket of a namespace and read until its ACK,
 * error or DONE.
 */
static int roundtrip(vti_nlsock_t *this, ns_t *ns, struct nlmsghdr *req,
					 const char *op, mnl_cb_t cb, void *data,
					 vti_dump_t *dump, vti_err_t *err)
{
	char text[128];
	ssize_t received;
	int error;

	if (mnl_socket_sendto(ns->nl, req, req->nlmsg_len) < 0)
	{
		return socket_failed(ns, op, "sending", -errno, err);
	}
	while (TRUE)
	{
		received = mnl_socket_recvfrom(ns->nl, this->rx, sizeof(this->rx));
		if (received < 0)
		{
			return socket_failed(ns, op, "receiving", -errno, err);
		}
		switch (vti_nlmsg_reply(req, ns->portid, this->rx, received, cb,
								data, &error, text, sizeof(text)))
		{
			case VTI_NLREPLY_MORE:
				continue;
			case VTI_NLREPLY_DONE:
				DBG3(DBG_KNL, "vti: %s in namespace %s: done", op,
					 label(ns->name));
				return 0;
			case VTI_NLREPLY_INTR:
				if (!error)
				{
					*dump = VTI_DUMP_INTERRUPTED;
					return failed(this, ns, op, -EINTR, NULL, err);
				}
				*dump = VTI_DUMP_FAILED;
				return failed(this, ns, op, error, text, err);
			case VTI_NLREPLY_ERROR:
			default:
				if (error == -EBADMSG && !*text)
				{
					/* what follows on the socket cannot be trusted */
					return socket_failed(ns, op, "malformed answer", error,
										 err);
				}
				return failed(this, ns, op, error, text, err);
		}
	}
}

static int no_data(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_OK;
}

int vti_nlsock_request(vti_nlsock_t *this, const char *netns,
					   struct nlmsghdr *req, const char *op, mnl_cb_t cb,
					   void *data, vti_dump_t *dump, vti_err_t *err)
{
	vti_dump_t ignored;
	ns_t *ns = get_ns(this, netns);

	dump = dump ?: &ignored;
	*dump = VTI_DUMP_OK;
	if (!request_socket(ns, err))
	{
		return -EIO;
	}
	return roundtrip(this, ns, req, op, cb ?: no_data, data, dump, err);
}

/**
 * The answer to the request of a batch it is for (by sequence number), or
 * -1: reqs still unanswered ones, their results in results.
 */
static int answered(ns_t *ns, struct nlmsghdr **reqs, int n, int *results,
					char *rx, ssize_t len, char *text, size_t text_len)
{
	int i, error;

	for (i = 0; i < n; i++)
	{
		if (results[i] != 1)
		{
			continue;
		}
		switch (vti_nlmsg_reply(reqs[i], ns->portid, rx, len, no_data, NULL,
								&error, text, text_len))
		{
			case VTI_NLREPLY_MORE:
				continue;
			case VTI_NLREPLY_DONE:
				results[i] = 0;
				return i;
			default:
				results[i] = error ?: -EIO;
				return i;
		}
	}
	return -1;
}

int vti_nlsock_batch(vti_nlsock_t *this, const char *netns, void *batch,
					 size_t len, const char **ops, int ignore, vti_err_t *err)
{
	struct nlmsghdr *reqs[VTI_NLSOCK_BATCH], *nlh = batch;
	int results[VTI_NLSOCK_BATCH], n, i, pending, ret = 0, left = len;
	ns_t *ns = get_ns(this, netns);
	char text[128];
	ssize_t received;

	for (n = 0; mnl_nlmsg_ok(nlh, left) && n < VTI_NLSOCK_BATCH; n++)
	{
		reqs[n] = nlh;
		results[n] = 1;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	if (!request_socket(ns, err))
	{
		return -EIO;
	}
	if (mnl_socket_sendto(ns->nl, batch, (char*)nlh - (char*)batch) < 0)
	{
		return socket_failed(ns, ops[0], "sending", -errno, err);
	}
	for (pending = n; pending; pending--)
	{
		do
		{
			received = mnl_socket_recvfrom(ns->nl, this->rx,
										   sizeof(this->rx));
			if (received < 0)
			{
				return socket_failed(ns, ops[0], "receiving", -errno, err);
			}
			i = answered(ns, reqs, n, results, this->rx, received, text,
						 sizeof(text));
		}
		while (i < 0);
		if (results[i] == -EBADMSG && !*text)
		{
			return socket_failed(ns, ops[i], "malformed answer", -EBADMSG,
								 err);
		}
		if (results[i] && results[i] != ignore && !ret)
		{
			/* the first to fail, as a request of its own would; the ACKs
			 * of the others are queued (the kernel ran them all before
			 * sendmsg() returned): read, not drained */
			ret = describe(ops[i], results[i], text, err);
		}
	}
	DBG3(DBG_KNL, "vti: %d requests in namespace %s: done", n,
		 label(ns->name));
	return ret;
}

uint32_t vti_nlsock_seq(vti_nlsock_t *this)
{
	/* 0 never: the kernel's own notifications carry it */
	if (!++this->seq)
	{
		++this->seq;
	}
	return this->seq;
}

int vti_nlsock_netns_fd(vti_nlsock_t *this, const char *netns,
						vti_err_t *err)
{
	ns_t *ns = get_ns(this, netns);
	int ret;

	if (!*netns)
	{
		snprintf(err->msg, sizeof(err->msg), "charon's namespace has no "
				 "name");
		return -EINVAL;
	}
	ret = open_fd(ns, err);
	return ret < 0 ? ret : ns->fd;
}

int vti_nlsock_ipv6_conf(vti_nlsock_t *this, const char *netns,
						 vti_err_t *err)
{
	ns_t *ns = get_ns(this, netns);

	if (!request_socket(ns, err))
	{
		return -EIO;
	}
	if (ns->ipv6_conf < 0)
	{
		snprintf(err->msg, sizeof(err->msg), "no " IPV6_CONF " in namespace "
				 "%s", label(netns));
		return -ENOENT;
	}
	return ns->ipv6_conf;
}

struct mnl_socket *vti_nlsock_open(vti_nlsock_t *this, const char *netns,
								   unsigned int groups, vti_err_t *err)
{
	return open_socket(get_ns(this, netns), groups, NULL, err);
}

/**
 * The links of ours in a dump, vti_link_info_t, into an array.
 */
static int collect_ours(const struct nlmsghdr *nlh, void *data)
{
	vti_link_info_t link;
	bool moved;

	if (vti_nlmsg_link_info(nlh, &link, &moved) &&
		strpfx(link.alias, VTI_ALIAS_PREFIX))
	{
		array_insert(data, ARRAY_TAIL, &link);
	}
	return MNL_CB_OK;
}

/**
 * Delete our links in a namespace deleted (or replaced) by name while
 * something still holds it (a process started with ip netns exec): it
 * lives on with them, and their tunnels keep their endpoints in charon's
 * namespace, where the kernel would refuse them to a link made again
 * (ip_tunnel_find(), vti6_locate(), xfrmi_locate()). Through the socket
 * still open there, before it is forgotten.
 */
static void delete_left(vti_nlsock_t *this, const char *netns)
{
	array_t *links = array_create(sizeof(vti_link_info_t), 0);
	char buf[VTI_NLMSG_BUF];
	vti_link_info_t link;
	vti_err_t err = {};
	vti_dump_t dump;

	if (vti_nlsock_request(this, netns, vti_nlmsg_dumplinks(buf,
							vti_nlsock_seq(this)), "listing links",
						   collect_ours, links, &dump, &err) < 0)
	{
		DBG1(DBG_KNL, "vti: namespace %s lives on, %s", netns, err.msg);
	}
	while (array_remove(links, ARRAY_HEAD, &link))
	{
		if (vti_nlsock_request(this, netns, vti_nlmsg_delete(buf,
								vti_nlsock_seq(this), link.ifindex),
							   "deleting the link", NULL, NULL, NULL, &err) < 0)
		{
			DBG1(DBG_KNL, "vti: %s lives on in namespace %s: %s", link.name,
				 netns, err.msg);
			continue;
		}
		DBG1(DBG_KNL, "vti: deleted %s, which lived on in namespace %s",
			 link.name, netns);
	}
	array_destroy(links);
}

bool vti_nlsock_check(vti_nlsock_t *this, const char *netns)
{
	ns_t *ns;

	if (!*netns)
	{
		return FALSE;
	}
	ns = get_ns(this, netns);
	if (ns->fd < 0 || vti_netns_same(netns, ns->fd))
	{
		return FALSE;
	}
	DBG1(DBG_KNL, "vti: namespace %s was deleted or replaced, its netlink "
		 "sockets are opened anew", netns);
	delete_left(this, netns);
	forget(ns);
	return TRUE;
}

vti_nlsock_t *vti_nlsock_create(void)
{
	vti_nlsock_t *this;

	INIT(this,
		.namespaces = array_create(0, 0),
		.seq = time(NULL),
	);
	return this;
}

void vti_nlsock_destroy(vti_nlsock_t *this)
{
	ns_t *ns;

	while (array_remove(this->namespaces, ARRAY_TAIL, &ns))
	{
		forget(ns);
		free(ns->name);
		free(ns);
	}
	array_destroy(this->namespaces);
	free(this);
}
