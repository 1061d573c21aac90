/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Reading what the kernel sends: the answers to our requests (ACKs, errors
 * with the extended ACK text, dumps) and link messages, on received
 * buffers, without reading past them.
 */

#include "vti_nlreply.h"

#include <errno.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>

#ifndef NLM_F_ACK_TLVS
# define NLM_F_ACK_TLVS 0x200
#endif
#ifndef NLMSGERR_ATTR_MSG
# define NLMSGERR_ATTR_MSG 1
#endif

/**
 * The attribute at *pos if it lies whole before end, and *pos moved past
 * it; NULL at the end or at one claiming more than is left.
 * Not mnl_attr_for_each(): it trusts the aligned message length, which may
 * reach past the buffer.
 */
static const struct nlattr *attr_next(const char **pos, const char *end)
{
	const struct nlattr *attr;

	if (end - *pos < (ptrdiff_t)sizeof(*attr))
	{
		return NULL;
	}
	attr = (const struct nlattr*)*pos;
	if (attr->nla_len < sizeof(*attr) || attr->nla_len > end - *pos)
	{
		return NULL;
	}
	/* the last attribute's padding may be missing */
	*pos += min((ptrdiff_t)MNL_ALIGN(attr->nla_len), end - *pos);
	return attr;
}

/**
 * Where the attributes nested in attr start and end.
 */
static void nested(const struct nlattr *attr, const char **pos,
				   const char **end)
{
	*pos = mnl_attr_get_payload(attr);
	*end = (const char*)attr + attr->nla_len;
}

/**
 * The kernel's extended ACK text (NLMSGERR_ATTR_MSG) in nlh, its attributes
 * starting off bytes into the payload; nothing read past nlh's nlmsg_len.
 */
static void ack_text(const struct nlmsghdr *nlh, size_t off, char *msg,
					 size_t msg_len)
{
	const struct nlattr *attr;
	const char *pos, *end, *text;
	size_t text_len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
		MNL_ALIGN(off) > mnl_nlmsg_get_payload_len(nlh))
	{
		return;
	}
	pos = (const char*)mnl_nlmsg_get_payload(nlh) + MNL_ALIGN(off);
	end = (const char*)nlh + nlh->nlmsg_len;
	while ((attr = attr_next(&pos, end)))
	{
		text = mnl_attr_get_payload(attr);
		text_len = mnl_attr_get_payload_len(attr);
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && text_len &&
			!text[text_len - 1])
		{
			snprintf(msg, msg_len, "%s", text);
		}
	}
}

/**
 * Where the extended ACK of an NLMSG_ERROR starts in its payload, past the
 * request's header or whole request (NLM_F_CAPPED or not); 0 if it has none
 * or the copy claims more than the message holds.
 */
static size_t ack_offset(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e), payload = mnl_nlmsg_get_payload_len(nlh);

	if (payload < sizeof(*e))
	{
		return 0;
	}
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
	{
		if (e->msg.nlmsg_len < sizeof(e->msg) ||
			e->msg.nlmsg_len - sizeof(e->msg) > payload - off)
		{
			return 0;
		}
		off += e->msg.nlmsg_len - sizeof(e->msg);
	}
	return off;
}

/**
 * What an NLMSG_ERROR or NLMSG_DONE answering our request says.
 */
static vti_nlreply_t end_of(const struct nlmsghdr *nlh, int *error,
							char *msg, size_t msg_len)
{
	size_t off;
	int code;

	/* both start with the error code (NLMSG_DONE: of the dump) */
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(code))
	{
		*error = -EBADMSG;
		return VTI_NLREPLY_ERROR;
	}
	memcpy(&code, mnl_nlmsg_get_payload(nlh), sizeof(code));
	if (code >= 0)
	{
		return VTI_NLREPLY_DONE;
	}
	*error = code;
	if (nlh->nlmsg_type == NLMSG_DONE)
	{
		ack_text(nlh, sizeof(code), msg, msg_len);
		return VTI_NLREPLY_INTR;
	}
	off = ack_offset(nlh);
	if (off)
	{
		ack_text(nlh, off, msg, msg_len);
	}
	return VTI_NLREPLY_ERROR;
}

/*
 * Described in header
 */
vti_nlreply_t vti_nlmsg_reply(const struct nlmsghdr *req, uint32_t portid,
							  const void *buf, size_t len, mnl_cb_t cb,
							  void *data, int *error, char *msg,
							  size_t msg_len)
{
	const struct nlmsghdr *nlh;
	int ret;

	*error = 0;
	if (msg_len)
	{
		*msg = '\0';
	}
	while (len)
	{
		nlh = buf;
		/* the kernel sends whole messages: waiting for more would hang */
		if (len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
			nlh->nlmsg_len > len)
		{
			*error = -EBADMSG;
			return VTI_NLREPLY_ERROR;
		}
		len -= min(len, NLMSG_ALIGN(nlh->nlmsg_len));
		buf = (const char*)buf + NLMSG_ALIGN(nlh->nlmsg_len);

		if (nlh->nlmsg_seq != req->nlmsg_seq || nlh->nlmsg_pid != portid)
		{
			/* a late answer to an earlier request, or not for us */
			continue;
		}
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		{
			/* the links changed during the dump: it may be inconsistent */
			return VTI_NLREPLY_INTR;
		}
		if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE)
		{
			return end_of(nlh, error, msg, msg_len);
		}
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		{
			/* NLMSG_NOOP, NLMSG_OVERRUN */
			continue;
		}
		errno = 0;
		ret = cb(nlh, data);
		if (ret == MNL_CB_ERROR)
		{
			*error = errno ? -errno : -EIO;
			return VTI_NLREPLY_ERROR;
		}
		if (ret == MNL_CB_STOP || (!(nlh->nlmsg_flags & NLM_F_MULTI) &&
								   !(req->nlmsg_flags & NLM_F_ACK)))
		{
			return VTI_NLREPLY_DONE;
		}
	}
	return VTI_NLREPLY_MORE;
}

/**
 * Copy a string attribute (with or without its terminating zero) into a
 * buffer of size len, cut to fit.
 */
static void get_str(const struct nlattr *attr, char *buf, size_t len)
{
	const char *str = mnl_attr_get_payload(attr);
	size_t n = mnl_attr_get_payload_len(attr);

	n = strnlen(str, min(n, len - 1));
	memcpy(buf, str, n);
	buf[n] = '\0';
}

/**
 * A u32 attribute, 0 if it is too short.
 */
static uint32_t get_u32(const struct nlattr *attr)
{
	uint32_t value = 0;

	if (mnl_attr_get_payload_len(attr) >= sizeof(value))
	{
		memcpy(&value, mnl_attr_get_payload(attr), sizeof(value));
	}
	return value;
}

/**
 * Whether a string attribute is str (with or without its zero).
 */
static bool str_is(const struct nlattr *attr, const char *str)
{
	char buf[16];

	get_str(attr, buf, sizeof(buf));
	return streq(buf, str);
}

/**
 * An endpoint of a vti/vti6: 4 or 16 bytes, telling the family.
 */
static void get_addr(const struct nlattr *attr, uint8_t *addr, int *family)
{
	size_t len = mnl_attr_get_payload_len(attr);

	if (len == 4 || len == 16)
	{
		memcpy(addr, mnl_attr_get_payload(attr), len);
		*family = len == 4 ? AF_INET : AF_INET6;
	}
}

/**
 * The attributes of IFLA_INFO_DATA of a vti, vti6 or xfrm link.
 */
static void info_data(const char *pos, const char *end, vti_params_t *params)
{
	const struct nlattr *attr;

	while ((attr = attr_next(&pos, end)))
	{
		if (params->kind == VTI_KIND_XFRM)
		{
			switch (mnl_attr_get_type(attr))
			{
				case IFLA_XFRM_LINK:
					params->link = get_u32(attr);
					break;
				case IFLA_XFRM_IF_ID:
					params->if_id = get_u32(attr);
					break;
			}
			continue;
		}
		switch (mnl_attr_get_type(attr))
		{
			case IFLA_VTI_LINK:
				params->link = get_u32(attr);
				break;
			case IFLA_VTI_IKEY:
				/* network order, as iproute2 sends them */
				params->ikey = ntohl(get_u32(attr));
				break;
			case IFLA_VTI_OKEY:
				params->okey = ntohl(get_u32(attr));
				break;
			case IFLA_VTI_LOCAL:
				get_addr(attr, params->local, &params->family);
				break;
			case IFLA_VTI_REMOTE:
				get_addr(attr, params->remote, &params->family);
				break;
		}
	}
}

/**
 * IFLA_LINKINFO: the kind, and its data if it is one of ours.
 */
static void link_info(const struct nlattr *linkinfo, vti_link_info_t *info)
{
	const struct nlattr *attr, *data = NULL;
	const char *pos, *end, *data_pos, *data_end;

	nested(linkinfo, &pos, &end);
	while ((attr = attr_next(&pos, end)))
	{
		switch (mnl_attr_get_type(attr))
		{
			case IFLA_INFO_KIND:
				info->known = TRUE;
				if (str_is(attr, "vti"))
				{
					info->params.kind = VTI_KIND_VTI;
				}
				else if (str_is(attr, "vti6"))
				{
					info->params.kind = VTI_KIND_VTI6;
				}
				else if (str_is(attr, "xfrm"))
				{
					info->params.kind = VTI_KIND_XFRM;
				}
				else
				{
					info->known = FALSE;
				}
				break;
			case IFLA_INFO_DATA:
				data = attr;
				break;
		}
	}
	if (!info->known)
	{
		return;
	}
	switch (info->params.kind)
	{
		case VTI_KIND_VTI:
			info->params.family = AF_INET;
			break;
		case VTI_KIND_VTI6:
			info->params.family = AF_INET6;
			break;
		default:
			break;
	}
	if (data)
	{
		nested(data, &data_pos, &data_end);
		info_data(data_pos, data_end, &info->params);
	}
}

bool vti_nlmsg_link_info(const struct nlmsghdr *nlh, vti_link_info_t *info,
						 bool *moved)
{
	const struct ifinfomsg *ifi;
	const struct nlattr *attr;
	const char *pos, *end;

	*info = (vti_link_info_t){};
	*moved = FALSE;
	if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) ||
		nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*ifi))
	{
		return FALSE;
	}
	ifi = mnl_nlmsg_get_payload(nlh);
	info->ifindex = ifi->ifi_index;
	info->up = (ifi->ifi_flags & IFF_UP) != 0;

	pos = (const char*)ifi + MNL_ALIGN(sizeof(*ifi));
	end = (const char*)nlh + nlh->nlmsg_len;
	while ((attr = attr_next(&pos, end)))
	{
		switch (mnl_attr_get_type(attr))
		{
			case IFLA_IFNAME:
				get_str(attr, info->name, sizeof(info->name));
				break;
			case IFLA_IFALIAS:
				get_str(attr, info->alias, sizeof(info->alias));
				break;
			case IFLA_MTU:
				info->mtu = get_u32(attr);
				break;
			case IFLA_LINKINFO:
				link_info(attr, info);
				break;
			case IFLA_NEW_NETNSID:
				/* the kernel adds it to the RTM_DELLINK of a link that
				 * leaves for another namespace */
				*moved = TRUE;
				break;
		}
	}
	return TRUE;
}

bool vti_nlmsg_addr_info(const struct nlmsghdr *nlh, int *ifindex,
						 vti_prefix_t *prefix)
{
	const struct ifaddrmsg *ifa;
	const struct nlattr *attr, *local = NULL, *address = NULL;
	const char *pos, *end;
	size_t len;

	*prefix = (vti_prefix_t){};
	if (nlh->nlmsg_type != RTM_NEWADDR ||
		nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*ifa))
	{
		return FALSE;
	}
	ifa = mnl_nlmsg_get_payload(nlh);
	len = ifa->ifa_family == AF_INET ? 4 : 16;
	if ((ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) ||
		ifa->ifa_prefixlen > len * 8)
	{
		return FALSE;
	}
	pos = (const char*)ifa + MNL_ALIGN(sizeof(*ifa));
	end = (const char*)nlh + nlh->nlmsg_len;
	while ((attr = attr_next(&pos, end)))
	{
		if (mnl_attr_get_payload_len(attr) != len)
		{
			continue;
		}
		switch (mnl_attr_get_type(attr))
		{
			case IFA_LOCAL:
				local = attr;
				break;
			case IFA_ADDRESS:
				address = attr;
				break;
		}
	}
	attr = local ?: address;
	if (!attr)
	{
		return FALSE;
	}
	prefix->family = ifa->ifa_family;
	prefix->len = ifa->ifa_prefixlen;
	memcpy(prefix->addr, mnl_attr_get_payload(attr), len);
	*ifindex = ifa->ifa_index;
	return TRUE;
}

bool vti_nlmsg_route_info(const struct nlmsghdr *nlh, uint32_t *oif,
						  uint32_t *mtu)
{
	const struct nlattr *attr, *metric;
	const char *pos, *end, *mpos, *mend;

	*oif = *mtu = 0;
	if (nlh->nlmsg_type != RTM_NEWROUTE ||
		nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(struct rtmsg))
	{
		return FALSE;
	}
	pos = (const char*)mnl_nlmsg_get_payload(nlh) +
		  MNL_ALIGN(sizeof(struct rtmsg));
	end = (const char*)nlh + nlh->nlmsg_len;
	while ((attr = attr_next(&pos, end)))
	{
		switch (mnl_attr_get_type(attr))
		{
			case RTA_OIF:
				*oif = get_u32(attr);
				break;
			case RTA_METRICS:
				nested(attr, &mpos, &mend);
				while ((metric = attr_next(&mpos, mend)))
				{
					if (mnl_attr_get_type(metric) == RTAX_MTU)
					{
						*mtu = get_u32(metric);
					}
				}
				break;
		}
	}
	return TRUE;
}

int vti_nlmsg_link_events(const void *buf, size_t len, const char *netns,
						  vti_event_cb_t cb, void *data)
{
	const struct nlmsghdr *nlh;
	vti_link_event_t event = { .netns = netns };
	int count = 0;

	while (len)
	{
		nlh = buf;
		if (len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
			nlh->nlmsg_len > len)
		{
			return -EBADMSG;
		}
		len -= min(len, NLMSG_ALIGN(nlh->nlmsg_len));
		buf = (const char*)buf + NLMSG_ALIGN(nlh->nlmsg_len);

		if (vti_nlmsg_link_info(nlh, &event.link, &event.moved))
		{
			event.deleted = nlh->nlmsg_type == RTM_DELLINK;
			cb(data, &event);
			count++;
		}
	}
	return count;
}
