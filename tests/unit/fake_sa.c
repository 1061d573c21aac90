/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "fake_sa.h"

#include <check.h>

static char *ike_cfg_get_other_addr(ike_cfg_t *this)
{
	return ((fake_ike_cfg_t*)this)->other_addr;
}

void fake_ike_cfg_init(fake_ike_cfg_t *cfg, char *other_addr)
{
	*cfg = (fake_ike_cfg_t){
		.public = { .get_other_addr = ike_cfg_get_other_addr },
		.other_addr = other_addr,
	};
}

static mark_t child_cfg_get_mark(child_cfg_t *this, bool inbound)
{
	fake_child_cfg_t *cfg = (fake_child_cfg_t*)this;

	return inbound ? cfg->mark_in : cfg->mark_out;
}

static uint32_t child_cfg_get_if_id(child_cfg_t *this, bool inbound)
{
	fake_child_cfg_t *cfg = (fake_child_cfg_t*)this;

	return inbound ? cfg->if_id_in : cfg->if_id_out;
}

void fake_child_cfg_init(fake_child_cfg_t *cfg)
{
	*cfg = (fake_child_cfg_t){
		.public = {
			.get_mark = child_cfg_get_mark,
			.get_if_id = child_cfg_get_if_id,
		},
	};
}

static bool proposal_get_algorithm(proposal_t *this, transform_type_t type,
								   uint16_t *alg, uint16_t *key_size)
{
	fake_proposal_t *proposal = (fake_proposal_t*)this;
	uint16_t value;

	switch (type)
	{
		case ENCRYPTION_ALGORITHM:
			value = proposal->encr;
			break;
		case INTEGRITY_ALGORITHM:
			value = proposal->integ;
			break;
		default:
			return FALSE;
	}
	if (value == 0)
	{
		return FALSE;
	}
	*alg = value;
	*key_size = 0;
	return TRUE;
}

void fake_proposal_init(fake_proposal_t *proposal, uint16_t encr,
						uint16_t integ)
{
	*proposal = (fake_proposal_t){
		.public = { .get_algorithm = proposal_get_algorithm },
		.encr = encr,
		.integ = integ,
	};
}

static uint32_t child_get_unique_id(child_sa_t *this)
{
	return ((fake_child_sa_t*)this)->unique;
}

static ipsec_mode_t child_get_mode(child_sa_t *this)
{
	return ((fake_child_sa_t*)this)->mode;
}

static mark_t child_get_mark(child_sa_t *this, bool inbound)
{
	fake_child_sa_t *child = (fake_child_sa_t*)this;

	return inbound ? child->mark_in : child->mark_out;
}

static uint32_t child_get_if_id(child_sa_t *this, bool inbound)
{
	fake_child_sa_t *child = (fake_child_sa_t*)this;

	return inbound ? child->if_id_in : child->if_id_out;
}

static child_cfg_t *child_get_config(child_sa_t *this)
{
	return ((fake_child_sa_t*)this)->cfg;
}

static proposal_t *child_get_proposal(child_sa_t *this)
{
	return ((fake_child_sa_t*)this)->proposal;
}

static child_sa_state_t child_get_state(child_sa_t *this)
{
	return ((fake_child_sa_t*)this)->state;
}

static char *child_get_name(child_sa_t *this)
{
	return "child";
}

/** no SPIs: review_tests.c gives CHILD_SAs theirs */
static uint32_t child_get_spi(child_sa_t *this, bool inbound)
{
	return 0;
}

/** paired with no CHILD_SA by a rekey: review_tests.c pairs them */
static uint32_t child_get_rekey_spi(child_sa_t *this)
{
	return 0;
}

void fake_child_init(fake_child_sa_t *child, uint32_t unique, uint32_t mark,
					 uint32_t if_id, fake_child_cfg_t *cfg,
					 fake_proposal_t *proposal)
{
	*child = (fake_child_sa_t){
		.public = {
			.get_unique_id = child_get_unique_id,
			.get_mode = child_get_mode,
			.get_mark = child_get_mark,
			.get_if_id = child_get_if_id,
			.get_config = child_get_config,
			.get_proposal = child_get_proposal,
			.get_state = child_get_state,
			.get_name = child_get_name,
			.get_rekey_spi = child_get_rekey_spi,
			.get_spi = child_get_spi,
		},
		.unique = unique,
		.mode = MODE_TUNNEL,
		.mark_in = { .value = mark, .mask = mark ? 0xffffffff : 0 },
		.mark_out = { .value = mark, .mask = mark ? 0xffffffff : 0 },
		.if_id_in = if_id,
		.if_id_out = if_id,
		.cfg = &cfg->public,
		.proposal = &proposal->public,
		.state = CHILD_INSTALLED,
	};
}

static char *ike_get_name(ike_sa_t *this)
{
	return ((fake_ike_sa_t*)this)->name;
}

static uint32_t ike_get_unique_id(ike_sa_t *this)
{
	return ((fake_ike_sa_t*)this)->unique;
}

static host_t *ike_get_my_host(ike_sa_t *this)
{
	return ((fake_ike_sa_t*)this)->me;
}

static host_t *ike_get_other_host(ike_sa_t *this)
{
	return ((fake_ike_sa_t*)this)->other;
}

static bool ike_has_condition(ike_sa_t *this, ike_condition_t condition)
{
	return (((fake_ike_sa_t*)this)->conditions & condition) != 0;
}

static ike_cfg_t *ike_get_ike_cfg(ike_sa_t *this)
{
	return ((fake_ike_sa_t*)this)->ike_cfg;
}

static ike_sa_state_t ike_get_state(ike_sa_t *this)
{
	return ((fake_ike_sa_t*)this)->state;
}

static identification_t *ike_get_other_id(ike_sa_t *this)
{
	return NULL;
}

/** no CHILD_SA: review_tests.c gives an IKE_SA its CHILD_SAs */
static enumerator_t *ike_create_child_sa_enumerator(ike_sa_t *this)
{
	return enumerator_create_empty();
}

/** no task under way: review_tests.c gives an IKE_SA active tasks */
static enumerator_t *ike_create_task_enumerator(ike_sa_t *this,
												task_queue_t queue)
{
	return enumerator_create_empty();
}

void fake_ike_init(fake_ike_sa_t *ike, char *name, uint32_t unique,
				   char *me, char *other, fake_ike_cfg_t *cfg)
{
	*ike = (fake_ike_sa_t){
		.public = {
			.get_name = ike_get_name,
			.get_unique_id = ike_get_unique_id,
			.get_my_host = ike_get_my_host,
			.get_other_host = ike_get_other_host,
			.has_condition = ike_has_condition,
			.get_ike_cfg = ike_get_ike_cfg,
			.get_state = ike_get_state,
			.get_other_id = ike_get_other_id,
			.create_task_enumerator = ike_create_task_enumerator,
			.create_child_sa_enumerator = ike_create_child_sa_enumerator,
		},
		.name = name,
		.unique = unique,
		.me = host_create_from_string(me, 500),
		.other = host_create_from_string(other, 500),
		.ike_cfg = &cfg->public,
		.state = IKE_ESTABLISHED,
	};
	ck_assert(ike->me && ike->other);
}

void fake_ike_free(fake_ike_sa_t *ike)
{
	ike->me->destroy(ike->me);
	ike->other->destroy(ike->other);
}
