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

#include <settings/settings.h>

typedef struct vti_config_t vti_config_t;
typedef struct vti_conn_cfg_t vti_conn_cfg_t;
typedef enum vti_down_action_t vti_down_action_t;
typedef enum vti_kind_setting_t vti_kind_setting_t;

/**
 * Which kind of interface a connection gets.
 */
enum vti_kind_setting_t {
	/** XFRM interface where the CHILD_SA has if_ids, else VTI by marks */
	VTI_KIND_SETTING_AUTO,
	/** VTI by marks, if_ids ignored */
	VTI_KIND_SETTING_VTI,
	/** XFRM interface by if_ids, marks ignored */
	VTI_KIND_SETTING_XFRM,
};

/**
 * Names of vti_kind_setting_t as the setting takes them (in any case), for
 * %N and enum_from_name().
 */
extern enum_name_t *vti_kind_setting_names;

/**
 * What happens to an interface when its last CHILD_SA goes away.
 */
enum vti_down_action_t {
	/** the interface is deleted */
	VTI_DOWN_DELETE,
	/** the interface is set down and kept for the next CHILD_SA */
	VTI_DOWN_SET_DOWN,
};

/**
 * Names of vti_down_action_t as the setting takes them (in any case), for
 * %N and enum_from_name().
 */
extern enum_name_t *vti_down_action_names;

/*
 * The numbers below are the ranges plugin/vti.opt documents: the unit
 * tests read them there and check them against the parser.
 */

/** Default of charon.plugins.vti.resync, seconds */
#define VTI_RESYNC_DEFAULT 60
/** Largest charon.plugins.vti.resync, seconds (a day) */
#define VTI_RESYNC_MAX 86400

/** Smallest MTU the setting takes (IPv4's minimum) */
#define VTI_MTU_MIN 68
/** Largest MTU the setting takes */
#define VTI_MTU_MAX 65535

/** Longest namespace name we accept */
#define VTI_NETNS_MAX 64
/** Longest name template */
#define VTI_TEMPLATE_MAX 64

/**
 * The effective settings of one connection.
 */
struct vti_conn_cfg_t {
	/** namespace to move interfaces into, "" for charon's */
	char netns[VTI_NETNS_MAX];
	/** create the namespace if missing */
	bool netns_create;
	/** interface name template (%id, %conn), "" for the kind's default */
	char name[VTI_TEMPLATE_MAX];
	/** kind of interface */
	vti_kind_setting_t kind;
	/** MTU, 0 for auto */
	uint32_t mtu;
	/** addresses to configure */
	int n_addrs;
	vti_prefix_t addrs[VTI_MAX_ADDRS];
	/** what the last CHILD_SA going down does */
	vti_down_action_t down_action;
};

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

/**
 * Expand an interface name template.
 *
 * @param tpl		template, %id is the inbound mark in decimal, %conn the
 *					connection name
 * @param id		the inbound mark (or if_id)
 * @param conn		the connection name
 * @param buf		receives the name
 * @param why		receives why not, if not NULL
 * @return			FALSE if the name is not a valid interface name (longer
 *					than 15 bytes, '/', ':' or white space, empty)
 */
bool vti_config_expand_name(const char *tpl, uint32_t id, const char *conn,
							char buf[IFNAMSIZ], const char **why);

/**
 * Whether several peers may share the marks of a connection: its remote
 * addresses are %any, a subnet, a range or a list.
 *
 * @param remote_addrs	the connection's remote_addrs as the ike_cfg holds it
 */
bool vti_config_remote_is_shared(const char *remote_addrs);

#endif /** VTI_CONFIG_H_ @}*/
