/*
 * The kernel side without a kernel: sysctl writes through vti_netns on
 * files that fail, and the parsing of netlink replies on crafted buffers.
 */

#include "vti_tests.h"
#include "vti_netns.h"
#include "vti_nlmsg.h"

#include <dirent.h>
#include <errno.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#ifndef NLM_F_ACK_TLVS
# define NLM_F_ACK_TLVS 0x200
#endif
#ifndef NLMSGERR_ATTR_MSG
# define NLMSGERR_ATTR_MSG 1
#endif

/**
 * Open file descriptors of this process.
 */
static int count_fds(void)
{
	struct dirent *entry;
	DIR *dir;
	int n = 0;

	dir = opendir("/proc/self/fd");
	ck_assert(dir);
	while ((entry = readdir(dir)))
	{
		n += entry->d_name[0] != '.';
	}
	closedir(dir);
	return n;
}

START_TEST(test_sysctl_write_fails)
{
	vti_err_t err = {};
	int before, i;

	/* /proc/sys/../../dev/full opens for writing, and writing it fails with
	 * ENOSPC, for anyone and without a namespace */
	before = count_fds();
	for (i = 0; i < 3; i++)
	{
		ck_assert_int_eq(vti_netns_sysctl("", "../../dev/full", "1", &err),
						 -ENOSPC);
	}
	ck_assert_msg(strstr(err.msg, "writing /proc/sys/../../dev/full: "),
				  "%s", err.msg);
	ck_assert_int_eq(count_fds(), before);
}
END_TEST

START_TEST(test_sysctl_write_ok)
{
	vti_err_t err = {};
	int before;

	before = count_fds();
	ck_assert_int_eq(vti_netns_sysctl("", "../../dev/null", "1", &err), 0);
	ck_assert_int_eq(count_fds(), before);
}
END_TEST

START_TEST(test_sysctl_open_fails)
{
	vti_err_t err = {};
	int before;

	before = count_fds();
	ck_assert_int_eq(vti_netns_sysctl("", "net/no/such/sysctl", "1", &err),
					 -ENOENT);
	ck_assert_msg(strstr(err.msg, "opening /proc/sys/net/no/such/sysctl"),
				  "%s", err.msg);
	ck_assert_int_eq(count_fds(), before);
}
END_TEST

#define SEQ 0x6b0af317

/** the request the replies answer, and what the kernel sent back */
static char req_buf[VTI_NLMSG_BUF], rx[VTI_NLMSG_BUF];
static size_t rx_len;
/** links seen by the callback, by name */
static char seen[256];

static struct nlmsghdr *dump_request(void)
{
	return vti_nlmsg_dumplinks(req_buf, SEQ);
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;

	ck_assert_int_eq(nlh->nlmsg_type, RTM_NEWLINK);
	mnl_attr_for_each(attr, nlh, sizeof(struct ifinfomsg))
	{
		if (mnl_attr_get_type(attr) == IFLA_IFNAME)
		{
			strcat(seen, "[");
			strcat(seen, mnl_attr_get_str(attr));
			strcat(seen, "]");
		}
	}
	return MNL_CB_OK;
}

static int failing_cb(const struct nlmsghdr *nlh, void *data)
{
	errno = ENOMEM;
	return MNL_CB_ERROR;
}

/**
 * Append a message to rx.
 */
static struct nlmsghdr *put(uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh;

	nlh = mnl_nlmsg_put_header(rx + rx_len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 4242;
	return nlh;
}

static void done(struct nlmsghdr *nlh)
{
	rx_len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static void put_link(uint16_t flags, uint32_t seq, const char *name)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	nlh = put(RTM_NEWLINK, flags, seq);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 7;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	done(nlh);
}

/**
 * NLMSG_DONE with its error, and the kernel's text if any.
 */
static void put_done(uint16_t flags, int error, const char *text)
{
	struct nlmsghdr *nlh;
	int *payload;

	nlh = put(NLMSG_DONE, NLM_F_MULTI | flags, SEQ);
	payload = mnl_nlmsg_put_extra_header(nlh, sizeof(*payload));
	*payload = error;
	if (text)
	{
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
	}
	done(nlh);
}

/**
 * NLMSG_ERROR answering req, capped or with the request, with the kernel's
 * text if any.
 */
static void put_error(struct nlmsghdr *req, int error, bool capped,
					  const char *text)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	size_t copy = capped ? sizeof(*req) : req->nlmsg_len;

	nlh = put(NLMSG_ERROR, capped ? NLM_F_CAPPED : 0, req->nlmsg_seq);
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e) - sizeof(e->msg) + copy);
	e->error = error;
	memcpy(&e->msg, req, copy);
	if (text)
	{
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
	}
	done(nlh);
}

static int error;
static char msg[128];

/**
 * Parse rx, or its first len bytes from a heap copy of exactly that size
 * (valgrind sees any read past it).
 */
static vti_nlreply_t parse_len(struct nlmsghdr *req, size_t len, mnl_cb_t cb)
{
	vti_nlreply_t status;
	void *copy;

	copy = malloc(len ?: 1);
	memcpy(copy, rx, len);
	error = 12345;
	strcpy(msg, "unchanged");
	status = vti_nlmsg_reply(req, copy, len, cb, NULL, &error, msg,
							 sizeof(msg));
	free(copy);
	return status;
}

static vti_nlreply_t parse(struct nlmsghdr *req)
{
	return parse_len(req, rx_len, link_cb);
}

static void reply_setup(void)
{
	memset(rx, 0, sizeof(rx));
	rx_len = 0;
	seen[0] = '\0';
}

START_TEST(test_reply_multipart)
{
	struct nlmsghdr *req = dump_request();

	put_link(NLM_F_MULTI, SEQ, "lo");
	put_link(NLM_F_MULTI, SEQ, "vti1");
	ck_assert_int_eq(parse(req), VTI_NLREPLY_MORE);
	ck_assert_int_eq(error, 0);
	ck_assert_str_eq(seen, "[lo][vti1]");
	reply_setup();
	put_link(NLM_F_MULTI, SEQ, "vti2");
	put_done(0, 0, NULL);
	/* not read: after the end */
	put_link(NLM_F_MULTI, SEQ, "after");
	ck_assert_int_eq(parse(req), VTI_NLREPLY_DONE);
	ck_assert_int_eq(error, 0);
	ck_assert_str_eq(msg, "");
	ck_assert_str_eq(seen, "[vti2]");
}
END_TEST

START_TEST(test_reply_other_seq)
{
	struct nlmsghdr *req = dump_request();

	put_link(NLM_F_MULTI, SEQ - 1, "old");
	put_done(0, -EBUSY, NULL);
	/* the NLMSG_DONE above is ours: give it an older sequence number */
	((struct nlmsghdr*)(rx + NLMSG_ALIGN(((struct nlmsghdr*)rx)->nlmsg_len)))
		->nlmsg_seq = SEQ - 1;
	put_link(NLM_F_MULTI, SEQ, "new");
	put_done(0, 0, NULL);
	ck_assert_int_eq(parse(req), VTI_NLREPLY_DONE);
	ck_assert_str_eq(seen, "[new]");
}
END_TEST

START_TEST(test_reply_one)
{
	char buf[VTI_NLMSG_BUF];
	struct nlmsghdr *req = vti_nlmsg_getlink(buf, SEQ, "vti1", 0);

	/* a request without NLM_F_ACK gets one message */
	put_link(0, SEQ, "vti1");
	ck_assert_int_eq(parse(req), VTI_NLREPLY_DONE);
	ck_assert_str_eq(seen, "[vti1]");
}
END_TEST

START_TEST(test_reply_dump_intr)
{
	struct nlmsghdr *req = dump_request();

	put_link(NLM_F_MULTI, SEQ, "lo");
	put_link(NLM_F_MULTI | NLM_F_DUMP_INTR, SEQ, "vti1");
	put_link(NLM_F_MULTI | NLM_F_DUMP_INTR, SEQ, "vti2");
	ck_assert_int_eq(parse(req), VTI_NLREPLY_INTR);
	ck_assert_int_eq(error, 0);
	ck_assert_str_eq(msg, "");
}
END_TEST

START_TEST(test_reply_done_intr)
{
	struct nlmsghdr *req = dump_request();

	/* the kernel marks NLMSG_DONE too */
	put_link(NLM_F_MULTI, SEQ, "lo");
	put_done(NLM_F_DUMP_INTR, 0, NULL);
	ck_assert_int_eq(parse(req), VTI_NLREPLY_INTR);
	ck_assert_int_eq(error, 0);
}
END_TEST

START_TEST(test_reply_done_error)
{
	struct nlmsghdr *req = dump_request();

	put_link(NLM_F_MULTI, SEQ, "lo");
	put_done(0, -EINTR, NULL);
	ck_assert_int_eq(parse(req), VTI_NLREPLY_INTR);
	ck_assert_int_eq(error, -EINTR);
	ck_assert_str_eq(msg, "");
}
END_TEST

START_TEST(test_reply_done_error_text)
{
	struct nlmsghdr *req = dump_request();

	put_done(0, -EBUSY, "dump busy");
	ck_assert_int_eq(parse(req), VTI_NLREPLY_INTR);
	ck_assert_int_eq(error, -EBUSY);
	ck_assert_str_eq(msg, "dump busy");
}
END_TEST

START_TEST(test_reply_ack)
{
	char buf[VTI_NLMSG_BUF];
	struct nlmsghdr *req = vti_nlmsg_delete(buf, SEQ, 7);

	put_error(req, 0, TRUE, NULL);
	ck_assert_int_eq(parse(req), VTI_NLREPLY_DONE);
	ck_assert_int_eq(error, 0);
}
END_TEST

START_TEST(test_reply_error)
{
	char buf[VTI_NLMSG_BUF];
	struct nlmsghdr *req = vti_nlmsg_delete(buf, SEQ, 7);

	put_error(req, -ENODEV, FALSE, NULL);
	ck_assert_int_eq(parse(req), VTI_NLREPLY_ERROR);
	ck_assert_int_eq(error, -ENODEV);
	ck_assert_str_eq(msg, "");
}
END_TEST

START_TEST(test_reply_error_text)
{
	char buf[VTI_NLMSG_BUF];
	struct nlmsghdr *req = vti_nlmsg_alias(buf, SEQ, 7, "strongswan-vti:x");

	/* capped (NETLINK_CAP_ACK, as we ask) and not */
	put_error(req, -EEXIST, _i, "Link already exists");
	ck_assert_int_eq(parse(req), VTI_NLREPLY_ERROR);
	ck_assert_int_eq(error, -EEXIST);
	ck_assert_str_eq(msg, "Link already exists");
}
END_TEST

START_TEST(test_reply_cb_fails)
{
	struct nlmsghdr *req = dump_request();

	put_link(NLM_F_MULTI, SEQ, "lo");
	ck_assert_int_eq(parse_len(req, rx_len, failing_cb), VTI_NLREPLY_ERROR);
	ck_assert_int_eq(error, -ENOMEM);
}
END_TEST

START_TEST(test_reply_truncated_message)
{
	struct nlmsghdr *req = dump_request();

	/* the kernel never sends part of a message: a buffer ending inside
	 * one is broken, not "more to come" */
	put_link(NLM_F_MULTI, SEQ, "lo");
	put_link(NLM_F_MULTI, SEQ, "vti1");
	ck_assert_int_eq(parse_len(req, rx_len - 4, link_cb), VTI_NLREPLY_ERROR);
	ck_assert_int_eq(error, -EBADMSG);
	/* less than a header */
	ck_assert_int_eq(parse_len(req, NLMSG_HDRLEN - 1, link_cb),
					 VTI_NLREPLY_ERROR);
	ck_assert_int_eq(error, -EBADMSG);
	/* a header claiming less than itself */
	reply_setup();
	put_link(NLM_F_MULTI, SEQ, "lo");
	((struct nlmsghdr*)rx)->nlmsg_len = NLMSG_HDRLEN - 4;
	ck_assert_int_eq(parse(req), VTI_NLREPLY_ERROR);
	ck_assert_int_eq(error, -EBADMSG);
}
END_TEST

START_TEST(test_reply_truncated_error)
{
	char buf[VTI_NLMSG_BUF];
	struct nlmsghdr *req = vti_nlmsg_delete(buf, SEQ, 7), *nlh;

	/* an NLMSG_ERROR too short for its error code */
	nlh = put(NLMSG_ERROR, 0, SEQ);
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	rx_len = nlh->nlmsg_len;
	ck_assert_int_eq(parse(req), VTI_NLREPLY_ERROR);
	ck_assert_int_eq(error, -EBADMSG);
	/* an NLMSG_DONE too short for its error code */
	reply_setup();
	nlh = put(NLMSG_DONE, NLM_F_MULTI, SEQ);
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	rx_len = nlh->nlmsg_len;
	ck_assert_int_eq(parse(dump_request()), VTI_NLREPLY_ERROR);
	ck_assert_int_eq(error, -EBADMSG);
}
END_TEST

START_TEST(test_reply_truncated_ack_tlvs)
{
	char buf[VTI_NLMSG_BUF];
	struct nlmsghdr *req = vti_nlmsg_delete(buf, SEQ, 7), *nlh;
	struct nlmsgerr *e;
	struct nlattr *attr;

	/* the copy of the request claims more than the message holds */
	put_error(req, -ENODEV, FALSE, "No such device");
	nlh = (struct nlmsghdr*)rx;
	e = mnl_nlmsg_get_payload(nlh);
	e->msg.nlmsg_len = 4000;
	ck_assert_int_eq(parse(req), VTI_NLREPLY_ERROR);
	ck_assert_int_eq(error, -ENODEV);
	ck_assert_str_eq(msg, "");
	e->msg.nlmsg_len = 2;
	ck_assert_int_eq(parse(req), VTI_NLREPLY_ERROR);
	ck_assert_int_eq(error, -ENODEV);
	ck_assert_str_eq(msg, "");
	/* the text's attribute runs past the message, or lacks its zero */
	reply_setup();
	put_error(req, -ENODEV, TRUE, "No such device");
	nlh = (struct nlmsghdr*)rx;
	attr = (struct nlattr*)((char*)mnl_nlmsg_get_payload(nlh) +
							sizeof(struct nlmsgerr));
	attr->nla_len += 8;
	ck_assert_int_eq(parse(req), VTI_NLREPLY_ERROR);
	ck_assert_int_eq(error, -ENODEV);
	ck_assert_str_eq(msg, "");
	attr->nla_len -= 8;
	((char*)mnl_attr_get_payload(attr))[mnl_attr_get_payload_len(attr) - 1] = 'x';
	ck_assert_int_eq(parse(req), VTI_NLREPLY_ERROR);
	ck_assert_str_eq(msg, "");
	/* a message length cutting the text short, not aligned: the buffer
	 * ends there */
	((char*)mnl_attr_get_payload(attr))[mnl_attr_get_payload_len(attr) - 1] = 0;
	nlh->nlmsg_len -= 2;
	ck_assert_int_eq(parse_len(req, nlh->nlmsg_len, link_cb),
					 VTI_NLREPLY_ERROR);
	ck_assert_int_eq(error, -ENODEV);
	ck_assert_str_eq(msg, "");
	/* an NLMSG_DONE whose text runs past it */
	reply_setup();
	put_done(0, -EBUSY, "dump busy");
	nlh = (struct nlmsghdr*)rx;
	attr = (struct nlattr*)((char*)mnl_nlmsg_get_payload(nlh) + sizeof(int));
	attr->nla_len += 8;
	ck_assert_int_eq(parse(dump_request()), VTI_NLREPLY_INTR);
	ck_assert_int_eq(error, -EBUSY);
	ck_assert_str_eq(msg, "");
}
END_TEST

Suite *netlink_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("netlink");
	tc = tcase_create("sysctl");
	tcase_add_test(tc, test_sysctl_write_fails);
	tcase_add_test(tc, test_sysctl_write_ok);
	tcase_add_test(tc, test_sysctl_open_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("replies");
	tcase_add_checked_fixture(tc, reply_setup, NULL);
	tcase_add_test(tc, test_reply_multipart);
	tcase_add_test(tc, test_reply_other_seq);
	tcase_add_test(tc, test_reply_one);
	tcase_add_test(tc, test_reply_dump_intr);
	tcase_add_test(tc, test_reply_done_intr);
	tcase_add_test(tc, test_reply_done_error);
	tcase_add_test(tc, test_reply_done_error_text);
	tcase_add_test(tc, test_reply_ack);
	tcase_add_test(tc, test_reply_error);
	tcase_add_loop_test(tc, test_reply_error_text, 0, 2);
	tcase_add_test(tc, test_reply_cb_fails);
	tcase_add_test(tc, test_reply_truncated_message);
	tcase_add_test(tc, test_reply_truncated_error);
	tcase_add_test(tc, test_reply_truncated_ack_tlvs);
	suite_add_tcase(s, tc);
	return s;
}
