/*
 * The kernel backend: rtnetlink through libmnl, one short-lived socket per
 * operation, opened in the namespace the operation concerns.
 */

#include "vti_backend.h"
#include "vti_netns.h"
#include "vti_nlmsg.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <collections/array.h>

/** How often a link dump is started before its interruptions are an error */
#define DUMP_TRIES 3

typedef struct private_vti_netlink_t private_vti_netlink_t;

/**
 * Private data of the netlink backend.
 */
struct private_vti_netlink_t {

	/** Public interface */
	vti_backend_t public;

	/** sequence numbers of our requests */
	refcount_t seq;
};

/**
 * A link of a dump, with our alias.
 */
typedef struct {
	int ifindex;
	char name[IFNAMSIZ];
	char alias[IFALIASZ];
} link_t;

/**
 * What a reply callback fills in.
 */
typedef struct {
	/** ifindex of a link */
	int ifindex;
	/** its name and alias */
	char name[IFNAMSIZ];
	char alias[IFALIASZ];
	/** its MTU */
	uint32_t mtu;
	/** route: output interface, MTU metric */
	uint32_t oif;
	/** links of a dump carrying our alias, link_t, if not NULL */
	array_t *links;
	/** a part of the dump had NLM_F_DUMP_INTR */
	bool interrupted;
	/** the dump ended in an error (NLMSG_DONE) */
	bool dump_failed;
} reply_t;

static int link_attr(const struct nlattr *attr, void *data)
{
	reply_t *reply = data;

	switch (mnl_attr_get_type(attr))
	{
		case IFLA_IFNAME:
			if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			{
				snprintf(reply->name, sizeof(reply->name), "%s",
						 mnl_attr_get_str(attr));
			}
			break;
		case IFLA_IFALIAS:
			snprintf(reply->alias, sizeof(reply->alias), "%.*s",
					 (int)mnl_attr_get_payload_len(attr),
					 (char*)mnl_attr_get_payload(attr));
			break;
		case IFLA_MTU:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			{
				reply->mtu = mnl_attr_get_u32(attr);
			}
			break;
	}
	return MNL_CB_OK;
}

static int metrics_attr(const struct nlattr *attr, void *data)
{
	reply_t *reply = data;

	if (mnl_attr_get_type(attr) == RTAX_MTU &&
		mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
	{
		reply->mtu = mnl_attr_get_u32(attr);
	}
	return MNL_CB_OK;
}

static int route_attr(const struct nlattr *attr, void *data)
{
	reply_t *reply = data;

	switch (mnl_attr_get_type(attr))
	{
		case RTA_OIF:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			{
				reply->oif = mnl_attr_get_u32(attr);
			}
			break;
		case RTA_METRICS:
			mnl_attr_parse_nested(attr, metrics_attr, reply);
			break;
	}
	return MNL_CB_OK;
}

static int reply_cb(const struct nlmsghdr *nlh, void *data)
{
	reply_t *reply = data;
	struct ifinfomsg *ifi;

	switch (nlh->nlmsg_type)
	{
		case RTM_NEWLINK:
			ifi = mnl_nlmsg_get_payload(nlh);
			memset(reply->name, 0, sizeof(reply->name));
			memset(reply->alias, 0, sizeof(reply->alias));
			reply->ifindex = ifi->ifi_index;
			mnl_attr_parse(nlh, sizeof(*ifi), link_attr, reply);
			if (reply->links && strpfx(reply->alias, VTI_ALIAS_PREFIX))
			{
				link_t link = { .ifindex = reply->ifindex };

				memcpy(link.name, reply->name, sizeof(link.name));
				memcpy(link.alias, reply->alias, sizeof(link.alias));
				array_insert(reply->links, ARRAY_TAIL, &link);
			}
			break;
		case RTM_NEWROUTE:
			mnl_attr_parse(nlh, sizeof(struct rtmsg), route_attr, reply);
			break;
	}
	return MNL_CB_OK;
}

/**
 * Send a request on a socket and read until its ACK, error or DONE.
 */
static int roundtrip(struct mnl_socket *nl, struct nlmsghdr *req,
					 const char *op, reply_t *reply, vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF], text[128];
	ssize_t received;
	int error;

	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0)
	{
		error = -errno;
		snprintf(err->msg, sizeof(err->msg), "%s: sending: %s", op,
				 strerror(errno));
		return error;
	}
	while (TRUE)
	{
		received = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (received < 0)
		{
			error = -errno;
			snprintf(err->msg, sizeof(err->msg), "%s: receiving: %s", op,
					 strerror(errno));
			return error;
		}
		switch (vti_nlmsg_reply(req, buf, received, reply_cb, reply, &error,
								text, sizeof(text)))
		{
			case VTI_NLREPLY_MORE:
				continue;
			case VTI_NLREPLY_DONE:
				return 0;
			case VTI_NLREPLY_INTR:
				if (!error)
				{
					reply->interrupted = TRUE;
					snprintf(err->msg, sizeof(err->msg), "%s: the dump was "
							 "interrupted", op);
					return -EINTR;
				}
				reply->dump_failed = TRUE;
				/* fall through */
			case VTI_NLREPLY_ERROR:
				/* with the kernel's reason (extended ACK) if it gave one */
				snprintf(err->msg, sizeof(err->msg), "%s: %s%s%s", op,
						 strerror(-error), *text ? ", kernel says: " : "",
						 text);
				return error;
		}
	}
}

/**
 * A request in a namespace on a socket of its own.
 */
static int request(const char *netns, struct nlmsghdr *req, const char *op,
				   reply_t *reply, vti_err_t *err)
{
	struct mnl_socket *nl;
	reply_t ignored = {};
	int ret;

	nl = vti_netns_socket(netns, err);
	if (!nl)
	{
		return -EIO;
	}
	ret = roundtrip(nl, req, op, reply ?: &ignored, err);
	mnl_socket_close(nl);
	return ret;
}

static uint32_t next_seq(private_vti_netlink_t *this)
{
	return ref_get(&this->seq);
}

METHOD(vti_backend_t, lookup, int,
	private_vti_netlink_t *this, const char *netns, const char *name,
	char *alias, size_t alias_len, vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF];
	reply_t reply = { .ifindex = -ENODEV };
	int ret;

	ret = request(netns, vti_nlmsg_getlink(buf, next_seq(this), name, 0),
				  "looking up the link", &reply, err);
	if (ret < 0)
	{
		return ret;
	}
	snprintf(alias, alias_len, "%s", reply.alias);
	return reply.ifindex;
}

METHOD(vti_backend_t, create, int,
	private_vti_netlink_t *this, const char *name, const vti_params_t *params,
	const char *alias, vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF], found[IFALIASZ];
	int ret, ifindex;

	ret = request("", vti_nlmsg_create(buf, next_seq(this), name, params),
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
	ret = request("", vti_nlmsg_alias(buf, next_seq(this), ifindex, alias),
				  "setting the alias", NULL, err);
	if (ret < 0)
	{
		vti_err_t ignored;

		request("", vti_nlmsg_delete(buf, next_seq(this), ifindex),
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

	fd = vti_netns_open(netns);
	if (fd < 0)
	{
		snprintf(err->msg, sizeof(err->msg), "opening namespace %s: %s",
				 netns, strerror(-fd));
		return fd;
	}
	ret = request("", vti_nlmsg_netns(buf, next_seq(this), ifindex, fd),
				  "moving the link", NULL, err);
	close(fd);
	if (ret < 0)
	{
		return ret;
	}
	/* the ifindex may differ in the other namespace */
	return lookup(this, netns, name, alias, sizeof(alias), err);
}

METHOD(vti_backend_t, configure, int,
	private_vti_netlink_t *this, const char *netns, int ifindex,
	const char *name, const vti_settings_t *settings, vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF], path[128];
	int i, ret;

	ret = request(netns, vti_nlmsg_configure(buf, next_seq(this), ifindex,
						settings->mtu, settings->disable_xfrm),
				  "setting disable_policy and the mtu", NULL, err);
	if (ret >= 0 && settings->keep_addrs)
	{
		/* the kernel drops IPv6 addresses of a link set down otherwise;
		 * no netlink attribute sets this one */
		snprintf(path, sizeof(path), "net/ipv6/conf/%s/keep_addr_on_down",
				 name);
		ret = vti_netns_sysctl(netns, path, "1", err);
	}
	for (i = 0; ret >= 0 && i < settings->n_addrs; i++)
	{
		ret = request(netns, vti_nlmsg_addr(buf, next_seq(this), ifindex,
											&settings->addrs[i]),
					  "adding an address", NULL, err);
		if (ret == -EEXIST)
		{
			ret = 0;
		}
	}
	return ret;
}

METHOD(vti_backend_t, set_mtu, int,
	private_vti_netlink_t *this, const char *netns, int ifindex, uint32_t mtu,
	vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF];

	return request(netns, vti_nlmsg_mtu(buf, next_seq(this), ifindex, mtu),
				   "setting the mtu", NULL, err);
}

METHOD(vti_backend_t, set_state, int,
	private_vti_netlink_t *this, const char *netns, int ifindex, bool up,
	vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF];

	return request(netns, vti_nlmsg_state(buf, next_seq(this), ifindex, up),
				   up ? "setting the link up" : "setting the link down",
				   NULL, err);
}

METHOD(vti_backend_t, change, int,
	private_vti_netlink_t *this, const char *netns, int ifindex,
	const vti_params_t *params, uint32_t mtu, vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF];

	return request(netns, vti_nlmsg_change(buf, next_seq(this), ifindex,
										   params, mtu),
				   "changing the link", NULL, err);
}

METHOD(vti_backend_t, remove_, int,
	private_vti_netlink_t *this, const char *netns, int ifindex,
	vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF];

	return request(netns, vti_nlmsg_delete(buf, next_seq(this), ifindex),
				   "deleting the link", NULL, err);
}

/**
 * The links of a dump reach cb only once a whole dump went through
 * unchanged: an interrupted one (NLM_F_DUMP_INTR: links came or went while
 * the kernel dumped them) or one that ended in an error (NLMSG_DONE) is
 * started again, DUMP_TRIES times in all.
 */
METHOD(vti_backend_t, list, int,
	private_vti_netlink_t *this, const char *netns, vti_found_cb_t cb,
	void *data, vti_err_t *err)
{
	char buf[VTI_NLMSG_BUF];
	array_t *links;
	reply_t reply;
	link_t link;
	size_t len;
	int ret, tries, i;

	links = array_create(sizeof(link_t), 0);
	for (tries = 1; ; tries++)
	{
		reply = (reply_t){ .links = links };
		ret = request(netns, vti_nlmsg_dumplinks(buf, next_seq(this)),
					  "listing links", &reply, err);
		if (ret >= 0 || (!reply.interrupted && !reply.dump_failed) ||
			tries == DUMP_TRIES)
		{
			break;
		}
		DBG2(DBG_CHD, "vti: %s, listing links again", err->msg);
		while (array_remove(links, ARRAY_TAIL, NULL))
		{
		}
	}
	if (ret < 0)
	{
		if (reply.interrupted)
		{
			snprintf(err->msg, sizeof(err->msg), "listing links: the link "
					 "dump was interrupted %d times", tries);
		}
		else if (reply.dump_failed)
		{
			len = strlen(err->msg);
			snprintf(err->msg + len, sizeof(err->msg) - len, " (%d tries)",
					 tries);
		}
	}
	for (i = 0; ret >= 0 && i < array_count(links); i++)
	{
		array_get(links, i, &link);
		vti_link_info_t info = {
			.ifindex = link.ifindex,
		};

		snprintf(info.name, sizeof(info.name), "%s", link.name);
		snprintf(info.alias, sizeof(info.alias), "%s", link.alias);
		cb(data, &info);
	}
	array_destroy(links);
	return ret;
}

METHOD(vti_backend_t, netns_ensure, int,
	private_vti_netlink_t *this, const char *netns, bool create,
	vti_err_t *err)
{
	int fd;

	fd = vti_netns_open(netns);
	if (fd >= 0)
	{
		close(fd);
		return 0;
	}
	if (fd != -ENOENT || !create)
	{
		snprintf(err->msg, sizeof(err->msg), "/run/netns/%s: %s%s", netns,
				 strerror(-fd), fd == -ENOENT ? " (create it with ip netns "
				 "add, or set netns_create = yes)" : "");
		return fd;
	}
	DBG1(DBG_CHD, "vti: creating namespace %s", netns);
	return vti_netns_create(netns, err);
}

METHOD(vti_backend_t, path_mtu, uint32_t,
	private_vti_netlink_t *this, int family, const uint8_t *dst,
	uint32_t *ifindex)
{
	char buf[VTI_NLMSG_BUF];
	reply_t reply = {};
	vti_err_t err;

	if (request("", vti_nlmsg_getroute(buf, next_seq(this), family, dst),
				"looking up the route", &reply, &err) < 0 || !reply.oif)
	{
		return 0;
	}
	if (ifindex)
	{
		*ifindex = reply.oif;
	}
	if (!reply.mtu)
	{
		request("", vti_nlmsg_getlink(buf, next_seq(this), NULL, reply.oif),
				"looking up the link", &reply, &err);
	}
	return reply.mtu;
}

METHOD(vti_backend_t, destroy, void,
	private_vti_netlink_t *this)
{
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
			.netns_ensure = _netns_ensure,
			.path_mtu = _path_mtu,
			.destroy = _destroy,
		},
		.seq = time(NULL),
	);
	return &this->public;
}
