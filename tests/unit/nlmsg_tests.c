/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The requests the backend sends, byte for byte against what iproute2 6.1
 * sent for the same ip command (captured with strace -e write=3, sequence
 * numbers as captured), and the parsing of the link messages the kernel
 * sends back.
 */

#include "vti_tests.h"
#include "vti_nlmsg.h"
#include "vti_nlreply.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>

#ifndef IFF_LOWER_UP
# define IFF_LOWER_UP 0x10000
#endif

#define SEQ1 0x6b0af317
#define SEQ2 0x6b0af31e
/* the rename and altname captures (in a user namespace of its own) */
#define SEQ3 0x6b0d3a56
/* the ip addr show captures (iproute2 6.1, kernel 6.18) */
#define SEQ4 0x6b0d6c7a
#define SEQ5 0x6b0d6c7d
/* the move and rename capture (iproute2 6.1) */
#define SEQ6 0x6b161511
/* the mtu and up capture (iproute2 6.1) */
#define SEQ7 0x6b16168e

static char buf[VTI_NLMSG_BUF];

/**
 * Compare a message with a hex dump.
 */
static void assert_bytes(struct nlmsghdr *nlh, const char *hex)
{
	char out[2 * sizeof(buf) + 1];
	uint8_t *bytes = (uint8_t*)nlh;
	uint32_t i;

	for (i = 0; i < nlh->nlmsg_len; i++)
	{
		sprintf(out + 2 * i, "%02x", bytes[i]);
	}
	out[2 * i] = '\0';
	ck_assert_str_eq(out, hex);
}

static vti_params_t params(vti_kind_t kind, const char *local,
						   const char *remote, uint32_t ikey, uint32_t okey)
{
	vti_params_t p = {
		.kind = kind,
		.ikey = ikey,
		.okey = okey,
		.family = strchr(local, ':') ? AF_INET6 : AF_INET,
	};

	inet_pton(p.family, local, p.local);
	inet_pton(p.family, remote, p.remote);
	return p;
}

START_TEST(test_create_vti6)
{
	/* ip link add vti6x type vti6 local 2001:db8::1 remote 2001:db8::2
	 * ikey 6 okey 7 */
	vti_params_t p = params(VTI_KIND_VTI6, "2001:db8::1", "2001:db8::2", 6, 7);

	assert_bytes(vti_nlmsg_create(buf, SEQ1, "vti6x", &p),
		"7c0000001000050617f30a6b00000000000000000000000000000000000000000a00"
		"03007674693678000000500012000800010076746936440002000800020000000006"
		"08000300000000071400040020010db800000000000000000000000114000500"
		"20010db80000000000000000000000020800060000000000");
}
END_TEST

START_TEST(test_create_vti)
{
	/* ip link add vtix type vti local 192.0.2.1 remote 192.0.2.2 ikey 6
	 * okey 6 */
	vti_params_t p = params(VTI_KIND_VTI, "192.0.2.1", "192.0.2.2", 6, 6);

	assert_bytes(vti_nlmsg_create(buf, SEQ1, "vtix", &p),
		"640000001000050617f30a6b00000000000000000000000000000000000000000900"
		"030076746978000000003800120007000100767469002c0002000800020000000006"
		"080003000000000608000400c000020108000500c00002020800060000000000");
}
END_TEST

START_TEST(test_create_xfrm)
{
	/* ip link add xfrmx type xfrm dev lo if_id 42 */
	vti_params_t p = { .kind = VTI_KIND_XFRM, .if_id = 42, .link = 1 };

	assert_bytes(vti_nlmsg_create(buf, SEQ1, "xfrmx", &p),
		"4c0000001000050617f30a6b00000000000000000000000000000000000000000a00"
		"03007866726d7800000020001200080001007866726d14000200080002002a000000"
		"0800010001000000");
}
END_TEST

START_TEST(test_state)
{
	/* ip link set dev lo up / down */
	assert_bytes(vti_nlmsg_state(buf, SEQ1, 1, TRUE),
		"200000001000050017f30a6b0000000000000000010000000100000001000000");
	assert_bytes(vti_nlmsg_state(buf, SEQ2, 1, FALSE),
		"20000000100005001ef30a6b0000000000000000010000000000000001000000");
}
END_TEST

START_TEST(test_mtu)
{
	/* ip link set dev lo mtu 1400 */
	assert_bytes(vti_nlmsg_mtu(buf, SEQ2, 1, 1400),
		"28000000100005001ef30a6b00000000000000000100000000000000000000000800"
		"040078050000");
}
END_TEST

START_TEST(test_netns)
{
	/* ip link set dev lo netns cap name lo2 (/run/netns/cap opened as fd
	 * 4): one request, the move and the new name */
	assert_bytes(vti_nlmsg_netns(buf, SEQ6, 1, 4, "lo2"),
		"30000000100005001115166b000000000000000001000000000000000000000008"
		"001c0004000000080003006c6f3200");
}
END_TEST

START_TEST(test_delete)
{
	/* ip link del dev lo */
	assert_bytes(vti_nlmsg_delete(buf, SEQ2, 1),
		"20000000110005001ef30a6b0000000000000000010000000000000000000000");
}
END_TEST

START_TEST(test_addr)
{
	vti_prefix_t v6 = { .family = AF_INET6, .len = 127 };
	vti_prefix_t v4 = { .family = AF_INET, .len = 31 };

	/* ip addr add 2001:db8:ff::6/127 dev lo nodad */
	inet_pton(AF_INET6, "2001:db8:ff::6", v6.addr);
	assert_bytes(vti_nlmsg_addr(buf, SEQ2, 1, &v6),
		"40000000140005061ef30a6b000000000a7f0200010000001400020020010db800ff"
		"000000000000000000061400010020010db800ff00000000000000000006");
	/* ip addr add 198.51.100.6/31 dev lo */
	inet_pton(AF_INET, "198.51.100.6", v4.addr);
	assert_bytes(vti_nlmsg_addr(buf, SEQ2, 1, &v4),
		"28000000140005061ef30a6b00000000021f00000100000008000200c633640608"
		"000100c6336406");
}
END_TEST

START_TEST(test_dumpaddrs)
{
	/* ip addr show (ip -n NS addr show sends it on a socket of NS): 24
	 * bytes, iproute2 sends its whole buffer's 152 but nlmsg_len says 24 */
	assert_bytes(vti_nlmsg_dumpaddrs(buf, SEQ4),
		"18000000160001037a6c0d6b000000000000000000000000");
}
END_TEST

START_TEST(test_alias)
{
	/* ip link set dev lo alias strongswan-vti:net */
	assert_bytes(vti_nlmsg_alias(buf, SEQ2, 1, "strongswan-vti:net"),
		"38000000100005001ef30a6b000000000000000001000000000000000000000016"
		"0014007374726f6e677377616e2d7674693a6e65740000");
}
END_TEST

START_TEST(test_altname)
{
	/* ip link property add dev lo2 altname strongswan-tmp */
	assert_bytes(vti_nlmsg_altname(buf, SEQ3, 1, "strongswan-tmp"),
		"380000006c00050e563a0d6b000000000000000001000000000000000000000018"
		"003480130035007374726f6e677377616e2d746d700000");
}
END_TEST

START_TEST(test_configure_up)
{
	struct nlmsghdr *nlh;
	uint32_t len;

	/* ip link set dev lo mtu 1400 up, then IFLA_AF_SPEC as in
	 * test_configure: the first 40 bytes are the capture's but for the
	 * length */
	nlh = vti_nlmsg_configure(buf, SEQ7, 1, 1400, FALSE, TRUE);
	len = nlh->nlmsg_len;
	ck_assert_int_gt(len, 40);
	nlh->nlmsg_len = 40;
	assert_bytes(nlh,
		"28000000100005008e16166b000000000000000001000000010000000100000008"
		"00040078050000");
	nlh->nlmsg_len = len;
	ck_assert_int_eq(mnl_attr_get_type((struct nlattr*)((char*)nlh + 40)),
					 IFLA_AF_SPEC);
	nlh = vti_nlmsg_configure(buf, SEQ7, 1, 1400, FALSE, FALSE);
	ck_assert_int_eq(((struct ifinfomsg*)mnl_nlmsg_get_payload(nlh))->ifi_change, 0);
}
END_TEST

START_TEST(test_configure)
{
	struct nlmsghdr *nlh;
	struct nlattr *attr, *inet, *conf, *devconf;
	uint32_t mtu = 0;
	int nopolicy = 0, noxfrm = 0;

	/* no ip command for it: IFLA_MTU, then IFLA_AF_SPEC { AF_INET {
	 * IFLA_INET_CONF { [NOPOLICY] = 1, [NOXFRM] = 1 } } } */
	nlh = vti_nlmsg_configure(buf, SEQ2, 5, 1426, TRUE, FALSE);
	ck_assert_int_eq(nlh->nlmsg_type, RTM_NEWLINK);
	ck_assert_int_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	ck_assert_int_eq(((struct ifinfomsg*)mnl_nlmsg_get_payload(nlh))->ifi_index, 5);
	mnl_attr_for_each(attr, nlh, sizeof(struct ifinfomsg))
	{
		if (mnl_attr_get_type(attr) == IFLA_MTU)
		{
			mtu = mnl_attr_get_u32(attr);
		}
		if (mnl_attr_get_type(attr) != IFLA_AF_SPEC)
		{
			continue;
		}
		mnl_attr_for_each_nested(inet, attr)
		{
			ck_assert_int_eq(mnl_attr_get_type(inet), AF_INET);
			mnl_attr_for_each_nested(conf, inet)
			{
				ck_assert_int_eq(mnl_attr_get_type(conf), IFLA_INET_CONF);
				mnl_attr_for_each_nested(devconf, conf)
				{
					ck_assert_int_eq(mnl_attr_get_u32(devconf), 1);
					nopolicy += mnl_attr_get_type(devconf) == IPV4_DEVCONF_NOPOLICY;
					noxfrm += mnl_attr_get_type(devconf) == IPV4_DEVCONF_NOXFRM;
				}
			}
		}
	}
	ck_assert_int_eq(mtu, 1426);
	ck_assert_int_eq(nopolicy, 1);
	ck_assert_int_eq(noxfrm, 1);

	nlh = vti_nlmsg_configure(buf, SEQ2, 5, 1446, FALSE, FALSE);
	noxfrm = nopolicy = 0;
	mnl_attr_for_each(attr, nlh, sizeof(struct ifinfomsg))
	{
		if (mnl_attr_get_type(attr) == IFLA_AF_SPEC)
		{
			mnl_attr_for_each_nested(inet, attr)
			mnl_attr_for_each_nested(conf, inet)
			mnl_attr_for_each_nested(devconf, conf)
			{
				nopolicy += mnl_attr_get_type(devconf) == IPV4_DEVCONF_NOPOLICY;
				noxfrm += mnl_attr_get_type(devconf) == IPV4_DEVCONF_NOXFRM;
			}
		}
	}
	ck_assert_int_eq(nopolicy, 1);
	ck_assert_int_eq(noxfrm, 0);
}
END_TEST

/**
 * Whether a message holds a run of bytes.
 */
static bool holds(struct nlmsghdr *nlh, const void *what, size_t len)
{
	uint32_t i;

	for (i = 0; i + len <= nlh->nlmsg_len; i++)
	{
		if (!memcmp((char*)nlh + i, what, len))
		{
			return TRUE;
		}
	}
	return FALSE;
}

START_TEST(test_change_vti6)
{
	vti_params_t p = params(VTI_KIND_VTI6, "2001:db8::9", "2001:db8::2", 6, 6);
	struct nlmsghdr *nlh;

	/* like create, but for an ifindex and without name or create flags */
	nlh = vti_nlmsg_change(buf, SEQ2, 7, &p, 0);
	ck_assert_int_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	ck_assert_int_eq(((struct ifinfomsg*)mnl_nlmsg_get_payload(nlh))->ifi_index, 7);
	ck_assert(holds(nlh, p.local, 16));
	ck_assert(holds(nlh, "vti6", 4));
	ck_assert(!holds(nlh, "\x08\x00\x04\x00", 4));
}
END_TEST

START_TEST(test_change_keeps_mtu)
{
	vti_params_t p = params(VTI_KIND_VTI6, "2001:db8::9", "2001:db8::2", 6, 6);
	struct nlattr *attr;
	struct nlmsghdr *nlh;
	int n = 0;

	/* ip link set dev 7 mtu 1426 type vti6 ...: IFLA_MTU first, so that
	 * vti6_changelink does not recompute the MTU from the lower device */
	nlh = vti_nlmsg_change(buf, SEQ2, 7, &p, 1426);
	mnl_attr_for_each(attr, nlh, sizeof(struct ifinfomsg))
	{
		if (n++ == 0)
		{
			ck_assert_int_eq(mnl_attr_get_type(attr), IFLA_MTU);
			ck_assert_int_eq(mnl_attr_get_u32(attr), 1426);
		}
		else
		{
			ck_assert_int_eq(mnl_attr_get_type(attr), IFLA_LINKINFO);
		}
	}
	ck_assert_int_eq(n, 2);
}
END_TEST

/*
 * Link messages as the kernel (6.1) sends them: rtnl_fill_ifinfo()'s
 * attributes in its order, nests without NLA_F_NESTED, strings with their
 * zero, vti6_fill_info()/vti_fill_info()/xfrmi_fill_info() for the data.
 */

static char msg[VTI_NLMSG_BUF];

static struct nlattr *knest(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	nest->nla_type &= ~NLA_F_NESTED;
	return nest;
}

/**
 * The kernel's RTM_NEWLINK/RTM_DELLINK up to IFLA_LINKINFO.
 */
static struct nlmsghdr *kernel_link(uint16_t type, int ifindex,
									const char *name, unsigned flags,
									uint32_t mtu, const char *alias)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	uint8_t zeros[200] = {};

	memset(msg, 0, sizeof(msg));
	nlh = mnl_nlmsg_put_header(msg);
	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = 0;
	nlh->nlmsg_pid = 0;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_type = 769;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_TXQLEN, 1000);
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, flags & IFF_UP ? 6 : 2);
	mnl_attr_put_u8(nlh, IFLA_LINKMODE, 0);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	mnl_attr_put_u32(nlh, IFLA_MIN_MTU, 1280);
	mnl_attr_put_u32(nlh, IFLA_MAX_MTU, 65535);
	mnl_attr_put_u32(nlh, IFLA_GROUP, 0);
	mnl_attr_put_u32(nlh, IFLA_PROMISCUITY, 0);
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
	mnl_attr_put_u8(nlh, IFLA_CARRIER, 1);
	mnl_attr_put_strz(nlh, IFLA_QDISC, "noqueue");
	if (alias)
	{
		mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	}
	mnl_attr_put_u32(nlh, IFLA_CARRIER_CHANGES, 0);
	mnl_attr_put_u8(nlh, IFLA_PROTO_DOWN, 0);
	mnl_attr_put_u32(nlh, IFLA_LINK, 0);
	mnl_attr_put(nlh, IFLA_ADDRESS, 16, zeros);
	mnl_attr_put(nlh, IFLA_BROADCAST, 16, zeros);
	mnl_attr_put(nlh, IFLA_STATS64, sizeof(zeros), zeros);
	return nlh;
}

/**
 * ...and what follows IFLA_LINKINFO.
 */
static void kernel_link_end(struct nlmsghdr *nlh)
{
	struct nlattr *spec, *inet;
	uint32_t conf[8] = { 1, 0, 1 };

	mnl_attr_put_u32(nlh, IFLA_LINK_NETNSID, 0);
	spec = knest(nlh, IFLA_AF_SPEC);
	inet = knest(nlh, AF_INET);
	mnl_attr_put(nlh, IFLA_INET_CONF, sizeof(conf), conf);
	mnl_attr_nest_end(nlh, inet);
	mnl_attr_nest_end(nlh, spec);
}

/**
 * A vti6 of ip link add vti6x type vti6 local 2001:db8::1 remote
 * 2001:db8::2 ikey 6 okey 7 dev 3, up, alias ours.
 */
static struct nlmsghdr *kernel_vti6(uint16_t type)
{
	struct nlmsghdr *nlh;
	struct nlattr *info, *data;
	vti_params_t p = params(VTI_KIND_VTI6, "2001:db8::1", "2001:db8::2", 6, 7);

	nlh = kernel_link(type, 12, "vti6x", IFF_UP | IFF_RUNNING | IFF_NOARP |
					  IFF_POINTOPOINT | IFF_LOWER_UP, 1426,
					  "strongswan-vti:net");
	info = knest(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vti6");
	data = knest(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_VTI_LINK, 3);
	mnl_attr_put(nlh, IFLA_VTI_LOCAL, 16, p.local);
	mnl_attr_put(nlh, IFLA_VTI_REMOTE, 16, p.remote);
	mnl_attr_put_u32(nlh, IFLA_VTI_IKEY, htonl(6));
	mnl_attr_put_u32(nlh, IFLA_VTI_OKEY, htonl(7));
	mnl_attr_put_u32(nlh, IFLA_VTI_FWMARK, 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	kernel_link_end(nlh);
	return nlh;
}

/**
 * A vti of ip link add vtix type vti local 192.0.2.1 remote 192.0.2.2
 * ikey 0x10000 okey 5, down, no alias.
 */
static struct nlmsghdr *kernel_vti(void)
{
	struct nlmsghdr *nlh;
	struct nlattr *info, *data;
	vti_params_t p = params(VTI_KIND_VTI, "192.0.2.1", "192.0.2.2", 0, 0);

	nlh = kernel_link(RTM_NEWLINK, 13, "vtix", IFF_NOARP | IFF_POINTOPOINT,
					  1480, NULL);
	info = knest(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vti");
	data = knest(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_VTI_LINK, 0);
	mnl_attr_put_u32(nlh, IFLA_VTI_IKEY, htonl(0x10000));
	mnl_attr_put_u32(nlh, IFLA_VTI_OKEY, htonl(5));
	mnl_attr_put(nlh, IFLA_VTI_LOCAL, 4, p.local);
	mnl_attr_put(nlh, IFLA_VTI_REMOTE, 4, p.remote);
	mnl_attr_put_u32(nlh, IFLA_VTI_FWMARK, 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	kernel_link_end(nlh);
	return nlh;
}

/**
 * The RTM_DELLINK of ip link set dev xfrm42 netns other (if_id 42, dev 3),
 * with IFLA_NEW_NETNSID and IFLA_NEW_IFINDEX as __dev_change_net_namespace()
 * has it sent.
 */
static struct nlmsghdr *kernel_xfrm_moved(void)
{
	struct nlmsghdr *nlh;
	struct nlattr *info, *data;

	nlh = kernel_link(RTM_DELLINK, 14, "xfrm42", IFF_NOARP, 1500,
					  "strongswan-vti:x");
	info = knest(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "xfrm");
	data = knest(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_XFRM_LINK, 3);
	mnl_attr_put_u32(nlh, IFLA_XFRM_IF_ID, 42);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	mnl_attr_put_u32(nlh, IFLA_NEW_NETNSID, 1);
	mnl_attr_put_u32(nlh, IFLA_NEW_IFINDEX, 14);
	kernel_link_end(nlh);
	return nlh;
}

START_TEST(test_link_vti6)
{
	vti_params_t p = params(VTI_KIND_VTI6, "2001:db8::1", "2001:db8::2", 6, 7);
	vti_link_info_t info;
	bool moved = TRUE;

	ck_assert(vti_nlmsg_link_info(kernel_vti6(RTM_NEWLINK), &info, &moved));
	ck_assert(!moved);
	ck_assert_int_eq(info.ifindex, 12);
	ck_assert_str_eq(info.name, "vti6x");
	ck_assert_str_eq(info.alias, "strongswan-vti:net");
	ck_assert(info.up);
	ck_assert_int_eq(info.mtu, 1426);
	ck_assert(info.known);
	ck_assert_int_eq(info.params.kind, VTI_KIND_VTI6);
	ck_assert_int_eq(info.params.family, AF_INET6);
	ck_assert_int_eq(info.params.ikey, 6);
	ck_assert_int_eq(info.params.okey, 7);
	ck_assert_int_eq(info.params.link, 3);
	ck_assert_int_eq(info.params.if_id, 0);
	ck_assert(!memcmp(info.params.local, p.local, 16));
	ck_assert(!memcmp(info.params.remote, p.remote, 16));
}
END_TEST

START_TEST(test_link_vti)
{
	vti_params_t p = params(VTI_KIND_VTI, "192.0.2.1", "192.0.2.2", 0, 0);
	vti_link_info_t info;
	bool moved;

	ck_assert(vti_nlmsg_link_info(kernel_vti(), &info, &moved));
	ck_assert_str_eq(info.name, "vtix");
	ck_assert_str_eq(info.alias, "");
	ck_assert(!info.up);
	ck_assert(info.known);
	ck_assert_int_eq(info.params.kind, VTI_KIND_VTI);
	ck_assert_int_eq(info.params.family, AF_INET);
	/* the key in network order is 0x00000100 read as host order */
	ck_assert_int_eq(info.params.ikey, 0x10000);
	ck_assert_int_eq(info.params.okey, 5);
	ck_assert(!memcmp(info.params.local, p.local, 4));
	ck_assert(!memcmp(info.params.remote, p.remote, 4));
	ck_assert(!memcmp(info.params.remote + 4, "\0\0\0\0", 4));
}
END_TEST

START_TEST(test_link_xfrm_moved)
{
	vti_link_info_t info;
	bool moved = FALSE;

	ck_assert(vti_nlmsg_link_info(kernel_xfrm_moved(), &info, &moved));
	ck_assert(moved);
	ck_assert_int_eq(info.ifindex, 14);
	ck_assert_str_eq(info.name, "xfrm42");
	ck_assert_str_eq(info.alias, "strongswan-vti:x");
	ck_assert(!info.up);
	ck_assert_int_eq(info.mtu, 1500);
	ck_assert(info.known);
	ck_assert_int_eq(info.params.kind, VTI_KIND_XFRM);
	ck_assert_int_eq(info.params.if_id, 42);
	ck_assert_int_eq(info.params.link, 3);
	ck_assert_int_eq(info.params.ikey, 0);
}
END_TEST

START_TEST(test_link_other)
{
	struct nlmsghdr *nlh;
	struct nlattr *info_attr;
	vti_link_info_t info;
	bool moved;

	/* no IFLA_LINKINFO (lo) */
	nlh = kernel_link(RTM_NEWLINK, 1, "lo", IFF_UP | IFF_LOOPBACK, 65536,
					  VTI_ALIAS_PREFIX "lo");
	kernel_link_end(nlh);
	ck_assert(vti_nlmsg_link_info(nlh, &info, &moved));
	ck_assert_str_eq(info.name, "lo");
	ck_assert_str_eq(info.alias, VTI_ALIAS_PREFIX "lo");
	ck_assert(!info.known);
	ck_assert_int_eq(info.mtu, 65536);
	/* another kind, its data not read as ours */
	nlh = kernel_link(RTM_NEWLINK, 5, "gre1", 0, 1476, NULL);
	info_attr = knest(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vti6x");
	mnl_attr_nest_end(nlh, info_attr);
	ck_assert(vti_nlmsg_link_info(nlh, &info, &moved));
	ck_assert(!info.known);
	/* not a link message, or too short for its ifinfomsg */
	nlh = kernel_vti6(RTM_NEWLINK);
	nlh->nlmsg_type = RTM_NEWADDR;
	ck_assert(!vti_nlmsg_link_info(nlh, &info, &moved));
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(struct ifinfomsg) - 1;
	ck_assert(!vti_nlmsg_link_info(nlh, &info, &moved));
	nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(struct ifinfomsg);
	ck_assert(vti_nlmsg_link_info(nlh, &info, &moved));
	ck_assert_int_eq(info.ifindex, 12);
	ck_assert_str_eq(info.name, "");
}
END_TEST

/**
 * Parse the first len bytes of msg from a heap copy of exactly that size,
 * its nlmsg_len cut to len (valgrind sees any read past it).
 */
static bool parse_cut(size_t len, vti_link_info_t *info, bool *moved)
{
	struct nlmsghdr *copy;
	bool ok;

	copy = malloc(len);
	memcpy(copy, msg, len);
	copy->nlmsg_len = len;
	ok = vti_nlmsg_link_info(copy, info, moved);
	free(copy);
	return ok;
}

START_TEST(test_link_truncated)
{
	vti_link_info_t info;
	size_t full, len;
	bool moved;

	/* cut anywhere, inside any attribute, nested or not */
	full = kernel_vti6(RTM_NEWLINK)->nlmsg_len;
	for (len = NLMSG_HDRLEN; len <= full; len++)
	{
		ck_assert_int_eq(parse_cut(len, &info, &moved),
						 len >= NLMSG_HDRLEN + sizeof(struct ifinfomsg));
		ck_assert(streq(info.name, "") || streq(info.name, "vti6x"));
		ck_assert(!info.known || info.params.kind == VTI_KIND_VTI6);
		ck_assert(info.params.ikey == 0 || info.params.ikey == 6);
	}
	ck_assert(info.known);
	full = kernel_xfrm_moved()->nlmsg_len;
	for (len = NLMSG_HDRLEN; len <= full; len++)
	{
		parse_cut(len, &info, &moved);
		ck_assert(info.params.if_id == 0 || info.params.if_id == 42);
	}
	ck_assert(moved);
}
END_TEST

/**
 * The first attribute of type in the attributes from pos to end.
 */
static struct nlattr *find_attr(char *pos, char *end, uint16_t type)
{
	struct nlattr *attr;

	while (pos < end)
	{
		attr = (struct nlattr*)pos;
		if (mnl_attr_get_type(attr) == type)
		{
			return attr;
		}
		pos += MNL_ALIGN(attr->nla_len);
	}
	return NULL;
}

static struct nlattr *link_attr(struct nlmsghdr *nlh, uint16_t type)
{
	return find_attr((char*)mnl_nlmsg_get_payload(nlh) +
					 MNL_ALIGN(sizeof(struct ifinfomsg)),
					 (char*)nlh + nlh->nlmsg_len, type);
}

static struct nlattr *nested_attr(struct nlattr *nest, uint16_t type)
{
	return find_attr(mnl_attr_get_payload(nest),
					 (char*)nest + nest->nla_len, type);
}

START_TEST(test_link_malformed)
{
	struct nlmsghdr *nlh;
	struct nlattr *info_attr, *data, *attr;
	vti_link_info_t info;
	bool moved;

	/* IFLA_INFO_DATA claims more than IFLA_LINKINFO holds: not read */
	nlh = kernel_vti6(RTM_NEWLINK);
	info_attr = link_attr(nlh, IFLA_LINKINFO);
	data = nested_attr(info_attr, IFLA_INFO_DATA);
	data->nla_len += 4;
	ck_assert(vti_nlmsg_link_info(nlh, &info, &moved));
	ck_assert(info.known);
	ck_assert_int_eq(info.params.ikey, 0);
	ck_assert_int_eq(info.params.family, AF_INET6);
	/* IFLA_LINKINFO claims more than the message holds: parsing ends
	 * there, the alias before it is read */
	nlh = kernel_vti6(RTM_NEWLINK);
	info_attr = link_attr(nlh, IFLA_LINKINFO);
	info_attr->nla_len = (char*)nlh + nlh->nlmsg_len - (char*)info_attr + 4;
	ck_assert(vti_nlmsg_link_info(nlh, &info, &moved));
	ck_assert(!info.known);
	ck_assert_str_eq(info.alias, "strongswan-vti:net");
	/* an endpoint of 5 bytes and a key of 2: neither is read */
	nlh = kernel_link(RTM_NEWLINK, 12, "vti6x", 0, 1426, NULL);
	info_attr = knest(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vti6");
	data = knest(nlh, IFLA_INFO_DATA);
	mnl_attr_put(nlh, IFLA_VTI_LOCAL, 5, "\x20\x01\x0d\xb8\x01");
	mnl_attr_put(nlh, IFLA_VTI_IKEY, 2, "\x00\x06");
	mnl_attr_put_u32(nlh, IFLA_VTI_OKEY, htonl(7));
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info_attr);
	ck_assert(vti_nlmsg_link_info(nlh, &info, &moved));
	ck_assert(info.known);
	ck_assert_int_eq(info.params.family, AF_INET6);
	ck_assert(!memcmp(info.params.local, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
					  16));
	ck_assert_int_eq(info.params.ikey, 0);
	ck_assert_int_eq(info.params.okey, 7);
	/* a name without its zero, longer than IFNAMSIZ: cut */
	nlh = kernel_link(RTM_NEWLINK, 3, "abcdefghijklmnopqrst", 0, 1500, NULL);
	attr = link_attr(nlh, IFLA_IFNAME);
	attr->nla_len = NLA_HDRLEN + 20;
	ck_assert(vti_nlmsg_link_info(nlh, &info, &moved));
	ck_assert_str_eq(info.name, "abcdefghijklmno");
	/* an attribute shorter than its header ends the parsing */
	nlh = kernel_vti6(RTM_NEWLINK);
	link_attr(nlh, IFLA_MTU)->nla_len = 2;
	ck_assert(vti_nlmsg_link_info(nlh, &info, &moved));
	ck_assert_str_eq(info.name, "vti6x");
	ck_assert_int_eq(info.mtu, 0);
	ck_assert(!info.known);
}
END_TEST

/*
 * Address messages: what the kernel (6.18) answered ip addr show dev lo,
 * as recv() returned it (inet_fill_ifaddr(): IFA_ADDRESS, IFA_LOCAL,
 * IFA_LABEL, IFA_FLAGS, IFA_CACHEINFO; inet6_fill_ifaddr(): IFA_ADDRESS,
 * IFA_CACHEINFO, IFA_FLAGS), and crafted ones.
 */

static const char lo_addrs[] =
	"4c000000140022007d6c0d6b22260000"
	"020880fe01000000080001007f000001"
	"080002007f000001070003006c6f0000"
	"080008008000000014000600ffffffff"
	"ffffffff68f6000068f6000048000000"
	"140022007d6c0d6b222600000a8080fe"
	"01000000140001000000000000000000"
	"000000000000000114000600ffffffff"
	"ffffffff68f6000068f6000008000800"
	"80000000";

/**
 * Hex into msg, its length.
 */
static size_t from_hex(const char *hex)
{
	size_t i, len = strlen(hex) / 2;
	unsigned int byte;

	memset(msg, 0, sizeof(msg));
	for (i = 0; i < len; i++)
	{
		sscanf(hex + 2 * i, "%2x", &byte);
		msg[i] = byte;
	}
	return len;
}

/**
 * An RTM_NEWADDR of family with local and address (either may be NULL).
 */
static struct nlmsghdr *kernel_addr(int family, uint8_t prefixlen,
									int ifindex, const char *local,
									const char *address)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	uint8_t addr[16];
	int len = family == AF_INET ? 4 : 16;

	memset(msg, 0, sizeof(msg));
	nlh = mnl_nlmsg_put_header(msg);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_MULTI;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = family;
	ifa->ifa_prefixlen = prefixlen;
	ifa->ifa_index = ifindex;
	if (address)
	{
		inet_pton(family, address, addr);
		mnl_attr_put(nlh, IFA_ADDRESS, len, addr);
	}
	if (local)
	{
		inet_pton(family, local, addr);
		mnl_attr_put(nlh, IFA_LOCAL, len, addr);
	}
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_PERMANENT);
	return nlh;
}

/**
 * The address of a message as "ifindex ADDR/LEN", "-" if none is read.
 */
static char *addr_of(const struct nlmsghdr *nlh)
{
	static char out[128];
	char text[64];
	vti_prefix_t prefix;
	int ifindex = -1;

	if (!vti_nlmsg_addr_info(nlh, &ifindex, &prefix))
	{
		return "-";
	}
	inet_ntop(prefix.family, prefix.addr, text, sizeof(text));
	snprintf(out, sizeof(out), "%d %s/%u", ifindex, text, prefix.len);
	return out;
}

START_TEST(test_addr_captured)
{
	struct nlmsghdr *nlh;
	size_t len;

	len = from_hex(lo_addrs);
	ck_assert_int_eq(len, 148);
	nlh = (struct nlmsghdr*)msg;
	ck_assert_int_eq(nlh->nlmsg_seq, SEQ5);
	ck_assert_str_eq(addr_of(nlh), "1 127.0.0.1/8");
	nlh = (struct nlmsghdr*)(msg + NLMSG_ALIGN(nlh->nlmsg_len));
	ck_assert_str_eq(addr_of(nlh), "1 ::1/128");
}
END_TEST

START_TEST(test_addr_peer)
{
	/* ip addr add 10.1.0.1 peer 10.1.0.2/30: IFA_ADDRESS is the peer */
	ck_assert_str_eq(addr_of(kernel_addr(AF_INET, 30, 7, "10.1.0.1",
										 "10.1.0.2")), "7 10.1.0.1/30");
	/* IPv6 with a peer: IFA_LOCAL is ours, after IFA_ADDRESS */
	ck_assert_str_eq(addr_of(kernel_addr(AF_INET6, 127, 7, "2001:db8:ff::6",
										 "2001:db8:ff::7")),
					 "7 2001:db8:ff::6/127");
	/* without: IFA_ADDRESS alone */
	ck_assert_str_eq(addr_of(kernel_addr(AF_INET6, 64, 8, NULL,
										 "2001:db8::1")), "8 2001:db8::1/64");
	ck_assert_str_eq(addr_of(kernel_addr(AF_INET, 32, 8, "192.0.2.1", NULL)),
					 "8 192.0.2.1/32");
}
END_TEST

START_TEST(test_addr_rejected)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	struct nlattr *attr;

	/* no address */
	ck_assert_str_eq(addr_of(kernel_addr(AF_INET, 24, 7, NULL, NULL)), "-");
	/* not RTM_NEWADDR */
	nlh = kernel_addr(AF_INET, 24, 7, "192.0.2.1", NULL);
	nlh->nlmsg_type = RTM_DELADDR;
	ck_assert_str_eq(addr_of(nlh), "-");
	nlh->nlmsg_type = RTM_NEWLINK;
	ck_assert_str_eq(addr_of(nlh), "-");
	/* too short for its ifaddrmsg */
	nlh = kernel_addr(AF_INET, 24, 7, "192.0.2.1", NULL);
	nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(struct ifaddrmsg) - 1;
	ck_assert_str_eq(addr_of(nlh), "-");
	/* another family, a prefix length beyond the family's */
	nlh = kernel_addr(AF_INET, 24, 7, "192.0.2.1", NULL);
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = AF_PACKET;
	ck_assert_str_eq(addr_of(nlh), "-");
	ck_assert_str_eq(addr_of(kernel_addr(AF_INET, 33, 7, "192.0.2.1", NULL)),
					 "-");
	ck_assert_str_eq(addr_of(kernel_addr(AF_INET6, 129, 7, "2001:db8::1",
										 NULL)), "-");
	ck_assert_str_eq(addr_of(kernel_addr(AF_INET6, 128, 7, "2001:db8::1",
										 NULL)), "7 2001:db8::1/128");
	/* an IPv6 family with an IPv4 sized address: skipped */
	nlh = kernel_addr(AF_INET, 24, 7, "192.0.2.1", NULL);
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = AF_INET6;
	ck_assert_str_eq(addr_of(nlh), "-");
	/* IFA_LOCAL of 5 bytes is skipped, IFA_ADDRESS taken */
	nlh = kernel_addr(AF_INET, 24, 7, NULL, "192.0.2.1");
	mnl_attr_put(nlh, IFA_LOCAL, 5, "\xc0\x00\x02\x09\x09");
	ck_assert_str_eq(addr_of(nlh), "7 192.0.2.1/24");
	/* an attribute claiming more than the message holds ends the parsing */
	nlh = kernel_addr(AF_INET, 24, 7, NULL, "192.0.2.1");
	attr = (struct nlattr*)((char*)mnl_nlmsg_get_payload(nlh) +
							MNL_ALIGN(sizeof(*ifa)));
	attr->nla_len = 200;
	ck_assert_str_eq(addr_of(nlh), "-");
}
END_TEST

START_TEST(test_addr_truncated)
{
	struct nlmsghdr *copy;
	size_t full, len;
	vti_prefix_t prefix;
	int ifindex;
	bool ok;

	/* cut anywhere, from a heap copy of exactly that size */
	full = kernel_addr(AF_INET6, 127, 7, "2001:db8:ff::6",
					   "2001:db8:ff::7")->nlmsg_len;
	for (len = NLMSG_HDRLEN; len <= full; len++)
	{
		copy = malloc(len);
		memcpy(copy, msg, len);
		copy->nlmsg_len = len;
		ok = vti_nlmsg_addr_info(copy, &ifindex, &prefix);
		free(copy);
		if (ok)
		{
			ck_assert_int_eq(ifindex, 7);
			ck_assert_int_eq(prefix.len, 127);
			/* the peer's while IFA_LOCAL is cut off, then ours */
			ck_assert(prefix.addr[15] == 7 || prefix.addr[15] == 6);
		}
	}
	ck_assert(ok && prefix.addr[15] == 6);
}
END_TEST

/**
 * An RTM_NEWROUTE as the kernel answers RTM_GETROUTE: RTA_OIF, and
 * RTA_METRICS with RTAX_MTU if mtu is not 0.
 */
static struct nlmsghdr *kernel_route(uint32_t oif, uint32_t mtu)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	struct nlattr *metrics;

	memset(msg, 0, sizeof(msg));
	nlh = mnl_nlmsg_put_header(msg);
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = 128;
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	if (mtu)
	{
		metrics = mnl_attr_nest_start(nlh, RTA_METRICS);
		mnl_attr_put_u32(nlh, RTAX_ADVMSS, 1220);
		mnl_attr_put_u32(nlh, RTAX_MTU, mtu);
		mnl_attr_nest_end(nlh, metrics);
	}
	mnl_attr_put_u32(nlh, RTA_OIF, oif);
	return nlh;
}

START_TEST(test_route_info)
{
	struct nlmsghdr *nlh, *copy;
	uint32_t oif, mtu;
	size_t full, len;

	ck_assert(vti_nlmsg_route_info(kernel_route(7, 1400), &oif, &mtu));
	ck_assert_int_eq(oif, 7);
	ck_assert_int_eq(mtu, 1400);
	ck_assert(vti_nlmsg_route_info(kernel_route(9, 0), &oif, &mtu));
	ck_assert_int_eq(oif, 9);
	ck_assert_int_eq(mtu, 0);
	nlh = kernel_route(7, 1400);
	nlh->nlmsg_type = RTM_NEWLINK;
	ck_assert(!vti_nlmsg_route_info(nlh, &oif, &mtu));
	ck_assert_int_eq(oif, 0);
	/* cut anywhere, from a heap copy of exactly that size: what is read
	 * is all there (valgrind and ASan run this too) */
	full = kernel_route(7, 1400)->nlmsg_len;
	for (len = NLMSG_HDRLEN; len <= full; len++)
	{
		copy = malloc(len);
		memcpy(copy, msg, len);
		copy->nlmsg_len = len;
		if (vti_nlmsg_route_info(copy, &oif, &mtu))
		{
			ck_assert(oif == 0 || oif == 7);
			ck_assert(mtu == 0 || mtu == 1400);
		}
		free(copy);
	}
	ck_assert(oif == 7 && mtu == 1400);
}
END_TEST

static char events_seen[512];

static void event_cb(void *data, const vti_link_event_t *event)
{
	size_t len = strlen(events_seen);

	snprintf(events_seen + len, sizeof(events_seen) - len, "[%s %s %s%s%s]",
			 event->netns, event->link.name, event->deleted ? "del" : "new",
			 event->moved ? " moved" : "", event->link.known ? " known" : "");
}

START_TEST(test_link_events)
{
	static char rx[3 * VTI_NLMSG_BUF];
	struct nlmsghdr *nlh;
	size_t len = 0;
	void *copy;

	/* what recv() gives on an RTNLGRP_LINK socket: link messages, and
	 * others that are skipped */
	nlh = kernel_vti6(RTM_NEWLINK);
	memcpy(rx + len, nlh, nlh->nlmsg_len);
	len += NLMSG_ALIGN(nlh->nlmsg_len);
	nlh = (struct nlmsghdr*)(rx + len);
	nlh->nlmsg_len = NLMSG_HDRLEN + 8;
	nlh->nlmsg_type = RTM_NEWADDR;
	len += NLMSG_ALIGN(nlh->nlmsg_len);
	nlh = kernel_xfrm_moved();
	memcpy(rx + len, nlh, nlh->nlmsg_len);
	len += NLMSG_ALIGN(nlh->nlmsg_len);
	nlh = kernel_vti6(RTM_DELLINK);
	memcpy(rx + len, nlh, nlh->nlmsg_len);
	len += NLMSG_ALIGN(nlh->nlmsg_len);

	events_seen[0] = '\0';
	ck_assert_int_eq(vti_nlmsg_link_events(rx, len, "red", event_cb, NULL), 3);
	ck_assert_str_eq(events_seen, "[red vti6x new known][red xfrm42 del "
					 "moved known][red vti6x del known]");
	/* a buffer ending inside the last message: the ones before reported */
	events_seen[0] = '\0';
	copy = malloc(len - 10);
	memcpy(copy, rx, len - 10);
	ck_assert_int_eq(vti_nlmsg_link_events(copy, len - 10, "", event_cb, NULL),
					 -EBADMSG);
	free(copy);
	ck_assert_str_eq(events_seen, "[ vti6x new known][ xfrm42 del moved "
					 "known]");
}
END_TEST

Suite *nlmsg_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("nlmsg");
	tc = tcase_create("as iproute2");
	tcase_add_test(tc, test_create_vti6);
	tcase_add_test(tc, test_create_vti);
	tcase_add_test(tc, test_create_xfrm);
	tcase_add_test(tc, test_state);
	tcase_add_test(tc, test_mtu);
	tcase_add_test(tc, test_netns);
	tcase_add_test(tc, test_delete);
	tcase_add_test(tc, test_addr);
	tcase_add_test(tc, test_alias);
	tcase_add_test(tc, test_dumpaddrs);
	tcase_add_test(tc, test_altname);
	suite_add_tcase(s, tc);
	tc = tcase_create("ours");
	tcase_add_test(tc, test_configure);
	tcase_add_test(tc, test_configure_up);
	tcase_add_test(tc, test_change_vti6);
	tcase_add_test(tc, test_change_keeps_mtu);
	suite_add_tcase(s, tc);
	tc = tcase_create("link messages");
	tcase_add_test(tc, test_link_vti6);
	tcase_add_test(tc, test_link_vti);
	tcase_add_test(tc, test_link_xfrm_moved);
	tcase_add_test(tc, test_link_other);
	tcase_add_test(tc, test_link_truncated);
	tcase_add_test(tc, test_link_malformed);
	tcase_add_test(tc, test_link_events);
	suite_add_tcase(s, tc);
	tc = tcase_create("address messages");
	tcase_add_test(tc, test_addr_captured);
	tcase_add_test(tc, test_addr_peer);
	tcase_add_test(tc, test_addr_rejected);
	tcase_add_test(tc, test_addr_truncated);
	tcase_add_test(tc, test_route_info);
	suite_add_tcase(s, tc);
	return s;
}
