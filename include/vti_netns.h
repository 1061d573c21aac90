/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_netns vti_netns
 * @{ @ingroup vti
 *
 * Named network namespaces (/run/netns/NAME, as ip netns keeps them).
 */

#ifndef VTI_NETNS_H_
#define VTI_NETNS_H_

#include "vti_backend.h"

#include <libmnl/libmnl.h>

/**
 * Open /run/netns/NAME.
 *
 * @return			file descriptor, or -errno
 */
int vti_netns_open(const char *name);

/**
 * Whether /run/netns/NAME is still the namespace of netns_fd (FALSE too when
 * it is gone or replaced: ip netns del and add again).
 */
bool vti_netns_same(const char *name, int netns_fd);

/**
 * Call fn(data) on the calling thread inside the namespace of netns_fd
 * (named name, for messages), then return to charon's; netns_fd < 0 calls it
 * in the current namespace. Entering takes CAP_SYS_ADMIN.
 *
 * @return			FALSE with err set if the namespace could not be entered
 */
bool vti_netns_call(const char *name, int netns_fd, void (*fn)(void *data),
					void *data, vti_err_t *err);

/**
 * Open and bind an rtnetlink socket in the current namespace, asking for
 * the kernel's reasons (extended ACK) and capped ACKs.
 *
 * @param groups	multicast groups to bind to (RTMGRP_*), 0 for none
 * @return			bound socket, NULL on failure with err set
 */
struct mnl_socket *vti_netns_mnl_open(unsigned int groups, vti_err_t *err);

/**
 * Write value to the file path below dir_fd, a directory of /proc/sys
 * opened inside a namespace: /proc/sys/net resolves names in the namespace
 * of the directory's opener, so this takes no setns().
 *
 * @param dir_name	what dir_fd is, for messages ("/proc/sys/net/ipv6/conf")
 * @return			0, or -errno with err set
 */
int vti_netns_write_at(int dir_fd, const char *dir_name, const char *path,
					   const char *value, vti_err_t *err);

/**
 * Create a named namespace as "ip netns add" does.
 *
 * @return			0, or -errno with err set
 */
int vti_netns_create(const char *name, vti_err_t *err);

#endif /** VTI_NETNS_H_ @}*/
