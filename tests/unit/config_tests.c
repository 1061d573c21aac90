/*
 * charon.plugins.vti parsing and validation, name templates, shared peers.
 */

#include "vti_tests.h"
#include "vti_config.h"

#include <sys/socket.h>

static vti_config_t *config;

static vti_config_t *parse(const char *text)
{
	settings_t *settings;

	settings = settings_create_string((char*)text);
	ck_assert(settings);
	test_log_clear();
	config = vti_config_create(settings, "charon");
	settings->destroy(settings);
	return config;
}

static void teardown(void)
{
	DESTROY_IF(config);
	config = NULL;
}

START_TEST(test_defaults)
{
	vti_conn_cfg_t cfg;

	parse("charon { plugins { vti { load = yes } } }");
	ck_assert(config->lookup(config, "any-connection", &cfg));
	ck_assert_str_eq(cfg.netns, "");
	ck_assert(!cfg.netns_create);
	/* the kind's default: vti%id, xfrm%id */
	ck_assert_str_eq(cfg.name, "");
	ck_assert_int_eq(cfg.kind, VTI_KIND_SETTING_AUTO);
	ck_assert_int_eq(cfg.mtu, 0);
	ck_assert_int_eq(cfg.n_addrs, 0);
	ck_assert_int_eq(cfg.down_action, VTI_DOWN_DELETE);
	ck_assert_int_eq(config->errors(config), 0);
}
END_TEST

START_TEST(test_globals)
{
	vti_conn_cfg_t cfg;

	parse("charon { plugins { vti {\n"
		  "  netns = private\n netns_create = yes\n name = st%id\n"
		  "  mtu = 1400\n addresses = 2001:db8:ff::6/127, 198.51.100.6/31\n"
		  "  down_action = down\n} } }");
	ck_assert(config->lookup(config, "V3-2", &cfg));
	ck_assert_str_eq(cfg.netns, "private");
	ck_assert(cfg.netns_create);
	ck_assert_str_eq(cfg.name, "st%id");
	ck_assert_int_eq(cfg.mtu, 1400);
	ck_assert_int_eq(cfg.n_addrs, 2);
	ck_assert_int_eq(cfg.addrs[0].family, AF_INET6);
	ck_assert_int_eq(cfg.addrs[0].len, 127);
	ck_assert_int_eq(cfg.addrs[0].addr[15], 6);
	ck_assert_int_eq(cfg.addrs[1].family, AF_INET);
	ck_assert_int_eq(cfg.addrs[1].len, 31);
	ck_assert_int_eq(cfg.addrs[1].addr[0], 198);
	ck_assert_int_eq(cfg.down_action, VTI_DOWN_SET_DOWN);
	ck_assert_int_eq(config->errors(config), 0);
}
END_TEST

START_TEST(test_connection_overrides)
{
	vti_conn_cfg_t cfg;

	parse("charon { plugins { vti {\n netns = private\n mtu = 1400\n"
		  " connections {\n"
		  "  V3-2 { name = vti%conn\n mtu = auto\n addresses = 2001:db8:ff::6/127 }\n"
		  "  off { enable = no }\n"
		  "  gw-1 { netns = other }\n"
		  " }\n} } }");
	ck_assert(config->lookup(config, "V3-2", &cfg));
	ck_assert_str_eq(cfg.netns, "private");
	ck_assert_str_eq(cfg.name, "vti%conn");
	ck_assert_int_eq(cfg.mtu, 0);
	ck_assert_int_eq(cfg.n_addrs, 1);
	ck_assert(!config->lookup(config, "off", &cfg));
	ck_assert(config->lookup(config, "gw-1", &cfg));
	ck_assert_str_eq(cfg.netns, "other");
	ck_assert_int_eq(cfg.mtu, 1400);
	ck_assert(config->lookup(config, "unlisted", &cfg));
	ck_assert_int_eq(cfg.mtu, 1400);
}
END_TEST

START_TEST(test_auto_no)
{
	vti_conn_cfg_t cfg;

	parse("charon { plugins { vti {\n auto = no\n"
		  " connections { listed { } }\n} } }");
	ck_assert(config->lookup(config, "listed", &cfg));
	ck_assert(!config->lookup(config, "unlisted", &cfg));
}
END_TEST

static struct {
	const char *key;
	const char *value;
	const char *reason;
} bad[] = {
	{ "mtu", "abc", "expected auto or a number" },
	{ "mtu", "20", "out of range" },
	{ "mtu", "70000", "out of range" },
	{ "down_action", "maybe", "expected delete or down" },
	{ "name", "vti%x", "only %id and %conn" },
	{ "addresses", "2001:db8::1", "needs its prefix length" },
	{ "addresses", "foo/24", "not an address" },
	{ "addresses", "192.0.2.1/33", "not an address" },
	{ "netns", "a/b", "not a name" },
	{ "enable", "perhaps", "expected yes or no" },
	{ "kind", "gre", "expected auto, vti or xfrm" },
};

START_TEST(test_bad_connection_value)
{
	vti_conn_cfg_t cfg;
	char text[512], expected[256];

	snprintf(text, sizeof(text), "charon { plugins { vti { connections {\n"
			 " broken { %s = %s }\n good { }\n} } } }", bad[_i].key,
			 bad[_i].value);
	parse(text);
	ck_assert_int_eq(config->errors(config), 1);
	ck_assert(!config->lookup(config, "broken", &cfg));
	ck_assert(config->lookup(config, "good", &cfg));
	snprintf(expected, sizeof(expected), "connection 'broken': invalid value "
			 "'%s' for charon.plugins.vti.connections.broken.%s",
			 bad[_i].value, bad[_i].key);
	ck_assert_msg(strstr(test_log, expected), "log: %s", test_log);
	ck_assert_msg(strstr(test_log, bad[_i].reason), "log: %s", test_log);
	/* logged once */
	ck_assert(!strstr(strstr(test_log, expected) + 1, expected));
}
END_TEST

START_TEST(test_bad_global_value)
{
	vti_conn_cfg_t cfg;

	parse("charon { plugins { vti {\n mtu = huge\n"
		  " connections { fixed { mtu = 1400 }\n inherits { } }\n} } }");
	ck_assert_int_eq(config->errors(config), 1);
	ck_assert(strstr(test_log, "invalid value 'huge' for charon.plugins.vti.mtu"));
	ck_assert(!config->lookup(config, "unlisted", &cfg));
	ck_assert(!config->lookup(config, "inherits", &cfg));
	/* a connection that sets its own valid value is fine */
	ck_assert(config->lookup(config, "fixed", &cfg));
	ck_assert_int_eq(cfg.mtu, 1400);
}
END_TEST

START_TEST(test_netns_enumerator)
{
	enumerator_t *enumerator;
	char *netns, seen[256] = "";

	parse("charon { plugins { vti {\n netns = private\n"
		  " connections { a { netns = other }\n b { }\n c { netns = other } }\n"
		  "} } }");
	enumerator = config->create_netns_enumerator(config);
	while (enumerator->enumerate(enumerator, &netns))
	{
		strcat(seen, "[");
		strcat(seen, netns);
		strcat(seen, "]");
	}
	enumerator->destroy(enumerator);
	ck_assert_str_eq(seen, "[][private][other]");
}
END_TEST

static struct {
	const char *tpl;
	uint32_t id;
	const char *conn;
	const char *name;
} names[] = {
	{ "vti%id", 6, "V3-2", "vti6" },
	{ "vti%id", 4294967295u, "x", "vti4294967295" },
	{ "st0.%id", 1, "x", "st0.1" },
	{ "%conn", 6, "V3-2", "V3-2" },
	{ "v-%conn-%id", 7, "ab", "v-ab-7" },
	{ "vti%id%id", 1234567, "x", NULL },
	{ "%conn", 1, "a-very-long-connection", NULL },
	{ "%conn", 1, "with space", NULL },
	{ "%conn", 1, "a/b", NULL },
	{ "%conn", 1, "a:b", NULL },
	{ "%conn", 1, "", NULL },
};

START_TEST(test_expand_name)
{
	char buf[IFNAMSIZ] = "unchanged";

	if (names[_i].name)
	{
		ck_assert(vti_config_expand_name(names[_i].tpl, names[_i].id,
										 names[_i].conn, buf));
		ck_assert_str_eq(buf, names[_i].name);
	}
	else
	{
		ck_assert(!vti_config_expand_name(names[_i].tpl, names[_i].id,
										  names[_i].conn, buf));
		ck_assert_str_eq(buf, "unchanged");
	}
}
END_TEST

static struct {
	const char *remote_addrs;
	bool shared;
} remotes[] = {
	{ "%any", TRUE },
	{ "%any6", TRUE },
	{ "", TRUE },
	{ "0.0.0.0", TRUE },
	{ "::", TRUE },
	{ "192.0.2.0/24", TRUE },
	{ "192.0.2.10-192.0.2.20", TRUE },
	{ "2001:db8::1,2001:db8::2", TRUE },
	{ "2001:db8:3::2", FALSE },
	{ "192.0.2.2", FALSE },
	{ "gw-1.example.com", FALSE },
};

START_TEST(test_remote_is_shared)
{
	ck_assert_msg(vti_config_remote_is_shared(remotes[_i].remote_addrs) ==
				  remotes[_i].shared, "%s", remotes[_i].remote_addrs);
}
END_TEST

Suite *config_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("config");
	tc = tcase_create("settings");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_globals);
	tcase_add_test(tc, test_connection_overrides);
	tcase_add_test(tc, test_auto_no);
	tcase_add_loop_test(tc, test_bad_connection_value, 0, countof(bad));
	tcase_add_test(tc, test_bad_global_value);
	tcase_add_test(tc, test_netns_enumerator);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_loop_test(tc, test_expand_name, 0, countof(names));
	tcase_add_loop_test(tc, test_remote_is_shared, 0, countof(remotes));
	suite_add_tcase(s, tc);
	return s;
}
