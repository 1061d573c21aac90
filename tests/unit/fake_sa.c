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

static host_t *ike_cfg_resolve_other(ike_cfg_t *this, int family)
{
	char *addr = ((fake_ike_cfg_t*)this)->other_addr;

	return addr ? host_create_from_string(addr, 0) : NULL;
}

static host_t *ike_cfg_resolve_me(ike_cfg_t *this, int family)
{
	char *addr = ((fake_ike_cfg_t*)this)->my_addr;

	return addr ? host_create_from_string(addr, 0) : NULL;
}

void fake_ike_cfg_init(fake_ike_cfg_t *cfg, char *other_addr)
{
	*cfg = (fake_ike_cfg_t){
		.public = {
			.get_other_addr = ike_cfg_get_other_addr,
			.resolve_other = ike_cfg_resolve_other,
			.resolve_me = ike_cfg_resolve_me,
		},
		.other_addr = other_addr,
	};
}

static char *peer_cfg_get_name(peer_cfg_t *this)
{
	return ((fake_peer_cfg_t*)this)->name;
}

static ike_cfg_t *peer_cfg_get_ike_cfg(peer_cfg_t *this)
{
	return ((fake_peer_cfg_t*)this)->ike_cfg;
}

static uint32_t peer_cfg_get_if_id(peer_cfg_t *this, bool inbound)
{
	fake_peer_cfg_t *cfg = (fake_peer_cfg_t*)this;

	return inbound ? cfg->if_id_in : cfg->if_id_out;
}

static void list_destroy(linked_list_t *list)
{
	list->destroy(list);
}

static enumerator_t *peer_cfg_create_child_cfg_enumerator(peer_cfg_t *this)
{
	fake_peer_cfg_t *cfg = (fake_peer_cfg_t*)this;
	linked_list_t *list = linked_list_create();
	u_int i;

	for (i = 0; i < countof(cfg->children) && cfg->children[i]; i++)
	{
		list->insert_last(list, cfg->children[i]);
	}
	return enumerator_create_cleaner(list->create_enumerator(list),
									 (void*)list_destroy, list);
}

static peer_cfg_t *peer_cfg_get_ref(peer_cfg_t *this)
{
	return this;
}

static void nop_destroy(void *this)
{
}

void fake_peer_cfg_init(fake_peer_cfg_t *cfg, char *name,
						fake_ike_cfg_t *ike_cfg)
{
	*cfg = (fake_peer_cfg_t){
		.public = {
			.get_name = peer_cfg_get_name,
			.get_ike_cfg = peer_cfg_get_ike_cfg,
			.get_if_id = peer_cfg_get_if_id,
			.create_child_cfg_enumerator =
									peer_cfg_create_child_cfg_enumerator,
			.get_ref = peer_cfg_get_ref,
			.destroy = (void*)nop_destroy,
		},
		.name = name,
		.ike_cfg = &ike_cfg->public,
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

static linked_list_t *child_cfg_get_proposals(child_cfg_t *this,
											  bool strip_ke)
{
	fake_child_cfg_t *cfg = (fake_child_cfg_t*)this;
	linked_list_t *list = linked_list_create();
	u_int i;

	for (i = 0; i < countof(cfg->proposals) && cfg->proposals[i]; i++)
	{
		list->insert_last(list, cfg->proposals[i]);
	}
	return list;
}

static action_t child_cfg_get_start_action(child_cfg_t *this)
{
	return ((fake_child_cfg_t*)this)->start_action;
}

static ipsec_mode_t child_cfg_get_mode(child_cfg_t *this)
{
	return ((fake_child_cfg_t*)this)->mode;
}

static child_cfg_t *child_cfg_get_ref(child_cfg_t *this)
{
	return this;
}

static char *child_cfg_get_name(child_cfg_t *this)
{
	return "child";
}

static bool child_cfg_equals(child_cfg_t *this, child_cfg_t *other)
{
	fake_child_cfg_t *a = (fake_child_cfg_t*)this;
	fake_child_cfg_t *b = (fake_child_cfg_t*)other;

	return !memcmp(&a->mark_in, &b->mark_in, sizeof(*a) -
				   offsetof(fake_child_cfg_t, mark_in));
}

void fake_child_cfg_init(fake_child_cfg_t *cfg)
{
	*cfg = (fake_child_cfg_t){
		.public = {
			.get_mark = child_cfg_get_mark,
			.get_if_id = child_cfg_get_if_id,
			.get_proposals = child_cfg_get_proposals,
			.get_start_action = child_cfg_get_start_action,
			.get_mode = child_cfg_get_mode,
			.get_ref = child_cfg_get_ref,
			.get_name = child_cfg_get_name,
			.equals = child_cfg_equals,
			.destroy = (void*)nop_destroy,
		},
		.mode = MODE_TUNNEL,
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

/**
 * An enumerator over one algorithm (uint16_t alg, uint16_t key_size).
 */
typedef struct {
	enumerator_t public;
	uint16_t alg;
	bool done;
} alg_enumerator_t;

static bool alg_enumerate(enumerator_t *this, va_list args)
{
	alg_enumerator_t *e = (alg_enumerator_t*)this;
	uint16_t *alg, *size;

	VA_ARGS_VGET(args, alg, size);
	if (e->done)
	{
		return FALSE;
	}
	*alg = e->alg;
	*size = 0;
	e->done = TRUE;
	return TRUE;
}

/**
 * Enumerate the one algorithm of a type (key size 0), if set.
 */
static enumerator_t *proposal_create_enumerator(proposal_t *this,
												transform_type_t type)
{
	alg_enumerator_t *e;
	uint16_t size;

	INIT(e,
		.public = {
			.enumerate = enumerator_enumerate_default,
			.venumerate = alg_enumerate,
			.destroy = (void*)free,
		},
	);
	e->done = !proposal_get_algorithm(this, type, &e->alg, &size);
	return &e->public;
}

void fake_proposal_init(fake_proposal_t *proposal, uint16_t encr,
						uint16_t integ)
{
	*proposal = (fake_proposal_t){
		.public = {
			.get_algorithm = proposal_get_algorithm,
			.create_enumerator = proposal_create_enumerator,
			.destroy = (void*)nop_destroy,
		},
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
