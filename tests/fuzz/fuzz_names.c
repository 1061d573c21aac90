/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * libFuzzer target: name templates, expanded for an id and a connection
 * name (vti_config_expand_name, at every CHILD_SA), and checked as the
 * globals' template of a listed connection (when the settings are read).
 * Input: 4 bytes of id, then the template, a NUL, the connection name.
 */

#include "fuzz.h"
#include "vti_config.h"

#include <ctype.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_library_init();
	return 0;
}

/**
 * What the kernel takes as a name as it is, and is none of its own; kept
 * apart from vti_config_values.c's checks on purpose.
 */
static bool name_ok(const char *name)
{
	const char *reserved[] = { "all", "default", "ip_vti0", "ip6_vti0",
							   "ip6tnl0", "strongswan-vti", ".", ".." };
	const u_char *pos;
	int i;

	if (!*name || strlen(name) > 15)
	{
		return FALSE;
	}
	for (pos = (const u_char*)name; *pos; pos++)
	{
		if (*pos == '/' || *pos == ':' || *pos == '%' || *pos == 0xa0 ||
			isspace(*pos) || iscntrl(*pos))
		{
			return FALSE;
		}
	}
	for (i = 0; i < (int)countof(reserved); i++)
	{
		if (streq(name, reserved[i]))
		{
			return FALSE;
		}
	}
	return TRUE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[IFNAMSIZ + 8], *tpl, *conn;
	const char *why = NULL;
	vti_config_t *config;
	vti_conn_cfg_t cfg;
	settings_t *settings;
	uint32_t id;
	bool ok, fixed;

	if (size < sizeof(id))
	{
		return 0;
	}
	memcpy(&id, data, sizeof(id));
	data += sizeof(id);
	size -= sizeof(id);
	tpl = malloc(size + 1);
	memcpy(tpl, data, size);
	tpl[size] = '\0';
	conn = tpl + strlen(tpl);
	conn += conn < tpl + size ? 1 : 0;

	/* at expansion: a name, or why not */
	memset(name, 'X', sizeof(name));
	ok = vti_config_expand_name(tpl, id, conn, name, &why);
	if (ok)
	{
		FUZZ_ASSERT(name_ok(name));
	}
	else
	{
		FUZZ_ASSERT(why && *why);
		FUZZ_ASSERT(name[0] == 'X');
	}

	/* when read: the globals' template, with a listed connection */
	settings = settings_create_string("");
	settings->set_str(settings, "charon.plugins.vti.name", tpl);
	settings->set_str(settings, "charon.plugins.vti.connections.c.mtu",
					  "auto");
	config = vti_config_create(settings, "charon");
	if (config->lookup(config, "c", &cfg))
	{
		FUZZ_ASSERT(streq(cfg.name, tpl));
		/* a template accepted when it fixes the name entirely must give
		 * that name */
		fixed = !strstr(tpl, "%id");
		if (fixed && vti_config_expand_name(tpl, id, "c", name, &why))
		{
			FUZZ_ASSERT(name_ok(name));
		}
		FUZZ_ASSERT(!fixed || vti_config_expand_name(tpl, id, "c", name,
													 &why));
	}
	config->destroy(config);
	settings->destroy(settings);
	free(tpl);
	return 0;
}
