/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_traps vti_traps
 * @{ @ingroup vti
 *
 * The standing wants of trap connections: what charon installed, read
 * level-triggered, and only the differences to the last reading told to
 * the manager.
 */

#ifndef VTI_TRAPS_H_
#define VTI_TRAPS_H_

#include "vti_manager.h"

typedef struct vti_traps_t vti_traps_t;

/**
 * The traps of the last reading.
 */
struct vti_traps_t {

	/**
	 * Read the traps of a source; tell the manager of new ones (or log
	 * once why one gets no interface) and of those gone.
	 *
	 * @param source	charon's traps
	 * @param manager	the manager
	 */
	void (*read)(vti_traps_t *this, vti_source_t *source,
				 vti_manager_t *manager);

	/**
	 * Destroy, telling the manager nothing.
	 */
	void (*destroy)(vti_traps_t *this);
};

/**
 * Create an empty reading.
 */
vti_traps_t *vti_traps_create();

#endif /** VTI_TRAPS_H_ @}*/
