/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_config_values vti_config_values
 * @{ @ingroup vti
 *
 * The values of charon.plugins.vti's keys, parsed strictly: pure functions
 * behind vti_config, which logs what they refuse.
 */

#ifndef VTI_CONFIG_VALUES_H_
#define VTI_CONFIG_VALUES_H_

#include "vti_backend.h"

typedef struct vti_conn_cfg_t vti_conn_cfg_t;
typedef enum vti_down_action_t vti_down_action_t;
typedef enum vti_kind_setting_t vti_kind_setting_t;
typedef enum vti_on_demand_t vti_on_demand_t;

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

/**
 * What a trap connection (start_action = trap) with fixed marks or if_ids
 * gets before its first CHILD_SA.
 */
enum vti_on_demand_t {
	/** its interface, up, from the moment the connection is loaded */
	VTI_ON_DEMAND_UP,
	/** its interface, down until the first CHILD_SA */
	VTI_ON_DEMAND_DOWN,
	/** no interface before a CHILD_SA */
	VTI_ON_DEMAND_NO,
};

/**
 * Names of vti_on_demand_t as the setting takes them (in any case), for
 * %N and enum_from_name().
 */
extern enum_name_t *vti_on_demand_names;

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
	/** what a trap connection gets before its first CHILD_SA */
	vti_on_demand_t on_demand;
};


/**
 * Parse a boolean the way strongswan.conf spells them, in any case.
 *
 * @param str		the value
 * @param out		receives the boolean
 * @return			FALSE if str is none of yes/no, true/false,
 *					enabled/disabled, 1/0
 */
bool vti_value_bool(const char *str, bool *out);

/**
 * Parse an MTU: "auto" in any case (0) or a number from VTI_MTU_MIN to
 * VTI_MTU_MAX.
 *
 * @param str		the value
 * @param mtu		receives the MTU, 0 for auto
 * @param why		receives why not
 * @return			FALSE if refused
 */
bool vti_value_mtu(const char *str, uint32_t *mtu, const char **why);

/**
 * Parse a namespace name. A namespace is the file /run/netns/NAME, opened
 * as root: NAME must be one file name there, and one an operator can type
 * ("" is charon's own).
 *
 * @param str		the value
 * @param out		receives the name, VTI_NETNS_MAX bytes
 * @param why		receives why not
 * @return			FALSE if refused
 */
bool vti_value_netns(const char *str, char *out, const char **why);

/**
 * Check what a name template fixes of the names it gives. The names must
 * fit 15 bytes with a one-digit id and a one-byte connection name, have no
 * byte the kernel refuses, and, once fixed entirely, be no name the kernel
 * keeps for itself.
 *
 * @param str		the template
 * @param conn		the connection's name (%conn), NULL where any
 *					connection's (the globals)
 * @param why		receives why not
 * @return			FALSE if refused
 */
bool vti_value_check_template(const char *str, const char *conn,
							  const char **why);

/**
 * Parse a name template: only %id and %conn may follow a '%', and
 * vti_value_check_template() must accept it.
 *
 * @param str		the value
 * @param conn		as for vti_value_check_template()
 * @param out		receives the template, VTI_TEMPLATE_MAX bytes
 * @param why		receives why not
 * @return			FALSE if refused
 */
bool vti_value_template(const char *str, const char *conn, char *out,
						const char **why);

/**
 * Parse a comma-separated list of ADDR/LEN (white space around each; empty
 * for none) into cfg's addresses, strictly: inet_pton() addresses, unicast,
 * a decimal prefix length from 1 to the family's bits, each once, at most
 * VTI_MAX_ADDRS.
 *
 * @param str		the value
 * @param cfg		receives addrs and n_addrs
 * @param why		receives why not
 * @return			FALSE if refused
 */
bool vti_value_addresses(const char *str, vti_conn_cfg_t *cfg,
						 const char **why);

/**
 * The edit distance of two keys (Levenshtein), for naming the key meant by
 * one misspelt.
 *
 * @param a			a key
 * @param b			another
 * @return			the number of edits, 3 for any larger
 */
int vti_value_distance(const char *a, const char *b);

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

#endif /** VTI_CONFIG_VALUES_H_ @}*/
