/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_tunnel vti_tunnel
 * @{ @ingroup vti
 *
 * A CHILD_SA that wants an interface, as the bus and a resync describe it:
 * what every other module of the table reads.
 */

#ifndef VTI_TUNNEL_H_
#define VTI_TUNNEL_H_

#include "vti_mtu.h"

#include <library.h>
#include <collections/hashtable.h>
#include <networking/host.h>

typedef struct vti_tunnel_t vti_tunnel_t;
typedef struct vti_source_t vti_source_t;
typedef struct vti_trap_t vti_trap_t;

/**
 * The first id of start configs' wants: charon's unique ids of CHILD_SAs
 * (trap ids among them) count up from 1 and never get there in practice.
 */
#define VTI_START_ID 0x80000000

/**
 * A unique id of an SA (or an ifindex) as a key of a hashtable made with
 * hashtable_hash_ptr and hashtable_equals_ptr.
 *
 * @param id		the id, not 0
 * @return			the key
 */
static inline void *vti_id_key(uint32_t id)
{
	return (void*)(uintptr_t)id;
}

/**
 * Copy a host's address into the 16 bytes of an endpoint of vti_tunnel_t.
 *
 * @param host		the host
 * @param out		receives the address, zero-padded
 */
static inline void vti_tunnel_addr(host_t *host, uint8_t *out)
{
	chunk_t addr = host->get_address(host);

	memset(out, 0, 16);
	memcpy(out, addr.ptr, min(addr.len, (size_t)16));
}

/**
 * A CHILD_SA that wants an interface, as the listener sees it.
 */
struct vti_tunnel_t {
	/** swanctl connection name */
	const char *conn;
	/** unique id of the CHILD_SA */
	uint32_t child_id;
	/** unique id of its IKE_SA */
	uint32_t ike_id;
	/** resolved marks */
	uint32_t mark_in;
	uint32_t mark_out;
	/** resolved XFRM interface ids */
	uint32_t if_id_in;
	uint32_t if_id_out;
	/** AF_INET or AF_INET6 of the IKE endpoints */
	int family;
	/** IKE endpoints, network order */
	uint8_t local[16];
	uint8_t remote[16];
	/** several peers share the marks: the interface's remote is "any" */
	bool remote_any;
	/** ESP overhead of the negotiated algorithm, if known */
	bool esp_known;
	vti_esp_overhead_t esp;
	/** ESP in UDP (NAT-T) */
	bool natt;
	/**
	 * hash of its child config's name and its peer's identity: the
	 * CHILD_SA a reauthentication recreates has the same (the grace of an
	 * interface waits for it)
	 */
	uint32_t lineage;
	/**
	 * its if_ids come from %unique: the CHILD_SAs of a reauthentication
	 * get others, and so another XFRM interface
	 */
	bool if_id_unique;
	/**
	 * a trap's want with on_demand = down: its interface exists, down,
	 * while no CHILD_SA holds it
	 */
	bool standby;
	/**
	 * the want of a start connection (start_action = start) with
	 * down_action = down: down once a CHILD_SA held it and went
	 */
	bool start;
};

/**
 * A trap charon installed for a connection (start_action = trap), or a
 * loaded CHILD_SA config with start_action = start, in tunnel mode with
 * marks or if_ids, as a source reads it.
 */
struct vti_trap_t {
	/** unique id of the trap's CHILD_SA (never installed, never up), or
	 * VTI_START_ID and up for a start config (tunnel.start) */
	uint32_t id;
	/** the rest is filled in: the id was not among the known ones */
	bool described;
	/** swanctl connection name */
	const char *conn;
	/** why it gets no interface before its first CHILD_SA, NULL if none
	 * (a static string) */
	const char *refused;
	/** what it wants unless refused: child_id = id, ike_id 0, endpoints
	 * of the connection's addresses, esp the worst of its ESP proposals */
	vti_tunnel_t tunnel;
};

/**
 * Where a resync learns which CHILD_SAs charon holds.
 */
struct vti_source_t {

	/**
	 * Enumerate the installed tunnel-mode CHILD_SAs with marks or if_ids
	 * (vti_tunnel_t*, valid until the next call of enumerate). Called by
	 * the kernel worker, never on the bus.
	 *
	 * @return			enumerator
	 */
	enumerator_t *(*create_enumerator)(vti_source_t *this);

	/**
	 * Enumerate the traps installed, and the start configs loaded, in
	 * tunnel mode with marks or if_ids (vti_trap_t*, valid until the next call of enumerate); only those
	 * whose id is not a key of known are described (addresses resolved,
	 * proposals read). Called by the kernel worker, never on the bus.
	 *
	 * @param known		trap ids (vti_id_key()) described before
	 * @return			enumerator
	 */
	enumerator_t *(*create_trap_enumerator)(vti_source_t *this,
											hashtable_t *known);
};

#endif /** VTI_TUNNEL_H_ @}*/
