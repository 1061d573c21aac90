/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The holders of interfaces, by CHILD_SA, by IKE_SA, and by the CHILD_SA
 * their last rekey replaced.
 */

#include "vti_holders.h"

#include <collections/hashtable.h>

typedef struct private_vti_holders_t private_vti_holders_t;

/**
 * Private data of the index.
 */
struct private_vti_holders_t {

	/** Public interface */
	vti_holders_t public;

	/** vti_holder_t by CHILD_SA unique id */
	hashtable_t *by_child;

	/** vti_holder_t by the id of the CHILD_SA it replaced */
	hashtable_t *retired;

	/** array_t of vti_holder_t by IKE_SA unique id */
	hashtable_t *by_ike;
};

METHOD(vti_holders_t, get, vti_holder_t*,
	private_vti_holders_t *this, uint32_t child_id)
{
	return this->by_child->get(this->by_child, vti_id_key(child_id));
}

METHOD(vti_holders_t, add, void,
	private_vti_holders_t *this, vti_holder_t *holder)
{
	array_t *list;

	this->by_child->put(this->by_child, vti_id_key(holder->child_id), holder);
	if (!holder->ike_id)
	{	/* a trap's standing want: no IKE_SA (and 0 is no hashtable key) */
		return;
	}
	list = this->by_ike->get(this->by_ike, vti_id_key(holder->ike_id));
	if (!list)
	{
		list = array_create(0, 0);
		this->by_ike->put(this->by_ike, vti_id_key(holder->ike_id), list);
	}
	array_insert(list, ARRAY_TAIL, holder);
}

/**
 * Unregister from the CHILD_SA and IKE_SA indexes.
 */
static void unindex(private_vti_holders_t *this, vti_holder_t *holder)
{
	array_t *list;
	vti_holder_t *current;
	int i;

	this->by_child->remove(this->by_child, vti_id_key(holder->child_id));
	list = holder->ike_id ? this->by_ike->get(this->by_ike,
											  vti_id_key(holder->ike_id)) : NULL;
	for (i = 0; list && i < array_count(list); i++)
	{
		array_get(list, i, &current);
		if (current == holder)
		{
			array_remove(list, i, NULL);
			break;
		}
	}
	if (list && !array_count(list))
	{
		this->by_ike->remove(this->by_ike, vti_id_key(holder->ike_id));
		array_destroy(list);
	}
}

/**
 * Forget a CHILD_SA id a holder answered for.
 */
static void unretire_id(private_vti_holders_t *this, vti_holder_t *holder,
						uint32_t id)
{
	if (id && this->retired->get(this->retired, vti_id_key(id)) == holder)
	{
		this->retired->remove(this->retired, vti_id_key(id));
	}
}

/**
 * Forget what a holder's last rekey replaced, or lost to it.
 */
static void unretire(private_vti_holders_t *this, vti_holder_t *holder)
{
	unretire_id(this, holder, holder->rekeyed_from);
	unretire_id(this, holder, holder->redundant);
	holder->rekeyed_from = holder->redundant = 0;
}

METHOD(vti_holders_t, remove_, void,
	private_vti_holders_t *this, vti_holder_t *holder)
{
	unindex(this, holder);
	unretire(this, holder);
}

/**
 * Give a registered holder new ids.
 */
static void reassign(private_vti_holders_t *this, vti_holder_t *holder,
					 uint32_t child_id, uint32_t ike_id)
{
	int i;

	unindex(this, holder);
	holder->child_id = child_id;
	holder->ike_id = ike_id;
	for (i = 0; i < holder->count; i++)
	{
		holder->claims[i].child_id = child_id;
		holder->claims[i].ike_id = ike_id;
	}
	add(this, holder);
}

METHOD(vti_holders_t, rekey, vti_holder_t*,
	private_vti_holders_t *this, uint32_t old_id, uint32_t child_id,
	uint32_t ike_id, uint32_t *redundant)
{
	vti_holder_t *holder;

	*redundant = 0;
	holder = get(this, old_id);
	if (!holder)
	{
		/* a second report of a rekey of old_id (a collision), or, IKEv1,
		 * a rekey of the CHILD_SA that lost one and was kept */
		holder = this->retired->get(this->retired, vti_id_key(old_id));
		if (!holder)
		{
			return NULL;
		}
		*redundant = holder->child_id;
	}
	unretire(this, holder);
	holder->rekeyed_from = old_id;
	this->retired->put(this->retired, vti_id_key(old_id), holder);
	if (*redundant)
	{
		holder->redundant = *redundant;
		this->retired->put(this->retired, vti_id_key(*redundant), holder);
	}
	reassign(this, holder, child_id, ike_id);
	return holder;
}

METHOD(vti_holders_t, migrate, void,
	private_vti_holders_t *this, uint32_t old_id, uint32_t new_id)
{
	vti_holder_t *holder;
	array_t *list;

	while ((list = this->by_ike->get(this->by_ike, vti_id_key(old_id))))
	{
		array_get(list, ARRAY_HEAD, &holder);
		reassign(this, holder, holder->child_id, new_id);
	}
}

METHOD(vti_holders_t, migrate_one, void,
	private_vti_holders_t *this, vti_holder_t *holder, uint32_t ike_id)
{
	reassign(this, holder, holder->child_id, ike_id);
}

/**
 * An enumerator over a copy of list's holders.
 */
static enumerator_t *enumerate_copy(array_t *copy)
{
	return enumerator_create_cleaner(array_create_enumerator(copy),
									 (void*)array_destroy, copy);
}

METHOD(vti_holders_t, create_enumerator, enumerator_t*,
	private_vti_holders_t *this)
{
	enumerator_t *enumerator;
	vti_holder_t *holder;
	array_t *copy;
	void *key;

	copy = array_create(0, this->by_child->get_count(this->by_child));
	enumerator = this->by_child->create_enumerator(this->by_child);
	while (enumerator->enumerate(enumerator, &key, &holder))
	{
		array_insert(copy, ARRAY_TAIL, holder);
	}
	enumerator->destroy(enumerator);
	return enumerate_copy(copy);
}

METHOD(vti_holders_t, create_ike_enumerator, enumerator_t*,
	private_vti_holders_t *this, uint32_t ike_id)
{
	array_t *list, *copy;
	vti_holder_t *holder;
	int i;

	list = this->by_ike->get(this->by_ike, vti_id_key(ike_id));
	copy = array_create(0, list ? array_count(list) : 0);
	for (i = 0; list && i < array_count(list); i++)
	{
		array_get(list, i, &holder);
		array_insert(copy, ARRAY_TAIL, holder);
	}
	return enumerate_copy(copy);
}

METHOD(vti_holders_t, get_count, u_int,
	private_vti_holders_t *this, u_int *retired, u_int *ikes)
{
	*retired = this->retired->get_count(this->retired);
	*ikes = this->by_ike->get_count(this->by_ike);
	return this->by_child->get_count(this->by_child);
}

METHOD(vti_holders_t, take_any, vti_holder_t*,
	private_vti_holders_t *this)
{
	enumerator_t *enumerator;
	vti_holder_t *holder = NULL;
	void *key;

	enumerator = this->by_child->create_enumerator(this->by_child);
	enumerator->enumerate(enumerator, &key, &holder);
	enumerator->destroy(enumerator);
	if (holder)
	{
		remove_(this, holder);
	}
	return holder;
}

METHOD(vti_holders_t, destroy, void,
	private_vti_holders_t *this)
{
	vti_holder_t *holder;

	while ((holder = take_any(this)))
	{
		free(holder);
	}
	this->by_child->destroy(this->by_child);
	this->retired->destroy(this->retired);
	this->by_ike->destroy(this->by_ike);
	free(this);
}

/*
 * Described in header
 */
vti_holders_t *vti_holders_create()
{
	private_vti_holders_t *this;

	INIT(this,
		.public = {
			.get = _get,
			.add = _add,
			.remove = _remove_,
			.rekey = _rekey,
			.migrate = _migrate,
			.migrate_one = _migrate_one,
			.create_enumerator = _create_enumerator,
			.create_ike_enumerator = _create_ike_enumerator,
			.get_count = _get_count,
			.take_any = _take_any,
			.destroy = _destroy,
		},
		.by_child = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr,
									 32),
		.retired = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr,
									32),
		.by_ike = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr,
								   32),
	);
	return &this->public;
}
