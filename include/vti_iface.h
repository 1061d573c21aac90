/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_iface vti_iface
 * @{ @ingroup vti
 *
 * One interface of ours: what the CHILD_SAs holding it want (their claims)
 * and what the kernel has, and the kernel operations that take the one to
 * the other.
 */

#ifndef VTI_IFACE_H_
#define VTI_IFACE_H_

#include "vti_backend.h"
#include "vti_config.h"
#include "vti_tunnel.h"

#include <collections/array.h>
#include <collections/hashtable.h>

typedef struct vti_iface_t vti_iface_t;
typedef struct vti_claim_t vti_claim_t;
typedef struct vti_target_t vti_target_t;

/**
 * What one CHILD_SA wants of an interface.
 */
struct vti_claim_t {
	/** the interface claimed, NULL once released */
	vti_iface_t *iface;
	/** unique id of the CHILD_SA */
	uint32_t child_id;
	/** unique id of its IKE_SA */
	uint32_t ike_id;
	/** kind, keys or if_id and endpoints it needs (no XFRM link yet) */
	vti_params_t params;
	/** what its MTU and XFRM link are computed from, its holder's */
	const vti_tunnel_t *tunnel;
	/** order of arrival: the newest claim decides keys and endpoints */
	uint64_t seq;
	/** MTU it needs, 0 until the worker computed it */
	uint32_t mtu;
};

/**
 * What the kernel should have of an interface, for vti_iface_apply().
 */
struct vti_target_t {
	/** held by a CHILD_SA: the link exists, with params and mtu, up */
	bool held;
	/** unheld but kept as it is (reauthentication grace) */
	bool keep;
	/** held only by traps with on_demand = down, or by start configs'
	 * wants after a CHILD_SA: the link exists, down */
	bool down;
	/** unheld and not kept: deleted, not set down (vti_iface_down_action()) */
	bool delete;
	/** identity the newest claim wants */
	vti_params_t params;
	/** MTU */
	uint32_t mtu;
};

/**
 * An interface of ours. ifindex, known, kernel, up, lacks_addrs and
 * settings.mtu say what the kernel has, and change only when a kernel
 * operation succeeded (or a resync saw the kernel).
 */
struct vti_iface_t {
	/** namespace it lives in, "" for charon's: the table's copy
	 * (vti_table_netns()), which outlives every entry */
	const char *netns;
	/** its name there */
	char name[IFNAMSIZ];
	/** connection owning it */
	char *conn;
	/** deleted when unheld, whatever the settings say: its last claims
	 * come back no more (%unique if_ids, an unloaded start connection) or
	 * it is a left-over under the temporary name; cleared by a new claim */
	bool delete_unheld;
	/** configured MTU, 0 for the smallest its claims need */
	uint32_t mtu_cfg;
	/** what configure() sets; settings.mtu is the kernel's MTU */
	vti_settings_t settings;
	/** ifindex in its namespace, 0 while the kernel has no such link */
	int ifindex;
	/** lineage of the CHILD_SA its grace waits for */
	uint32_t pending_lineage;
	/** kind, keys and endpoints the kernel has */
	vti_params_t kernel;
	/** whether it is up */
	bool up;
	/** set down by an operator: not brought up again until seen up */
	bool held_down;
	/** the link lacks addresses of settings (removed behind our back):
	 * configured again while up */
	bool lacks_addrs;
	/** the last apply failed (logged): the next resync tries again */
	bool failed;
	/** the link has addresses the settings no longer list: made anew
	 * when held again */
	bool remake;
	/** create the namespace if missing */
	bool netns_create;
	/** whether kernel holds its identity (FALSE: adopted at start) */
	bool known;
	/** a CHILD_SA held it: a start config's want keeps it down */
	bool sa_held;
	/** waiting in the worker's queue */
	bool queued;
	/** whether it is in the index of tunnels */
	bool indexed;
	/** indexed as a new entry, under the identity it is made for, until
	 * the worker's first apply of it (vti_iface_index_new()) */
	bool indexed_new;
	/** unheld, kept up until then for a reauthentication; 0 if not
	 * (vti_table_grace_start(), vti_table_grace_end()) */
	time_t pending_until;
	/** vti_claim_t* of the CHILD_SAs holding it */
	array_t *claims;
	/** why it is released, if it is, for the log */
	const char *why;
	/** the identity it is indexed under: its link's (vti_iface_index()), or
	 * the one it is made for (indexed_new) */
	vti_params_t indexed_as;
};

/**
 * Create an entry for an interface the kernel does not have yet.
 *
 * @param conn		connection owning it
 * @param netns		the table's copy of cfg's namespace, kept as is
 * @param cfg		its settings
 * @param name		interface name
 * @param kind		the kind it is made for
 * @return			entry, with no claim
 */
vti_iface_t *vti_iface_create(const char *conn, const char *netns,
							  const vti_conn_cfg_t *cfg, const char *name,
							  vti_kind_t kind);

/**
 * Create an entry for an interface of ours found in the kernel at start,
 * of unknown identity, down.
 *
 * @param conn		connection named by its alias
 * @param netns		the table's copy of its namespace, kept as is
 * @param name		its name
 * @param ifindex	its ifindex
 */
vti_iface_t *vti_iface_adopt(const char *conn, const char *netns,
							 const char *name, int ifindex);

/**
 * Take the settings of cfg for the next time the interface is configured.
 *
 * @param cfg		current settings of its connection
 * @param kind		kind of interface
 */
void vti_iface_use_cfg(vti_iface_t *this, const vti_conn_cfg_t *cfg,
					   vti_kind_t kind);

/**
 * A claim whose MTU is not known yet.
 */
typedef struct {
	/** the claim's seq */
	uint64_t seq;
	/** its tunnel */
	vti_tunnel_t tunnel;
	/** the MTU it needs, once resolved */
	uint32_t mtu;
} vti_unresolved_t;

/**
 * Whether the addresses of its settings include IPv6.
 *
 * @param this		the interface
 */
bool vti_iface_has_ipv6(vti_iface_t *this);

/**
 * What the worker applies to an interface, taken under the table's lock.
 */
typedef struct {
	/** the kernel's target */
	vti_target_t target;
	/** the newest claim's tunnel, for the XFRM link */
	vti_tunnel_t newest;
	/** claims of unknown MTU */
	vti_unresolved_t *unresolved;
	/** their number */
	int count;
	/** the smallest MTU the link's addresses allow (VTI_IPV6_MIN_MTU) */
	uint32_t mtu_floor;
} vti_job_t;

/**
 * What an interface becomes once no CHILD_SA holds it (rules G1-G6, the
 * one place deciding it): deleted if it must be (delete_unheld), else kept
 * down iff the settings in force say down_action = down for its connection
 * in its namespace.
 *
 * @param config	the settings in force
 * @return			VTI_DOWN_DELETE or VTI_DOWN_SET_DOWN
 */
vti_down_action_t vti_iface_down_action(vti_iface_t *this,
										vti_config_t *config);

/**
 * The job of an interface from its claims and the settings in force, with
 * the table's lock held; the MTU of claims not resolved yet and the XFRM
 * link come later.
 *
 * @param config	the settings in force
 * @param job		receives the job, vti_iface_remember() frees it
 */
void vti_iface_snapshot(vti_iface_t *this, vti_config_t *config,
						vti_job_t *job);

/**
 * MTUs and XFRM link of a job from the routes to the peers, without the
 * lock: the smallest MTU any claim needs, the device of the route to the
 * newest claim's peer.
 *
 * @param job		job of vti_iface_snapshot()
 * @param backend	the kernel
 */
void vti_iface_resolve(vti_job_t *job, vti_backend_t *backend);

/**
 * Keep the MTUs resolved in the claims still there, with the table's lock
 * held, and free the job.
 *
 * @param job		job of vti_iface_snapshot()
 */
void vti_iface_remember(vti_iface_t *this, vti_job_t *job);

/**
 * Bring the kernel to target: create, replace, change keys, endpoints or
 * MTU, put back addresses it lacks, bring up; unheld (and not kept),
 * delete or set down per down_action. Called on a copy of the table's entry, without its lock;
 * only the members saying what the kernel has change.
 *
 * @param backend	the kernel
 * @param target	what the kernel should have
 * @param why		reason logged if the interface is released
 * @return			FALSE if a kernel operation failed (logged)
 */
bool vti_iface_apply(vti_iface_t *this, vti_backend_t *backend,
					 const vti_target_t *target, const char *why);

/**
 * Take what the kernel has from a copy vti_iface_apply() worked on; a
 * remake or addresses a claim asked meanwhile (other addresses than the
 * copy's) stay asked.
 *
 * @param copy		the copy
 */
void vti_iface_commit(vti_iface_t *this, const vti_iface_t *copy);

/**
 * The claim that decides keys and endpoints, NULL if none.
 */
vti_claim_t *vti_iface_newest(vti_iface_t *this);

/**
 * Add a claim.
 */
void vti_iface_claim(vti_iface_t *this, vti_claim_t *claim);

/**
 * Remove a claim.
 */
void vti_iface_unclaim(vti_iface_t *this, vti_claim_t *claim);

/**
 * Whether two identities are the same (the XFRM link aside).
 */
bool vti_params_equal(const vti_params_t *a, const vti_params_t *b);

/**
 * Whether the kernel would refuse params as another tunnel beside this
 * one's link: VTIs are told apart by kind and endpoints only (keys do not
 * count), XFRM interfaces by if_id, whatever their names and namespaces.
 * A new entry without a link counts for the identity it is made for, from
 * its CHILD_SA's claim until the worker first applies it, while a CHILD_SA
 * holds it (vti_iface_index_new()).
 *
 * @param params	identity of a tunnel
 */
bool vti_iface_same_tunnel(vti_iface_t *this, const vti_params_t *params);

/**
 * Create an index of interfaces by the identity the kernel tells tunnels
 * apart by (see vti_iface_same_tunnel()), so that no event walks the table.
 *
 * @return			index, of vti_iface_t* keyed by their indexed_as
 */
hashtable_t *vti_iface_create_index(void);

/**
 * Index an interface under the identity its link has now, or take it out
 * where it has no link of known identity (a new entry stays until its
 * first apply: vti_iface_index_new()); after every change of its ifindex,
 * known, kernel or indexed_new, with the table's lock held.
 *
 * @param index		index of vti_iface_create_index()
 */
void vti_iface_index(vti_iface_t *this, hashtable_t *index);

/**
 * Index a new interface, which has no link yet, under the identity its
 * link is to have, until the worker first applies it (the caller then
 * clears indexed_new and calls vti_iface_index()): a burst of CHILD_SAs
 * wanting that tunnel under other names finds it as they would find its
 * link. With the table's lock held.
 *
 * @param index		index of vti_iface_create_index()
 * @param params	identity of the tunnel it is made for
 */
void vti_iface_index_new(vti_iface_t *this, hashtable_t *index,
						 const vti_params_t *params);

/**
 * Take an interface out of the index, before it is destroyed.
 *
 * @param index		index of vti_iface_create_index()
 */
void vti_iface_unindex(vti_iface_t *this, hashtable_t *index);

/**
 * The interface beside whose link the kernel would refuse params (see
 * vti_iface_same_tunnel()).
 *
 * @param index		index of vti_iface_create_index()
 * @param params	identity of a tunnel
 * @return			interface, NULL if none
 */
vti_iface_t *vti_iface_find_tunnel(hashtable_t *index,
								   const vti_params_t *params);

/**
 * Describe an interface's kind, name and identity for logs.
 *
 * @param name		interface name
 * @param params	its identity
 * @param buf		buffer for the text
 * @param len		its size
 * @return			buf
 */
char *vti_iface_describe(const char *name, const vti_params_t *params,
						 char *buf, size_t len);

/**
 * A namespace for logs ("of charon" for "").
 */
const char *vti_iface_netns_str(const char *netns);

/**
 * Destroy an entry (not the kernel's link).
 */
void vti_iface_destroy(vti_iface_t *this);

#endif /** VTI_IFACE_H_ @}*/
