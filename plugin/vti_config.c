/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * charon.plugins.vti: read once per load or reload, validated, each bad
 * value and each key we do not take where it is set logged once with its
 * key, connection and reason. plugin/vti.opt documents every key.
 */

#include "vti_config.h"
#include "vti_config_values.h"

#include <ctype.h>
#include <errno.h>
#include <arpa/inet.h>
#include <collections/array.h>
#include <collections/hashtable.h>
#include <utils/debug.h>

ENUM(vti_kind_setting_names, VTI_KIND_SETTING_AUTO, VTI_KIND_SETTING_XFRM,
	"auto",
	"vti",
	"xfrm",
);

ENUM(vti_down_action_names, VTI_DOWN_DELETE, VTI_DOWN_SET_DOWN,
	"delete",
	"down",
);

ENUM(vti_on_demand_names, VTI_ON_DEMAND_UP, VTI_ON_DEMAND_NO,
	"up",
	"down",
	"no",
);

typedef struct private_vti_config_t private_vti_config_t;
typedef struct entry_t entry_t;

/** Keys, as bits of entry_t.bad */
enum {
	KEY_NETNS = (1 << 0),
	KEY_NETNS_CREATE = (1 << 1),
	KEY_NAME = (1 << 2),
	KEY_MTU = (1 << 3),
	KEY_ADDRESSES = (1 << 4),
	KEY_DOWN_ACTION = (1 << 5),
	KEY_ENABLE = (1 << 6),
	KEY_KIND = (1 << 7),
	/** mtu below VTI_IPV6_MIN_MTU with IPv6 addresses, each valid alone */
	KEY_MTU_IPV6 = (1 << 8),
	KEY_ON_DEMAND = (1 << 9),
};

/** Where a key may be set */
enum {
	/** charon.plugins.vti.KEY */
	IN_GLOBAL = (1 << 0),
	/** charon.plugins.vti.connections.<conn>.KEY */
	IN_CONN = (1 << 1),
};

/**
 * Every key of charon.plugins.vti and where it may be set, as
 * plugin/vti.opt has them (make check compares the two).
 */
static const struct {
	/** the key */
	const char *name;
	/** IN_GLOBAL, IN_CONN or both */
	u_int where;
} known_keys[] = {
	/* read by strongSwan's plugin loader */
	{ "load", IN_GLOBAL },
	{ "auto", IN_GLOBAL },
	{ "resync", IN_GLOBAL },
	{ "netns", IN_GLOBAL | IN_CONN },
	{ "netns_create", IN_GLOBAL },
	{ "name", IN_GLOBAL | IN_CONN },
	{ "kind", IN_GLOBAL | IN_CONN },
	{ "mtu", IN_GLOBAL | IN_CONN },
	{ "addresses", IN_GLOBAL | IN_CONN },
	{ "down_action", IN_GLOBAL | IN_CONN },
	{ "on_demand", IN_GLOBAL | IN_CONN },
	{ "enable", IN_CONN },
};

/**
 * Settings of one connection, or the global ones.
 */
struct entry_t {
	/** connection name, NULL for the globals */
	char *conn;
	vti_conn_cfg_t cfg;
	bool enable;
	/** keys whose value is invalid here or inherited from the globals */
	u_int bad;
};

/**
 * Private data of the settings.
 */
struct private_vti_config_t {

	/** Public interface */
	vti_config_t public;

	/** charon.plugins.vti.* */
	entry_t global;

	/** act on connections not listed */
	bool auto_;

	/** seconds between resyncs, 0 for none */
	uint32_t resync;

	/** connections.<name>, entry_t*, in the order of the settings */
	array_t *conns;

	/** the same entries by connection name, for lookups per CHILD_SA */
	hashtable_t *by_conn;

	/** invalid values found */
	int errors;
};

/**
 * Log a bad value once.
 */
static void bad_value(private_vti_config_t *this, entry_t *entry,
					  const char *key, const char *value, const char *why)
{
	this->errors++;
	if (entry->conn)
	{
		DBG1(DBG_CFG, "vti: connection '%s': invalid value '%s' for "
			 "charon.plugins.vti.connections.%s.%s (%s), the connection "
			 "gets no interface", entry->conn, value, entry->conn, key, why);
	}
	else
	{
		DBG1(DBG_CFG, "vti: invalid value '%s' for charon.plugins.vti.%s (%s), "
			 "connections relying on it get no interface", value, key, why);
	}
}

/**
 * Log once that a value of the globals is invalid for a connection, with
 * what the connection sets itself.
 */
static void bad_inherited(private_vti_config_t *this, entry_t *entry,
						  const char *key, const char *value, const char *why)
{
	this->errors++;
	DBG1(DBG_CFG, "vti: connection '%s': invalid value '%s' for "
		 "charon.plugins.vti.%s (%s), the connection gets no interface",
		 entry->conn, value, key, why);
}

/**
 * Whether the addresses include an IPv6 prefix.
 */
static bool has_ipv6(vti_conn_cfg_t *cfg)
{
	int i;

	for (i = 0; i < cfg->n_addrs; i++)
	{
		if (cfg->addrs[i].family == AF_INET6)
		{
			return TRUE;
		}
	}
	return FALSE;
}

/**
 * Check the effective mtu against the effective addresses, for the globals
 * or a connection. set: the keys the entry sets itself.
 */
static void check_mtu_ipv6(private_vti_config_t *this, entry_t *entry,
						   u_int set)
{
	const char *why = "an interface with IPv6 addresses needs at least "
					  "1280: the kernel turns IPv6 off below";
	char value[16];

	entry->bad &= ~KEY_MTU_IPV6;
	if ((entry->bad & (KEY_MTU | KEY_ADDRESSES)) || !entry->cfg.mtu ||
		entry->cfg.mtu >= VTI_IPV6_MIN_MTU || !has_ipv6(&entry->cfg))
	{
		return;
	}
	entry->bad |= KEY_MTU_IPV6;
	snprintf(value, sizeof(value), "%u", entry->cfg.mtu);
	if (!entry->conn || (set & KEY_MTU))
	{
		bad_value(this, entry, "mtu", value, why);
	}
	else if (set & KEY_ADDRESSES)
	{
		/* the globals' mtu, fine for them, not with these addresses */
		bad_inherited(this, entry, "mtu", value, why);
	}
	/* else both are the globals', logged for them */
}

/**
 * Read the value of key for entry, NULL if unset
 */
static char *get_value(settings_t *settings, const char *ns, entry_t *entry,
					   const char *key)
{
	if (entry->conn)
	{
		return settings->get_str(settings, "%s.plugins.vti.connections.%s.%s",
								 NULL, ns, entry->conn, key);
	}
	return settings->get_str(settings, "%s.plugins.vti.%s", NULL, ns, key);
}

/**
 * Take a key's value, if set: ok_expr parses it, or it is logged as bad
 * (parse_entry()).
 */
#define VALUE(key, bit, ok_expr) \
	value = get_value(settings, ns, entry, key); \
	if (value) \
	{ \
		set |= (bit); \
		entry->bad &= ~(bit); \
		if (!(ok_expr)) \
		{ \
			entry->bad |= (bit); \
			bad_value(this, entry, key, value, why); \
		} \
	}

/**
 * Fill entry from the settings, starting from base (the globals).
 */
static void parse_entry(private_vti_config_t *this, settings_t *settings,
						const char *ns, entry_t *entry, entry_t *base)
{
	const char *why = "";
	char *value;
	u_int set = 0;
	bool flag;

	if (base)
	{
		entry->cfg = base->cfg;
		entry->bad = base->bad & ~KEY_ENABLE;
	}
	entry->enable = TRUE;

	VALUE("netns", KEY_NETNS, vti_value_netns(value, entry->cfg.netns, &why));
	if (!entry->conn)
	{
		why = "expected yes or no";
		VALUE("netns_create", KEY_NETNS_CREATE,
			  vti_value_bool(value, &entry->cfg.netns_create));
	}
	VALUE("name", KEY_NAME,
		  vti_value_template(value, entry->conn, entry->cfg.name, &why));
	if (entry->conn && !(set & KEY_NAME) && !(entry->bad & KEY_NAME) &&
		strstr(entry->cfg.name, "%conn") &&
		!vti_value_check_template(entry->cfg.name, entry->conn, &why))
	{
		/* the globals' template, fine for them, not with this name */
		entry->bad |= KEY_NAME;
		bad_inherited(this, entry, "name", entry->cfg.name, why);
	}
	VALUE("mtu", KEY_MTU, vti_value_mtu(value, &entry->cfg.mtu, &why));
	why = "expected auto, vti or xfrm";
	VALUE("kind", KEY_KIND,
		  enum_from_name(vti_kind_setting_names, value, &entry->cfg.kind));
	VALUE("addresses", KEY_ADDRESSES,
		  vti_value_addresses(value, &entry->cfg, &why));
	why = "expected delete or down";
	VALUE("down_action", KEY_DOWN_ACTION, enum_from_name(vti_down_action_names,
		  value, &entry->cfg.down_action));
	why = "expected up, down or no";
	VALUE("on_demand", KEY_ON_DEMAND, enum_from_name(vti_on_demand_names,
		  value, &entry->cfg.on_demand));
	if (entry->conn)
	{
		why = "expected yes or no";
		VALUE("enable", KEY_ENABLE, vti_value_bool(value, &flag) &&
			  (entry->enable = flag, TRUE));
	}
#undef VALUE
	check_mtu_ipv6(this, entry, set);
}

METHOD(vti_config_t, lookup, bool,
	private_vti_config_t *this, const char *conn, vti_conn_cfg_t *cfg)
{
	entry_t *found;

	found = this->by_conn->get(this->by_conn, conn);
	if (!found)
	{
		if (!this->auto_)
		{
			return FALSE;
		}
		found = &this->global;
	}
	if (!found->enable || found->bad)
	{
		return FALSE;
	}
	*cfg = found->cfg;
	return TRUE;
}

METHOD(vti_config_t, create_netns_enumerator, enumerator_t*,
	private_vti_config_t *this)
{
	array_t *names;
	entry_t *entry;
	char *name;
	int i, j;
	bool dup;

	names = array_create(0, 0);
	array_insert(names, ARRAY_TAIL, "");
	for (i = -1; i < (int)array_count(this->conns); i++)
	{
		entry = &this->global;
		if (i >= 0)
		{
			array_get(this->conns, i, &entry);
		}
		dup = FALSE;
		for (j = 0; j < array_count(names); j++)
		{
			array_get(names, j, &name);
			dup = dup || streq(name, entry->cfg.netns);
		}
		if (!dup && !(entry->bad & KEY_NETNS))
		{
			array_insert(names, ARRAY_TAIL, entry->cfg.netns);
		}
	}
	return enumerator_create_cleaner(array_create_enumerator(names),
									 (void*)array_destroy, names);
}

METHOD(vti_config_t, resync_interval, uint32_t,
	private_vti_config_t *this)
{
	return this->resync;
}

METHOD(vti_config_t, errors, int,
	private_vti_config_t *this)
{
	return this->errors;
}

static void entry_destroy(entry_t *entry)
{
	free(entry->conn);
	free(entry);
}

METHOD(vti_config_t, destroy, void,
	private_vti_config_t *this)
{
	this->by_conn->destroy(this->by_conn);
	array_destroy_function(this->conns, (void*)entry_destroy, NULL);
	free(this);
}

/**
 * charon.plugins.vti.resync: seconds, 0 for none.
 */
static void parse_resync(private_vti_config_t *this, settings_t *settings,
						 const char *ns)
{
	char *value, *end;
	u_long seconds;

	value = settings->get_str(settings, "%s.plugins.vti.resync", NULL, ns);
	if (!value)
	{
		return;
	}
	errno = 0;
	seconds = strtoul(value, &end, 10);
	if (!isdigit((u_char)*value) || *end || errno || seconds > VTI_RESYNC_MAX)
	{
		this->errors++;
		DBG1(DBG_CFG, "vti: invalid value '%s' for charon.plugins.vti.resync "
			 "(expected seconds from 0 to %u), resyncing every %us",
			 value, VTI_RESYNC_MAX, VTI_RESYNC_DEFAULT);
		return;
	}
	this->resync = seconds;
}

/**
 * Why key may not be set for the connection conn (NULL: globally), NULL if
 * it may; buf receives a reason naming the key probably meant.
 */
static const char *key_problem(const char *key, const char *conn, char *buf,
							   size_t len)
{
	u_int where = conn ? IN_CONN : IN_GLOBAL;
	int i, d, best = -1, best_d = 3;

	for (i = 0; i < (int)countof(known_keys); i++)
	{
		if (streq(known_keys[i].name, key))
		{
			if (known_keys[i].where & where)
			{
				return NULL;
			}
			return conn ? "only global" : "only per connection, under "
										  "connections.<conn>";
		}
		d = vti_value_distance(key, known_keys[i].name);
		if (d < best_d && d <= (strlen(known_keys[i].name) < 6 ? 1 : 2))
		{
			best_d = d;
			best = i;
		}
	}
	if (best < 0)
	{
		return "no such setting";
	}
	snprintf(buf, len, "no such setting, did you mean %s?",
			 known_keys[best].name);
	return buf;
}

/**
 * Enumerate the key/value pairs (sections FALSE) or the sections of
 * charon.plugins.vti (conn NULL) or of a connection's section. The key of
 * a section is a format whose arguments go into one section's name each.
 */
static enumerator_t *create_enumerator(settings_t *settings, const char *ns,
									   const char *conn, bool sections)
{
	if (sections)
	{
		return conn ? settings->create_section_enumerator(settings,
							"%s.plugins.vti.connections.%s", ns, conn) :
					  settings->create_section_enumerator(settings,
							"%s.plugins.vti", ns);
	}
	return conn ? settings->create_key_value_enumerator(settings,
							"%s.plugins.vti.connections.%s", ns, conn) :
				  settings->create_key_value_enumerator(settings,
							"%s.plugins.vti", ns);
}

/**
 * Log each key and section of charon.plugins.vti (conn NULL) or of a
 * connection's section that has no effect there.
 */
static void check_keys(settings_t *settings, const char *ns, const char *conn)
{
	enumerator_t *enumerator;
	char path[256], buf[64], *key, *value;
	const char *why;

	snprintf(path, sizeof(path), "plugins.vti%s%s", conn ? ".connections." : "",
			 conn ?: "");
	enumerator = create_enumerator(settings, ns, conn, FALSE);
	while (enumerator->enumerate(enumerator, &key, &value))
	{
		why = key_problem(key, conn, buf, sizeof(buf));
		if (why)
		{
			DBG1(DBG_CFG, "vti: unknown setting charon.%s.%s: %s", path, key,
				 why);
		}
	}
	enumerator->destroy(enumerator);
	enumerator = create_enumerator(settings, ns, conn, TRUE);
	while (enumerator->enumerate(enumerator, &key))
	{
		if (conn || !streq(key, "connections"))
		{
			DBG1(DBG_CFG, "vti: unknown section charon.%s.%s: %s", path, key,
				 conn ? "no such section" : "no such section, a connection's "
				 "settings go under connections");
		}
	}
	enumerator->destroy(enumerator);
	if (!conn)
	{
		enumerator = settings->create_key_value_enumerator(settings,
									"%s.plugins.vti.connections", ns);
		while (enumerator->enumerate(enumerator, &key, &value))
		{
			DBG1(DBG_CFG, "vti: unknown setting charon.plugins.vti."
				 "connections.%s: connections holds a section per "
				 "connection", key);
		}
		enumerator->destroy(enumerator);
	}
}

/**
 * Log the effective settings of the globals or a connection (level 2).
 */
static void log_entry(private_vti_config_t *this, entry_t *entry)
{
	char addrs[VTI_MAX_ADDRS * (INET6_ADDRSTRLEN + 6)] = "", head[128];
	char ip[INET6_ADDRSTRLEN], mtu[16] = "auto";
	vti_conn_cfg_t *cfg = &entry->cfg;
	size_t off = 0;
	int i;

	for (i = 0; i < cfg->n_addrs; i++)
	{
		inet_ntop(cfg->addrs[i].family, cfg->addrs[i].addr, ip, sizeof(ip));
		off += snprintf(addrs + off, sizeof(addrs) - off, "%s%s/%u",
						i ? ", " : "", ip, cfg->addrs[i].len);
	}
	if (cfg->mtu)
	{
		snprintf(mtu, sizeof(mtu), "%u", cfg->mtu);
	}
	snprintf(head, sizeof(head), entry->conn ? "settings of connection '%s': "
			 "enable %s" : "settings:%s auto %s, resync %u, netns_create %s",
			 entry->conn ?: "", (entry->conn ? entry->enable : this->auto_) ?
			 "yes" : "no", this->resync, cfg->netns_create ? "yes" : "no");
	DBG2(DBG_CFG, "vti: %s, netns '%s', name '%s', kind %N, mtu %s, "
		 "addresses '%s', down_action %N, on_demand %N%s", head, cfg->netns,
		 cfg->name, vti_kind_setting_names, cfg->kind, mtu, addrs,
		 vti_down_action_names, cfg->down_action, vti_on_demand_names,
		 cfg->on_demand, !entry->bad ? "" : entry->conn ?
		 " (invalid: no interface)" : " (invalid: no interface where relied on)");
}

/*
 * Described in header
 */
vti_config_t *vti_config_create(settings_t *settings, const char *ns)
{
	private_vti_config_t *this;
	enumerator_t *enumerator;
	entry_t *entry;
	char *conn, *value;

	INIT(this,
		.public = {
			.lookup = _lookup,
			.create_netns_enumerator = _create_netns_enumerator,
			.resync_interval = _resync_interval,
			.errors = _errors,
			.destroy = _destroy,
		},
		.global = {
			.cfg = {
				.down_action = VTI_DOWN_DELETE,
			},
		},
		.auto_ = TRUE,
		.resync = VTI_RESYNC_DEFAULT,
		.conns = array_create(0, 0),
		.by_conn = hashtable_create(hashtable_hash_str, hashtable_equals_str,
									8),
	);

	parse_entry(this, settings, ns, &this->global, NULL);
	value = settings->get_str(settings, "%s.plugins.vti.auto", NULL, ns);
	if (value && !vti_value_bool(value, &this->auto_))
	{
		bad_value(this, &this->global, "auto", value, "expected yes or no");
		this->auto_ = FALSE;
	}
	parse_resync(this, settings, ns);
	check_keys(settings, ns, NULL);
	log_entry(this, &this->global);
	enumerator = settings->create_section_enumerator(settings,
										"%s.plugins.vti.connections", ns);
	while (enumerator->enumerate(enumerator, &conn))
	{
		INIT(entry,
			.conn = strdup(conn),
		);
		parse_entry(this, settings, ns, entry, &this->global);
		check_keys(settings, ns, conn);
		log_entry(this, entry);
		array_insert(this->conns, ARRAY_TAIL, entry);
		this->by_conn->put(this->by_conn, entry->conn, entry);
	}
	enumerator->destroy(enumerator);
	return &this->public;
}
