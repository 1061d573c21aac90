/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The kernel backend: rtnetlink through libmnl. Requests go out on one
 * kept socket per namespace in use (vti_nlsock: setns() into a named one
 * only to open it), back to back for one interface; watch() and
 * wait_events() are vti_nlevents'.
 *
 * Only failures the caller never sees are logged by the backend (DBG_KNL,
 * level 1); a failed operation returns its reason in err (operation, errno
 * and the kernel's extended ACK text) for the caller's one log line, which
 * names the interface. Successful round trips are logged at level 3.
 */

#include "vti_backend.h"
#include "vti_netns.h"
#include "vti_nlevents.h"
#include "vti_nlmsg.h"
#include "vti_nlreply.h"
#include "vti_nlsock.h"

#include <errno.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>
#include <collections/array.h>

/** How often a link dump is started before its interruptions are an error */
#define DUMP_TRIES 3

/** The per-device IPv6 sysctls, as vti_nlsock opens them */
#define IPV6_CONF "/proc/sys/net/ipv6/conf"

typedef struct private_vti_netlink_t private_vti_netlink_t;

/**
 * Private data of the netlink backend.
 */
struct private_vti_netlink_t {

	/** Public interface */
	vti_backend_t public;

	/** request sockets per namespace */
	vti_nlsock_t *sock;

	/** link events */
	vti_nlevents_t *events;
};

/**
 * An address of a dump.
 */
typedef struct {
	/** its link */
	int ifindex;
	/** the address */
	vti_prefix_t prefix;
} addr_t;

/**
 * What a reply callback fills in.
 */
typedef struct {
	/** the link of a link message */
	vti_link_info_t link;
	/** there was one */
	bool found;
	/** route: output interface, MTU metric */
	uint32_t oif;
	uint32_t route_mtu;
	/** links of a dump carrying our alias, vti_link_info_t, if not NULL */
	array_t *links;
	/** addresses of a dump, addr_t, if not NULL */
	array_t *addrs;
} reply_t;

static int reply_cb(const struct nlmsghdr *nlh, void *data)
{
	reply_t *reply = data;
	addr_t addr;
	bool moved;

	switch (nlh->nlmsg_type)
	{
		case RTM_NEWLINK:
			if (!vti_nlmsg_link_info(nlh, &reply->link, &moved))
			{
				break;
			}
			reply->found = TRUE;
			if (reply->links && strpfx(reply->link.alias, VTI_ALIAS_PREFIX))
			{
				array_insert(reply->links, ARRAY_TAIL, &reply->link);
			}
			break;
		case RTM_NEWADDR:
			if (reply->addrs &&
				vti_nlmsg_addr_info(nlh, &addr.ifindex, &addr.prefix))
			{
				array_insert(reply->addrs, ARRAY_TAIL, &addr);
			}
			break;
		case RTM_NEWROUTE:
			vti_nlmsg_route_info(nlh, &reply->oif, &reply->route_mtu);
			break;
	}
	return MNL_CB_OK;
}

static uint32_t next_seq(private_vti_netlink_t *this)
{
	return vti_nlsock_seq(this->sock);
}

/**
 * A dump in a namespace into the arrays of reply, whose items count only
 * once a whole dump went through unchanged: an interrupted one
 * (NLM_F_DUMP_INTR: links or addresses came or went while the kernel
 * dumped them) or one that ended in an error (NLMSG_DONE) is started
 * again, DUMP_TRIES times in all.
 *
 * @param build		builds the request
 * @param what		what is dumped, for err ("links")
 * @param reply		its arrays (links, addrs) receive the items
 */
static int request_dump(private_vti_netlink_t *this, const char *netns,
						struct nlmsghdr *(*build)(void *buf, uint32_t seq),
						const char *what, reply_t *reply, vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF], op[32];
	vti_dump_t dump;
	size_t len;
	int ret, tries;

	snprintf(op, sizeof(op), "listing %s", what);
	for (tries = 1; ; tries++)
	{
		*reply = (reply_t){ .links = reply->links, .addrs = reply->addrs };
		ret = vti_nlsock_request(this->sock, netns, build(buf, next_seq(this)),
								 op, reply_cb, reply, &dump, err);
		if (ret >= 0 || dump == VTI_DUMP_OK || tries == DUMP_TRIES)
		{
			break;
		}
		DBG2(DBG_KNL, "vti: %s, %s again", err->msg, op);
		while (array_remove(reply->links, ARRAY_TAIL, NULL) ||
			   array_remove(reply->addrs, ARRAY_TAIL, NULL))
		{
		}
	}
	if (ret < 0 && dump == VTI_DUMP_INTERRUPTED)
	{
		snprintf(err->msg, sizeof(err->msg), "%s: the dump was interrupted "
				 "%d times", op, tries);
	}
	else if (ret < 0 && dump == VTI_DUMP_FAILED)
	{
		len = strlen(err->msg);
		snprintf(err->msg + len, sizeof(err->msg) - len, " (%d tries)",
				 tries);
	}
	return ret;
}

/**
 * If a named namespace was replaced (ip netns del, add) or deleted, its
 * sockets are opened anew (or fail): a kept socket would act on the
 * namespace that is gone.
 */
static void check_replaced(private_vti_netlink_t *this, const char *netns)
{
	if (vti_nlsock_check(this->sock, netns))
	{
		vti_nlevents_forget(this->events, netns);
	}
}

/**
 * A request in a namespace, on its kept socket; its answers to reply_cb.
 */
static int request(private_vti_netlink_t *this, const char *netns,
				   struct nlmsghdr *req, const char *op, reply_t *reply,
				   vti_err_t *err)
{
	check_replaced(this, netns);
	return vti_nlsock_request(this->sock, netns, req, op,
							  reply ? reply_cb : NULL, reply, NULL, err);
}

METHOD(vti_backend_t, lookup, int,
	private_vti_netlink_t *this, const char *netns, const char *name,
	char *alias, size_t alias_len, vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF];
	reply_t reply = {};
	int ret;

	ret = request(this, netns, vti_nlmsg_getlink(buf, next_seq(this), name, 0),
				  "looking up the link", &reply, err);
	if (ret < 0)
	{
		return ret;
	}
	if (!reply.found)
	{
		snprintf(err->msg, sizeof(err->msg), "looking up the link: %s",
				 strerror(ENODEV));
		return -ENODEV;
	}
	snprintf(alias, alias_len, "%s", reply.link.alias);
	return reply.link.ifindex;
}

METHOD(vti_backend_t, create, int,
	private_vti_netlink_t *this, const char *name, const vti_params_t *params,
	const char *alias, vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF], found[IFALIASZ];
	int ret, ifindex;

	/* one socket, three round trips back to back: the kernel (6.1) takes
	 * no alias in a new link's request and answers no ifindex to it */
	ret = request(this, "", vti_nlmsg_create(buf, next_seq(this), name,
											 params),
				  "creating the link", NULL, err);
	if (ret < 0)
	{
		return ret;
	}
	ifindex = lookup(this, "", name, found, sizeof(found), err);
	if (ifindex < 0)
	{
		return ifindex;
	}
	ret = request(this, "", vti_nlmsg_alias(buf, next_seq(this), ifindex,
											alias),
				  "setting the alias", NULL, err);
	if (ret < 0)
	{
		vti_err_t ignored;

		request(this, "", vti_nlmsg_delete(buf, next_seq(this), ifindex),
				"deleting the link", NULL, &ignored);
		return ret;
	}
	return ifindex;
}

METHOD(vti_backend_t, move, int,
	private_vti_netlink_t *this, int ifindex, const char *name,
	const char *netns, vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF], alias[IFALIASZ];
	int fd, ret;

	fd = vti_nlsock_netns_fd(this->sock, netns, err);
	if (fd < 0)
	{
		return fd;
	}
	ret = request(this, "", vti_nlmsg_netns(buf, next_seq(this), ifindex, fd,
											name),
				  "moving and naming the link", NULL, err);
	if (ret < 0)
	{
		return ret;
	}
	/* the ifindex may differ in the other namespace */
	return lookup(this, netns, name, alias, sizeof(alias), err);
}

/**
 * keep_addr_on_down of a link (else a set-down drops its IPv6 addresses),
 * through IPV6_CONF opened in its namespace with the socket (no setns());
 * a failure (/proc/sys read-only: a container) is logged, fails nothing.
 */
static void keep_addrs(private_vti_netlink_t *this, const char *netns,
					   const char *name, vti_err_t *err)
{
	char path[64];
	int ret;

	ret = vti_nlsock_ipv6_conf(this->sock, netns, err);
	if (ret >= 0)
	{
		snprintf(path, sizeof(path), "%s/keep_addr_on_down", name);
		ret = vti_netns_write_at(ret, IPV6_CONF, path, "1", err);
	}
	if (ret == -ENOENT)
	{
		/* no IPv6 on the link (an MTU below 1280, or IPv6 off): nothing
		 * to keep, nothing for the kernel to drop */
		DBG2(DBG_KNL, "vti: %s has no IPv6 to keep: %s", name, err->msg);
	}
	else if (ret < 0)
	{
		DBG1(DBG_KNL, "vti: keeping the IPv6 addresses of %s in namespace %s "
			 "while it is down (keep_addr_on_down) failed: %s; they go when "
			 "it is set down", name, *netns ? netns : "of charon", err->msg);
	}
}

/**
 * What adding an address does, for err: "adding the address ADDR/LEN".
 */
static const char *describe_addr(const vti_prefix_t *prefix, char *buf,
								 size_t len)
{
	char addr[INET6_ADDRSTRLEN] = "?";

	inet_ntop(prefix->family, prefix->addr, addr, sizeof(addr));
	snprintf(buf, len, "adding the address %s/%u", addr, prefix->len);
	return buf;
}

/**
 * Writes the request that sets disable_policy, the MTU (and the link up) to
 * BUF, its description to OP; returns its length.
 */
static size_t configure_msg(private_vti_netlink_t *this, char *buf,
							int ifindex, const vti_settings_t *settings,
							bool up, const char **op)
{
	*op = up ? "setting disable_policy, the mtu and the link up" :
			   "setting disable_policy and the mtu";
	return vti_nlmsg_configure(buf, next_seq(this), ifindex, settings->mtu,
							   settings->disable_xfrm, up)->nlmsg_len;
}

METHOD(vti_backend_t, configure, int,
	private_vti_netlink_t *this, const char *netns, int ifindex,
	const char *name, const vti_settings_t *settings, bool up,
	vti_err_t *err)
{
	/* each builder clears VTI_NLMSG_BUF bytes from where it starts */
	char buf[2 * VTI_NLMSG_BUF], addr_ops[VTI_MAX_ADDRS][80];
	const char *ops[1 + VTI_MAX_ADDRS];
	size_t len;
	int i, n;

	check_replaced(this, netns);
	if (settings->keep_addrs)
	{
		keep_addrs(this, netns, name, err);
	}
	/* one batch: disable_policy (and disable_xfrm) through IFLA_AF_SPEC/
	 * IFLA_INET_CONF with the MTU, and the addresses (those the link has
	 * are refused with EEXIST). The MTU first, for IPv6 addresses on a
	 * link below 1280; the addresses first when the request sets the link
	 * up: the kernel announces an IPv4 address before it makes it local,
	 * unless the link is down, and a daemon that binds to it once it sees
	 * the link up must not fail (BIRD's BFD) */
	len = n = 0;
	if (!up)
	{
		len = MNL_ALIGN(configure_msg(this, buf, ifindex, settings, up,
									  &ops[n++]));
	}
	for (i = 0; i < settings->n_addrs && i < VTI_MAX_ADDRS; i++)
	{
		len += MNL_ALIGN(vti_nlmsg_addr(buf + len, next_seq(this), ifindex,
										&settings->addrs[i])->nlmsg_len);
		ops[n++] = describe_addr(&settings->addrs[i], addr_ops[i],
								 sizeof(addr_ops[i]));
	}
	if (up)
	{
		len += MNL_ALIGN(configure_msg(this, buf + len, ifindex, settings, up,
									   &ops[n++]));
	}
	return vti_nlsock_batch(this->sock, netns, buf, len, ops, -EEXIST, err);
}

METHOD(vti_backend_t, set_mtu, int,
	private_vti_netlink_t *this, const char *netns, int ifindex, uint32_t mtu,
	vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF];

	return request(this, netns, vti_nlmsg_mtu(buf, next_seq(this), ifindex,
											  mtu),
				   "setting the mtu", NULL, err);
}

METHOD(vti_backend_t, set_state, int,
	private_vti_netlink_t *this, const char *netns, int ifindex, bool up,
	vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF];

	return request(this, netns, vti_nlmsg_state(buf, next_seq(this), ifindex,
												up),
				   up ? "setting the link up" : "setting the link down",
				   NULL, err);
}

METHOD(vti_backend_t, change, int,
	private_vti_netlink_t *this, const char *netns, int ifindex,
	const vti_params_t *params, uint32_t mtu, vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF];

	return request(this, netns, vti_nlmsg_change(buf, next_seq(this), ifindex,
												 params, mtu),
				   "changing the link", NULL, err);
}

METHOD(vti_backend_t, remove_, int,
	private_vti_netlink_t *this, const char *netns, int ifindex,
	vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF];

	return request(this, netns, vti_nlmsg_delete(buf, next_seq(this),
												 ifindex),
				   "deleting the link", NULL, err);
}

METHOD(vti_backend_t, add_altname, int,
	private_vti_netlink_t *this, const char *netns, int ifindex,
	const char *altname, vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF], op[192];

	snprintf(op, sizeof(op), "adding the altname %.128s", altname);
	return request(this, netns, vti_nlmsg_altname(buf, next_seq(this),
												  ifindex, altname),
				   op, NULL, err);
}

METHOD(vti_backend_t, set_alias, int,
	private_vti_netlink_t *this, const char *netns, int ifindex,
	const char *alias, vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF];

	return request(this, netns, vti_nlmsg_alias(buf, next_seq(this), ifindex,
												alias),
				   "setting the alias", NULL, err);
}

METHOD(vti_backend_t, list, int,
	private_vti_netlink_t *this, const char *netns, vti_found_cb_t cb,
	void *data, vti_err_t *err)
{
	reply_t reply = { .links = array_create(sizeof(vti_link_info_t), 0) };
	vti_link_info_t link;
	int ret, i;

	check_replaced(this, netns);
	ret = request_dump(this, netns, vti_nlmsg_dumplinks, "links", &reply, err);
	for (i = 0; ret >= 0 && i < array_count(reply.links); i++)
	{
		array_get(reply.links, i, &link);
		cb(data, &link);
	}
	array_destroy(reply.links);
	return ret;
}

METHOD(vti_backend_t, list_addrs, int,
	private_vti_netlink_t *this, const char *netns, vti_addr_cb_t cb,
	void *data, vti_err_t *err)
{
	reply_t reply = { .addrs = array_create(sizeof(addr_t), 0) };
	addr_t addr;
	int ret, i;

	check_replaced(this, netns);
	ret = request_dump(this, netns, vti_nlmsg_dumpaddrs, "addresses", &reply,
					   err);
	for (i = 0; ret >= 0 && i < array_count(reply.addrs); i++)
	{
		array_get(reply.addrs, i, &addr);
		cb(data, addr.ifindex, &addr.prefix);
	}
	array_destroy(reply.addrs);
	return ret;
}

METHOD(vti_backend_t, watch, int,
	private_vti_netlink_t *this, const char *netns, vti_err_t *err)
{
	check_replaced(this, netns);
	return vti_nlevents_watch(this->events, netns, err);
}

METHOD(vti_backend_t, wait_events, int,
	private_vti_netlink_t *this, int timeout_ms, vti_event_cb_t cb,
	void *data)
{
	return vti_nlevents_wait(this->events, timeout_ms, cb, data);
}

METHOD(vti_backend_t, wakeup, void,
	private_vti_netlink_t *this)
{
	vti_nlevents_wakeup(this->events);
}

METHOD(vti_backend_t, netns_ensure, int,
	private_vti_netlink_t *this, const char *netns, bool create,
	vti_err_t *err)
{
	int fd, ret;

	fd = vti_netns_open(netns);
	if (fd >= 0)
	{
		close(fd);
		check_replaced(this, netns);
		return 0;
	}
	if (fd != -ENOENT || !create)
	{
		snprintf(err->msg, sizeof(err->msg), "/run/netns/%s: %s%s", netns,
				 strerror(-fd), fd == -ENOENT ? " (create it with ip netns "
				 "add, or set netns_create = yes)" : "");
		return fd;
	}
	DBG1(DBG_KNL, "vti: creating namespace %s", netns);
	ret = vti_netns_create(netns, err);
	check_replaced(this, netns);
	return ret;
}

METHOD(vti_backend_t, path_mtu, uint32_t,
	private_vti_netlink_t *this, int family, const uint8_t *dst,
	uint32_t *ifindex)
{
	char buf[VTI_NLMSG_BUF];
	reply_t reply = {};
	vti_err_t err;

	if (request(this, "", vti_nlmsg_getroute(buf, next_seq(this), family,
											 dst),
				"looking up the route", &reply, &err) < 0 || !reply.oif)
	{
		return 0;
	}
	if (ifindex)
	{
		*ifindex = reply.oif;
	}
	if (!reply.route_mtu &&
		request(this, "", vti_nlmsg_getlink(buf, next_seq(this), NULL,
											reply.oif),
				"looking up the link", &reply, &err) >= 0)
	{
		return reply.link.mtu;
	}
	return reply.route_mtu;
}

METHOD(vti_backend_t, destroy, void,
	private_vti_netlink_t *this)
{
	vti_nlevents_destroy(this->events);
	vti_nlsock_destroy(this->sock);
	free(this);
}

/*
 * Described in header
 */
vti_backend_t *vti_netlink_create()
{
	private_vti_netlink_t *this;

	INIT(this,
		.public = {
			.create = _create,
			.move = _move,
			.configure = _configure,
			.set_mtu = _set_mtu,
			.set_state = _set_state,
			.change = _change,
			.remove = _remove_,
			.lookup = _lookup,
			.list = _list,
			.list_addrs = _list_addrs,
			.add_altname = _add_altname,
			.set_alias = _set_alias,
			.watch = _watch,
			.wait_events = _wait_events,
			.wakeup = _wakeup,
			.netns_ensure = _netns_ensure,
			.path_mtu = _path_mtu,
			.destroy = _destroy,
		},
		.sock = vti_nlsock_create(),
	);
	this->events = vti_nlevents_create(this->sock);
	return &this->public;
}
