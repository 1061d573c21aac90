/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Charon fires no event when it installs or removes a trap: the worker
 * reads them periodically, and hands the manager only what changed since
 * the last reading. A trap is described (its addresses resolved) once,
 * when its id first appears; charon gives a reinstalled trap a new id.
 */

#include "vti_traps.h"

#include <utils/debug.h>

typedef struct private_vti_traps_t private_vti_traps_t;
typedef struct entry_t entry_t;

/**
 * Private data of the reading.
 */
struct private_vti_traps_t {

	/** Public interface */
	vti_traps_t public;

	/** entry_t by trap id (vti_id_key()) */
	hashtable_t *known;

	/** number of the reading */
	u_int reading;
};

/**
 * A trap of the last reading.
 */
struct entry_t {
	/** its connection */
	char *conn;
	/** it was handed back (not refused) */
	bool told;
	/** number of the last reading that saw it */
	u_int seen;
};

/**
 * Take in a trap of this reading.
 *
 * @return			TRUE for a new one that wants an interface
 */
static bool take(private_vti_traps_t *this, vti_trap_t *trap)
{
	entry_t *entry;

	entry = this->known->get(this->known, vti_id_key(trap->id));
	if (entry || !trap->described)
	{
		if (entry)
		{
			entry->seen = this->reading;
		}
		return FALSE;
	}
	INIT(entry,
		.conn = strdup(trap->conn),
		.told = !trap->refused,
		.seen = this->reading,
	);
	this->known->put(this->known, vti_id_key(trap->id), entry);
	if (trap->refused && trap->tunnel.start)
	{
		/* with down_action = delete it would get none anyway: less loud */
		DBG2(DBG_CFG, "vti: %s: no interface before its first CHILD_SA: %s",
			 trap->conn, trap->refused);
	}
	else if (trap->refused)
	{
		DBG1(DBG_CFG, "vti: %s: no interface before its first CHILD_SA: %s",
			 trap->conn, trap->refused);
	}
	return entry->told;
}

METHOD(vti_traps_t, read_, void,
	private_vti_traps_t *this, vti_source_t *source,
	void (*up)(void *data, const vti_tunnel_t *tunnel),
	void (*down)(void *data, const char *conn, uint32_t trap_id), void *data)
{
	enumerator_t *enumerator;
	vti_trap_t *trap;
	entry_t *entry;
	void *key;

	this->reading++;
	enumerator = source->create_trap_enumerator(source, this->known);
	while (enumerator->enumerate(enumerator, &trap))
	{
		if (take(this, trap))
		{
			up(data, &trap->tunnel);
		}
	}
	enumerator->destroy(enumerator);
	enumerator = this->known->create_enumerator(this->known);
	while (enumerator->enumerate(enumerator, &key, &entry))
	{
		if (entry->seen == this->reading)
		{
			continue;
		}
		if (entry->told)
		{
			down(data, entry->conn, (uintptr_t)key);
		}
		this->known->remove_at(this->known, enumerator);
		free(entry->conn);
		free(entry);
	}
	enumerator->destroy(enumerator);
}

/**
 * Destroy an entry.
 */
static void entry_destroy(entry_t *entry, const void *key)
{
	free(entry->conn);
	free(entry);
}

METHOD(vti_traps_t, destroy, void,
	private_vti_traps_t *this)
{
	this->known->destroy_function(this->known, (void*)entry_destroy);
	free(this);
}

/*
 * Described in header
 */
vti_traps_t *vti_traps_create()
{
	private_vti_traps_t *this;

	INIT(this,
		.public = {
			.read = _read_,
			.destroy = _destroy,
		},
		.known = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr, 32),
	);
	return &this->public;
}
