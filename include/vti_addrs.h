/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_addrs vti_addrs
 * @{ @ingroup vti
 *
 * The addresses the kernel has against those of our interfaces' settings,
 * for resyncs.
 */

#ifndef VTI_ADDRS_H_
#define VTI_ADDRS_H_

#include "vti_iface.h"

/**
 * The addresses of a namespace, for vti_addrs_compare().
 *
 * @param backend	the kernel
 * @param netns		the namespace
 * @return			its addresses sorted by ifindex, NULL if the kernel gave
 *					none (logged); array_destroy() frees it
 */
array_t *vti_addrs_list(vti_backend_t *backend, const char *netns);

/**
 * Whether the link of an interface up and held lacks addresses of its
 * settings, each logged; sets its lacks_addrs. Addresses it has besides
 * are the operator's, left alone. A link down is not looked at: the
 * kernel drops IPv6 addresses while down unless keep_addr_on_down is set,
 * one set down by hand stays so, one set up again is configured anew
 * anyway (held: at once; unheld: by the claim that takes it). With the
 * table's lock held.
 *
 * @param iface		the interface
 * @param addrs		its namespace's addresses (vti_addrs_list()), NULL if
 *					unknown
 * @return			TRUE if it lacks some
 */
bool vti_addrs_compare(vti_iface_t *iface, array_t *addrs);

#endif /** VTI_ADDRS_H_ @}*/
