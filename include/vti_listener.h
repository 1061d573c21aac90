/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_listener vti_listener
 * @{ @ingroup vti
 */

#ifndef VTI_LISTENER_H_
#define VTI_LISTENER_H_

#include "vti_manager.h"

#include <bus/listeners/listener.h>

typedef struct vti_listener_t vti_listener_t;

/**
 * Translates IKE_SA and CHILD_SA events into tunnel interface requests.
 */
struct vti_listener_t {

	/**
	 * Implements listener_t.
	 */
	listener_t listener;

	/**
	 * Re-read charon.plugins.vti after a settings reload.
	 */
	void (*reload)(vti_listener_t *this);

	/**
	 * Destroy a vti_listener_t.
	 */
	void (*destroy)(vti_listener_t *this);
};

/**
 * Create the listener, translating bus events for the manager.
 *
 * @param manager	the table of interfaces, owned by the listener
 */
vti_listener_t *vti_listener_create(vti_manager_t *manager);

#endif /** VTI_LISTENER_H_ @}*/
