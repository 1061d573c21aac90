/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_nlmsg vti_nlmsg
 * @{ @ingroup vti
 *
 * Builds the rtnetlink requests of the backend, attribute for attribute as
 * iproute2 builds them for the same ip command; vti_nlreply reads what the
 * kernel sends back.
 */

#ifndef VTI_NLMSG_H_
#define VTI_NLMSG_H_

#include "vti_backend.h"

#include <libmnl/libmnl.h>

/** Size of the buffers the builders take; they clear it first, as libmnl
 * leaves the padding of attributes as it finds it */
#define VTI_NLMSG_BUF 8192

/**
 * ip link add NAME type vti|vti6 local L remote R ikey I okey O
 * ip link add NAME type xfrm dev LINK if_id ID
 */
struct nlmsghdr *vti_nlmsg_create(void *buf, uint32_t seq, const char *name,
								  const vti_params_t *params);

/**
 * ip link set dev IFINDEX mtu MTU type KIND ... (keys, endpoints); without
 * the mtu if it is 0
 */
struct nlmsghdr *vti_nlmsg_change(void *buf, uint32_t seq, int ifindex,
								  const vti_params_t *params, uint32_t mtu);

/**
 * ip link set dev IFINDEX alias ALIAS
 */
struct nlmsghdr *vti_nlmsg_alias(void *buf, uint32_t seq, int ifindex,
								 const char *alias);

/**
 * ip link set dev IFINDEX netns NS name NAME (fd of /run/netns/NS): the
 * kernel moves the link, then renames it there (do_setlink); NAME is also
 * what it is called there if its name is taken (dev_change_net_namespace).
 */
struct nlmsghdr *vti_nlmsg_netns(void *buf, uint32_t seq, int ifindex,
								 int netns_fd, const char *name);

/**
 * ip link set dev IFINDEX mtu MTU
 */
struct nlmsghdr *vti_nlmsg_mtu(void *buf, uint32_t seq, int ifindex,
							   uint32_t mtu);

/**
 * ip link set dev IFINDEX mtu MTU [up] plus sysctl
 * net.ipv4.conf.DEV.disable_policy=1 (and disable_xfrm=1), as one request
 * (IFLA_AF_SPEC last; do_setlink() applies it after the MTU and the flags)
 */
struct nlmsghdr *vti_nlmsg_configure(void *buf, uint32_t seq, int ifindex,
									 uint32_t mtu, bool disable_xfrm, bool up);

/**
 * ip link set dev IFINDEX up|down
 */
struct nlmsghdr *vti_nlmsg_state(void *buf, uint32_t seq, int ifindex,
								 bool up);

/**
 * ip link del dev IFINDEX
 */
struct nlmsghdr *vti_nlmsg_delete(void *buf, uint32_t seq, int ifindex);

/**
 * ip addr add PREFIX dev IFINDEX
 */
struct nlmsghdr *vti_nlmsg_addr(void *buf, uint32_t seq, int ifindex,
								const vti_prefix_t *prefix);

/**
 * ip link property add dev IFINDEX altname ALTNAME
 */
struct nlmsghdr *vti_nlmsg_altname(void *buf, uint32_t seq, int ifindex,
								   const char *altname);

/**
 * ip link show dev NAME (one link, by name)
 */
struct nlmsghdr *vti_nlmsg_getlink(void *buf, uint32_t seq, const char *name,
								   int ifindex);

/**
 * ip link show (a dump)
 */
struct nlmsghdr *vti_nlmsg_dumplinks(void *buf, uint32_t seq);

/**
 * ip addr show (a dump of the addresses of both families, every link)
 */
struct nlmsghdr *vti_nlmsg_dumpaddrs(void *buf, uint32_t seq);

/**
 * ip route get DST
 */
struct nlmsghdr *vti_nlmsg_getroute(void *buf, uint32_t seq, int family,
									const uint8_t *dst);

#endif /** VTI_NLMSG_H_ @}*/
