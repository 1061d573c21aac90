/*
 * The requests the backend sends, byte for byte against what iproute2 6.1
 * sent for the same ip command (captured with strace -e write=3, sequence
 * numbers as captured).
 */

#include "vti_tests.h"
#include "vti_nlmsg.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>

#define SEQ1 0x6b0af317
#define SEQ2 0x6b0af31e

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
	/* ip link set dev lo netns cap (/run/netns/cap opened as fd 4) */
	assert_bytes(vti_nlmsg_netns(buf, SEQ2, 1, 4),
		"28000000100005001ef30a6b000000000000000001000000000000000000000008"
		"001c0004000000");
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

	/* ip addr add 2001:db8:ff::6/127 dev lo */
	inet_pton(AF_INET6, "2001:db8:ff::6", v6.addr);
	assert_bytes(vti_nlmsg_addr(buf, SEQ2, 1, &v6),
		"40000000140005061ef30a6b000000000a7f0000010000001400020020010db800ff"
		"000000000000000000061400010020010db800ff00000000000000000006");
	/* ip addr add 198.51.100.6/31 dev lo */
	inet_pton(AF_INET, "198.51.100.6", v4.addr);
	assert_bytes(vti_nlmsg_addr(buf, SEQ2, 1, &v4),
		"28000000140005061ef30a6b00000000021f00000100000008000200c633640608"
		"000100c6336406");
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

START_TEST(test_configure)
{
	struct nlmsghdr *nlh;
	struct nlattr *attr, *inet, *conf, *devconf;
	uint32_t mtu = 0;
	int nopolicy = 0, noxfrm = 0;

	/* no ip command for it: IFLA_MTU, then IFLA_AF_SPEC { AF_INET {
	 * IFLA_INET_CONF { [NOPOLICY] = 1, [NOXFRM] = 1 } } } */
	nlh = vti_nlmsg_configure(buf, SEQ2, 5, 1426, TRUE);
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

	nlh = vti_nlmsg_configure(buf, SEQ2, 5, 1446, FALSE);
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
	suite_add_tcase(s, tc);
	tc = tcase_create("ours");
	tcase_add_test(tc, test_configure);
	tcase_add_test(tc, test_change_vti6);
	tcase_add_test(tc, test_change_keeps_mtu);
	suite_add_tcase(s, tc);
	return s;
}
