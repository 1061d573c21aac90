/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_mtu vti_mtu
 * @{ @ingroup vti
 */

#ifndef VTI_MTU_H_
#define VTI_MTU_H_

#include <library.h>

typedef struct vti_esp_overhead_t vti_esp_overhead_t;

/**
 * What an ESP algorithm adds around the inner packet.
 */
struct vti_esp_overhead_t {
	/** bytes of IV sent with every packet */
	uint8_t iv;
	/** the payload, pad length and next header are padded to this */
	uint8_t align;
	/** bytes of integrity check value */
	uint8_t icv;
};

/**
 * Look up the per-packet overhead of an ESP transform.
 *
 * @param encr		encryption_algorithm_t of the proposal
 * @param integ		integrity_algorithm_t, AUTH_UNDEFINED for AEAD
 * @param out		overhead, filled in when known
 * @return			FALSE if an algorithm is unknown
 */
bool vti_mtu_esp_overhead(uint16_t encr, uint16_t integ,
						  vti_esp_overhead_t *out);

/**
 * The largest inner packet that fits into one outer packet of path_mtu
 * bytes, unfragmented.
 *
 * @param path_mtu	MTU of the route to the peer
 * @param family	AF_INET or AF_INET6, the outer (endpoint) family
 * @param natt		whether ESP is encapsulated in UDP
 * @param esp		overhead of the negotiated transform
 * @return			inner MTU, 0 if nothing fits
 */
uint32_t vti_mtu_inner(uint32_t path_mtu, int family, bool natt,
					   const vti_esp_overhead_t *esp);

#endif /** VTI_MTU_H_ @}*/
