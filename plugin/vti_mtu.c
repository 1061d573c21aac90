/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * ESP overhead arithmetic (RFC 4303): outer IP header, optional UDP, ESP
 * header (SPI, sequence number), IV, payload plus 2 bytes of trailer padded
 * to the cipher's alignment, ICV.
 */

#include "vti_mtu.h"

#include <sys/socket.h>
#include <crypto/crypters/crypter.h>
#include <crypto/signers/signer.h>

#define ESP_HEADER 8
#define ESP_TRAILER 2
#define UDP_HEADER 8
#define IPV4_HEADER 20
#define IPV6_HEADER 40

/**
 * IV and alignment of an encryption algorithm; icv is set for AEADs.
 */
static bool encr_overhead(uint16_t encr, vti_esp_overhead_t *out)
{
	switch (encr)
	{
		case ENCR_NULL:
			*out = (vti_esp_overhead_t){ .iv = 0, .align = 4 };
			return TRUE;
		case ENCR_AES_CBC:
		case ENCR_CAMELLIA_CBC:
		case ENCR_SERPENT_CBC:
		case ENCR_TWOFISH_CBC:
			*out = (vti_esp_overhead_t){ .iv = 16, .align = 16 };
			return TRUE;
		case ENCR_3DES:
		case ENCR_DES:
		case ENCR_BLOWFISH:
		case ENCR_CAST:
			*out = (vti_esp_overhead_t){ .iv = 8, .align = 8 };
			return TRUE;
		case ENCR_AES_CTR:
		case ENCR_CAMELLIA_CTR:
			*out = (vti_esp_overhead_t){ .iv = 8, .align = 4 };
			return TRUE;
		case ENCR_AES_GCM_ICV8:
		case ENCR_AES_CCM_ICV8:
		case ENCR_CAMELLIA_CCM_ICV8:
			*out = (vti_esp_overhead_t){ .iv = 8, .align = 4, .icv = 8 };
			return TRUE;
		case ENCR_AES_GCM_ICV12:
		case ENCR_AES_CCM_ICV12:
		case ENCR_CAMELLIA_CCM_ICV12:
			*out = (vti_esp_overhead_t){ .iv = 8, .align = 4, .icv = 12 };
			return TRUE;
		case ENCR_AES_GCM_ICV16:
		case ENCR_AES_CCM_ICV16:
		case ENCR_CAMELLIA_CCM_ICV16:
		case ENCR_NULL_AUTH_AES_GMAC:
		case ENCR_CHACHA20_POLY1305:
			*out = (vti_esp_overhead_t){ .iv = 8, .align = 4, .icv = 16 };
			return TRUE;
		default:
			return FALSE;
	}
}

/**
 * Length of the truncated ICV of an integrity algorithm.
 */
static int integ_icv(uint16_t integ)
{
	switch (integ)
	{
		case AUTH_UNDEFINED:
			return 0;
		case AUTH_HMAC_MD5_96:
		case AUTH_HMAC_SHA1_96:
		case AUTH_AES_XCBC_96:
		case AUTH_AES_CMAC_96:
		case AUTH_HMAC_SHA2_256_96:
		case AUTH_CAMELLIA_XCBC_96:
			return 12;
		case AUTH_HMAC_MD5_128:
		case AUTH_HMAC_SHA1_128:
		case AUTH_HMAC_SHA2_256_128:
		case AUTH_AES_128_GMAC:
		case AUTH_AES_192_GMAC:
		case AUTH_AES_256_GMAC:
			return 16;
		case AUTH_HMAC_SHA1_160:
			return 20;
		case AUTH_HMAC_SHA2_384_192:
			return 24;
		case AUTH_HMAC_SHA2_512_256:
		case AUTH_HMAC_SHA2_256_256:
			return 32;
		case AUTH_HMAC_SHA2_384_384:
			return 48;
		case AUTH_HMAC_SHA2_512_512:
			return 64;
		default:
			return -1;
	}
}

/*
 * Described in header
 */
bool vti_mtu_esp_overhead(uint16_t encr, uint16_t integ,
						  vti_esp_overhead_t *out)
{
	vti_esp_overhead_t o;
	int icv;

	icv = integ_icv(integ);
	if (!encr_overhead(encr, &o) || icv < 0)
	{
		return FALSE;
	}
	o.icv += icv;
	*out = o;
	return TRUE;
}

/*
 * Described in header
 */
uint32_t vti_mtu_inner(uint32_t path_mtu, int family, bool natt,
					   const vti_esp_overhead_t *esp)
{
	uint32_t fixed, room;

	fixed = (family == AF_INET6 ? IPV6_HEADER : IPV4_HEADER) +
			(natt ? UDP_HEADER : 0) + ESP_HEADER + esp->iv + esp->icv;
	if (path_mtu <= fixed + ESP_TRAILER || !esp->align)
	{
		return 0;
	}
	/* the encrypted part (payload + trailer) is a multiple of align */
	room = (path_mtu - fixed) / esp->align * esp->align;
	return room > ESP_TRAILER ? room - ESP_TRAILER : 0;
}
