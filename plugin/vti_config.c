/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * charon.plugins.vti: read once per load or reload, validated, each bad
 * value logged once with its key, connection and reason.
 */

#include "vti_config.h"

#include <ctype.h>
#include <errno.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <collections/array.h>
#include <networking/host.h>
#include <utils/debug.h>

ENUM(vti_down_action_names, VTI_DOWN_DELETE, VTI_DOWN_SET_DOWN,
	"delete",
	"down",
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
	/** mtu below IPV6_MIN_MTU with IPv6 addresses, each valid alone */
	KEY_MTU_IPV6 = (1 << 8),
};

/** The kernel turns IPv6 off on a link with a smaller MTU */
#define IPV6_MIN_MTU 1280

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

	/** connections.<name>, entry_t* */
	array_t *conns;

	/** invalid values found */
	int errors;
};

/**
 * Parse a boolean the way strongswan.conf spells them.
 */
static bool parse_bool(const char *str, bool *out)
{
	if (strcaseeq(str, "yes") || strcaseeq(str, "true") ||
		strcaseeq(str, "enabled") || streq(str, "1"))
	{
		*out = TRUE;
		return TRUE;
	}
	if (strcaseeq(str, "no") || strcaseeq(str, "false") ||
		strcaseeq(str, "disabled") || streq(str, "0"))
	{
		*out = FALSE;
		return TRUE;
	}
	return FALSE;
}

static bool parse_mtu(const char *str, uint32_t *mtu, const char **why)
{
	char *end;
	u_long val;

	if (strcaseeq(str, "auto"))
	{
		*mtu = 0;
		return TRUE;
	}
	errno = 0;
	val = strtoul(str, &end, 10);
	if (!*str || *end || errno || !isdigit((u_char)*str))
	{
		*why = "expected auto or a number";
		return FALSE;
	}
	if (val < 68 || val > 65535)
	{
		*why = "out of range 68..65535";
		return FALSE;
	}
	*mtu = val;
	return TRUE;
}

/**
 * White space or a control character (the C locale's, of any byte).
 */
static bool space_or_control(u_char c)
{
	return isspace(c) || iscntrl(c);
}

/**
 * A namespace is the file /run/netns/NAME, opened as root: NAME must be one
 * file name there, and one an operator can type ("" is charon's own).
 */
static bool parse_netns(const char *str, char *out, const char **why)
{
	const char *pos;

	if (strlen(str) >= VTI_NETNS_MAX)
	{
		*why = "not a name under /run/netns: longer than 63 bytes";
		return FALSE;
	}
	for (pos = str; *pos && isspace((u_char)*pos); pos++)
	{
		/* white space only? */
	}
	if (*str && !*pos)
	{
		*why = "not a name under /run/netns: empty once white space is "
			   "trimmed (an empty netns is charon's own namespace)";
		return FALSE;
	}
	if (strchr(str, '/'))
	{
		*why = "not a name under /run/netns: '/' would reach outside it";
		return FALSE;
	}
	if (streq(str, ".") || streq(str, ".."))
	{
		*why = "not a name under /run/netns: '.' and '..' are directories";
		return FALSE;
	}
	for (pos = str; *pos; pos++)
	{
		if (space_or_control(*pos))
		{
			*why = "not a name under /run/netns: white space or control "
				   "characters";
			return FALSE;
		}
	}
	strcpy(out, str);
	return TRUE;
}

/**
 * Why the kernel refuses c in an interface name (dev_valid_name(), with
 * the kernel's isspace(), which includes 0xa0), or why we do; NULL if fine.
 */
static const char *name_char_problem(u_char c)
{
	if (c == '/' || c == ':' || isspace(c) || c == 0xa0)
	{
		return "the kernel refuses '/', ':' or white space in an "
			   "interface name";
	}
	if (iscntrl(c))
	{
		return "control characters in an interface name";
	}
	if (c == '%')
	{
		/* dev_alloc_name(): a%d becomes the first free a0, a1... */
		return "the kernel takes a name with '%' for a pattern and picks "
			   "another";
	}
	return NULL;
}

/**
 * Names that are the kernel's: refused, or devices of its own.
 */
static struct {
	const char *name;
	const char *why;
} reserved_names[] = {
	{ "all", "the kernel refuses it: /proc/sys/net/ipv4/conf/all is no "
	  "link's" },
	{ "default", "the kernel refuses it: /proc/sys/net/ipv4/conf/default "
	  "is no link's" },
	{ "ip_vti0", "the kernel's fallback device of the vti kind, in every "
	  "namespace" },
	{ "ip6_vti0", "the kernel's fallback device of the vti6 kind, in every "
	  "namespace" },
	{ "ip6tnl0", "the kernel's fallback device of ip6_tunnel (which vti6 "
	  "loads), in every namespace" },
	{ VTI_TEMP_NAME, "the temporary name of every new interface" },
};

/**
 * Why name is no valid name for one of our interfaces, NULL if it is.
 */
static const char *name_problem(const char *name)
{
	const char *pos, *why;
	int i;

	if (!*name)
	{
		return "empty";
	}
	if (strlen(name) >= IFNAMSIZ)
	{
		return "longer than 15 bytes";
	}
	if (streq(name, ".") || streq(name, ".."))
	{
		return "the kernel refuses '.' and '..'";
	}
	for (pos = name; *pos; pos++)
	{
		why = name_char_problem(*pos);
		if (why)
		{
			return why;
		}
	}
	for (i = 0; i < (int)countof(reserved_names); i++)
	{
		if (streq(name, reserved_names[i].name))
		{
			return reserved_names[i].why;
		}
	}
	return NULL;
}

/**
 * Check what a template fixes of the names it gives: conn is the
 * connection's name (%conn), NULL where any connection's (the globals).
 * The names it gives must fit 15 bytes with a one-digit id and a one-byte
 * connection name, have no byte the kernel refuses, and, once fixed
 * entirely, be no name the kernel keeps for itself.
 */
static bool check_template(const char *str, const char *conn,
						   const char **why)
{
	char buf[IFNAMSIZ];
	const char *pos, *c, *problem;
	size_t len = 0;
	bool has_id = FALSE;

	for (pos = str; *pos; )
	{
		if (strpfx(pos, "%id"))
		{
			has_id = TRUE;
			len++;
			pos += strlen("%id");
			continue;
		}
		if (strpfx(pos, "%conn"))
		{
			len += conn ? strlen(conn) : 1;
			for (c = conn; c && *c; c++)
			{
				problem = name_char_problem(*c);
				if (problem)
				{
					*why = problem;
					return FALSE;
				}
			}
			pos += strlen("%conn");
			continue;
		}
		problem = name_char_problem(*pos);
		if (problem)
		{
			*why = problem;
			return FALSE;
		}
		len++;
		pos++;
	}
	if (len >= IFNAMSIZ)
	{
		*why = has_id ? "longer than 15 bytes whatever the id" :
			   "longer than 15 bytes";
		return FALSE;
	}
	if (!has_id && (conn || !strstr(str, "%conn")))
	{
		/* the one name it gives */
		return vti_config_expand_name(str, 0, conn ?: "", buf, why);
	}
	return TRUE;
}

static bool parse_template(const char *str, const char *conn, char *out,
						   const char **why)
{
	const char *pos;

	if (!*str || strlen(str) >= VTI_TEMPLATE_MAX)
	{
		*why = "empty or too long";
		return FALSE;
	}
	for (pos = strchr(str, '%'); pos; pos = strchr(pos + 1, '%'))
	{
		if (!strpfx(pos, "%id") && !strpfx(pos, "%conn"))
		{
			*why = "only %id and %conn may follow a %";
			return FALSE;
		}
	}
	if (!check_template(str, conn, why))
	{
		return FALSE;
	}
	strcpy(out, str);
	return TRUE;
}

/**
 * Whether an address (network order) is one an interface can have as its
 * own: neither unspecified, multicast nor the IPv4 limited broadcast.
 */
static bool is_unicast(int family, const uint8_t *addr)
{
	static const uint8_t zero[16];

	if (family == AF_INET)
	{
		return addr[0] != 0 && (addr[0] & 0xf0) != 0xe0 &&
			   memcmp(addr, "\xff\xff\xff\xff", 4) != 0;
	}
	return memcmp(addr, zero, 16) != 0 && addr[0] != 0xff;
}

/**
 * One ADDR/LEN of the list, len bytes at str, strictly: an IPv4 or IPv6
 * address as inet_pton() takes it, a decimal prefix length from 1 to the
 * family's bits, no sign, no leading zero, nothing else. Host bits are
 * expected: ADDR is the interface's own address, as for ip addr add.
 */
static bool parse_prefix(const char *str, size_t len, vti_prefix_t *prefix,
						 const char **why)
{
	const char *slash, *pos;
	char buf[INET6_ADDRSTRLEN];
	u_int bits = 0, max;

	slash = memchr(str, '/', len);
	if (!slash)
	{
		*why = "an address needs its prefix length (ADDR/LEN)";
		return FALSE;
	}
	if (slash == str || slash - str >= (ptrdiff_t)sizeof(buf))
	{
		*why = "not an IPv4 or IPv6 address";
		return FALSE;
	}
	memcpy(buf, str, slash - str);
	buf[slash - str] = '\0';
	prefix->family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	memset(prefix->addr, 0, sizeof(prefix->addr));
	if (inet_pton(prefix->family, buf, prefix->addr) != 1)
	{
		*why = "not an IPv4 or IPv6 address";
		return FALSE;
	}
	max = prefix->family == AF_INET ? 32 : 128;
	for (pos = slash + 1; pos < str + len; pos++)
	{
		if (!isdigit((u_char)*pos) || pos - slash > 3 ||
			(pos == slash + 1 && *pos == '0'))
		{
			bits = 0;
			break;
		}
		bits = bits * 10 + (*pos - '0');
	}
	if (!bits || bits > max)
	{
		*why = prefix->family == AF_INET ?
				"not a prefix length from 1 to 32" :
				"not a prefix length from 1 to 128";
		return FALSE;
	}
	if (!is_unicast(prefix->family, prefix->addr))
	{
		*why = "not a unicast address an interface can have";
		return FALSE;
	}
	prefix->len = bits;
	return TRUE;
}

/**
 * A comma-separated list of ADDR/LEN, white space around each; empty for
 * none.
 */
static bool parse_addresses(const char *str, vti_conn_cfg_t *cfg,
							const char **why)
{
	vti_prefix_t prefix;
	const char *pos, *end;
	int i;

	cfg->n_addrs = 0;
	for (pos = str; *pos == ' ' || *pos == '\t'; pos++)
	{
		/* all white space is no address */
	}
	if (!*pos)
	{
		return TRUE;
	}
	for (pos = str; ; pos = end + 1)
	{
		end = strchr(pos, ',') ?: pos + strlen(pos);
		while (pos < end && (*pos == ' ' || *pos == '\t'))
		{
			pos++;
		}
		while (end > pos && (end[-1] == ' ' || end[-1] == '\t'))
		{
			end--;
		}
		if (pos == end)
		{
			*why = "an empty element in the list";
			return FALSE;
		}
		if (!parse_prefix(pos, end - pos, &prefix, why))
		{
			return FALSE;
		}
		for (i = 0; i < cfg->n_addrs; i++)
		{
			if (cfg->addrs[i].family == prefix.family &&
				memeq(cfg->addrs[i].addr, prefix.addr, sizeof(prefix.addr)))
			{
				*why = "an address listed twice";
				return FALSE;
			}
		}
		if (cfg->n_addrs == VTI_MAX_ADDRS)
		{
			*why = "too many addresses (at most 8)";
			return FALSE;
		}
		cfg->addrs[cfg->n_addrs++] = prefix;
		/* end was trimmed: find the comma again */
		end = strchr(end, ',');
		if (!end)
		{
			return TRUE;
		}
	}
}

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
		entry->cfg.mtu >= IPV6_MIN_MTU || !has_ipv6(&entry->cfg))
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

	VALUE("netns", KEY_NETNS, parse_netns(value, entry->cfg.netns, &why));
	if (!entry->conn)
	{
		why = "expected yes or no";
		VALUE("netns_create", KEY_NETNS_CREATE,
			  parse_bool(value, &entry->cfg.netns_create));
	}
	VALUE("name", KEY_NAME,
		  parse_template(value, entry->conn, entry->cfg.name, &why));
	if (entry->conn && !(set & KEY_NAME) && !(entry->bad & KEY_NAME) &&
		strstr(entry->cfg.name, "%conn") &&
		!check_template(entry->cfg.name, entry->conn, &why))
	{
		/* the globals' template, fine for them, not with this name */
		entry->bad |= KEY_NAME;
		bad_inherited(this, entry, "name", entry->cfg.name, why);
	}
	VALUE("mtu", KEY_MTU, parse_mtu(value, &entry->cfg.mtu, &why));
	why = "expected auto, vti or xfrm";
	VALUE("kind", KEY_KIND,
		  (streq(value, "auto") &&
			(entry->cfg.kind = VTI_KIND_SETTING_AUTO, TRUE)) ||
		  (streq(value, "vti") &&
			(entry->cfg.kind = VTI_KIND_SETTING_VTI, TRUE)) ||
		  (streq(value, "xfrm") &&
			(entry->cfg.kind = VTI_KIND_SETTING_XFRM, TRUE)));
	VALUE("addresses", KEY_ADDRESSES,
		  parse_addresses(value, &entry->cfg, &why));
	why = "expected delete or down";
	VALUE("down_action", KEY_DOWN_ACTION,
		  (streq(value, "delete") &&
			(entry->cfg.down_action = VTI_DOWN_DELETE, TRUE)) ||
		  (streq(value, "down") &&
			(entry->cfg.down_action = VTI_DOWN_SET_DOWN, TRUE)));
	if (entry->conn)
	{
		why = "expected yes or no";
		VALUE("enable", KEY_ENABLE, parse_bool(value, &flag) &&
			  (entry->enable = flag, TRUE));
	}
#undef VALUE
	check_mtu_ipv6(this, entry, set);
}

METHOD(vti_config_t, lookup, bool,
	private_vti_config_t *this, const char *conn, vti_conn_cfg_t *cfg)
{
	entry_t *entry, *found = NULL;
	int i;

	for (i = 0; i < array_count(this->conns); i++)
	{
		array_get(this->conns, i, &entry);
		if (streq(entry->conn, conn))
		{
			found = entry;
			break;
		}
	}
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
	if (!isdigit((u_char)*value) || *end || errno || seconds > 86400)
	{
		this->errors++;
		DBG1(DBG_CFG, "vti: invalid value '%s' for charon.plugins.vti.resync "
			 "(expected seconds from 0 to 86400), resyncing every %us",
			 value, VTI_RESYNC_DEFAULT);
		return;
	}
	this->resync = seconds;
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
	);

	parse_entry(this, settings, ns, &this->global, NULL);
	value = settings->get_str(settings, "%s.plugins.vti.auto", NULL, ns);
	if (value && !parse_bool(value, &this->auto_))
	{
		bad_value(this, &this->global, "auto", value, "expected yes or no");
		this->auto_ = FALSE;
	}
	parse_resync(this, settings, ns);
	enumerator = settings->create_section_enumerator(settings,
										"%s.plugins.vti.connections", ns);
	while (enumerator->enumerate(enumerator, &conn))
	{
		INIT(entry,
			.conn = strdup(conn),
		);
		parse_entry(this, settings, ns, entry, &this->global);
		array_insert(this->conns, ARRAY_TAIL, entry);
	}
	enumerator->destroy(enumerator);
	return &this->public;
}

/*
 * Described in header
 */
bool vti_config_expand_name(const char *tpl, uint32_t id, const char *conn,
							char buf[IFNAMSIZ], const char **why)
{
	const char *dummy;

	char out[256];
	size_t len = 0;
	int written;

	while (*tpl && len < sizeof(out) - 1)
	{
		if (strpfx(tpl, "%id"))
		{
			written = snprintf(out + len, sizeof(out) - len, "%u", id);
			tpl += strlen("%id");
		}
		else if (strpfx(tpl, "%conn"))
		{
			written = snprintf(out + len, sizeof(out) - len, "%s", conn);
			tpl += strlen("%conn");
		}
		else
		{
			out[len] = *tpl++;
			written = 1;
		}
		len = min(len + written, sizeof(out) - 1);
	}
	out[len] = '\0';
	why = why ?: &dummy;
	*why = name_problem(out);
	if (*why)
	{
		return FALSE;
	}
	memcpy(buf, out, len + 1);
	return TRUE;
}

/*
 * Described in header
 */
bool vti_config_remote_is_shared(const char *remote_addrs)
{
	if (!remote_addrs || !*remote_addrs)
	{
		return TRUE;
	}
	host_t *from, *to;
	const char *dash;
	char buf[64];
	bool range;

	if (strchr(remote_addrs, ',') || strchr(remote_addrs, '/') ||
		strpfx(remote_addrs, "%any") || streq(remote_addrs, "0.0.0.0") ||
		streq(remote_addrs, "::"))
	{
		return TRUE;
	}
	/* a range is two addresses joined by '-', a DNS name may have dashes */
	dash = strchr(remote_addrs, '-');
	if (!dash)
	{
		return FALSE;
	}
	snprintf(buf, sizeof(buf), "%.*s", (int)(dash - remote_addrs),
			 remote_addrs);
	from = host_create_from_string(buf, 0);
	to = host_create_from_string((char*)dash + 1, 0);
	range = from && to;
	DESTROY_IF(from);
	DESTROY_IF(to);
	return range;
}
