/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * What a resync reads of charon, and what the bus touched meanwhile.
 */

#include "vti_live.h"

static hashtable_t *ids_create(void)
{
	return hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr, 8);
}

/*
 * Described in header
 */
vti_live_t *vti_live_create(void)
{
	vti_live_t *this;

	INIT(this,
		.tunnels = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr,
									32),
		.touched_children = ids_create(),
		.touched_ikes = ids_create(),
	);
	return this;
}

static void tunnel_destroy(vti_tunnel_t *tunnel)
{
	free((char*)tunnel->conn);
	free(tunnel);
}

/*
 * Described in header
 */
void vti_live_read(vti_live_t *this, vti_source_t *source)
{
	enumerator_t *enumerator;
	vti_tunnel_t *tunnel, *copy;

	enumerator = source->create_enumerator(source);
	while (enumerator->enumerate(enumerator, &tunnel))
	{
		INIT(copy);
		*copy = *tunnel;
		copy->conn = strdup(tunnel->conn);
		copy = this->tunnels->put(this->tunnels, vti_id_key(copy->child_id), copy);
		if (copy)
		{
			tunnel_destroy(copy);
		}
	}
	enumerator->destroy(enumerator);
}

/*
 * Described in header
 */
void vti_live_touch(vti_live_t *this, uint32_t child_id, uint32_t ike_id)
{
	if (!this)
	{
		return;
	}
	if (child_id)
	{
		this->touched_children->put(this->touched_children, vti_id_key(child_id),
									this);
	}
	if (ike_id)
	{
		this->touched_ikes->put(this->touched_ikes, vti_id_key(ike_id), this);
	}
}

/*
 * Described in header
 */
bool vti_live_touched(vti_live_t *this, uint32_t child_id, uint32_t ike_id)
{
	return this->touched_children->get(this->touched_children,
									   vti_id_key(child_id)) ||
		   (ike_id && this->touched_ikes->get(this->touched_ikes,
											  vti_id_key(ike_id)));
}

/*
 * Described in header
 */
void vti_live_destroy(vti_live_t *this)
{
	this->tunnels->destroy_function(this->tunnels, (void*)tunnel_destroy);
	this->touched_children->destroy(this->touched_children);
	this->touched_ikes->destroy(this->touched_ikes);
	free(this);
}
