/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_create vti_create
 * @{ @ingroup vti
 */

#ifndef VTI_CREATE_H_
#define VTI_CREATE_H_

#include "vti_iface.h"

/**
 * Create, move, name, configure and bring up (unless up is FALSE) the link
 * of an interface;
 * leaves nothing behind on failure. A leftover of ours under its names (a
 * crash left it) is deleted first; a link of someone else's there stops
 * it.
 *
 * @param this		the interface (a copy the worker applies), no link yet
 * @param backend	the kernel
 * @param params	its identity
 * @param mtu		its MTU
 * @param up		bring it up (FALSE: a trap's, on_demand = down)
 * @return			FALSE on failure (logged)
 */
bool vti_create_link(vti_iface_t *this, vti_backend_t *backend,
					 const vti_params_t *params, uint32_t mtu, bool up);

#endif /** VTI_CREATE_H_ @}*/
