/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

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

/**
 * Whether text occurs exactly once in the log.
 */
static bool logged_once(const char *text)
{
	char *pos = strstr(test_log, text);

	return pos && !strstr(pos + 1, text);
}

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
	{ "addresses", "foo/24", "not an IPv4 or IPv6 address" },
	{ "addresses", "192.0.2.1/33", "not a prefix length from 1 to 32" },
	{ "netns", "a/b", "not a name under /run/netns: '/'" },
	{ "enable", "perhaps", "expected yes or no" },
	{ "kind", "gre", "expected auto, vti or xfrm" },
};

/**
 * Connection "broken" with key = text (value as the log quotes it) is
 * refused for reason, logged once; "good" beside it is not.
 */
static void assert_connection_refused(const char *key, const char *text,
									  const char *value, const char *reason)
{
	vti_conn_cfg_t cfg;
	char settings[512], expected[256];

	snprintf(settings, sizeof(settings), "charon { plugins { vti { "
			 "connections {\n broken { %s = %s }\n good { }\n} } } }", key,
			 text);
	parse(settings);
	ck_assert_msg(config->errors(config) == 1, "errors %d, log: %s",
				  config->errors(config), test_log);
	ck_assert(!config->lookup(config, "broken", &cfg));
	ck_assert(config->lookup(config, "good", &cfg));
	snprintf(expected, sizeof(expected), "connection 'broken': invalid value "
			 "'%s' for charon.plugins.vti.connections.broken.%s (", value, key);
	ck_assert_msg(strstr(test_log, expected), "log: %s", test_log);
	ck_assert_msg(strstr(strstr(test_log, expected), reason), "log: %s",
				  test_log);
	ck_assert_msg(strstr(test_log, "), the connection gets no interface"),
				  "log: %s", test_log);
	/* logged once */
	ck_assert(!strstr(strstr(test_log, expected) + 1, expected));
}

START_TEST(test_bad_connection_value)
{
	assert_connection_refused(bad[_i].key, bad[_i].value, bad[_i].value,
							  bad[_i].reason);
}
END_TEST

/** As many addresses as an interface may get */
#define EIGHT_ADDRESSES "192.0.2.1/32, 192.0.2.2/32, 192.0.2.3/32, " \
	"192.0.2.4/32, 192.0.2.5/32, 192.0.2.6/32, 192.0.2.7/32, 192.0.2.8/32"

/**
 * Hostile values: text is what strongswan.conf says (quoted where it has
 * white space), value what the log quotes.
 */
static struct {
	const char *key;
	const char *text;
	const char *value;
	const char *reason;
} hostile[] = {
	/* a namespace is a file under /run/netns, opened as root */
	{ "netns", "..", "..", "'.' and '..'" },
	{ "netns", ".", ".", "'.' and '..'" },
	{ "netns", "../../etc/passwd", "../../etc/passwd", "'/' would reach" },
	{ "netns", "/proc/1/ns/net", "/proc/1/ns/net", "'/' would reach" },
	{ "netns", "\"   \"", "   ", "empty once white space is trimmed" },
	{ "netns", "\"\t\"", "\t", "empty once white space is trimmed" },
	{ "netns", "\" priv\"", " priv", "white space or control characters" },
	{ "netns", "\"a\\nb\"", "a\nb", "white space or control characters" },
	{ "netns", "x123456789012345678901234567890123456789012345678901234567890123",
	  "x123456789012345678901234567890123456789012345678901234567890123",
	  "longer than 63 bytes" },
	/* names the kernel refuses (dev_valid_name(), sysctl directories) */
	{ "name", "vti/%id", "vti/%id", "'/', ':' or white space" },
	{ "name", "vti:%id", "vti:%id", "'/', ':' or white space" },
	{ "name", "\"vti %id\"", "vti %id", "'/', ':' or white space" },
	{ "name", "\"vti\\t%id\"", "vti\t%id", "'/', ':' or white space" },
	{ "name", ".", ".", "'.' and '..'" },
	{ "name", "..", "..", "'.' and '..'" },
	{ "name", "all", "all", "/proc/sys/net/ipv4/conf/all" },
	{ "name", "default", "default", "/proc/sys/net/ipv4/conf/default" },
	{ "name", "averyveryverylong", "averyveryverylong",
	  "longer than 15 bytes" },
	{ "name", "averylongername%id", "averylongername%id",
	  "longer than 15 bytes whatever the id" },
	/* the kernel's own devices, one per namespace, and the name every new
	 * interface is born under */
	{ "name", "ip_vti0", "ip_vti0", "fallback device" },
	{ "name", "ip6_vti0", "ip6_vti0", "fallback device" },
	{ "name", "ip6tnl0", "ip6tnl0", "fallback device" },
	{ "name", "strongswan-vti", "strongswan-vti", "temporary name" },
	/* %conn of a listed connection is known: broken */
	{ "name", "%conn-suffix-id", "%conn-suffix-id",
	  "longer than 15 bytes" },
	/* addresses, strictly */
	{ "addresses", "192.0.2.1/24x", "192.0.2.1/24x", "prefix length" },
	{ "addresses", "192.0.2.1/+24", "192.0.2.1/+24", "prefix length" },
	{ "addresses", "192.0.2.1/024", "192.0.2.1/024", "prefix length" },
	{ "addresses", "192.0.2.1/0", "192.0.2.1/0", "prefix length" },
	{ "addresses", "2001:db8::1/129", "2001:db8::1/129", "prefix length" },
	{ "addresses", "2001:db8::1/0", "2001:db8::1/0", "prefix length" },
	{ "addresses", "192.0.2.1/99999999999999999999999",
	  "192.0.2.1/99999999999999999999999", "prefix length" },
	{ "addresses", "192.0.2.1x/24", "192.0.2.1x/24", "not an IPv4 or IPv6" },
	{ "addresses", "%any/0", "%any/0", "not an IPv4 or IPv6" },
	{ "addresses", "%any6/64", "%any6/64", "not an IPv4 or IPv6" },
	{ "addresses", "192.0.2.1/24/8", "192.0.2.1/24/8", "prefix length" },
	{ "addresses", "0.0.0.0/8", "0.0.0.0/8", "not a unicast address" },
	{ "addresses", "::/64", "::/64", "not a unicast address" },
	{ "addresses", "224.0.0.1/24", "224.0.0.1/24", "not a unicast address" },
	{ "addresses", "ff02::1/64", "ff02::1/64", "not a unicast address" },
	{ "addresses", "255.255.255.255/32", "255.255.255.255/32",
	  "not a unicast address" },
	{ "addresses", "\"192.0.2.1/24,,192.0.2.2/24\"",
	  "192.0.2.1/24,,192.0.2.2/24", "empty element" },
	{ "addresses", "\"192.0.2.1/24,\"", "192.0.2.1/24,", "empty element" },
	{ "addresses", "\",\"", ",", "empty element" },
	{ "addresses", "\"192.0.2.1/24, 192.0.2.1/30\"",
	  "192.0.2.1/24, 192.0.2.1/30", "listed twice" },
	{ "addresses",
	  "2001:0db8:0000:0000:0000:0000:0000:0001xxxxxxxxxxxxxxxxxxxxxxxxxx/64",
	  "2001:0db8:0000:0000:0000:0000:0000:0001xxxxxxxxxxxxxxxxxxxxxxxxxx/64",
	  "not an IPv4 or IPv6" },
	/* numbers are digits */
	{ "mtu", "+1400", "+1400", "expected auto or a number" },
	/* at most 8 addresses, as documented (eight are fine, below) */
	{ "addresses", "\"" EIGHT_ADDRESSES ", 192.0.2.9/32\"",
	  EIGHT_ADDRESSES ", 192.0.2.9/32", "too many addresses (at most 8)" },
};

START_TEST(test_hostile_connection_value)
{
	assert_connection_refused(hostile[_i].key, hostile[_i].text,
							  hostile[_i].value, hostile[_i].reason);
}
END_TEST

START_TEST(test_hostile_global_value)
{
	vti_conn_cfg_t cfg;
	char text[512], expected[256];

	snprintf(text, sizeof(text), "charon { plugins { vti {\n %s = %s\n"
			 " connections { inherits { } }\n} } }", hostile[_i].key,
			 hostile[_i].text);
	parse(text);
	if (strstr(hostile[_i].value, "%conn"))
	{	/* the globals' %conn is any connection's name: judged per name */
		ck_assert_int_eq(config->errors(config), 1);
		ck_assert(!config->lookup(config, "inherits", &cfg));
		ck_assert(config->lookup(config, "unlisted", &cfg));
		ck_assert_msg(strstr(test_log, "connection 'inherits': invalid value"),
					  "log: %s", test_log);
		return;
	}
	ck_assert_msg(config->errors(config) == 1, "errors %d, log: %s",
				  config->errors(config), test_log);
	ck_assert(!config->lookup(config, "unlisted", &cfg));
	ck_assert(!config->lookup(config, "inherits", &cfg));
	snprintf(expected, sizeof(expected), "vti: invalid value '%s' for "
			 "charon.plugins.vti.%s (", hostile[_i].value, hostile[_i].key);
	ck_assert_msg(strstr(test_log, expected), "log: %s", test_log);
	ck_assert_msg(strstr(strstr(test_log, expected), hostile[_i].reason),
				  "log: %s", test_log);
	/* once, not again for the connection inheriting it */
	ck_assert_msg(!strstr(strstr(test_log, expected) + strlen(expected),
						  "invalid value"), "log: %s", test_log);
}
END_TEST

/**
 * Values that look odd and are fine.
 */
static struct {
	const char *settings;
	const char *netns;
	const char *name;
	int n_addrs;
} odd_but_fine[] = {
	/* an address with host bits is what ip addr add takes */
	{ "addresses = 2001:db8:ff::7/127, 198.51.100.7/31, 10.1.2.3/8", "", "", 3 },
	{ "addresses = 192.0.2.1/32, 2001:db8::1/128", "", "", 2 },
	{ "addresses = ::ffff:192.0.2.1/128", "", "", 1 },
	{ "addresses = \" 192.0.2.1/24 ,\t192.0.2.9/24 \"", "", "", 2 },
	{ "addresses = " EIGHT_ADDRESSES, "", "", 8 },
	/* empty: none (a connection may clear the globals') */
	{ "addresses = \"\"", "", "", 0 },
	{ "netns = \"\"", "", "", 0 },
	{ "netns = priv-1.x_y", "priv-1.x_y", "", 0 },
	{ "netns = ...", "...", "", 0 },
	{ "netns = x12345678901234567890123456789012345678901234567890123456789012",
	  "x12345678901234567890123456789012345678901234567890123456789012", "", 0 },
	{ "name = ip_vti%id", "", "ip_vti%id", 0 },
	{ "name = vti.%id", "", "vti.%id", 0 },
	{ "name = ...", "", "...", 0 },
	{ "name = 123456789012345", "", "123456789012345", 0 },
	{ "name = abcdefghijklmn%id", "", "abcdefghijklmn%id", 0 },
	{ "name = %conn", "", "%conn", 0 },
};

START_TEST(test_odd_but_fine)
{
	vti_conn_cfg_t cfg;
	char text[512];

	snprintf(text, sizeof(text), "charon { plugins { vti { connections {\n"
			 " x { %s }\n} } } }", odd_but_fine[_i].settings);
	parse(text);
	ck_assert_msg(config->lookup(config, "x", &cfg), "log: %s", test_log);
	ck_assert_int_eq(config->errors(config), 0);
	ck_assert_str_eq(cfg.netns, odd_but_fine[_i].netns);
	ck_assert_str_eq(cfg.name, odd_but_fine[_i].name);
	ck_assert_int_eq(cfg.n_addrs, odd_but_fine[_i].n_addrs);
}
END_TEST

START_TEST(test_global_conn_template)
{
	vti_conn_cfg_t cfg;

	/* the globals' %conn judged with each listed connection's name */
	parse("charon { plugins { vti {\n name = vti-%conn\n connections {\n"
		  "  ok { }\n  a-long-connection { }\n  own { name = v%id }\n"
		  "} } } }");
	ck_assert_int_eq(config->errors(config), 1);
	ck_assert(config->lookup(config, "ok", &cfg));
	ck_assert(config->lookup(config, "own", &cfg));
	ck_assert(!config->lookup(config, "a-long-connection", &cfg));
	ck_assert_msg(logged_once("vti: connection 'a-long-connection': invalid "
				  "value 'vti-%conn' for charon.plugins.vti.name ("),
				  "log: %s", test_log);
	ck_assert_msg(strstr(test_log, "longer than 15 bytes"), "log: %s",
				  test_log);
}
END_TEST

/*
 * A3: an invalid auto is taken as no (only listed connections get
 * interfaces), an invalid resync as 60 s; each logged once, with its key.
 */
START_TEST(test_bad_auto_and_resync)
{
	vti_conn_cfg_t cfg;

	parse("charon { plugins { vti {\n auto = maybe\n resync = soon\n"
		  " connections { listed { } }\n} } }");
	ck_assert_int_eq(config->errors(config), 2);
	ck_assert(logged_once("invalid value 'maybe' for charon.plugins.vti.auto"));
	ck_assert(logged_once("vti: invalid value 'soon' for "
						  "charon.plugins.vti.resync"));
	ck_assert(config->lookup(config, "listed", &cfg));
	ck_assert(!config->lookup(config, "unlisted", &cfg));
	ck_assert_int_eq(config->resync_interval(config), 60);
	config->destroy(config);
	config = NULL;
	parse("charon { plugins { vti {\n resync = 86401\n} } }");
	ck_assert_int_eq(config->resync_interval(config), 60);
	config->destroy(config);
	config = NULL;
	parse("charon { plugins { vti {\n resync = 7\n} } }");
	ck_assert_int_eq(config->errors(config), 0);
	ck_assert_int_eq(config->resync_interval(config), 7);
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
	{ "%conn", 1, ".", NULL },
	{ "%conn", 1, "..", NULL },
	{ "%conn", 1, "...", "..." },
	{ "ip_vti%id", 1, "x", "ip_vti1" },
	/* the kernel's fallback devices for vti, vti6 (and ip6_tunnel, which
	 * vti6 loads) */
	{ "ip_vti%id", 0, "x", NULL },
	{ "ip6_vti%id", 0, "x", NULL },
	{ "ip6tnl%id", 0, "x", NULL },
	{ "%conn", 0, "ip_vti0", NULL },
	/* sysctl directories: the kernel refuses links of these names */
	{ "%conn", 1, "all", NULL },
	{ "%conn", 1, "default", NULL },
	{ "%conn%id", 1, "all", "all1" },
	/* every new interface's temporary name */
	{ "%conn", 1, "strongswan-vti", NULL },
	/* the kernel's isspace() includes 0xa0 */
	{ "%conn", 1, "a\xa0" "b", NULL },
	{ "%conn", 1, "a\x01" "b", NULL },
	{ "%conn", 1, "a\x7f" "b", NULL },
	{ "%conn", 1, "a\tb", NULL },
	{ "%conn", 1, "\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9" },
	/* a '%' makes the kernel pick a free name by the pattern (a%d: a0) */
	{ "%conn", 1, "a%d", NULL },
	{ "%conn", 1, "a%", NULL },
	{ "v%id", 1, "%id", "v1" },
	{ "%conn%id", 12345, "a-conn-name", NULL },
	{ "%conn%id", 1234, "a-conn-name", "a-conn-name1234" },
};

START_TEST(test_expand_name)
{
	char buf[IFNAMSIZ] = "unchanged";
	const char *why = NULL;

	if (names[_i].name)
	{
		ck_assert_msg(vti_config_expand_name(names[_i].tpl, names[_i].id,
							names[_i].conn, buf, &why), "%s", why);
		ck_assert_str_eq(buf, names[_i].name);
	}
	else
	{
		ck_assert(!vti_config_expand_name(names[_i].tpl, names[_i].id,
										  names[_i].conn, buf, &why));
		ck_assert_str_eq(buf, "unchanged");
		ck_assert(why && *why);
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
	tcase_add_loop_test(tc, test_hostile_connection_value, 0,
						countof(hostile));
	tcase_add_loop_test(tc, test_hostile_global_value, 0, countof(hostile));
	tcase_add_loop_test(tc, test_odd_but_fine, 0, countof(odd_but_fine));
	tcase_add_test(tc, test_global_conn_template);
	tcase_add_test(tc, test_bad_global_value);
	tcase_add_test(tc, test_bad_auto_and_resync);
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
