/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_backend vti_backend
 * @{ @ingroup vti
 */

#ifndef VTI_BACKEND_H_
#define VTI_BACKEND_H_

#include <library.h>
#include <net/if.h>

#ifndef IFALIASZ
# define IFALIASZ 256
#endif

/** The alias that marks an interface as the plugin's: prefix + connection */
#define VTI_ALIAS_PREFIX "strongswan-vti:"

/** Put before our alias on a link renamed by hand: no run takes it for its
 * own again */
#define VTI_DISOWNED_PREFIX "was "

/** The name an interface is born under in charon's namespace before it
 * moves into its own; charon.interfaces_ignore should list it */
#define VTI_TEMP_NAME "strongswan-vti"

/** Longest alternative name of a link */
#define VTI_ALTNAME_MAX 127

/**
 * The smallest MTU of a link with IPv6: below it the kernel drops the
 * link's IPv6 addresses and refuses new ones (addrconf_notify(),
 * ipv6_add_dev()).
 */
#define VTI_IPV6_MIN_MTU 1280

typedef struct vti_backend_t vti_backend_t;
typedef struct vti_params_t vti_params_t;
typedef struct vti_settings_t vti_settings_t;
typedef struct vti_prefix_t vti_prefix_t;
typedef struct vti_err_t vti_err_t;
typedef enum vti_kind_t vti_kind_t;

/**
 * Kinds of tunnel interface.
 */
enum vti_kind_t {
	VTI_KIND_VTI,
	VTI_KIND_VTI6,
	VTI_KIND_XFRM,
};

/**
 * The kernel's names of the kinds ("vti", "vti6", "xfrm"), for %N.
 */
extern enum_name_t *vti_kind_names;

/**
 * The kernel's name for a kind ("vti", "vti6", "xfrm").
 */
const char *vti_kind_name(vti_kind_t kind);

/**
 * What identifies a tunnel interface in the kernel.
 */
struct vti_params_t {
	vti_kind_t kind;
	/** vti/vti6 keys, host order (the marks) */
	uint32_t ikey;
	uint32_t okey;
	/** xfrm interface id */
	uint32_t if_id;
	/** ifindex of the underlying device, 0 for none */
	uint32_t link;
	/** AF_INET or AF_INET6 of the endpoints */
	int family;
	/** endpoint addresses in network order; remote all zero is "any" */
	uint8_t local[16];
	uint8_t remote[16];
};

/**
 * An address with prefix length to configure on an interface.
 */
struct vti_prefix_t {
	/** AF_INET or AF_INET6, in a byte: each interface has room for
	 * VTI_MAX_ADDRS of these */
	uint8_t family;
	/** the address, network order */
	uint8_t addr[16];
	/** prefix length */
	uint8_t len;
};

/** Most addresses per interface */
#define VTI_MAX_ADDRS 8

/**
 * What is configured on an interface once it is in its namespace.
 */
struct vti_settings_t {
	uint32_t mtu;
	/** also set disable_xfrm (XFRM interfaces only; see vti_manager.c) */
	bool disable_xfrm;
	/** keep IPv6 addresses while down (keep_addr_on_down) */
	bool keep_addrs;
	int n_addrs;
	vti_prefix_t addrs[VTI_MAX_ADDRS];
};

/**
 * The reason of a failed kernel operation.
 */
struct vti_err_t {
	char msg[256];
};

typedef struct vti_link_info_t vti_link_info_t;
typedef struct vti_link_event_t vti_link_event_t;

/**
 * What the kernel says of a link.
 */
struct vti_link_info_t {
	/** its ifindex in the namespace it was seen in */
	int ifindex;
	/** its name */
	char name[IFNAMSIZ];
	/** its alias, "" if none */
	char alias[IFALIASZ];
	/** IFF_UP is set */
	bool up;
	/** its MTU */
	uint32_t mtu;
	/** kind is vti, vti6 or xfrm and params hold its identity */
	bool known;
	/** kind, keys, endpoints, if_id, link (family from the endpoints) */
	vti_params_t params;
};

/**
 * A link event seen in a watched namespace.
 */
struct vti_link_event_t {
	/** namespace it was seen in, "" for charon's */
	const char *netns;
	/** RTM_DELLINK: deleted, or moved away (moved) */
	bool deleted;
	/** RTM_DELLINK of a link moved into another namespace */
	bool moved;
	/** the link as the event describes it */
	vti_link_info_t link;
};

/**
 * Callback for list(): an interface carrying our alias.
 */
typedef void (*vti_found_cb_t)(void *data, const vti_link_info_t *link);

/**
 * Callback for list_addrs(): an address of a link.
 *
 * @param ifindex	the link's ifindex
 * @param prefix	the address and its prefix length
 */
typedef void (*vti_addr_cb_t)(void *data, int ifindex,
							  const vti_prefix_t *prefix);

/**
 * Callback for wait_events(): a link event.
 */
typedef void (*vti_event_cb_t)(void *data, const vti_link_event_t *event);

/**
 * The kernel-facing operations, one netlink round trip or a few each.
 * Namespaces are names under /run/netns; "" is charon's own. Operations
 * return 0 (or an ifindex) on success, a negative errno on failure with
 * err filled in. All but wakeup() are called from one thread at a time.
 */
struct vti_backend_t {

	/**
	 * Create an interface in charon's namespace, down, carrying alias.
	 *
	 * @return			ifindex, or -errno
	 */
	int (*create)(vti_backend_t *this, const char *name,
				  const vti_params_t *params, const char *alias,
				  vti_err_t *err);

	/**
	 * Move an interface from charon's namespace into netns and name it
	 * there, in one request: the kernel moves it (under name if its own is
	 * taken there), then renames it. A failed rename (-EEXIST: name taken
	 * there) leaves it moved under its old name.
	 *
	 * @param name		its name in netns
	 * @return			its ifindex there, or -errno
	 */
	int (*move)(vti_backend_t *this, int ifindex, const char *name,
				const char *netns, vti_err_t *err);

	/**
	 * Set disable_policy (and disable_xfrm), the MTU and the addresses.
	 *
	 * @param up		also set it up, in the request of the MTU (before
	 *					the addresses)
	 */
	int (*configure)(vti_backend_t *this, const char *netns, int ifindex,
					 const char *name, const vti_settings_t *settings,
					 bool up, vti_err_t *err);

	/**
	 * Set only the MTU.
	 */
	int (*set_mtu)(vti_backend_t *this, const char *netns, int ifindex,
				   uint32_t mtu, vti_err_t *err);

	/**
	 * Set an interface up or down.
	 */
	int (*set_state)(vti_backend_t *this, const char *netns, int ifindex,
					 bool up, vti_err_t *err);

	/**
	 * Change the keys and endpoints of an existing interface.
	 *
	 * @param mtu		MTU to set in the same request, 0 to send none (a
	 *					vti6 then recomputes its MTU from the lower device)
	 */
	int (*change)(vti_backend_t *this, const char *netns, int ifindex,
				  const vti_params_t *params, uint32_t mtu, vti_err_t *err);

	/**
	 * Delete an interface.
	 */
	int (*remove)(vti_backend_t *this, const char *netns, int ifindex,
				  vti_err_t *err);

	/**
	 * Look an interface up by name.
	 *
	 * @param alias		receives its alias ("" if none)
	 * @return			ifindex, -ENODEV if there is none, or -errno
	 */
	int (*lookup)(vti_backend_t *this, const char *netns, const char *name,
				  char *alias, size_t alias_len, vti_err_t *err);

	/**
	 * Call cb for every interface in netns whose alias starts with
	 * VTI_ALIAS_PREFIX.
	 */
	int (*list)(vti_backend_t *this, const char *netns, vti_found_cb_t cb,
				void *data, vti_err_t *err);

	/**
	 * Call cb for every IPv4 and IPv6 address of every link in netns, ours
	 * or not, as ip -n NETNS addr show lists them (one dump).
	 *
	 * @param netns		namespace, "" for charon's
	 * @param cb		called per address with its link's ifindex
	 * @param data		passed to cb
	 * @param err		receives the reason of a failure
	 * @return			0, or -errno (cb was not called)
	 */
	int (*list_addrs)(vti_backend_t *this, const char *netns,
					  vti_addr_cb_t cb, void *data, vti_err_t *err);

	/**
	 * Give an interface an alternative name (ip link property add altname).
	 *
	 * @param altname	the name, up to 127 bytes
	 * @return			0, -EEXIST if a link of netns has that name, -errno
	 */
	int (*add_altname)(vti_backend_t *this, const char *netns, int ifindex,
					   const char *altname, vti_err_t *err);

	/**
	 * Set the alias of an interface (ip link set dev X alias ALIAS).
	 *
	 * @param alias		the alias, up to IFALIASZ - 1 bytes
	 * @return			0, -ENODEV if the link is gone, -errno
	 */
	int (*set_alias)(vti_backend_t *this, const char *netns, int ifindex,
					 const char *alias, vti_err_t *err);

	/**
	 * Report link events of netns from now on to wait_events().
	 */
	int (*watch)(vti_backend_t *this, const char *netns, vti_err_t *err);

	/**
	 * Wait for link events in the watched namespaces, at most timeout_ms
	 * or until wakeup(), and report each to cb.
	 *
	 * @param timeout_ms	longest wait, -1 for no limit
	 * @return			number of events reported, or -errno
	 */
	int (*wait_events)(vti_backend_t *this, int timeout_ms, vti_event_cb_t cb,
					   void *data);

	/**
	 * End a wait_events() of another thread now (or the next one at once).
	 */
	void (*wakeup)(vti_backend_t *this);

	/**
	 * Make sure a namespace exists, creating it if asked to.
	 */
	int (*netns_ensure)(vti_backend_t *this, const char *netns, bool create,
						vti_err_t *err);

	/**
	 * The MTU of the route to dst in charon's namespace, and its device.
	 *
	 * @param family	AF_INET or AF_INET6
	 * @param dst		address, network order
	 * @param ifindex	receives the route's device, if not NULL
	 * @return			MTU, 0 if there is no route
	 */
	uint32_t (*path_mtu)(vti_backend_t *this, int family, const uint8_t *dst,
						 uint32_t *ifindex);

	/**
	 * Destroy the backend.
	 */
	void (*destroy)(vti_backend_t *this);
};

/**
 * Create the netlink backend.
 */
vti_backend_t *vti_netlink_create();

#endif /** VTI_BACKEND_H_ @}*/
