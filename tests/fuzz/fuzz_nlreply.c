/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * libFuzzer target: arbitrary bytes as what the kernel sends back, through
 * the pure parsers of vti_nlreply.c: vti_nlmsg_reply() after a request
 * (acks, errors with and without extended ACK, dumps in parts, interrupted
 * dumps, truncated buffers, late answers), with the backend's callback
 * reading each link message (vti_nlmsg_link_info()), address message
 * (vti_nlmsg_addr_info()) and route message (vti_nlmsg_route_info()), and vti_nlmsg_link_events() as on a link event
 * socket.
 *
 * Input: 4 bytes of control, then the buffer as recv() returned it (copied
 * to a buffer of exactly its size, aligned as recv()'s are):
 *   [0] & 3: 0 a request without NLM_F_ACK, 1 with, 2 the link event
 *            parser, 3 vti_nlmsg_link_info() and vti_nlmsg_addr_info() on
 *            one message
 *   [1]      what the callback returns: 0 OK, 1 STOP, 2 ERROR (errno
 *            EINVAL), 3 ERROR without errno; more: OK
 *   [2]      size of the extended ACK text buffer: 0, 1, 16 or 256 (& 3)
 *   [3]      whether the request is a dump (& 1)
 */

#include "fuzz.h"
#include "vti_nlreply.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#define FUZZ_SEQ 1
#define FUZZ_PORTID 100

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_library_init();
	return 0;
}

/**
 * What the backend needs of a link the kernel describes.
 */
static void check_info(const vti_link_info_t *info)
{
	FUZZ_ASSERT(memchr(info->name, '\0', sizeof(info->name)));
	FUZZ_ASSERT(memchr(info->alias, '\0', sizeof(info->alias)));
	if (info->known)
	{
		FUZZ_ASSERT(info->params.kind <= VTI_KIND_XFRM);
		FUZZ_ASSERT(info->params.family == 0 ||
					info->params.family == AF_INET ||
					info->params.family == AF_INET6);
	}
}

/**
 * What the backend needs of an address the kernel lists, if it read one,
 * and of a route (vti_nlmsg_route_info()).
 */
static void check_addr(const struct nlmsghdr *nlh)
{
	vti_prefix_t prefix;
	uint32_t oif, mtu;
	int ifindex;

	if (vti_nlmsg_addr_info(nlh, &ifindex, &prefix))
	{
		FUZZ_ASSERT(nlh->nlmsg_type == RTM_NEWADDR);
		FUZZ_ASSERT(prefix.family == AF_INET || prefix.family == AF_INET6);
		FUZZ_ASSERT(prefix.len <= (prefix.family == AF_INET ? 32 : 128));
	}
	if (vti_nlmsg_route_info(nlh, &oif, &mtu))
	{
		FUZZ_ASSERT(nlh->nlmsg_type == RTM_NEWROUTE);
	}
}

static int cb_result;

static int reply_cb(const struct nlmsghdr *nlh, void *data)
{
	vti_link_info_t info;
	bool moved;
	int *count = data;

	(*count)++;
	if (vti_nlmsg_link_info(nlh, &info, &moved))
	{
		check_info(&info);
	}
	check_addr(nlh);
	switch (cb_result)
	{
		case 1:
			return MNL_CB_STOP;
		case 2:
			errno = EINVAL;
			return MNL_CB_ERROR;
		case 3:
			errno = 0;
			return MNL_CB_ERROR;
		default:
			return MNL_CB_OK;
	}
}

static void event_cb(void *data, const vti_link_event_t *event)
{
	int *count = data;

	(*count)++;
	FUZZ_ASSERT(streq(event->netns, "fuzz"));
	check_info(&event->link);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t msg_lens[] = { 0, 1, 16, 256 };
	struct nlmsghdr req = {
		.nlmsg_len = NLMSG_HDRLEN,
		.nlmsg_type = RTM_GETLINK,
		.nlmsg_seq = FUZZ_SEQ,
		.nlmsg_flags = NLM_F_REQUEST,
	};
	char msg[256];
	vti_link_info_t info;
	vti_nlreply_t result;
	uint8_t ctl[4];
	size_t msg_len;
	uint32_t *buf;
	bool moved;
	int error, count = 0, events;

	if (size < sizeof(ctl))
	{
		return 0;
	}
	memcpy(ctl, data, sizeof(ctl));
	data += sizeof(ctl);
	size -= sizeof(ctl);
	/* malloc()'s alignment, and ASan sees a byte past the end */
	buf = malloc(size ?: 1);
	memcpy(buf, data, size);

	switch (ctl[0] & 3)
	{
		case 0:
		case 1:
			if (ctl[0] & 1)
			{
				req.nlmsg_flags |= NLM_F_ACK;
			}
			if (ctl[3] & 1)
			{
				req.nlmsg_flags |= NLM_F_DUMP;
			}
			cb_result = ctl[1];
			msg_len = msg_lens[ctl[2] & 3];
			memset(msg, 'X', sizeof(msg));
			result = vti_nlmsg_reply(&req, FUZZ_PORTID, buf, size, reply_cb,
									 &count, &error, msg, msg_len);
			FUZZ_ASSERT(result >= VTI_NLREPLY_MORE &&
						result <= VTI_NLREPLY_ERROR);
			if (msg_len)
			{
				FUZZ_ASSERT(memchr(msg, '\0', msg_len));
			}
			if (result == VTI_NLREPLY_ERROR)
			{
				FUZZ_ASSERT(error < 0);
			}
			else if (result != VTI_NLREPLY_INTR)
			{
				FUZZ_ASSERT(error == 0);
			}
			break;
		case 2:
			events = vti_nlmsg_link_events(buf, size, "fuzz", event_cb,
										   &count);
			FUZZ_ASSERT(events == -EBADMSG || events == count);
			break;
		case 3:
			/* the caller hands it a message whose nlmsg_len bytes are all
			 * readable: hold it to that */
			if (size >= sizeof(struct nlmsghdr) &&
				((struct nlmsghdr*)buf)->nlmsg_len <= size)
			{
				if (vti_nlmsg_link_info((struct nlmsghdr*)buf, &info, &moved))
				{
					check_info(&info);
				}
				check_addr((struct nlmsghdr*)buf);
			}
			break;
	}
	free(buf);
	return 0;
}
