/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_trapsrc vti_trapsrc
 * @{ @ingroup vti
 *
 * Where the worker reads the traps charon installed (charon->traps) and
 * the start configs it loaded (charon->backends).
 */

#ifndef VTI_TRAPSRC_H_
#define VTI_TRAPSRC_H_

#include "vti_tunnel.h"

typedef struct vti_trapsrc_t vti_trapsrc_t;

/**
 * The wants that stand before any CHILD_SA: charon's traps, and the
 * loaded start configs (charon->backends), whose ids it keeps.
 */
struct vti_trapsrc_t {

	/**
	 * Implements vti_source_t.create_trap_enumerator(): the traps of
	 * charon->traps and the CHILD_SA configs of charon->backends with
	 * start_action = start, in tunnel mode with marks or if_ids
	 * (vti_trap_t*); those whose id is not a key of known described
	 * (endpoints resolved, the worst ESP transform of the configured
	 * proposals, or why they get no interface). A start config keeps its
	 * id while it stays loaded; loaded anew, it gets another.
	 *
	 * @param known		ids (vti_id_key()) described before
	 * @return			enumerator
	 */
	enumerator_t *(*create_enumerator)(vti_trapsrc_t *this,
									   hashtable_t *known);

	/**
	 * Destroy, releasing the start configs it references.
	 */
	void (*destroy)(vti_trapsrc_t *this);
};

/**
 * Create a source of traps and start configs, none known yet.
 */
vti_trapsrc_t *vti_trapsrc_create();

#endif /** VTI_TRAPSRC_H_ @}*/
