/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * ESP overhead and inner MTU, checked against the kernel's own arithmetic
 * (esp4_get_mtu/esp6_get_mtu) worked out by hand for each row.
 */

#include "vti_tests.h"
#include "vti_mtu.h"

#include <sys/socket.h>
#include <crypto/crypters/crypter.h>
#include <crypto/signers/signer.h>

static struct {
	uint16_t encr;
	uint16_t integ;
	int family;
	bool natt;
	uint32_t path;
	uint32_t inner;
} rows[] = {
	/* AES-GCM-16: IV 8, ICV 16, 4-byte alignment */
	{ ENCR_AES_GCM_ICV16, AUTH_UNDEFINED, AF_INET6, FALSE, 1500, 1426 },
	{ ENCR_AES_GCM_ICV16, AUTH_UNDEFINED, AF_INET, FALSE, 1500, 1446 },
	{ ENCR_AES_GCM_ICV16, AUTH_UNDEFINED, AF_INET, TRUE, 1500, 1438 },
	{ ENCR_AES_GCM_ICV16, AUTH_UNDEFINED, AF_INET6, TRUE, 1500, 1418 },
	{ ENCR_AES_GCM_ICV16, AUTH_UNDEFINED, AF_INET6, FALSE, 1400, 1326 },
	/* AES-CBC + HMAC-SHA2-256-128: IV 16, ICV 16, 16-byte blocks */
	{ ENCR_AES_CBC, AUTH_HMAC_SHA2_256_128, AF_INET, FALSE, 1500, 1438 },
	{ ENCR_AES_CBC, AUTH_HMAC_SHA2_256_128, AF_INET, TRUE, 1500, 1422 },
	{ ENCR_AES_CBC, AUTH_HMAC_SHA2_256_128, AF_INET6, FALSE, 1500, 1406 },
	{ ENCR_AES_CBC, AUTH_HMAC_SHA2_256_128, AF_INET6, TRUE, 1500, 1406 },
	{ ENCR_AES_CBC, AUTH_HMAC_SHA2_256_128, AF_INET6, FALSE, 1400, 1310 },
	/* ChaCha20-Poly1305: IV 8, ICV 16, 4-byte alignment */
	{ ENCR_CHACHA20_POLY1305, AUTH_UNDEFINED, AF_INET, FALSE, 1500, 1446 },
	{ ENCR_CHACHA20_POLY1305, AUTH_UNDEFINED, AF_INET, TRUE, 1500, 1438 },
	{ ENCR_CHACHA20_POLY1305, AUTH_UNDEFINED, AF_INET6, FALSE, 1500, 1426 },
	{ ENCR_CHACHA20_POLY1305, AUTH_UNDEFINED, AF_INET6, TRUE, 1500, 1418 },
	/* 3DES + HMAC-SHA1-96: IV 8, ICV 12, 8-byte blocks */
	{ ENCR_3DES, AUTH_HMAC_SHA1_96, AF_INET, FALSE, 1500, 1446 },
	/* nothing fits */
	{ ENCR_AES_CBC, AUTH_HMAC_SHA2_256_128, AF_INET6, TRUE, 90, 0 },
};

START_TEST(test_inner_mtu)
{
	vti_esp_overhead_t esp;
	uint32_t inner;

	ck_assert(vti_mtu_esp_overhead(rows[_i].encr, rows[_i].integ, &esp));
	inner = vti_mtu_inner(rows[_i].path, rows[_i].family, rows[_i].natt, &esp);
	ck_assert_msg(inner == rows[_i].inner, "row %d: %u, expected %u",
				  _i, inner, rows[_i].inner);
}
END_TEST

START_TEST(test_unknown_algorithm)
{
	vti_esp_overhead_t esp = { .iv = 99 };

	ck_assert(!vti_mtu_esp_overhead(ENCR_RC5, AUTH_UNDEFINED, &esp));
	ck_assert(!vti_mtu_esp_overhead(ENCR_AES_CBC, AUTH_KPDK_MD5, &esp));
	ck_assert_int_eq(esp.iv, 99);
}
END_TEST

Suite *mtu_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("mtu");
	tc = tcase_create("inner");
	tcase_add_loop_test(tc, test_inner_mtu, 0, countof(rows));
	tcase_add_test(tc, test_unknown_algorithm);
	suite_add_tcase(s, tc);
	return s;
}
