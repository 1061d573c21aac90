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
	{ "mtu", "67", "out of range 68..65535" },
	{ "mtu", "0", "out of range 68..65535" },
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

#define IPV6_REASON "(an interface with IPv6 addresses needs at least 1280: " \
	"the kernel turns IPv6 off below)"

/**
 * Whether text occurs exactly once in the log.
 */
static bool logged_once(const char *text)
{
	char *pos = strstr(test_log, text);

	return pos && !strstr(pos + 1, text);
}

static struct {
	const char *settings;
	bool ok;
} ipv6_mtus[] = {
	{ "mtu = 1279\n addresses = 2001:db8::1/64", FALSE },
	{ "mtu = 1000\n addresses = 192.0.2.1/31, 2001:db8::1/64", FALSE },
	{ "mtu = 1280\n addresses = 2001:db8::1/64", TRUE },
	{ "mtu = auto\n addresses = 2001:db8::1/64", TRUE },
	{ "mtu = 1000\n addresses = 192.0.2.1/31", TRUE },
	{ "mtu = 68\n addresses = 192.0.2.1/31", TRUE },
	{ "mtu = 68", TRUE },
};

START_TEST(test_mtu_ipv6_connection)
{
	vti_conn_cfg_t cfg;
	char text[512], expected[256];

	snprintf(text, sizeof(text), "charon { plugins { vti { connections {\n"
			 " x { %s }\n good { }\n} } } }", ipv6_mtus[_i].settings);
	parse(text);
	ck_assert(config->lookup(config, "good", &cfg));
	if (ipv6_mtus[_i].ok)
	{
		ck_assert_msg(config->lookup(config, "x", &cfg), "log: %s", test_log);
		ck_assert_int_eq(config->errors(config), 0);
		return;
	}
	ck_assert(!config->lookup(config, "x", &cfg));
	ck_assert_int_eq(config->errors(config), 1);
	snprintf(expected, sizeof(expected), "vti: connection 'x': invalid value "
			 "'%.4s' for charon.plugins.vti.connections.x.mtu " IPV6_REASON
			 ", the connection gets no interface",
			 ipv6_mtus[_i].settings + strlen("mtu = "));
	ck_assert_msg(logged_once(expected), "log: %s", test_log);
}
END_TEST

START_TEST(test_mtu_ipv6_global_mtu)
{
	vti_conn_cfg_t cfg;

	/* fine for the globals (no addresses), not with the connection's */
	parse("charon { plugins { vti {\n mtu = 1000\n connections {\n"
		  "  x { addresses = 2001:db8::1/64 }\n"
		  "  v4 { addresses = 192.0.2.1/31 }\n"
		  "  own { mtu = 1400\n addresses = 2001:db8::1/64 }\n"
		  "} } } }");
	ck_assert_int_eq(config->errors(config), 1);
	ck_assert(!config->lookup(config, "x", &cfg));
	ck_assert_msg(logged_once("vti: connection 'x': invalid value '1000' for "
				  "charon.plugins.vti.mtu " IPV6_REASON ", the connection gets "
				  "no interface"), "log: %s", test_log);
	ck_assert(config->lookup(config, "v4", &cfg));
	ck_assert_int_eq(cfg.mtu, 1000);
	ck_assert(config->lookup(config, "own", &cfg));
	ck_assert(config->lookup(config, "unlisted", &cfg));
	ck_assert_int_eq(cfg.mtu, 1000);
}
END_TEST

START_TEST(test_mtu_ipv6_global_addresses)
{
	vti_conn_cfg_t cfg;

	parse("charon { plugins { vti {\n addresses = 2001:db8::1/64\n"
		  " connections {\n  x { mtu = 1200 }\n  big { mtu = 1400 }\n"
		  "} } } }");
	ck_assert_int_eq(config->errors(config), 1);
	ck_assert(!config->lookup(config, "x", &cfg));
	ck_assert_msg(logged_once("vti: connection 'x': invalid value '1200' for "
				  "charon.plugins.vti.connections.x.mtu " IPV6_REASON
				  ", the connection gets no interface"), "log: %s", test_log);
	ck_assert(config->lookup(config, "big", &cfg));
	ck_assert(config->lookup(config, "unlisted", &cfg));
}
END_TEST

START_TEST(test_mtu_ipv6_globals)
{
	vti_conn_cfg_t cfg;

	/* bad for the globals: logged once for them, not again for each
	 * connection inheriting both */
	parse("charon { plugins { vti {\n mtu = 1000\n"
		  " addresses = 2001:db8::1/64\n connections {\n"
		  "  inherits { }\n  also { down_action = down }\n"
		  "  v4 { addresses = 192.0.2.1/31 }\n  big { mtu = 1280 }\n"
		  "  own { mtu = 1100 }\n"
		  "} } } }");
	ck_assert_msg(logged_once("vti: invalid value '1000' for "
				  "charon.plugins.vti.mtu " IPV6_REASON ", connections "
				  "relying on it get no interface"), "log: %s", test_log);
	ck_assert(!config->lookup(config, "unlisted", &cfg));
	ck_assert(!config->lookup(config, "inherits", &cfg));
	ck_assert(!config->lookup(config, "also", &cfg));
	ck_assert(!strstr(test_log, "connection 'inherits'"));
	ck_assert(!strstr(test_log, "connection 'also'"));
	/* a connection that changes either is judged on its own */
	ck_assert(config->lookup(config, "v4", &cfg));
	ck_assert_int_eq(cfg.mtu, 1000);
	ck_assert(config->lookup(config, "big", &cfg));
	ck_assert(!config->lookup(config, "own", &cfg));
	ck_assert(logged_once("connection 'own': invalid value '1100' for "
						  "charon.plugins.vti.connections.own.mtu"));
	ck_assert_int_eq(config->errors(config), 2);
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
	tcase_add_loop_test(tc, test_mtu_ipv6_connection, 0, countof(ipv6_mtus));
	tcase_add_test(tc, test_mtu_ipv6_global_mtu);
	tcase_add_test(tc, test_mtu_ipv6_global_addresses);
	tcase_add_test(tc, test_mtu_ipv6_globals);
	tcase_add_test(tc, test_netns_enumerator);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_loop_test(tc, test_expand_name, 0, countof(names));
	tcase_add_loop_test(tc, test_remote_is_shared, 0, countof(remotes));
	suite_add_tcase(s, tc);
	return s;
}
