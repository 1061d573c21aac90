/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * libFuzzer target: the addresses setting (a comma-separated ADDR/LEN list)
 * as any bytes, set in the settings directly (no strongswan.conf syntax in
 * the way), for the globals and for a connection; what is accepted must
 * print back to what was written. The same bytes as a connection's
 * remote_addrs, which vti_config_remote_is_shared() reads (a list, a
 * range, a subnet, %any).
 */

#include "fuzz.h"
#include "vti_config.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_library_init();
	return 0;
}

/**
 * Whether the prefixes are the list in str, element by element, each
 * written as inet_ntop() and the length in decimal would read the same.
 */
static void check_prefixes(const char *str, vti_conn_cfg_t *cfg)
{
	char addr[INET6_ADDRSTRLEN], back[INET6_ADDRSTRLEN + 8];
	uint8_t again[16];
	int i, n = 0;
	const char *pos;

	for (pos = str; *pos; pos++)
	{
		n += *pos == ',';
	}
	FUZZ_ASSERT(cfg->n_addrs <= VTI_MAX_ADDRS);
	/* an empty list, or one element per comma and one more */
	FUZZ_ASSERT(cfg->n_addrs == 0 ? n == 0 : cfg->n_addrs == n + 1);
	for (i = 0; i < cfg->n_addrs; i++)
	{
		FUZZ_ASSERT(cfg->addrs[i].family == AF_INET ||
					cfg->addrs[i].family == AF_INET6);
		FUZZ_ASSERT(cfg->addrs[i].len >= 1 &&
					cfg->addrs[i].len <= (cfg->addrs[i].family == AF_INET ?
										  32 : 128));
		FUZZ_ASSERT(inet_ntop(cfg->addrs[i].family, cfg->addrs[i].addr, addr,
							  sizeof(addr)));
		FUZZ_ASSERT(inet_pton(cfg->addrs[i].family, addr, again) == 1);
		FUZZ_ASSERT(memeq(again, cfg->addrs[i].addr,
						  cfg->addrs[i].family == AF_INET ? 4 : 16));
		snprintf(back, sizeof(back), "/%u", cfg->addrs[i].len);
		FUZZ_ASSERT(strstr(str, back));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vti_config_t *config;
	vti_conn_cfg_t cfg;
	settings_t *settings;
	char *value;

	value = fuzz_string(data, size);
	settings = settings_create_string("");
	settings->set_str(settings, "charon.plugins.vti.addresses", value);
	settings->set_str(settings, "charon.plugins.vti.connections.c.addresses",
					  value);
	settings->set_str(settings, "charon.plugins.vti.connections.d.mtu",
					  "1280");
	config = vti_config_create(settings, "charon");
	if (config->lookup(config, "unlisted", &cfg))
	{
		check_prefixes(value, &cfg);
	}
	if (config->lookup(config, "c", &cfg))
	{
		check_prefixes(value, &cfg);
	}
	if (config->lookup(config, "d", &cfg))
	{
		check_prefixes(value, &cfg);
	}
	/* a list, a subnet or %any are shared; one address is not */
	if (strchr(value, ',') || strchr(value, '/') || !*value)
	{
		FUZZ_ASSERT(vti_config_remote_is_shared(value));
	}
	vti_config_remote_is_shared(value);
	/* both read the same value: both accept it or neither */
	FUZZ_ASSERT(config->lookup(config, "unlisted", &cfg) ==
				config->lookup(config, "c", &cfg));
	config->destroy(config);
	settings->destroy(settings);
	free(value);
	return 0;
}
