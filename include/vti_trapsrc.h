/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_trapsrc vti_trapsrc
 * @{ @ingroup vti
 *
 * Where the worker reads the traps charon installed (charon->traps).
 */

#ifndef VTI_TRAPSRC_H_
#define VTI_TRAPSRC_H_

#include "vti_tunnel.h"

/**
 * Implements vti_source_t.create_trap_enumerator() over charon->traps: the
 * traps in tunnel mode with marks or if_ids (vti_trap_t*), those whose id
 * is not a key of known described (endpoints resolved, the worst ESP
 * transform of the configured proposals, or why they get no interface).
 *
 * @param source	the listener's source
 * @param known		trap ids (vti_id_key()) described before
 * @return			enumerator
 */
enumerator_t *vti_trapsrc_create_enumerator(vti_source_t *source,
											hashtable_t *known);

#endif /** VTI_TRAPSRC_H_ @}*/
