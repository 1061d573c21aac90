/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The kernel side: sysctl writes through vti_netns on files that fail, the
 * parsing of netlink replies on crafted buffers, and the netlink backend on
 * real sockets in namespaces of the test's own.
 */

#define _GNU_SOURCE

#include "vti_tests.h"
#include "sandbox.h"
#include "vti_netns.h"
#include "fake_backend.h"
#include "vti_nlmsg.h"
#include "vti_nlreply.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/**
 * What the backend writes its sysctls with: vti_netns_write_at() below a
 * directory of /proc/sys (here charon's own, the test's namespace).
 */
static int sysctl_write(const char *path, const char *value, vti_err_t *err)
{
	int dir, ret;

	dir = open("/proc/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert(dir >= 0);
	ret = vti_netns_write_at(dir, "/proc/sys", path, value, err);
	close(dir);
	return ret;
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
		ck_assert_int_eq(sysctl_write("../../dev/full", "1", &err),
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
	ck_assert_int_eq(sysctl_write("../../dev/null", "1", &err), 0);
	ck_assert_int_eq(count_fds(), before);
}
END_TEST

START_TEST(test_sysctl_open_fails)
{
	vti_err_t err = {};
	int before;

	before = count_fds();
	ck_assert_int_eq(sysctl_write("net/no/such/sysctl", "1", &err),
					 -ENOENT);
	ck_assert_msg(strstr(err.msg, "opening /proc/sys/net/no/such/sysctl"),
				  "%s", err.msg);
	ck_assert_int_eq(count_fds(), before);
}
END_TEST

#define SEQ 0x6b0af317
/** port id of the socket the requests went out on */
#define PORTID 4242

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
	nlh->nlmsg_pid = PORTID;
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
	status = vti_nlmsg_reply(req, PORTID, copy, len, cb, NULL, &error, msg,
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

START_TEST(test_reply_other_portid)
{
	char buf[VTI_NLMSG_BUF];
	struct nlmsghdr *req = vti_nlmsg_delete(buf, SEQ, 7);

	/* the same sequence number for another socket (or a notification):
	 * not our answer */
	put_error(req, -ENODEV, TRUE, NULL);
	((struct nlmsghdr*)rx)->nlmsg_pid = PORTID + 1;
	put_error(req, 0, TRUE, NULL);
	ck_assert_int_eq(parse(req), VTI_NLREPLY_DONE);
	ck_assert_int_eq(error, 0);
	reply_setup();
	put_error(req, -ENODEV, TRUE, NULL);
	((struct nlmsghdr*)rx)->nlmsg_pid = 0;
	ck_assert_int_eq(parse(req), VTI_NLREPLY_MORE);
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

/*
 * The real backend on real sockets, in a user, network and mount namespace
 * of the test's own (a forked child unshares them: no privilege needed
 * where unprivileged user namespaces are allowed, as on Debian; a skip
 * counted in the summary where they are not). There is only lo, and no module loads
 * there: lo stands in for our links (it cannot be deleted or moved). /run
 * is a tmpfs of the child's, for its named namespaces.
 */

/** links list() reported */
static vti_link_info_t listed[4];
static int n_listed;

static void found_cb(void *data, const vti_link_info_t *link)
{
	if (n_listed < (int)countof(listed))
	{
		listed[n_listed] = *link;
	}
	n_listed++;
}

static int list_links(vti_backend_t *backend, const char *netns,
					  vti_err_t *err)
{
	n_listed = 0;
	return backend->list(backend, netns, found_cb, NULL, err) ?: n_listed;
}

/** addresses list_addrs() reported, "IFINDEX ADDR/LEN " each */
static char addrs_seen[1024];

static void addr_cb(void *data, int ifindex, const vti_prefix_t *prefix)
{
	size_t len = strlen(addrs_seen);
	char text[64];

	inet_ntop(prefix->family, prefix->addr, text, sizeof(text));
	snprintf(addrs_seen + len, sizeof(addrs_seen) - len, "%d %s/%u ",
			 ifindex, text, prefix->len);
}

static int list_addrs(vti_backend_t *backend, const char *netns,
					  vti_err_t *err)
{
	addrs_seen[0] = '\0';
	return backend->list_addrs(backend, netns, addr_cb, NULL, err);
}

typedef struct {
	struct mnl_socket *nl;
	vti_err_t *err;
} socket_in_t;

static void open_socket(void *data)
{
	socket_in_t *in = data;

	in->nl = vti_netns_mnl_open(0, in->err);
}

/**
 * An rtnetlink socket of namespace netns, as the backend opens its own.
 */
static struct mnl_socket *socket_of(const char *netns, vti_err_t *err)
{
	socket_in_t in = { .err = err };
	int fd;

	if (!*netns)
	{
		return vti_netns_mnl_open(0, err);
	}
	fd = vti_netns_open(netns);
	if (fd < 0)
	{
		return NULL;
	}
	if (!vti_netns_call(netns, fd, open_socket, &in, err))
	{
		in.nl = NULL;
	}
	close(fd);
	return in.nl;
}

/**
 * Send a request of the test's own on a socket of netns: TRUE if the
 * kernel acknowledged it.
 */
static bool send_request(const char *netns, struct nlmsghdr *req)
{
	char buf[VTI_NLMSG_BUF];
	struct mnl_socket *nl;
	vti_err_t err;
	int error;
	ssize_t len;
	bool ok;

	nl = socket_of(netns, &err);
	if (!nl)
	{
		return FALSE;
	}
	ok = mnl_socket_sendto(nl, req, req->nlmsg_len) >= 0;
	memcpy(req_buf, req, req->nlmsg_len);
	len = ok ? mnl_socket_recvfrom(nl, buf, sizeof(buf)) : -1;
	ok = len > 0 && vti_nlmsg_reply((struct nlmsghdr*)req_buf,
						mnl_socket_get_portid(nl), buf, len, link_cb, NULL,
						&error, msg, sizeof(msg)) == VTI_NLREPLY_DONE;
	mnl_socket_close(nl);
	return ok;
}

/**
 * Set the alias of a link, which the backend does only in create().
 */
static bool set_alias(const char *netns, int ifindex, const char *alias)
{
	char buf[VTI_NLMSG_BUF];

	return send_request(netns, vti_nlmsg_alias(buf, 1, ifindex, alias));
}

/**
 * ip link add NAME type veth peer name PEER, in charon's namespace: a
 * link that can move, where no vti module is.
 */
static bool add_veth(const char *name, const char *peer)
{
	char buf[VTI_NLMSG_BUF];
	struct nlattr *info, *data, *nest;
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = 1;
	mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	nest = mnl_attr_nest_start(nlh, 1 /* VETH_INFO_PEER */);
	mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return send_request("", nlh);
}

static bool read_sysctl(const char *path, char *value, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
	{
		return FALSE;
	}
	n = read(fd, value, len - 1);
	close(fd);
	value[max(n, 0)] = '\0';
	return n > 0;
}

/**
 * Appends to ORDER what a notification tells of lo: 'a' an IPv4 address
 * added, 'u' the link up.
 */
static int order_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	char *order = data;

	if (strlen(order) < 15 &&
		((nlh->nlmsg_type == RTM_NEWADDR && ifa->ifa_index == 1 &&
		  ifa->ifa_family == AF_INET) ||
		 (nlh->nlmsg_type == RTM_NEWLINK && ifi->ifi_index == 1 &&
		  (ifi->ifi_flags & IFF_UP))))
	{
		strcat(order, nlh->nlmsg_type == RTM_NEWADDR ? "a" : "u");
	}
	return MNL_CB_OK;
}

/**
 * What a listener of links and IPv4 addresses heard, as order_cb() puts
 * it, without waiting.
 */
static void heard(struct mnl_socket *nl, char *order)
{
	ssize_t n;

	*order = '\0';
	while ((n = recv(mnl_socket_get_fd(nl), rx, sizeof(rx),
					 MSG_DONTWAIT)) > 0)
	{
		mnl_cb_run(rx, n, 0, 0, order_cb, order);
	}
}

static bool real_ops(void)
{
	vti_backend_t *backend;
	vti_settings_t settings = { .mtu = 1300, .keep_addrs = TRUE, .n_addrs = 2,
		.addrs = {
			{ .family = AF_INET, .len = 31 },
			{ .family = AF_INET6, .len = 127 },
		},
	};
	vti_settings_t bad = { .mtu = 1300, .n_addrs = 2,
		.addrs = {
			{ .family = AF_INET6, .len = 127 },
			{ .family = AF_INET, .len = 31 },
		},
	};
	vti_err_t err = {};
	char alias[IFALIASZ], value[16], longname[200], order[16];
	struct mnl_socket *listener;
	int fds, i;

	inet_pton(AF_INET, "198.51.100.6", settings.addrs[0].addr);
	inet_pton(AF_INET6, "2001:db8:ff::6", settings.addrs[1].addr);
	fds = count_fds();
	backend = vti_netlink_create();
	REQUIRE(backend->lookup(backend, "", "lo", alias, sizeof(alias),
							&err) == 1);
	REQUIRE(streq(alias, ""));
	REQUIRE(list_links(backend, "", &err) == 0);
	REQUIRE(set_alias("", 1, VTI_ALIAS_PREFIX "lo"));
	REQUIRE(list_links(backend, "", &err) == 1);
	REQUIRE(listed[0].ifindex == 1 && streq(listed[0].name, "lo"));
	REQUIRE(streq(listed[0].alias, VTI_ALIAS_PREFIX "lo"));
	REQUIRE(!listed[0].up && listed[0].mtu == 65536 && !listed[0].known);
	/* the alias of a link renamed by hand: no longer listed as ours */
	REQUIRE(backend->set_alias(backend, "", 1, VTI_DISOWNED_PREFIX
							   VTI_ALIAS_PREFIX "lo", &err) == 0);
	REQUIRE(list_links(backend, "", &err) == 0);
	REQUIRE(backend->set_alias(backend, "", 1, VTI_ALIAS_PREFIX "lo",
							   &err) == 0);
	REQUIRE(list_links(backend, "", &err) == 1);
	REQUIRE(backend->set_alias(backend, "", 999, "x", &err) == -ENODEV);
	REQUIRE(streq(err.msg, "setting the alias: No such device"));

	REQUIRE(backend->set_mtu(backend, "", 1, 1400, &err) == 0);
	REQUIRE(backend->set_state(backend, "", 1, TRUE, &err) == 0);
	REQUIRE(list_links(backend, "", &err) == 1);
	REQUIRE(listed[0].up && listed[0].mtu == 1400);

	REQUIRE(backend->lookup(backend, "", "nope", alias, sizeof(alias),
							&err) == -ENODEV);
	REQUIRE(streq(err.msg, "looking up the link: No such device"));

	REQUIRE(backend->add_altname(backend, "", 1, "strongswan-alt",
								 &err) == 0);
	REQUIRE(backend->lookup(backend, "", "strongswan-alt", alias,
							sizeof(alias), &err) == 1);
	REQUIRE(backend->add_altname(backend, "", 1, "strongswan-alt",
								 &err) == -EEXIST);
	REQUIRE(backend->add_altname(backend, "", 1, "lo", &err) == -EEXIST);
	/* the kernel's reason, from the extended ACK */
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	REQUIRE(backend->add_altname(backend, "", 1, longname, &err) < 0);
	REQUIRE(strstr(err.msg, "adding the altname xxx"));
	REQUIRE(strstr(err.msg, ", kernel says: "));
	REQUIRE(backend->set_mtu(backend, "", 999, 1400, &err) == -ENODEV);
	REQUIRE(streq(err.msg, "setting the mtu: No such device"));

	/* disable_policy through IFLA_AF_SPEC, keep_addr_on_down through the
	 * /proc directory opened with the socket (lo has the first two set
	 * from the start) */
	REQUIRE(sandbox_write_file("/proc/sys/net/ipv4/conf/lo/disable_policy", "0"));
	REQUIRE(sandbox_write_file("/proc/sys/net/ipv4/conf/lo/disable_xfrm", "0"));
	REQUIRE(sandbox_write_file("/proc/sys/net/ipv6/conf/lo/keep_addr_on_down",
					   "0"));
	/* and set up in the request of the MTU, after the addresses: the
	 * kernel tells an IPv4 address (RTM_NEWADDR) before it makes it local,
	 * a link's addresses added while it is down are local at once; one
	 * that a routing daemon sees up has local addresses to bind to (BIRD's
	 * BFD: bind: Cannot assign requested address otherwise) */
	REQUIRE(backend->set_state(backend, "", 1, FALSE, &err) == 0);
	REQUIRE((listener = mnl_socket_open(NETLINK_ROUTE)) &&
			mnl_socket_bind(listener, RTMGRP_LINK | RTMGRP_IPV4_IFADDR,
							MNL_SOCKET_AUTOPID) == 0);
	REQUIRE(backend->configure(backend, "", 1, "lo", &settings, TRUE,
							   &err) == 0);
	heard(listener, order);
	mnl_socket_close(listener);
	REQUIRE(order[0] == 'a' && strchr(order, 'u'));
	REQUIRE(list_links(backend, "", &err) == 1 && listed[0].up);
	REQUIRE(read_sysctl("/proc/sys/net/ipv4/conf/lo/disable_policy",
						value, sizeof(value)));
	REQUIRE(streq(value, "1\n"));
	REQUIRE(read_sysctl("/proc/sys/net/ipv6/conf/lo/keep_addr_on_down",
						value, sizeof(value)));
	REQUIRE(streq(value, "1\n"));
	REQUIRE(read_sysctl("/proc/sys/net/ipv4/conf/lo/disable_xfrm",
						value, sizeof(value)));
	REQUIRE(streq(value, "0\n"));
	/* the addresses exist already: fine */
	REQUIRE(backend->configure(backend, "", 1, "lo", &settings, FALSE,
							   &err) == 0);
	REQUIRE(list_links(backend, "", &err) == 1 && listed[0].mtu == 1300);
	/* as ip addr show lists them */
	REQUIRE(list_addrs(backend, "", &err) == 0);
	REQUIRE(strstr(addrs_seen, "1 198.51.100.6/31 ") ||
			!printf("addresses: %s\n", addrs_seen));
	REQUIRE(strstr(addrs_seen, "1 2001:db8:ff::6/127 ") ||
			!printf("addresses: %s\n", addrs_seen));
	/* an address the kernel refuses for another reason fails the step */
	REQUIRE(sandbox_write_file("/proc/sys/net/ipv6/conf/lo/disable_ipv6",
							   "1"));
	REQUIRE(backend->configure(backend, "", 1, "lo", &settings, FALSE,
							   &err) < 0);
	REQUIRE(strpfx(err.msg, "adding the address 2001:db8:ff::6/127: ") ||
			!printf("%s\n", err.msg));
	/* one batch: the request that fails (an IPv6 address) is named by
	 * its sequence number, the one after it runs all the same, and no
	 * ACK stays behind on the socket */
	inet_pton(AF_INET6, "2001:db8:ff::8", bad.addrs[0].addr);
	inet_pton(AF_INET, "198.51.100.8", bad.addrs[1].addr);
	REQUIRE(backend->configure(backend, "", 1, "lo", &bad, FALSE, &err) < 0);
	REQUIRE(strpfx(err.msg, "adding the address 2001:db8:ff::8/127: ") ||
			!printf("%s\n", err.msg));
	REQUIRE(list_addrs(backend, "", &err) == 0);
	REQUIRE(strstr(addrs_seen, "1 198.51.100.8/31 "));
	REQUIRE(backend->set_mtu(backend, "", 1, 1280, &err) == 0);

	/* one socket, kept: no descriptor per operation */
	REQUIRE(count_fds() == fds + 3);
	for (i = 0; i < 50; i++)
	{
		REQUIRE(backend->set_state(backend, "", 1, i % 2, &err) == 0);
	}
	REQUIRE(count_fds() == fds + 3);
	backend->destroy(backend);
	REQUIRE(count_fds() == fds);
	return TRUE;
}

START_TEST(test_real_ops)
{
	in_sandbox(real_ops);
}
END_TEST

static bool thread_ns(struct stat *st)
{
	return stat("/proc/thread-self/ns/net", st) == 0;
}

/**
 * ifindex of a link, <0 if none.
 */
static int ifindex_of(vti_backend_t *backend, const char *netns,
					  const char *name)
{
	char alias[IFALIASZ];
	vti_err_t err;

	return backend->lookup(backend, netns, name, alias, sizeof(alias), &err);
}

/**
 * keep_addr_on_down on a link with no IPv6: below 1280 the kernel removes
 * /proc/sys/net/ipv6/conf/NAME (addrconf_notify(), addrconf_ifdown()), and
 * there is no IPv6 address to keep: configure() goes on (a veth, as a VTI
 * with mtu 1200 and down_action = down).
 */
static bool real_no_ipv6(vti_backend_t *backend)
{
	vti_settings_t v4 = { .mtu = 1200, .keep_addrs = TRUE, .n_addrs = 1,
		.addrs = { { .family = AF_INET, .len = 31 } },
	};
	vti_err_t err = {};
	int k0;

	inet_pton(AF_INET, "198.51.100.10", v4.addrs[0].addr);
	REQUIRE(add_veth("k0", "k1"));
	k0 = ifindex_of(backend, "", "k0");
	REQUIRE(backend->set_mtu(backend, "", k0, 1200, &err) == 0);
	REQUIRE(access("/proc/sys/net/ipv6/conf/k0", F_OK) < 0);
	REQUIRE(backend->configure(backend, "", k0, "k0", &v4, FALSE, &err) == 0 ||
			!printf("%s\n", err.msg));
	REQUIRE(list_addrs(backend, "", &err) == 0);
	REQUIRE(strstr(addrs_seen, " 198.51.100.10/31 ") ||
			!printf("addresses: %s\n", addrs_seen));
	return TRUE;
}

/**
 * keep_addr_on_down where /proc/sys is read-only (a container): the write
 * fails, the link is configured all the same, the failure logged. Through
 * a namespace whose socket opens after /proc/sys is made read-only.
 */
static bool real_keep_addrs_read_only(vti_backend_t *backend)
{
	vti_settings_t v6 = { .mtu = 1400, .keep_addrs = TRUE, .n_addrs = 1,
		.addrs = { { .family = AF_INET6, .len = 127 } },
	};
	vti_err_t err = {};
	int r0;

	if (mount("/proc/sys", "/proc/sys", NULL, MS_BIND | MS_REC, NULL) < 0 ||
		mount(NULL, "/proc/sys", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY,
			  NULL) < 0)
	{
		snprintf(sandbox_skipped, sizeof(sandbox_skipped), "netlink: "
				 "/proc/sys not made read-only (%s), keep_addr_on_down "
				 "failing untested", strerror(errno));
		return TRUE;
	}
	inet_pton(AF_INET6, "2001:db8:ff::10", v6.addrs[0].addr);
	REQUIRE(add_veth("r0", "r1"));
	REQUIRE(backend->netns_ensure(backend, "ro", TRUE, &err) == 0 ||
			!printf("%s\n", err.msg));
	r0 = backend->move(backend, ifindex_of(backend, "", "r0"), "r0", "ro",
					   &err);
	REQUIRE(r0 > 0 || !printf("%s\n", err.msg));
	REQUIRE(backend->configure(backend, "ro", r0, "r0", &v6, FALSE, &err) == 0 ||
			!printf("%s\n", err.msg));
	REQUIRE(strstr(test_log, "keeping the IPv6 addresses of r0 in namespace "
				   "ro while it is down (keep_addr_on_down) failed") ||
			!printf("log: %s\n", test_log));
	REQUIRE(list_addrs(backend, "ro", &err) == 0);
	REQUIRE(strstr(addrs_seen, " 2001:db8:ff::10/127 ") ||
			!printf("addresses: %s\n", addrs_seen));
	REQUIRE(umount2("/proc/sys", MNT_DETACH) == 0);
	return TRUE;
}

/**
 * Moving and naming in one request, on links that can move (veth, where
 * its module is loaded): as dev_change_net_namespace() and do_setlink()
 * do it, and the failures vti_create.c handles.
 */
static bool real_move(vti_backend_t *backend)
{
	vti_err_t err = {};
	int a1, moved;

	if (!add_veth("a0", "a1"))
	{
		snprintf(sandbox_skipped, sizeof(sandbox_skipped), "netlink: no "
				 "veth (%s), moving and naming real links untested", msg);
		return TRUE;
	}
	a1 = ifindex_of(backend, "", "a1");
	moved = backend->move(backend, ifindex_of(backend, "", "a0"), "n0",
						  "red", &err);
	REQUIRE(moved > 0 && ifindex_of(backend, "red", "n0") == moved);
	REQUIRE(ifindex_of(backend, "", "a0") == -ENODEV);
	/* the name taken there: moved, not renamed */
	REQUIRE(backend->move(backend, a1, "n0", "red", &err) == -EEXIST);
	REQUIRE(strpfx(err.msg, "moving and naming the link: File exists"));
	REQUIRE(ifindex_of(backend, "red", "a1") > 0);
	REQUIRE(ifindex_of(backend, "", "a1") == -ENODEV);
	/* its own name taken there: moved under the new one at once */
	REQUIRE(add_veth("a1", "b1"));
	moved = backend->move(backend, ifindex_of(backend, "", "a1"), "n1",
						  "red", &err);
	REQUIRE(moved > 0 && ifindex_of(backend, "red", "n1") == moved);
	/* both taken there: not moved */
	REQUIRE(add_veth("n1", "c1"));
	REQUIRE(backend->move(backend, ifindex_of(backend, "", "n1"), "n0",
						  "red", &err) == -EEXIST);
	REQUIRE(ifindex_of(backend, "", "n1") > 0);
	return real_no_ipv6(backend) && real_keep_addrs_read_only(backend);
}

static bool real_netns(void)
{
	vti_backend_t *backend;
	vti_err_t err = {};
	struct stat before, after;
	char alias[IFALIASZ];
	int fds, i, p0;
	bool veth;

	backend = vti_netlink_create();
	REQUIRE(backend->netns_ensure(backend, "red", FALSE, &err) == -ENOENT);
	REQUIRE(backend->netns_ensure(backend, "red", TRUE, &err) == 0);
	REQUIRE(thread_ns(&before));
	REQUIRE(backend->lookup(backend, "red", "lo", alias, sizeof(alias),
							&err) == 1);
	REQUIRE(backend->set_state(backend, "red", 1, TRUE, &err) == 0);
	REQUIRE(set_alias("red", 1, VTI_ALIAS_PREFIX "red"));
	REQUIRE(list_links(backend, "red", &err) == 1 && listed[0].up);
	/* charon's lo is another one */
	REQUIRE(list_links(backend, "", &err) == 0);
	REQUIRE(thread_ns(&after) && before.st_ino == after.st_ino);

	/* lo cannot move: the error is the kernel's */
	REQUIRE(backend->move(backend, 1, "lo", "red", &err) == -EINVAL);
	REQUIRE(strpfx(err.msg, "moving and naming the link: Invalid "
				   "argument"));
	REQUIRE(backend->move(backend, 1, "lo", "blue", &err) == -ENOENT);
	REQUIRE(real_move(backend));

	fds = count_fds();
	for (i = 0; i < 20; i++)
	{
		REQUIRE(backend->set_mtu(backend, "red", 1, 1400 + i, &err) == 0);
	}
	REQUIRE(count_fds() == fds);
	REQUIRE(thread_ns(&after) && before.st_ino == after.st_ino);

	/* a link of ours in red (a veth, where there is veth: its peer p1
	 * stays here and goes with it) */
	veth = add_veth("p0", "p1");
	if (veth)
	{
		p0 = backend->move(backend, ifindex_of(backend, "", "p0"), "p0",
						   "red", &err);
		REQUIRE(p0 > 0 && set_alias("red", p0, VTI_ALIAS_PREFIX "red"));
	}
	/* ip netns del red; ip netns add red: the sockets of the old one go,
	 * after the links of ours there (the old one lives on while anything
	 * holds it, our sockets included) */
	REQUIRE(umount2("/run/netns/red", MNT_DETACH) == 0 ||
			!printf("umount: %s\n", strerror(errno)));
	REQUIRE(unlink("/run/netns/red") == 0);
	REQUIRE(backend->netns_ensure(backend, "red", TRUE, &err) == 0);
	REQUIRE(!veth || ifindex_of(backend, "", "p1") == -ENODEV);
	REQUIRE(list_links(backend, "red", &err) == 0);
	REQUIRE(backend->lookup(backend, "red", "lo", alias, sizeof(alias),
							&err) == 1);
	backend->destroy(backend);
	return TRUE;
}

START_TEST(test_real_netns)
{
	in_sandbox(real_netns);
}
END_TEST

/** events wait_events() reported */
static vti_link_event_t events[8];
static char event_ns[8][16];
static int n_events;

static void events_cb(void *data, const vti_link_event_t *event)
{
	if (n_events < (int)countof(events))
	{
		events[n_events] = *event;
		snprintf(event_ns[n_events], sizeof(event_ns[n_events]), "%s",
				 event->netns);
	}
	n_events++;
}

static void *wake_later(void *data)
{
	vti_backend_t *backend = data;

	usleep(50000);
	backend->wakeup(backend);
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool real_events(void)
{
	vti_backend_t *backend;
	vti_err_t err = {};
	pthread_t thread;
	double start;
	int i, ret;

	backend = vti_netlink_create();
	REQUIRE(backend->wait_events(backend, 0, events_cb, NULL) == 0);
	REQUIRE(backend->watch(backend, "", &err) == 0);
	REQUIRE(backend->watch(backend, "", &err) == 0);
	REQUIRE(backend->netns_ensure(backend, "red", TRUE, &err) == 0);
	REQUIRE(backend->watch(backend, "red", &err) == 0);
	REQUIRE(backend->wait_events(backend, 0, events_cb, NULL) == 0);

	/* our own operations are seen too */
	REQUIRE(backend->set_state(backend, "", 1, TRUE, &err) == 0);
	n_events = 0;
	REQUIRE(backend->wait_events(backend, 1000, events_cb, NULL) >= 1);
	REQUIRE(streq(event_ns[0], "") && !events[0].deleted);
	REQUIRE(events[0].link.ifindex == 1 && streq(events[0].link.name, "lo"));
	REQUIRE(events[n_events - 1].link.up);
	REQUIRE(backend->set_mtu(backend, "red", 1, 1500, &err) == 0);
	n_events = 0;
	REQUIRE(backend->wait_events(backend, 1000, events_cb, NULL) >= 1);
	REQUIRE(streq(event_ns[0], "red"));
	REQUIRE(events[n_events - 1].link.mtu == 1500);

	/* a wakeup ends a wait at once, or the next one */
	backend->wakeup(backend);
	REQUIRE(backend->wait_events(backend, -1, events_cb, NULL) == 0);
	REQUIRE(pthread_create(&thread, NULL, wake_later, backend) == 0);
	start = now();
	REQUIRE(backend->wait_events(backend, 5000, events_cb, NULL) == 0);
	REQUIRE(now() - start < 2);
	pthread_join(thread, NULL);
	start = now();
	REQUIRE(backend->wait_events(backend, 100, events_cb, NULL) == 0);
	REQUIRE(now() - start >= 0.09);

	/* more events than the socket holds (rmem_max without CAP_NET_ADMIN
	 * in the init namespace): -ENOBUFS, then on as before */
	for (i = 0, ret = 0; i < 2000 && ret >= 0; i++)
	{
		REQUIRE(backend->set_state(backend, "", 1, i % 2, &err) == 0);
		if (i % 500 == 499)
		{
			ret = backend->wait_events(backend, 0, events_cb, NULL);
		}
	}
	if (ret >= 0)
	{
		/* a receive buffer too large here: the path is not seen */
		snprintf(sandbox_skipped, sizeof(sandbox_skipped), "netlink: no "
				 "overrun after %d link events, the ENOBUFS path of the real "
				 "socket untested", i);
	}
	else
	{
		REQUIRE(ret == -ENOBUFS);
		while ((ret = backend->wait_events(backend, 0, events_cb, NULL)) > 0)
		{
		}
		REQUIRE(ret == 0);
		REQUIRE(backend->set_mtu(backend, "", 1, 1450, &err) == 0);
		n_events = 0;
		REQUIRE(backend->wait_events(backend, 1000, events_cb, NULL) >= 1);
		REQUIRE(events[n_events - 1].link.mtu == 1450);
	}
	backend->destroy(backend);
	return TRUE;
}

START_TEST(test_real_events)
{
	in_sandbox(real_events);
}
END_TEST

/*
 * The fake kernel's side of the same interface, as the manager's tests
 * rely on it.
 */

static fake_backend_t *fake;

static void fake_setup(void)
{
	fake = fake_backend_create();
	n_events = 0;
	n_listed = 0;
}

static void fake_teardown(void)
{
	fake_backend_free(fake);
}

#define B (&fake->backend)

START_TEST(test_fake_list)
{
	vti_params_t p = { .kind = VTI_KIND_XFRM, .if_id = 7, .link = 3 };
	vti_err_t err = {};
	int ifindex;

	ifindex = B->create(B, "xfrm7", &p, VTI_ALIAS_PREFIX "a", &err);
	ck_assert_int_gt(ifindex, 0);
	fake_backend_add(fake, "", "byhand", VTI_ALIAS_PREFIX "b", TRUE);
	fake_backend_add(fake, "", "other", "", TRUE);
	ck_assert_int_eq(list_links(B, "", &err), 2);
	ck_assert_int_eq(listed[0].ifindex, ifindex);
	ck_assert_str_eq(listed[0].name, "xfrm7");
	ck_assert(listed[0].known && !listed[0].up);
	ck_assert_int_eq(listed[0].mtu, 1500);
	ck_assert_int_eq(listed[0].params.if_id, 7);
	ck_assert_int_eq(listed[0].params.link, 3);
	ck_assert_str_eq(listed[1].name, "byhand");
	ck_assert(!listed[1].known && listed[1].up);
	fake->fail_op = "list -";
	fake->fail_errno = EIO;
	ck_assert_int_eq(list_links(B, "", &err), -EIO);
	/* every address of the namespace, ours or not */
	ck_assert(fake_backend_add_addr(fake, "", "other", "192.0.2.1/24"));
	ck_assert(fake_backend_add_addr(fake, "", "byhand", "2001:db8::1/64"));
	ck_assert_int_eq(list_addrs(B, "", &err), 0);
	/* 10, 11 and 12 as the fake numbers its links */
	ck_assert_int_eq(ifindex, 10);
	ck_assert_str_eq(addrs_seen, "11 2001:db8::1/64 12 192.0.2.1/24 ");
	ck_assert_int_eq(list_addrs(B, "other", &err), 0);
	ck_assert_str_eq(addrs_seen, "");
	fake->fail_op = "addrs -";
	fake->fail_errno = EIO;
	ck_assert_int_eq(list_addrs(B, "", &err), -EIO);
	ck_assert_str_eq(addrs_seen, "");
	ck_assert_str_eq(fake->calls, "create xfrm xfrm7 if_id=7 link=3 "
					 "alias=strongswan-vti:a\n");
}
END_TEST

START_TEST(test_fake_move_altname)
{
	vti_err_t err = {};
	char alias[IFALIASZ];
	int a, b, c, d, e;

	a = fake_backend_add(fake, "", "a", "", FALSE);
	b = fake_backend_add(fake, "", "b", "", FALSE);
	c = fake_backend_add(fake, "", "c", "", FALSE);
	d = fake_backend_add(fake, "", "d", "", FALSE);
	fake_backend_add(fake, "red", "b", "", TRUE);
	fake_backend_add(fake, "red", "c", "", TRUE);
	fake_backend_add(fake, "red", "x", "", TRUE);
	/* moved and named */
	a = B->move(B, a, "n1", "red", &err);
	ck_assert_int_gt(a, 0);
	ck_assert_int_eq(B->lookup(B, "red", "n1", alias, sizeof(alias), &err), a);
	/* its own name taken there: moved under the new one */
	b = B->move(B, b, "n2", "red", &err);
	ck_assert_int_eq(B->lookup(B, "red", "n2", alias, sizeof(alias), &err), b);
	/* both taken there: not moved */
	ck_assert_int_eq(B->move(B, c, "x", "red", &err), -EEXIST);
	ck_assert_int_eq(B->lookup(B, "", "c", alias, sizeof(alias), &err), c);
	/* the new name taken there: moved, not renamed */
	ck_assert_int_eq(B->move(B, d, "x", "red", &err), -EEXIST);
	ck_assert_int_eq(B->lookup(B, "", "d", alias, sizeof(alias), &err),
					 -ENODEV);
	ck_assert_int_gt(B->lookup(B, "red", "d", alias, sizeof(alias), &err), 0);
	ck_assert_int_eq(B->move(B, 999, "e", "red", &err), -ENODEV);
	ck_assert_int_eq(B->add_altname(B, "red", a, "long-a", &err), 0);
	ck_assert_int_eq(B->add_altname(B, "red", b, "long-a", &err), -EEXIST);
	ck_assert_int_eq(B->add_altname(B, "red", b, "n1", &err), -EEXIST);
	ck_assert_int_eq(B->add_altname(B, "red", b, "n2", &err), -EEXIST);
	/* an altname there is taken too */
	e = fake_backend_add(fake, "", "e", "", FALSE);
	ck_assert_int_eq(B->move(B, e, "long-a", "red", &err), -EEXIST);
	ck_assert_int_eq(B->lookup(B, "red", "long-a", alias, sizeof(alias),
							   &err), a);
	ck_assert_int_eq(fake_backend_rename(fake, "red", "x", "y"), -EBUSY);
	ck_assert_int_eq(fake_backend_rename(fake, "red", "n2", "long-a"),
					 -EEXIST);
	ck_assert_int_eq(fake_backend_rename(fake, "red", "nope", "y"), -ENODEV);
	ck_assert_int_eq(fake_backend_rename(fake, "red", "n2", "n3"), 0);
	ck_assert_str_eq(fake->calls,
		"move red a n1\nmove red b n2\nmove red c x\nmove red d x\n"
		"move red ? e\naltname red n1 long-a\naltname red n2 long-a\n"
		"altname red n2 n1\naltname red n2 n2\nmove red e long-a\n");
}
END_TEST

START_TEST(test_fake_events)
{
	vti_params_t p = { .kind = VTI_KIND_XFRM, .if_id = 7 };
	vti_err_t err = {};
	int ifindex;

	fake_backend_add(fake, "red", "early", "", FALSE);
	ck_assert_int_eq(B->watch(B, "red", &err), 0);
	ck_assert(fake_backend_watched(fake, "red"));
	ck_assert(!fake_backend_watched(fake, ""));
	/* the backend's own operations make no events, nor does an unwatched
	 * namespace */
	ifindex = B->create(B, "xfrm7", &p, VTI_ALIAS_PREFIX "a", &err);
	ck_assert_int_eq(B->move(B, ifindex, "xfrm7", "red", &err), ifindex + 1);
	ck_assert_int_eq(B->set_state(B, "red", ifindex + 1, TRUE, &err), 0);
	fake_backend_add(fake, "", "blue", "", FALSE);
	ck_assert_int_eq(B->wait_events(B, 0, events_cb, NULL), 0);
	/* by hand */
	fake_backend_set_up(fake, "red", "early", TRUE);
	ck_assert_int_eq(fake_backend_rename(fake, "red", "xfrm7", "x"), -EBUSY);
	fake_backend_set_up(fake, "red", "xfrm7", FALSE);
	ck_assert_int_eq(fake_backend_rename(fake, "red", "xfrm7", "x"), 0);
	ck_assert(fake_backend_move_away(fake, "red", "x"));
	ck_assert(fake_backend_del(fake, "red", "early"));
	ck_assert(!fake_backend_del(fake, "red", "early"));
	fake_backend_add(fake, "red", "late", VTI_ALIAS_PREFIX "b", FALSE);
	ck_assert_int_eq(fake_backend_pending(fake), 7);
	ck_assert_int_eq(B->wait_events(B, 1000, events_cb, NULL), 7);
	ck_assert_str_eq(event_ns[0], "red");
	ck_assert_str_eq(events[0].link.name, "early");
	ck_assert(events[0].link.up && !events[0].deleted);
	ck_assert_str_eq(events[1].link.name, "xfrm7");
	ck_assert(!events[1].link.up && events[1].link.known);
	ck_assert_str_eq(events[2].link.name, "x");
	ck_assert_int_eq(events[2].link.ifindex, ifindex + 1);
	ck_assert(events[3].deleted && events[3].moved);
	ck_assert_str_eq(events[3].link.alias, VTI_ALIAS_PREFIX "a");
	/* deleted while up: closed first (dev_close_many()), one event each */
	ck_assert(!events[4].deleted && !events[4].link.up);
	ck_assert_str_eq(events[4].link.name, "early");
	ck_assert(events[5].deleted && !events[5].moved);
	ck_assert_str_eq(events[5].link.name, "early");
	ck_assert(!events[6].deleted);
	ck_assert_str_eq(events[6].link.name, "late");
	ck_assert_int_eq(fake_backend_pending(fake), 0);
	ck_assert_str_eq(fake->calls, "create xfrm xfrm7 if_id=7 link=0 "
					 "alias=strongswan-vti:a\nmove red xfrm7 xfrm7\nup red xfrm7\n");
	/* an overrun after the events before it */
	fake_backend_set_up(fake, "red", "late", TRUE);
	fake_backend_overrun(fake);
	n_events = 0;
	ck_assert_int_eq(B->wait_events(B, 0, events_cb, NULL), -ENOBUFS);
	ck_assert_int_eq(n_events, 1);
	ck_assert_int_eq(B->wait_events(B, 0, events_cb, NULL), 0);
}
END_TEST

static void *fake_wake_later(void *data)
{
	usleep(50000);
	B->wakeup(B);
	return NULL;
}

static void *fake_event_later(void *data)
{
	usleep(50000);
	fake_backend_set_up(fake, "", "lo", TRUE);
	return NULL;
}

START_TEST(test_fake_wait)
{
	vti_err_t err = {};
	pthread_t thread;
	double start;

	fake_backend_add(fake, "", "lo", "", FALSE);
	ck_assert_int_eq(B->watch(B, "", &err), 0);
	start = now();
	ck_assert_int_eq(B->wait_events(B, 100, events_cb, NULL), 0);
	ck_assert(now() - start >= 0.09);
	B->wakeup(B);
	ck_assert_int_eq(B->wait_events(B, -1, events_cb, NULL), 0);
	pthread_create(&thread, NULL, fake_wake_later, NULL);
	start = now();
	ck_assert_int_eq(B->wait_events(B, -1, events_cb, NULL), 0);
	ck_assert(now() - start < 2);
	pthread_join(thread, NULL);
	pthread_create(&thread, NULL, fake_event_later, NULL);
	ck_assert_int_eq(B->wait_events(B, 5000, events_cb, NULL), 1);
	pthread_join(thread, NULL);
	ck_assert(events[0].link.up);
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
	tcase_add_test(tc, test_reply_other_portid);
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

	tc = tcase_create("real sockets");
	tcase_add_checked_fixture(tc, reply_setup, NULL);
	tcase_add_test(tc, test_real_ops);
	tcase_add_test(tc, test_real_netns);
	tcase_add_test(tc, test_real_events);
	suite_add_tcase(s, tc);

	tc = tcase_create("fake kernel");
	tcase_add_checked_fixture(tc, fake_setup, fake_teardown);
	tcase_add_test(tc, test_fake_list);
	tcase_add_test(tc, test_fake_move_altname);
	tcase_add_test(tc, test_fake_events);
	tcase_add_test(tc, test_fake_wait);
	suite_add_tcase(s, tc);
	return s;
}
