/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti vti
 * @ingroup cplugins
 *
 * Route-based IPsec: creates, configures and removes the VTI/XFRM interfaces
 * that CHILD_SAs with marks or interface ids need.
 *
 * @defgroup vti_plugin vti_plugin
 * @{ @ingroup vti
 */

#ifndef VTI_PLUGIN_H_
#define VTI_PLUGIN_H_

#include <plugins/plugin.h>

typedef struct vti_plugin_t vti_plugin_t;

/**
 * The vti plugin, loaded by charon as libstrongswan-vti.so.
 */
struct vti_plugin_t {

	/**
	 * Implements plugin interface.
	 */
	plugin_t plugin;
};

#endif /** VTI_PLUGIN_H_ @}*/
