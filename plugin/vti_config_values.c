/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * charon.plugins.vti: the values of its keys, parsed strictly. Each parser
 * returns TRUE and writes its result, or returns FALSE and the reason in why.
 */

#include "vti_config_values.h"

#include <ctype.h>
#include <errno.h>
#include <arpa/inet.h>
#include <networking/host.h>
#include <sys/socket.h>

/*
 * Described in header
 */
bool vti_value_bool(const char *str, bool *out)
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

/*
 * Described in header
 */
bool vti_value_mtu(const char *str, uint32_t *mtu, const char **why)
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
	if (val < VTI_MTU_MIN || val > VTI_MTU_MAX)
	{
		/* the numbers of the message, which tests and operators know */
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

/*
 * Described in header
 */
bool vti_value_netns(const char *str, char *out, const char **why)
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

/*
 * Described in header
 */
bool vti_value_check_template(const char *str, const char *conn,
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

/*
 * Described in header
 */
bool vti_value_template(const char *str, const char *conn, char *out,
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
	if (!vti_value_check_template(str, conn, why))
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

/*
 * Described in header
 */
bool vti_value_addresses(const char *str, vti_conn_cfg_t *cfg,
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
int vti_value_distance(const char *a, const char *b)
{
	int la = strlen(a), lb = strlen(b), i, j, prev[33] = {}, cur[33] = {};

	if (la > 32 || lb > 32 || abs(la - lb) > 2)
	{
		return 3;
	}
	for (j = 0; j <= lb; j++)
	{
		prev[j] = j;
	}
	for (i = 1; i <= la; i++)
	{
		cur[0] = i;
		for (j = 1; j <= lb; j++)
		{
			cur[j] = min(min(prev[j], cur[j - 1]) + 1,
						 prev[j - 1] + (a[i - 1] != b[j - 1]));
		}
		memcpy(prev, cur, sizeof(prev));
	}
	return min(prev[lb], 3);
}

/*
 * Described in header
 */
bool vti_config_remote_is_shared(const char *remote_addrs)
{
	host_t *from, *to;
	const char *dash;
	char buf[64];
	bool range;

	if (!remote_addrs || !*remote_addrs)
	{
		return TRUE;
	}
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
