/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * A fake kernel for the manager: keeps interfaces per namespace, records
 * every call in order, fails a chosen operation on request, and refuses what
 * Debian's 6.1 kernel refuses.
 *
 * What it models of the kernel:
 *  - a link has an ifindex (never reused; a move gives a new one), a state
 *    (up/down), an MTU, its params (kind, keys, endpoints, if_id) and alias;
 *  - create: the MTU is path_mtu - 40 for a vti6, path_mtu - 20 for a vti
 *    (the lower device minus the outer header), 1500 for an xfrm interface;
 *    configure() and set_mtu() set it; configure(up) sets the link up
 *    too, set_state() up or down;
 *  - change(mtu): a non-zero mtu is set; with mtu 0 a vti6 recomputes its MTU
 *    from the lower device (path_mtu - 40, as vti6_changelink does: seen
 *    1426 -> 1460 on a 1500 path), a vti or xfrm interface keeps it; changing
 *    the kind of a link fails with -EOPNOTSUPP (rtnl_newlink: other ops);
 *  - the kernel tells VTIs apart by kind and endpoints only (keys do not
 *    count): creating, or changing a link to, a vti/vti6 whose kind, local
 *    and remote equal another vti/vti6's fails with -EEXIST "fake: File
 *    exists", whatever namespaces the links are in now (VTIs stay in the
 *    tables of the namespace they were created in, charon's); XFRM
 *    interfaces likewise by if_id;
 *  - operations on an unknown ifindex fail with -ENODEV "fake: No such
 *    device".
 *  - move(name): as one RTM_NEWLINK with IFLA_NET_NS_FD and IFLA_IFNAME,
 *    the link moves under its own name, or under the new one where its own
 *    is taken there (-EEXIST if both are), then is renamed there: -EEXIST
 *    if a link there has the new name or altname, leaving it moved under
 *    its old name; add_altname: -EEXIST likewise; lookups find altnames
 *    too, altnames move with their link;
 *  - list() reports ifindex, name, alias, state, MTU and, for links made by
 *    create(), their params (known);
 *  - addresses: configure() adds those of its settings a link lacks (one
 *    the kernel would refuse with EEXIST, as the netlink backend ignores
 *    it: an IPv6 address present with any prefix length, an IPv4 one with
 *    the same), and records keep_addrs; a link set down (by set_state()
 *    or fake_backend_set_up()) loses its IPv6 addresses unless keep_addrs
 *    was configured, as addrconf_ifdown() drops them; list_addrs() reports
 *    the addresses of every link of a namespace, ours or not;
 *  - an MTU below 1280 (configure, set_mtu, change) turns IPv6 off on the
 *    link: its IPv6 addresses and keep_addrs go, configure() then fails
 *    with -ENOENT if it must keep addresses (no /proc/sys/net/ipv6/conf/
 *    NAME/keep_addr_on_down) and with -EINVAL for an IPv6 address;
 * Links put there with fake_backend_add() have no known params: they never
 * clash, and any change() sets theirs.
 *
 * Link events: watch() marks a namespace watched; changes made through the
 * test helpers below (add, del, set_up, rename, move_away) in a watched
 * namespace queue an event, the backend's own operations (the manager's)
 * queue none. wait_events() waits for queued events (or a wakeup(), or
 * fake_backend_overrun()) up to its timeout and reports them outside the
 * lock.
 *
 * Thread-safe: each call's effect and its recording run under a mutex, which
 * is not held while a fake_backend_pause() callback runs.
 */

#ifndef FAKE_BACKEND_H_
#define FAKE_BACKEND_H_

#include "vti_backend.h"

/** Most altnames a fake link keeps */
#define FAKE_ALTNAMES 4

/** Most addresses a fake link keeps */
#define FAKE_ADDRS 12

/** Below this MTU the kernel turns IPv6 off on a link (IPV6_MIN_MTU) */
#define FAKE_IPV6_MIN_MTU 1280

/** Prefix of the namespace of links fake_backend_netns_del_held() left */
#define FAKE_GHOST "ghost:"

typedef struct fake_backend_t fake_backend_t;
typedef struct fake_link_t fake_link_t;

struct fake_backend_t {

	/** implements the backend */
	vti_backend_t backend;

	/** every call so far, one line each ("create vti6 ...", "move NS OLD
	 * NEW", "altname NS NAME ALT"; NS is - for charon's), \n separated;
	 * lookups, list, list_addrs, watch and wait_events are not recorded
	 * (but fail_op and pauses match "lookup NS NAME", "list NS",
	 * "addrs NS", "watch NS") */
	char calls[8192];

	/** fail the first call whose line starts with this, with fail_errno */
	const char *fail_op;
	int fail_errno;

	/** path MTU returned */
	uint32_t path_mtu;

	/** the last settings configured */
	vti_settings_t last_settings;

	/** the last params created or changed */
	vti_params_t last_params;

	/** lookups so far (they are not in calls) */
	int lookups;

	/** moves that renamed their link after it moved (do_setlink(): its
	 * name was free in the target), where the kernel waits for RCU */
	int renamed_after_move;

	/** the kernel was booted with ipv6.disable=1: inet6_init() stops
	 * before it registers any IPv6 sysctl (net/ipv6/af_inet6.c), there is
	 * no /proc/sys/net/ipv6, configure() fails with -ENOENT when it must
	 * keep addresses and with -EAFNOSUPPORT for an IPv6 address */
	bool no_ipv6;
};

/**
 * A link of the fake kernel, as ip -d link would show it.
 */
struct fake_link_t {
	char netns[64];
	char name[IFNAMSIZ];
	int ifindex;
	bool up;
	uint32_t mtu;
	/** FALSE for links made by fake_backend_add(): params unknown */
	bool has_params;
	vti_params_t params;
	char alias[IFALIASZ];
	/** altnames, "" where unused */
	char altnames[FAKE_ALTNAMES][VTI_ALTNAME_MAX + 1];
	/** its addresses */
	vti_prefix_t addrs[FAKE_ADDRS];
	int n_addrs;
	/** keep_addr_on_down was configured */
	bool keep_addrs;
};

/**
 * Create a fake; its destroy() is a no-op so tests can inspect it after
 * the manager is gone: free it with fake_backend_free().
 */
fake_backend_t *fake_backend_create(void);

void fake_backend_free(fake_backend_t *fake);

/**
 * Put an interface into the fake kernel, as if someone made it (an
 * RTM_NEWLINK event if its namespace is watched).
 */
int fake_backend_add(fake_backend_t *fake, const char *netns,
					 const char *name, const char *alias, bool up);

/**
 * Delete an interface behind the manager's back (ip link del): an
 * RTM_DELLINK event if its namespace is watched.
 */
bool fake_backend_del(fake_backend_t *fake, const char *netns,
					  const char *name);

/**
 * Set an interface up or down by hand (ip link set up/down): an RTM_NEWLINK
 * event if its namespace is watched.
 *
 * @return			FALSE if there is no such link
 */
bool fake_backend_set_up(fake_backend_t *fake, const char *netns,
						 const char *name, bool up);

/**
 * Set the alias of an interface by hand (ip link set alias): an
 * RTM_NEWLINK event if its namespace is watched.
 *
 * @return			FALSE if there is no such link
 */
bool fake_backend_set_alias(fake_backend_t *fake, const char *netns,
							const char *name, const char *alias);

/**
 * Set the MTU of an interface by hand (ip link set mtu), with its effect on
 * IPv6 below 1280 (see set_link_mtu()): an RTM_NEWLINK event if its
 * namespace is watched (NETDEV_CHANGEMTU -> rtnetlink_event()).
 *
 * @return			FALSE if there is no such link
 */
bool fake_backend_set_mtu(fake_backend_t *fake, const char *netns,
						  const char *name, uint32_t mtu);

/**
 * Rename an interface by hand (ip link set name), refused as the kernel
 * refuses it (-EBUSY up, -EEXIST name taken):
 * an RTM_NEWLINK event with the new name if its namespace is watched.
 *
 * @return			0, -ENODEV, -EBUSY (up) or -EEXIST
 */
int fake_backend_rename(fake_backend_t *fake, const char *netns,
						const char *name, const char *newname);

/**
 * Rename an interface as fake_backend_rename() does, with its event if
 * unseen is FALSE, without (as if the event socket had missed it) if TRUE.
 */
int fake_backend_rename_unseen(fake_backend_t *fake, const char *netns,
							   const char *name, const char *newname,
							   bool unseen);

/**
 * Add an address to an interface by hand (ip addr add PREFIX dev NAME), no
 * event (addresses have none the worker follows).
 *
 * @param prefix	"ADDR/LEN"
 * @return			FALSE if there is no such link or no room
 */
bool fake_backend_add_addr(fake_backend_t *fake, const char *netns,
						   const char *name, const char *prefix);

/**
 * Delete an address of an interface by hand (ip addr del PREFIX dev NAME),
 * no event.
 *
 * @param prefix	"ADDR/LEN"
 * @return			FALSE if there is no such link or address
 */
bool fake_backend_del_addr(fake_backend_t *fake, const char *netns,
						   const char *name, const char *prefix);

/**
 * Whether a link has an address (the same family, address and length).
 *
 * @param prefix	"ADDR/LEN"
 */
bool fake_link_has_addr(const fake_link_t *link, const char *prefix);

/**
 * Move an interface away by hand (ip link set netns elsewhere): it leaves
 * the fake kernel, and an RTM_DELLINK event with moved is queued if its
 * namespace is watched.
 *
 * @return			FALSE if there is no such link
 */
bool fake_backend_move_away(fake_backend_t *fake, const char *netns,
							const char *name);

/**
 * Make the next wait_events() return -ENOBUFS (after the events queued
 * before), as the kernel's overrun of an event socket does.
 */
void fake_backend_overrun(fake_backend_t *fake);

/**
 * Whether watch() was called for a namespace.
 */
bool fake_backend_watched(fake_backend_t *fake, const char *netns);

/**
 * Number of events queued and not yet reported.
 */
int fake_backend_pending(fake_backend_t *fake);

/**
 * Whether an interface exists, and whether it is up.
 */
bool fake_backend_exists(fake_backend_t *fake, const char *netns,
						 const char *name, bool *up);

/**
 * Wait until an interface exists (made by another thread), at most
 * timeout_ms.
 *
 * @return			FALSE if it did not within timeout_ms
 */
bool fake_backend_wait_exists(fake_backend_t *fake, const char *netns,
							  const char *name, int timeout_ms);

/**
 * Number of wakeup() calls so far (the manager wakes its worker when it
 * queues work and when it tells it to stop).
 */
int fake_backend_wakeups(fake_backend_t *fake);

/**
 * Wait until wakeup() was called more than after times in all, at most
 * timeout_ms.
 *
 * @return			FALSE if it was not within timeout_ms
 */
bool fake_backend_wait_wakeup(fake_backend_t *fake, int after,
							  int timeout_ms);

/**
 * The kernel's state of an interface; FALSE if there is none.
 */
bool fake_backend_link(fake_backend_t *fake, const char *netns,
					   const char *name, fake_link_t *out);

/**
 * Every link of the fake kernel, in every namespace.
 *
 * @param out		receives up to max links
 * @return			number of links (may exceed max)
 */
int fake_backend_links(fake_backend_t *fake, fake_link_t *out, int max);

/**
 * Number of interfaces in the fake kernel.
 */
int fake_backend_count(fake_backend_t *fake);

/**
 * Number of list() calls made so far (a dump of a namespace's links).
 */
int fake_backend_lists(fake_backend_t *fake);

/**
 * Forget the calls recorded so far.
 */
void fake_backend_clear(fake_backend_t *fake);

/**
 * The first call from now on whose line starts with op_prefix calls cb(data)
 * from the calling thread, before the call takes effect or is recorded, and
 * without the fake's lock held; once.
 */
void fake_backend_pause(fake_backend_t *fake, const char *op_prefix,
						void (*cb)(void *data), void *data);

/**
 * Delete a namespace by hand (ip netns del): its links go, and every request
 * there fails with -EIO as the netlink backend's do once its /run/netns file
 * is gone, until netns_ensure() creates it again (create = TRUE; -ENOENT
 * otherwise). The kernel is slower: the namespace, and its links, live on
 * as long as anything holds it, the plugin's own kept fd and sockets there
 * included (they go at its next request there, vti_nlsock_check()), and
 * go after that asynchronously (cleanup_net() on a workqueue): see
 * fake_backend_netns_del_held().
 */
void fake_backend_netns_del(fake_backend_t *fake, const char *netns);

/**
 * Delete a namespace's name by hand (ip netns del) while something still
 * holds the namespace: a process started in it with ip netns exec, an open
 * /proc/PID/ns/net, a socket opened in it (sk_alloc() takes a reference
 * for every socket of a process). The kernel destroys a namespace, and
 * its vti, vti6 and xfrm links with it, only once its last reference goes
 * (net/core/net_namespace.c __put_net() -> cleanup_net()). Meanwhile its
 * links live on, out of reach by name (they are moved to namespace
 * FAKE_GHOST "NAME"), and they still clash: a VTI stays in the tunnel
 * table of the namespace it was created in (ip_tunnel_newlink() ->
 * ip_tunnel_find() on dev_net() at creation), an XFRM interface likewise
 * (xfrmi_newlink() -> xfrmi_locate()). Requests fail as after
 * fake_backend_netns_del(); the first deletes the links of ours left
 * there, as the netlink backend does through its sockets still open in
 * the namespace (vti_nlsock.c delete_left()).
 */
void fake_backend_netns_del_held(fake_backend_t *fake, const char *netns);

#endif
