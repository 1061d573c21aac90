/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Prints settings as libstrongswan reads them from STRONGSWAN_CONF, the
 * way charon does (includes, references and all). KEY and SECTION are
 * dotted paths, passed as libstrongswan's key format: a dot in an argument
 * of "%s" would be part of a name, not a separator.
 *   settings KEY...        "KEY = VALUE" or "KEY unset", a line each
 *   settings -s SECTION    the names of SECTION's subsections, a line each
 */

#include <stdio.h>
#include <string.h>

#include <library.h>

/**
 * Print the subsections of a section, one a line.
 *
 * @param section	dotted path of the section
 */
static void print_sections(char *section)
{
	enumerator_t *enumerator;
	char *name;

	enumerator = lib->settings->create_section_enumerator(lib->settings,
														  section);
	while (enumerator->enumerate(enumerator, &name))
	{
		printf("%s\n", name);
	}
	enumerator->destroy(enumerator);
}

int main(int argc, char *argv[])
{
	char *value;
	int i;

	if (!library_init(NULL, "vti-examples"))
	{
		fprintf(stderr, "library_init() failed (STRONGSWAN_CONF %s)\n",
				getenv("STRONGSWAN_CONF") ?: "unset");
		library_deinit();
		return 1;
	}
	if (argc == 3 && streq(argv[1], "-s"))
	{
		print_sections(argv[2]);
	}
	else
	{
		for (i = 1; i < argc; i++)
		{
			value = lib->settings->get_str(lib->settings, argv[i], NULL);
			if (value)
			{
				printf("%s = %s\n", argv[i], value);
			}
			else
			{
				printf("%s unset\n", argv[i]);
			}
		}
	}
	library_deinit();
	return 0;
}
