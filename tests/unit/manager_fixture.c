/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The manager over the fake kernel.
 */

#include "manager_fixture.h"
#include "vti_tests.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <crypto/crypters/crypter.h>
#include <crypto/signers/signer.h>

fake_backend_t *fake;
vti_manager_t *manager;

void fixture_start(const char *settings_text)
{
	settings_t *settings;

	settings = settings_create_string((char*)settings_text);
	fake = fake_backend_create();
	test_threads();
	manager = vti_manager_create(vti_config_create(settings, "charon"),
								 &fake->backend);
	settings->destroy(settings);
	test_log_clear();
}

void fixture_stop(void)
{
	if (manager)
	{
		manager->destroy(manager);
		manager = NULL;
	}
	fake_backend_free(fake);
	fake = NULL;
}

void fixture_restart(const char *settings_text)
{
	fixture_stop();
	fixture_start(settings_text);
}

vti_tunnel_t tunnel(const char *conn, uint32_t child, uint32_t ike,
					uint32_t mark, const char *local, const char *remote)
{
	vti_tunnel_t t = {
		.conn = conn,
		.child_id = child,
		.ike_id = ike,
		.mark_in = mark,
		.mark_out = mark,
		.family = strchr(local, ':') ? AF_INET6 : AF_INET,
	};

	inet_pton(t.family, local, t.local);
	inet_pton(t.family, remote, t.remote);
	t.esp_known = vti_mtu_esp_overhead(ENCR_AES_GCM_ICV16, AUTH_UNDEFINED,
									   &t.esp);
	return t;
}
