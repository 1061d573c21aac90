/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Charon fires no event when it installs or removes a trap: the worker
 * reads them periodically, and hands the manager only what changed since
 * the last reading. A trap is described (its addresses resolved) once,
 * when its id first appears; charon gives a reinstalled trap a new id.
 * One refused (no route to its peer yet, a name that does not resolve yet)
 * is described again every VTI_TRAPS_RETRY readings, one the manager
 * declined when retry() asks; the reason is logged once while it holds.
 */

#include "vti_traps.h"

#include <utils/debug.h>

/** readings between two descriptions of a refused trap (500 ms each):
 * a name that does not resolve is looked up every 2 s */
#define VTI_TRAPS_RETRY 4

typedef struct private_vti_traps_t private_vti_traps_t;
typedef struct entry_t entry_t;

/**
 * Private data of the reading.
 */
struct private_vti_traps_t {

	/** Public interface */
	vti_traps_t public;

	/** entry_t by trap id (vti_id_key()), those not described again */
	hashtable_t *known;

	/** entry_t by trap id, those taken out of known to be described again */
	hashtable_t *again;

	/** number of the reading */
	u_int reading;
};

/**
 * A trap of the last reading.
 */
struct entry_t {
	/** its connection */
	char *conn;
	/** it was handed back and taken (not refused, not declined) */
	bool told;
	/** why the source refused it (a static string), NULL if it did not */
	const char *refused;
	/** reading at which it is described again, 0 for none */
	u_int retry_at;
	/** number of the last reading that saw it */
	u_int seen;
};

/**
 * Destroy an entry.
 */
static void entry_destroy(entry_t *entry, const void *key)
{
	free(entry->conn);
	free(entry);
}

/**
 * Move the entries due to be described again out of known.
 */
static void due_again(private_vti_traps_t *this)
{
	enumerator_t *enumerator;
	entry_t *entry;
	void *key;

	enumerator = this->known->create_enumerator(this->known);
	while (enumerator->enumerate(enumerator, &key, &entry))
	{
		if (entry->retry_at && entry->retry_at <= this->reading)
		{
			this->known->remove_at(this->known, enumerator);
			this->again->put(this->again, key, entry);
		}
	}
	enumerator->destroy(enumerator);
}

/**
 * Take in a described trap not known: log why it is refused, once while
 * the reason holds, or hand it to up.
 */
static void take(private_vti_traps_t *this, vti_trap_t *trap,
				 bool (*up)(void *data, const vti_tunnel_t *tunnel),
				 void *data)
{
	entry_t *entry, *before;

	before = this->again->remove(this->again, vti_id_key(trap->id));
	INIT(entry,
		.conn = strdup(trap->conn),
		.refused = trap->refused,
		.seen = this->reading,
	);
	this->known->put(this->known, vti_id_key(trap->id), entry);
	if (trap->refused)
	{
		entry->retry_at = this->reading + VTI_TRAPS_RETRY;
		if (!before || before->refused != trap->refused)
		{
			/* with down_action = delete a start connection would get none
			 * anyway: less loud */
			if (trap->tunnel.start)
			{
				DBG2(DBG_CFG, "vti: %s: no interface before its first "
					 "CHILD_SA: %s", trap->conn, trap->refused);
			}
			else
			{
				DBG1(DBG_CFG, "vti: %s: no interface before its first "
					 "CHILD_SA: %s", trap->conn, trap->refused);
			}
		}
	}
	else
	{
		entry->told = up(data, &trap->tunnel);
	}
	if (before)
	{
		entry_destroy(before, NULL);
	}
}

METHOD(vti_traps_t, read_, void,
	private_vti_traps_t *this, vti_source_t *source,
	bool (*up)(void *data, const vti_tunnel_t *tunnel),
	void (*down)(void *data, const char *conn, uint32_t trap_id), void *data)
{
	enumerator_t *enumerator;
	vti_trap_t *trap;
	entry_t *entry;
	void *key;

	this->reading++;
	due_again(this);
	enumerator = source->create_trap_enumerator(source, this->known);
	while (enumerator->enumerate(enumerator, &trap))
	{
		entry = this->known->get(this->known, vti_id_key(trap->id));
		if (entry)
		{
			entry->seen = this->reading;
		}
		else if (trap->described)
		{
			take(this, trap, up, data);
		}
	}
	enumerator->destroy(enumerator);
	this->again->destroy_function(this->again, (void*)entry_destroy);
	this->again = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr, 8);
	enumerator = this->known->create_enumerator(this->known);
	while (enumerator->enumerate(enumerator, &key, &entry))
	{
		/* missed by one reading: charon reinstalls a trap (dpd_action or
		 * close_action = trap, vici's uninstall and install) by removing
		 * the old entry before it adds the new one */
		if (entry->seen + 1 >= this->reading)
		{
			continue;
		}
		if (entry->told)
		{
			down(data, entry->conn, (uintptr_t)key);
		}
		this->known->remove_at(this->known, enumerator);
		entry_destroy(entry, NULL);
	}
	enumerator->destroy(enumerator);
}

METHOD(vti_traps_t, retry, void,
	private_vti_traps_t *this)
{
	enumerator_t *enumerator;
	entry_t *entry;

	enumerator = this->known->create_enumerator(this->known);
	while (enumerator->enumerate(enumerator, NULL, &entry))
	{
		if (!entry->told && !entry->refused)
		{
			entry->retry_at = this->reading + 1;
		}
	}
	enumerator->destroy(enumerator);
}

METHOD(vti_traps_t, destroy, void,
	private_vti_traps_t *this)
{
	this->known->destroy_function(this->known, (void*)entry_destroy);
	this->again->destroy_function(this->again, (void*)entry_destroy);
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
			.retry = _retry,
			.destroy = _destroy,
		},
		.known = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr, 32),
		.again = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr, 8),
	);
	return &this->public;
}
