/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_nlreply vti_nlreply
 * @{ @ingroup vti
 *
 * Reads what the kernel sends: answers to requests and link messages, on
 * buffers as recv() returned them, reading nothing past them.
 */

#ifndef VTI_NLREPLY_H_
#define VTI_NLREPLY_H_

#include "vti_backend.h"

#include <libmnl/libmnl.h>

/**
 * What a buffer received after a request says.
 */
typedef enum {
	/** its messages are handled, the answer goes on: receive more */
	VTI_NLREPLY_MORE,
	/** the answer is complete (ACK, NLMSG_DONE, the one reply) */
	VTI_NLREPLY_DONE,
	/** the dump is incomplete, start it again: a part carried
	 * NLM_F_DUMP_INTR (error 0), or NLMSG_DONE carried an error */
	VTI_NLREPLY_INTR,
	/** the request failed (NLMSG_ERROR), the reply is malformed or
	 * truncated (-EBADMSG), or cb failed */
	VTI_NLREPLY_ERROR,
} vti_nlreply_t;

/**
 * Read a buffer received after req: call cb for each data message answering
 * it (other sequence numbers and port ids are skipped: late answers to
 * earlier requests on a kept socket), find its end, an interrupted dump or
 * an error. Reads nothing past buf + len.
 *
 * @param req		the request (its sequence number, NLM_F_ACK)
 * @param portid	port id of the socket req was sent on (the kernel's
 *					answers carry it)
 * @param buf		what recv() returned
 * @param len		its length
 * @param cb		called per data message, MNL_CB_ERROR (errno set) fails
 * @param data		passed to cb
 * @param error		receives the -errno of VTI_NLREPLY_ERROR and
 *					VTI_NLREPLY_INTR, else 0
 * @param msg		receives the kernel's extended ACK text
 *					(NLMSGERR_ATTR_MSG) of that error, "" if none
 * @param msg_len	size of msg
 */
vti_nlreply_t vti_nlmsg_reply(const struct nlmsghdr *req, uint32_t portid,
							  const void *buf, size_t len, mnl_cb_t cb,
							  void *data, int *error, char *msg,
							  size_t msg_len);

/**
 * What an RTM_NEWLINK or RTM_DELLINK message says of its link: ifindex,
 * name, alias, IFF_UP, MTU, and for kinds vti, vti6 and xfrm (known) their
 * params from IFLA_LINKINFO (keys in host order, family from the endpoints'
 * length, or the kind's if it sent none). Attributes that are truncated,
 * or claim more than the message (or the attribute they are nested in)
 * holds, end the parsing there: nothing past nlh->nlmsg_len is read.
 *
 * @param nlh		a message whose nlmsg_len bytes are all readable
 * @param info		receives the link, zeroed first
 * @param moved		set if it carries IFLA_NEW_NETNSID (the RTM_DELLINK of
 *					a link moved into another namespace)
 * @return			FALSE if nlh is no link message or too short for its
 *					ifinfomsg
 */
bool vti_nlmsg_link_info(const struct nlmsghdr *nlh, vti_link_info_t *info,
						 bool *moved);

/**
 * What an RTM_NEWADDR message says of its address: the ifindex of its link
 * and the address of its own with the prefix length, IFA_LOCAL where it
 * has one (an IPv4 address, an IPv6 one with a peer: IFA_ADDRESS is the
 * peer's then), IFA_ADDRESS else, as ip addr show prints it. Attributes
 * of another length than the family's addresses are skipped; one that is
 * truncated, or claims more than the message holds, ends the parsing
 * there: nothing past nlh->nlmsg_len is read.
 *
 * @param nlh		a message whose nlmsg_len bytes are all readable
 * @param ifindex	receives the link's ifindex
 * @param prefix	receives the address, zeroed first
 * @return			FALSE if nlh is no RTM_NEWADDR, too short for its
 *					ifaddrmsg, of another family than AF_INET and AF_INET6,
 *					with a prefix length beyond the family's, or without
 *					an address
 */
bool vti_nlmsg_addr_info(const struct nlmsghdr *nlh, int *ifindex,
						 vti_prefix_t *prefix);

/**
 * What an RTM_NEWROUTE message (the answer to RTM_GETROUTE) says of its
 * route: the output interface and the MTU metric. Attributes that are
 * truncated, or claim more than the message holds, end the parsing there.
 *
 * @param nlh		a message whose nlmsg_len bytes are all readable
 * @param oif		receives the output ifindex, 0 if none
 * @param mtu		receives the route's MTU, 0 if none
 * @return			FALSE if nlh is no RTM_NEWROUTE or too short for its
 *					rtmsg
 */
bool vti_nlmsg_route_info(const struct nlmsghdr *nlh, uint32_t *oif,
						  uint32_t *mtu);

/**
 * Report the link messages of a buffer received on an RTNLGRP_LINK socket
 * to cb, as events of namespace netns; other messages are skipped. Reads
 * nothing past buf + len.
 *
 * @return			number of events reported, -EBADMSG if the buffer ends
 *					inside a message (the ones before it were reported)
 */
int vti_nlmsg_link_events(const void *buf, size_t len, const char *netns,
						  vti_event_cb_t cb, void *data);

#endif /** VTI_NLREPLY_H_ @}*/
