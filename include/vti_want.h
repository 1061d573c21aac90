/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_want vti_want
 * @{ @ingroup vti
 *
 * Which interfaces a CHILD_SA wants: kind, name, identity and MTU, from
 * its marks or if_ids, its endpoints and its connection's settings.
 */

#ifndef VTI_WANT_H_
#define VTI_WANT_H_

#include "vti_config.h"
#include "vti_tunnel.h"

typedef struct vti_want_t vti_want_t;

/**
 * One interface a CHILD_SA wants.
 */
struct vti_want_t {
	/** its name, from the template */
	char name[IFNAMSIZ];
	/** kind, keys or if_id, endpoints (no XFRM link) */
	vti_params_t params;
};

/**
 * The interfaces a CHILD_SA wants; logs why it wants none. Asks nothing of
 * the kernel.
 *
 * @param tunnel	the CHILD_SA
 * @param cfg		its connection's settings
 * @param wants		receives the interfaces
 * @param max		size of wants (2: distinct in and out if_ids)
 * @return			number of interfaces wanted
 */
int vti_want(const vti_tunnel_t *tunnel, const vti_conn_cfg_t *cfg,
			 vti_want_t *wants, int max);

/**
 * The MTU an interface needs for a tunnel: that of the route to its peer
 * less the outer headers and the ESP overhead.
 *
 * @param tunnel	the CHILD_SA
 * @param backend	for the route to the peer
 * @return			MTU
 */
uint32_t vti_want_mtu(const vti_tunnel_t *tunnel, vti_backend_t *backend);

/**
 * The device of the route to a tunnel's peer (an XFRM interface's link).
 *
 * @param tunnel	the CHILD_SA
 * @param backend	for the route
 * @return			ifindex, 0 if there is no route
 */
uint32_t vti_want_link(const vti_tunnel_t *tunnel, vti_backend_t *backend);

#endif /** VTI_WANT_H_ @}*/
