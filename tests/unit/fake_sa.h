/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Fakes of charon's IKE_SAs, CHILD_SAs, their configs and proposals for
 * the listener: zeroed structs of function pointers with only the methods
 * the listener calls set; any other call crashes the test.
 */

#ifndef FAKE_SA_H_
#define FAKE_SA_H_

#include <sa/ike_sa.h>
#include <sa/child_sa.h>
#include <config/child_cfg.h>
#include <config/ike_cfg.h>
#include <config/peer_cfg.h>
#include <crypto/proposal/proposal.h>

typedef struct {
	ike_cfg_t public;
	/** remote_addrs as configured; what resolve_other() gives, NULL if
	 * it is no address */
	char *other_addr;
	/** what resolve_me() gives, NULL for none */
	char *my_addr;
} fake_ike_cfg_t;

typedef struct {
	child_cfg_t public;
	/** as configured: %unique is MARK_UNIQUE */
	mark_t mark_in, mark_out;
	/** as configured: %unique is IF_ID_UNIQUE */
	uint32_t if_id_in, if_id_out;
	/** ESP proposals, up to the first NULL */
	proposal_t *proposals[4];
	/** ACTION_NONE unless a test sets another */
	action_t start_action;
	/** MODE_TUNNEL unless a test sets another */
	ipsec_mode_t mode;
} fake_child_cfg_t;

typedef struct {
	proposal_t public;
	/** algorithms, 0 for none */
	uint16_t encr, integ;
} fake_proposal_t;

typedef struct {
	peer_cfg_t public;
	char *name;
	ike_cfg_t *ike_cfg;
	/** as configured: %unique is IF_ID_UNIQUE */
	uint32_t if_id_in, if_id_out;
	/** its CHILD_SA configs, up to the first NULL */
	child_cfg_t *children[4];
} fake_peer_cfg_t;

typedef struct {
	child_sa_t public;
	uint32_t unique;
	ipsec_mode_t mode;
	/** resolved */
	mark_t mark_in, mark_out;
	uint32_t if_id_in, if_id_out;
	child_cfg_t *cfg;
	proposal_t *proposal;
	/** CHILD_INSTALLED unless a test sets another */
	child_sa_state_t state;
} fake_child_sa_t;

typedef struct {
	ike_sa_t public;
	char *name;
	uint32_t unique;
	host_t *me, *other;
	/** the conditions set, a mask of ike_condition_t */
	u_int conditions;
	ike_cfg_t *ike_cfg;
	/** IKE_ESTABLISHED unless a test sets another */
	ike_sa_state_t state;
} fake_ike_sa_t;

/**
 * An IKE config with remote_addrs other_addr.
 */
void fake_ike_cfg_init(fake_ike_cfg_t *cfg, char *other_addr);

/**
 * A CHILD_SA config with no marks and no if_ids.
 */
void fake_child_cfg_init(fake_child_cfg_t *cfg);

/**
 * A proposal of encr and integ.
 */
void fake_proposal_init(fake_proposal_t *proposal, uint16_t encr,
						uint16_t integ);

/**
 * A tunnel-mode CHILD_SA with mark (0 for none) and if_id (0 for none)
 * both ways.
 */
void fake_child_init(fake_child_sa_t *child, uint32_t unique, uint32_t mark,
					 uint32_t if_id, fake_child_cfg_t *cfg,
					 fake_proposal_t *proposal);

/**
 * An IKE_SA of conn name between two addresses (port 500).
 */
void fake_ike_init(fake_ike_sa_t *ike, char *name, uint32_t unique,
				   char *me, char *other, fake_ike_cfg_t *cfg);

/**
 * Free an IKE_SA's hosts.
 */
void fake_ike_free(fake_ike_sa_t *ike);

/**
 * A peer config with a name and an IKE config, if_ids 0.
 */
void fake_peer_cfg_init(fake_peer_cfg_t *cfg, char *name,
						fake_ike_cfg_t *ike_cfg);

#endif
