/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_config vti_config
 * @{ @ingroup vti
 */

#ifndef VTI_CONFIG_H_
#define VTI_CONFIG_H_

#include "vti_backend.h"
#include "vti_config_values.h"

#include <settings/settings.h>

typedef struct vti_config_t vti_config_t;

/**
 * The plugin's settings (charon.plugins.vti), validated.
 */
struct vti_config_t {

	/**
	 * The settings for a connection.
	 *
	 * @param conn		swanctl connection name
	 * @param cfg		receives the effective settings
	 * @return			FALSE if the plugin must leave the connection alone
	 *					(disabled, not listed with auto = no, or invalid)
	 */
	bool (*lookup)(vti_config_t *this, const char *conn, vti_conn_cfg_t *cfg);

	/**
	 * Enumerate the distinct namespaces of the settings (char*), charon's
	 * own ("") included.
	 */
	enumerator_t *(*create_netns_enumerator)(vti_config_t *this);

	/**
	 * Seconds between two resyncs of the table with charon and the kernel
	 * (charon.plugins.vti.resync), 0 for none.
	 */
	uint32_t (*resync_interval)(vti_config_t *this);

	/**
	 * Number of invalid values found (each was logged once).
	 */
	int (*errors)(vti_config_t *this);

	/**
	 * Destroy the settings.
	 */
	void (*destroy)(vti_config_t *this);
};

/**
 * Read and validate charon.plugins.vti. Each invalid value, and each key
 * or section that has no effect where it is set (unknown, or global only
 * under a connection), is logged once; the effective settings at level 2.
 *
 * @param settings	settings to read
 * @param ns		the daemon's namespace in them ("charon")
 */
vti_config_t *vti_config_create(settings_t *settings, const char *ns);

#endif /** VTI_CONFIG_H_ @}*/
