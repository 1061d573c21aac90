/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * rtnetlink requests, in the attribute order of iproute2's ip/iplink.c,
 * link_vti.c, link_vti6.c, link_xfrm.c and ipaddress.c.
 */

#include "vti_nlmsg.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>

#ifndef RTM_NEWLINKPROP
# define RTM_NEWLINKPROP 108
#endif
#ifndef IFLA_PROP_LIST
# define IFLA_PROP_LIST 52
# define IFLA_ALT_IFNAME 53
#endif

/**
 * A request header in a zeroed buffer.
 */
static struct nlmsghdr *request_header(void *buf, uint32_t seq,
									   uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, VTI_NLMSG_BUF);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	return nlh;
}

/**
 * A request header plus ifinfomsg.
 */
static struct nlmsghdr *link_request(void *buf, uint32_t seq, uint16_t type,
									 uint16_t flags, int ifindex)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	nlh = request_header(buf, seq, type, flags);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nlh;
}

/**
 * Start a nest without NLA_F_NESTED, as iproute2's addattr_nest().
 */
static struct nlattr *nest_start(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	nest->nla_type &= ~NLA_F_NESTED;
	return nest;
}

/**
 * IFLA_LINKINFO with the kind's data.
 */
static void put_linkinfo(struct nlmsghdr *nlh, const vti_params_t *params)
{
	struct nlattr *info, *data;
	int len = params->family == AF_INET ? 4 : 16;

	info = nest_start(nlh, IFLA_LINKINFO);
	/* without the terminating zero, like iproute2 */
	mnl_attr_put(nlh, IFLA_INFO_KIND, strlen(vti_kind_name(params->kind)),
				 vti_kind_name(params->kind));
	data = nest_start(nlh, IFLA_INFO_DATA);
	if (params->kind == VTI_KIND_XFRM)
	{
		mnl_attr_put_u32(nlh, IFLA_XFRM_IF_ID, params->if_id);
		if (params->link)
		{
			mnl_attr_put_u32(nlh, IFLA_XFRM_LINK, params->link);
		}
	}
	else
	{
		/* keys in network order, as iproute2 sends them */
		mnl_attr_put_u32(nlh, IFLA_VTI_IKEY, htonl(params->ikey));
		mnl_attr_put_u32(nlh, IFLA_VTI_OKEY, htonl(params->okey));
		mnl_attr_put(nlh, IFLA_VTI_LOCAL, len, params->local);
		mnl_attr_put(nlh, IFLA_VTI_REMOTE, len, params->remote);
		mnl_attr_put_u32(nlh, IFLA_VTI_FWMARK, 0);
		if (params->link)
		{
			mnl_attr_put_u32(nlh, IFLA_VTI_LINK, params->link);
		}
	}
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
}

struct nlmsghdr *vti_nlmsg_create(void *buf, uint32_t seq, const char *name,
								  const vti_params_t *params)
{
	struct nlmsghdr *nlh;

	nlh = link_request(buf, seq, RTM_NEWLINK,
					   NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	put_linkinfo(nlh, params);
	return nlh;
}

struct nlmsghdr *vti_nlmsg_change(void *buf, uint32_t seq, int ifindex,
								  const vti_params_t *params, uint32_t mtu)
{
	struct nlmsghdr *nlh;

	nlh = link_request(buf, seq, RTM_NEWLINK, NLM_F_ACK, ifindex);
	/* iproute2 puts IFLA_MTU before IFLA_LINKINFO */
	if (mtu)
	{
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	}
	put_linkinfo(nlh, params);
	return nlh;
}

struct nlmsghdr *vti_nlmsg_alias(void *buf, uint32_t seq, int ifindex,
								 const char *alias)
{
	struct nlmsghdr *nlh;

	nlh = link_request(buf, seq, RTM_NEWLINK, NLM_F_ACK, ifindex);
	/* without the terminating zero, like iproute2 */
	mnl_attr_put(nlh, IFLA_IFALIAS, strlen(alias), alias);
	return nlh;
}

struct nlmsghdr *vti_nlmsg_netns(void *buf, uint32_t seq, int ifindex,
								 int netns_fd, const char *name)
{
	struct nlmsghdr *nlh;

	nlh = link_request(buf, seq, RTM_NEWLINK, NLM_F_ACK, ifindex);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, netns_fd);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

struct nlmsghdr *vti_nlmsg_mtu(void *buf, uint32_t seq, int ifindex,
							   uint32_t mtu)
{
	struct nlmsghdr *nlh;

	nlh = link_request(buf, seq, RTM_NEWLINK, NLM_F_ACK, ifindex);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nlh;
}

struct nlmsghdr *vti_nlmsg_configure(void *buf, uint32_t seq, int ifindex,
									 uint32_t mtu, bool disable_xfrm, bool up)
{
	struct nlmsghdr *nlh;
	struct nlattr *spec, *inet, *conf;

	nlh = up ? vti_nlmsg_state(buf, seq, ifindex, TRUE) :
			   link_request(buf, seq, RTM_NEWLINK, NLM_F_ACK, ifindex);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	spec = nest_start(nlh, IFLA_AF_SPEC);
	inet = nest_start(nlh, AF_INET);
	conf = nest_start(nlh, IFLA_INET_CONF);
	/* the attribute type is the devconf index */
	mnl_attr_put_u32(nlh, IPV4_DEVCONF_NOPOLICY, 1);
	if (disable_xfrm)
	{
		mnl_attr_put_u32(nlh, IPV4_DEVCONF_NOXFRM, 1);
	}
	mnl_attr_nest_end(nlh, conf);
	mnl_attr_nest_end(nlh, inet);
	mnl_attr_nest_end(nlh, spec);
	return nlh;
}

struct nlmsghdr *vti_nlmsg_state(void *buf, uint32_t seq, int ifindex,
								 bool up)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	nlh = link_request(buf, seq, RTM_NEWLINK, NLM_F_ACK, ifindex);
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return nlh;
}

struct nlmsghdr *vti_nlmsg_delete(void *buf, uint32_t seq, int ifindex)
{
	return link_request(buf, seq, RTM_DELLINK, NLM_F_ACK, ifindex);
}

struct nlmsghdr *vti_nlmsg_altname(void *buf, uint32_t seq, int ifindex,
								   const char *altname)
{
	struct nlmsghdr *nlh;
	struct nlattr *list;

	nlh = link_request(buf, seq, RTM_NEWLINKPROP,
					   NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE | NLM_F_APPEND,
					   ifindex);
	/* iproute2 marks this nest NLA_F_NESTED, unlike its others */
	list = mnl_attr_nest_start(nlh, IFLA_PROP_LIST);
	mnl_attr_put_strz(nlh, IFLA_ALT_IFNAME, altname);
	mnl_attr_nest_end(nlh, list);
	return nlh;
}

/**
 * A request header plus ifaddrmsg.
 */
static struct nlmsghdr *addr_request(void *buf, uint32_t seq, uint16_t type,
									 uint16_t flags, struct ifaddrmsg **ifa)
{
	struct nlmsghdr *nlh;

	nlh = request_header(buf, seq, type, flags);
	*ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(**ifa));
	return nlh;
}

struct nlmsghdr *vti_nlmsg_addr(void *buf, uint32_t seq, int ifindex,
								const vti_prefix_t *prefix)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	int len = prefix->family == AF_INET ? 4 : 16;

	nlh = addr_request(buf, seq, RTM_NEWADDR,
					   NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, &ifa);
	ifa->ifa_family = prefix->family;
	ifa->ifa_prefixlen = prefix->len;
	ifa->ifa_index = ifindex;
	if (prefix->family == AF_INET6)
	{
		/* tentative until the link is up and the kernel's DAD work ran
		 * (none is done on these point-to-point links): a routing
		 * daemon binding to it when it sees the link up fails */
		ifa->ifa_flags = IFA_F_NODAD;
	}
	mnl_attr_put(nlh, IFA_LOCAL, len, prefix->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, len, prefix->addr);
	return nlh;
}

struct nlmsghdr *vti_nlmsg_getlink(void *buf, uint32_t seq, const char *name,
								   int ifindex)
{
	struct nlmsghdr *nlh;

	nlh = link_request(buf, seq, RTM_GETLINK, 0, ifindex);
	if (name)
	{
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	}
	return nlh;
}

struct nlmsghdr *vti_nlmsg_dumplinks(void *buf, uint32_t seq)
{
	return link_request(buf, seq, RTM_GETLINK, NLM_F_DUMP, 0);
}

struct nlmsghdr *vti_nlmsg_dumpaddrs(void *buf, uint32_t seq)
{
	struct ifaddrmsg *ifa;

	/* AF_UNSPEC, ifindex 0: every address of every link */
	return addr_request(buf, seq, RTM_GETADDR, NLM_F_DUMP, &ifa);
}

struct nlmsghdr *vti_nlmsg_getroute(void *buf, uint32_t seq, int family,
									const uint8_t *dst)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int len = family == AF_INET ? 4 : 16;

	nlh = request_header(buf, seq, RTM_GETROUTE, 0);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_dst_len = len * 8;
	mnl_attr_put(nlh, RTA_DST, len, dst);
	return nlh;
}
