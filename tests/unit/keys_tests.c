/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The keys of charon.plugins.vti: unknown ones and ones in the wrong
 * section logged once at every read (start, reload); and plugin/vti.opt,
 * which documents them, against the parser: every key where it says, its
 * default, values, range and examples.
 */

#include "vti_tests.h"
#include "vti_config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

static vti_config_t *config;

static void parse(const char *text)
{
	settings_t *settings;

	settings = settings_create_string((char*)text);
	ck_assert_msg(settings, "strongswan.conf refused: %s", text);
	DESTROY_IF(config);
	test_log_clear();
	config = vti_config_create(settings, "charon");
	settings->destroy(settings);
}

static void teardown(void)
{
	DESTROY_IF(config);
	config = NULL;
}

/**
 * How often text occurs in the log.
 */
static int logged(const char *text)
{
	char *pos;
	int count = 0;

	for (pos = strstr(test_log, text); pos; pos = strstr(pos + 1, text))
	{
		count++;
	}
	return count;
}

static struct {
	/** inside charon.plugins.vti */
	const char *settings;
	/** the line logged */
	const char *line;
} unknown[] = {
	{ "connections { x { netns_create = yes } }",
	  "vti: unknown setting charon.plugins.vti.connections.x.netns_create: "
	  "only global" },
	{ "connections { x { resync = 5 } }",
	  "vti: unknown setting charon.plugins.vti.connections.x.resync: "
	  "only global" },
	{ "connections { x { auto = no } }",
	  "vti: unknown setting charon.plugins.vti.connections.x.auto: "
	  "only global" },
	{ "enable = no",
	  "vti: unknown setting charon.plugins.vti.enable: only per connection, "
	  "under connections.<conn>" },
	{ "down_acton = down",
	  "vti: unknown setting charon.plugins.vti.down_acton: no such setting, "
	  "did you mean down_action?" },
	{ "connections { x { adresses = 192.0.2.1/32 } }",
	  "vti: unknown setting charon.plugins.vti.connections.x.adresses: "
	  "no such setting, did you mean addresses?" },
	{ "connections { x { Netns = private } }",
	  "vti: unknown setting charon.plugins.vti.connections.x.Netns: "
	  "no such setting, did you mean netns?" },
	{ "bandwidth = 10",
	  "vti: unknown setting charon.plugins.vti.bandwidth: no such setting" },
	{ "connection { x { netns = private } }",
	  "vti: unknown section charon.plugins.vti.connection: no such section, "
	  "a connection's settings go under connections" },
	{ "connections { x { mtu { a = b } } }",
	  "vti: unknown section charon.plugins.vti.connections.x.mtu: "
	  "no such section" },
	{ "connections { netns = private\n x { } }",
	  "vti: unknown setting charon.plugins.vti.connections.netns: "
	  "connections holds a section per connection" },
};

START_TEST(test_unknown_key)
{
	vti_conn_cfg_t cfg;
	char text[512];

	snprintf(text, sizeof(text), "charon { plugins { vti {\n%s\n"
			 " connections { good { } }\n} } }", unknown[_i].settings);
	parse(text);
	ck_assert_msg(logged(unknown[_i].line) == 1, "log: %s", test_log);
	ck_assert_msg(logged("vti: unknown") == 1, "log: %s", test_log);
	/* logged, without effect: no value is invalid, connections stay */
	ck_assert_int_eq(config->errors(config), 0);
	ck_assert(config->lookup(config, "good", &cfg));
	ck_assert(config->lookup(config, "unlisted", &cfg));
	ck_assert_int_eq(cfg.down_action, VTI_DOWN_DELETE);
	ck_assert(!cfg.netns_create);
	ck_assert_str_eq(cfg.netns, "");
	/* and again, once, at the next read (a reload) */
	parse(text);
	ck_assert_msg(logged(unknown[_i].line) == 1, "log: %s", test_log);
}
END_TEST

START_TEST(test_known_keys)
{
	parse("charon { plugins { vti {\n load = yes\n auto = yes\n"
		  " resync = 30\n netns = private\n netns_create = yes\n"
		  " name = v%id\n kind = auto\n mtu = 1400\n addresses = 192.0.2.1/31\n"
		  " down_action = down\n on_demand = up\n connections { x {\n enable = yes\n"
		  " netns = other\n name = w%id\n kind = vti\n mtu = 1300\n"
		  " addresses = 192.0.2.3/31\n down_action = delete\n on_demand = no\n} }\n} } }");
	ck_assert_msg(!strstr(test_log, "unknown"), "log: %s", test_log);
	ck_assert_int_eq(config->errors(config), 0);
}
END_TEST

START_TEST(test_effective_logged)
{
	settings_t *settings;

	settings = settings_create_string("charon { plugins { vti {\n"
		"netns = private\n kind = XFRM\n connections { V3-2 {\n"
		"addresses = 2001:db8:ff::6/127, 192.0.2.1/31\n down_action = Down\n"
		"on_demand = No\n mtu = 1400 }\n off { enable = no\n mtu = 1 } }\n} } }");
	test_log_clear();
	test_log_level = 2;
	config = vti_config_create(settings, "charon");
	settings->destroy(settings);
	ck_assert_msg(logged("vti: settings: auto yes, resync 60, netns_create no, "
				  "netns 'private', name '', kind xfrm, mtu auto, addresses '', "
				  "down_action delete, on_demand up\n") == 1, "log: %s",
				  test_log);
	ck_assert_msg(logged("vti: settings of connection 'V3-2': enable yes, "
				  "netns 'private', name '', kind xfrm, mtu 1400, addresses "
				  "'2001:db8:ff::6/127, 192.0.2.1/31', down_action down, "
				  "on_demand no\n") == 1,
				  "log: %s", test_log);
	ck_assert_msg(logged("vti: settings of connection 'off': enable no, "
				  "netns 'private', name '', kind xfrm, mtu auto, addresses '', "
				  "down_action delete, on_demand up (invalid: no "
				  "interface)\n") == 1,
				  "log: %s", test_log);
}
END_TEST

/** The most keys vti.opt may have */
#define MAX_KEYS 32

/**
 * A key as plugin/vti.opt describes it.
 */
typedef struct {
	/** its name under charon.plugins.vti (or a connection's section) */
	char name[32];
	/** its default, "<...>" where it is no value */
	char def[64];
	/** set globally, per connection */
	bool global, conn;
	/** read by strongSwan's plugin loader */
	bool loader;
	/** yes or no */
	bool boolean;
	/** names it takes, '|' between them */
	char values[64];
	/** a range, if any */
	bool has_range;
	u_long min, max;
	/** values it takes */
	char examples[4][64];
	int n_examples;
} opt_key_t;

static opt_key_t keys[MAX_KEYS];
static int n_keys;

/** whether the attributes read go to keys[n_keys - 1] (not a section's) */
static bool in_key;

/**
 * Copy an attribute's value, which must fit.
 */
static void copy(char *dst, size_t len, const char *src)
{
	ck_assert_msg(strlen(src) < len, "vti.opt: too long for the test: %s",
				  src);
	memcpy(dst, src, strlen(src) + 1);
}

/**
 * One line of vti.opt: a key's header, or an attribute of the last key.
 */
static void opt_line(char *line)
{
	static const char global[] = "charon.plugins.vti.";
	static const char conn[] = "charon.plugins.vti.connections.<conn>.";
	opt_key_t *key;
	char *eq;

	line[strcspn(line, "\n")] = '\0';
	if (*line && *line != '\t' && *line != '#')
	{
		in_key = FALSE;
	}
	if (strpfx(line, global) && !strstr(line, "{}"))
	{
		in_key = TRUE;
		ck_assert_msg(n_keys < MAX_KEYS, "too many keys in vti.opt");
		key = &keys[n_keys++];
		memset(key, 0, sizeof(*key));
		key->conn = strpfx(line, conn);
		key->global = !key->conn;
		eq = strstr(line, " =") ?: strstr(line, " :=");
		ck_assert_msg(eq, "vti.opt: %s", line);
		snprintf(key->name, sizeof(key->name), "%.*s",
				 (int)(eq - line - strlen(key->conn ? conn : global)),
				 line + strlen(key->conn ? conn : global));
		eq = strchr(eq, '=') + 1;
		snprintf(key->def, sizeof(key->def), "%s", *eq ? eq + 1 : "");
		return;
	}
	if (!in_key || !strpfx(line, "\t@"))
	{
		return;
	}
	key = &keys[n_keys - 1];
	if (streq(line, "\t@connection"))
	{
		key->conn = TRUE;
	}
	key->loader |= streq(line, "\t@loader");
	key->boolean |= streq(line, "\t@bool");
	if (strpfx(line, "\t@values "))
	{
		copy(key->values, sizeof(key->values), line + 9);
	}
	if (strpfx(line, "\t@range "))
	{
		key->has_range = sscanf(line + 8, "%lu..%lu", &key->min,
								&key->max) == 2;
		ck_assert_msg(key->has_range, "vti.opt: %s", line);
	}
	if (strpfx(line, "\t@example ") && key->n_examples < 4)
	{
		copy(key->examples[key->n_examples++], sizeof(key->examples[0]),
			 line + 10);
	}
}

static void read_opt(void)
{
	char path[512], line[256];
	FILE *file;

	snprintf(path, sizeof(path), "%s/plugin/vti.opt",
			 getenv("VTI_TOP_SRCDIR") ?: ".");
	file = fopen(path, "r");
	ck_assert_msg(file, "%s: %m (VTI_TOP_SRCDIR unset?)", path);
	n_keys = 0;
	in_key = FALSE;
	while (fgets(line, sizeof(line), file))
	{
		opt_line(line);
	}
	fclose(file);
	ck_assert_msg(n_keys >= 10, "only %d keys in %s", n_keys, path);
}

/**
 * Parse key = value set globally or for connection c, with the number of
 * invalid values expected and no key reported unknown.
 */
static void set_key(opt_key_t *key, bool in_conn, const char *value,
					int errors)
{
	char text[512];

	snprintf(text, sizeof(text), in_conn ?
			 "charon { plugins { vti { connections { c {\n%s = \"%s\"\n"
			 "} } } } }" : "charon { plugins { vti {\n%s = \"%s\"\n} } }",
			 key->name, value);
	parse(text);
	ck_assert_msg(config->errors(config) == errors, "%s: %d invalid values, "
				  "%d expected; log: %s", text, config->errors(config),
				  errors, test_log);
	ck_assert_msg(!strstr(test_log, "unknown"), "%s: %s", text, test_log);
}

/**
 * Each example and each documented value, name (in any case) or bound
 * of the range, taken; what lies next to them refused.
 */
static void check_values(opt_key_t *key, bool in_conn)
{
	char names[64], upper[64], *name, *pos, num[32];
	int i;

	for (i = 0; i < key->n_examples; i++)
	{
		set_key(key, in_conn, key->examples[i], 0);
	}
	if (key->boolean)
	{
		set_key(key, in_conn, "no", 0);
		set_key(key, in_conn, "YES", 0);
		set_key(key, in_conn, "maybe", 1);
	}
	snprintf(names, sizeof(names), "%s", key->values);
	for (name = strtok(names, "|"); name; name = strtok(NULL, "|"))
	{
		set_key(key, in_conn, name, 0);
		snprintf(upper, sizeof(upper), "%s", name);
		for (pos = upper; *pos; pos++)
		{
			*pos = toupper(*pos);
		}
		set_key(key, in_conn, upper, 0);
	}
	if (key->values[0])
	{
		set_key(key, in_conn, "bogus", 1);
	}
	if (key->has_range)
	{
		snprintf(num, sizeof(num), "%lu", key->min);
		set_key(key, in_conn, num, 0);
		snprintf(num, sizeof(num), "%lu", key->max);
		set_key(key, in_conn, num, 0);
		snprintf(num, sizeof(num), "%lu", key->max + 1);
		set_key(key, in_conn, num, 1);
		if (key->min)
		{
			snprintf(num, sizeof(num), "%lu", key->min - 1);
			set_key(key, in_conn, num, 1);
		}
	}
}

/**
 * What a connection gets, as a string to compare.
 */
static void effective(const char *conn, char *buf, size_t len)
{
	vti_conn_cfg_t cfg = {};
	bool found;

	found = config->lookup(config, conn, &cfg);
	snprintf(buf, len, "%d %u %s %d %s %d %u %d %d %d", found,
			 config->resync_interval(config), cfg.netns, cfg.netns_create,
			 cfg.name, cfg.kind, cfg.mtu, cfg.n_addrs, cfg.down_action,
			 cfg.on_demand);
}

/**
 * Setting the default gives what not setting it gives.
 */
static void check_default(opt_key_t *key, bool in_conn)
{
	char unset[256], set[256];

	if (key->def[0] == '<')
	{
		return;
	}
	parse(in_conn ? "charon { plugins { vti { connections { c { } } } } }" :
		  "charon { plugins { vti { } } }");
	effective("c", unset, sizeof(unset));
	set_key(key, in_conn, key->def, 0);
	effective("c", set, sizeof(set));
	ck_assert_msg(streq(unset, set), "%s = %s is not the default: %s, "
				  "unset %s", key->name, key->def, set, unset);
}

/**
 * A key where vti.opt says it may not be set is reported there, once.
 */
static void check_misplaced(opt_key_t *key, bool in_conn)
{
	char text[512], line[256];

	snprintf(text, sizeof(text), in_conn ?
			 "charon { plugins { vti { connections { c {\n%s = %s\n} } } } }" :
			 "charon { plugins { vti {\n%s = %s\n} } }", key->name,
			 key->n_examples ? key->examples[0] : "yes");
	parse(text);
	snprintf(line, sizeof(line), "vti: unknown setting charon.plugins.vti.%s"
			 "%s: only %s", in_conn ? "connections.c." : "", key->name,
			 in_conn ? "global" : "per connection");
	ck_assert_msg(logged(line) == 1, "%s: %s", text, test_log);
}

START_TEST(test_opt)
{
	opt_key_t *key;
	int i, where;

	read_opt();
	for (i = 0; i < n_keys; i++)
	{
		key = &keys[i];
		for (where = 0; where < 2; where++)
		{
			if (!(where ? key->conn : key->global))
			{
				check_misplaced(key, where);
				continue;
			}
			if (key->loader)
			{
				set_key(key, where, key->def, 0);
				continue;
			}
			ck_assert_msg(key->n_examples, "%s: no example", key->name);
			check_values(key, where);
			check_default(key, where);
		}
	}
}
END_TEST

Suite *keys_suite_create(void)
{
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("unknown and documented keys");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_loop_test(tc, test_unknown_key, 0, countof(unknown));
	tcase_add_test(tc, test_known_keys);
	tcase_add_test(tc, test_effective_logged);
	tcase_add_test(tc, test_opt);
	suite_add_tcase(s, tc);
	return s;
}
