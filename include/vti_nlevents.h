/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_nlevents vti_nlevents
 * @{ @ingroup vti
 *
 * Link events of watched namespaces: a socket per namespace bound to
 * RTNLGRP_LINK (opened through vti_nlsock, entering a named namespace
 * once), polled with an eventfd that wakeup() writes. All but wakeup() from
 * one thread at a time.
 */

#ifndef VTI_NLEVENTS_H_
#define VTI_NLEVENTS_H_

#include "vti_backend.h"
#include "vti_nlsock.h"

typedef struct vti_nlevents_t vti_nlevents_t;

/**
 * Create the watcher, opening sockets through sock.
 */
vti_nlevents_t *vti_nlevents_create(vti_nlsock_t *sock);

/**
 * Watch the link events of netns (once; again after forget()).
 *
 * @return			0, or -errno with err set
 */
int vti_nlevents_watch(vti_nlevents_t *this, const char *netns,
					   vti_err_t *err);

/**
 * Close the event socket of a watched namespace (replaced): it is opened
 * again by the next wait, which reports -ENOBUFS (events were missed).
 */
void vti_nlevents_forget(vti_nlevents_t *this, const char *netns);

/**
 * Wait up to timeout_ms (-1: no limit) for link events or a wakeup, and
 * report each event read to cb.
 *
 * @return			number of events reported, -ENOBUFS if events were
 *					lost (overrun, socket reopened; those read were
 *					reported), or -errno of poll()
 */
int vti_nlevents_wait(vti_nlevents_t *this, int timeout_ms,
					  vti_event_cb_t cb, void *data);

/**
 * End the current or next wait at once; thread-safe.
 */
void vti_nlevents_wakeup(vti_nlevents_t *this);

/**
 * Close everything (not sock).
 */
void vti_nlevents_destroy(vti_nlevents_t *this);

#endif /** VTI_NLEVENTS_H_ @}*/
