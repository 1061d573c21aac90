/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * A fake kernel backend for the manager's unit tests (what it models: see
 * fake_backend.h).
 */

#include "fake_backend.h"

#include <errno.h>
#include <stdarg.h>
#include <time.h>
#include <pthread.h>
#include <arpa/inet.h>

#define MAX_LINKS 64
#define MAX_EVENTS 256
#define MAX_WATCHED 8

typedef struct {
	bool used;
	fake_link_t link;
} link_t;

/**
 * A queued link event.
 */
typedef struct {
	char netns[64];
	vti_link_event_t event;
} queued_t;

typedef struct {
	fake_backend_t public;
	link_t links[MAX_LINKS];
	int next_ifindex;
	/** watched namespaces */
	char watched[MAX_WATCHED][64];
	int n_watched;
	/** list() calls made so far */
	int lists;
	/** a namespace deleted by hand (ip netns del), "" for none: the
	 * netlink backend then fails every request there with -EIO ("namespace
	 * NAME: No such file or directory", its /run/netns file is gone) */
	char gone_ns[64];
	/** queued events, and whether events were lost or a wakeup is due */
	queued_t events[MAX_EVENTS];
	int n_events;
	bool overrun;
	bool woken;
	/** wakeup() calls so far */
	int wakeups;
	/** protects everything above and the public fields the calls write */
	pthread_mutex_t mutex;
	/** signalled when an event is queued, a link made or on wakeup() */
	pthread_cond_t cond;
	/** fake_backend_pause() */
	const char *pause_prefix;
	void (*pause_cb)(void *data);
	void *pause_data;
} private_fake_t;

static void lock(private_fake_t *this)
{
	pthread_mutex_lock(&this->mutex);
}

static void unlock(private_fake_t *this)
{
	pthread_mutex_unlock(&this->mutex);
}

/**
 * A call, with the lock held: runs a pause callback (without the lock),
 * records the call unless quiet; TRUE if it must fail with fail_errno.
 */
static bool call(private_fake_t *this, bool quiet, const char *fmt, ...)
{
	void (*cb)(void *data);
	void *data;
	char line[256];
	va_list args;
	size_t len;

	va_start(args, fmt);
	vsnprintf(line, sizeof(line), fmt, args);
	va_end(args);
	if (this->pause_prefix && strpfx(line, this->pause_prefix))
	{
		cb = this->pause_cb;
		data = this->pause_data;
		this->pause_prefix = NULL;
		unlock(this);
		cb(data);
		lock(this);
	}
	if (!quiet)
	{
		len = strlen(this->public.calls);
		snprintf(this->public.calls + len, sizeof(this->public.calls) - len,
				 "%s\n", line);
	}
	if (this->public.fail_op && strpfx(line, this->public.fail_op))
	{
		this->public.fail_op = NULL;
		return TRUE;
	}
	return FALSE;
}

/**
 * Unlock and fail with errno_ and the kernel's message for it.
 */
static int fail(private_fake_t *this, vti_err_t *err, int errno_)
{
	unlock(this);
	snprintf(err->msg, sizeof(err->msg), "fake: %s", strerror(errno_));
	return -errno_;
}

/**
 * Unlock and fail as asked by fail_op.
 */
static int failed(private_fake_t *this, vti_err_t *err)
{
	return fail(this, err, this->public.fail_errno);
}

/**
 * With the lock held: whether netns was deleted by hand; if so unlocks and
 * sets *ret to what the netlink backend returns then (-EIO).
 */
static bool ns_gone(private_fake_t *this, const char *netns, vti_err_t *err,
					int *ret)
{
	char ghost[sizeof(this->links[0].link.netns)];
	int i;

	if (!*netns || !streq(this->gone_ns, netns))
	{
		return FALSE;
	}
	/* the netlink backend deletes the links of ours the namespace that
	 * lives on still has, through its sockets there, before it lets go of
	 * them (vti_nlsock.c delete_left()) */
	snprintf(ghost, sizeof(ghost), FAKE_GHOST "%s", netns);
	for (i = 0; i < MAX_LINKS; i++)
	{
		if (this->links[i].used && streq(this->links[i].link.netns, ghost) &&
			strpfx(this->links[i].link.alias, VTI_ALIAS_PREFIX))
		{
			this->links[i].used = FALSE;
		}
	}
	unlock(this);
	snprintf(err->msg, sizeof(err->msg), "namespace %s: No such file or "
			 "directory", netns);
	*ret = -EIO;
	return TRUE;
}

static link_t *find_slot(private_fake_t *this, const char *netns,
						 int ifindex, const char *name)
{
	int i;

	for (i = 0; i < MAX_LINKS; i++)
	{
		fake_link_t *l = &this->links[i].link;

		if (this->links[i].used && streq(l->netns, netns) &&
			(name ? streq(l->name, name) : l->ifindex == ifindex))
		{
			return &this->links[i];
		}
	}
	return NULL;
}

static fake_link_t *find(private_fake_t *this, const char *netns, int ifindex,
						 const char *name)
{
	link_t *slot = find_slot(this, netns, ifindex, name);

	return slot ? &slot->link : NULL;
}

/**
 * The link of netns that has name as its name or an altname, as the
 * kernel's name lookups find it.
 */
static fake_link_t *find_name(private_fake_t *this, const char *netns,
							  const char *name)
{
	int i, j;

	for (i = 0; i < MAX_LINKS; i++)
	{
		fake_link_t *l = &this->links[i].link;

		if (!this->links[i].used || !streq(l->netns, netns))
		{
			continue;
		}
		if (streq(l->name, name))
		{
			return l;
		}
		for (j = 0; j < FAKE_ALTNAMES; j++)
		{
			if (streq(l->altnames[j], name))
			{
				return l;
			}
		}
	}
	return NULL;
}

static vti_link_info_t to_info(fake_link_t *l)
{
	vti_link_info_t info = {
		.ifindex = l->ifindex,
		.up = l->up,
		.mtu = l->mtu,
		.known = l->has_params,
	};

	snprintf(info.name, sizeof(info.name), "%s", l->name);
	snprintf(info.alias, sizeof(info.alias), "%s", l->alias);
	if (l->has_params)
	{
		info.params = l->params;
	}
	return info;
}

static bool is_watched(private_fake_t *this, const char *netns)
{
	int i;

	for (i = 0; i < this->n_watched; i++)
	{
		if (streq(this->watched[i], netns))
		{
			return TRUE;
		}
	}
	return FALSE;
}

/**
 * Queue an event of a link (as it is now, or was) if its namespace is
 * watched; with the lock held.
 */
static void queue_event(private_fake_t *this, fake_link_t *l, bool deleted,
						bool moved)
{
	queued_t *q;

	if (!is_watched(this, l->netns))
	{
		return;
	}
	if (this->n_events == MAX_EVENTS)
	{
		/* the kernel drops them too, and says so with ENOBUFS */
		this->overrun = TRUE;
	}
	else
	{
		q = &this->events[this->n_events++];
		snprintf(q->netns, sizeof(q->netns), "%s", l->netns);
		q->event = (vti_link_event_t){
			.deleted = deleted,
			.moved = moved,
			.link = to_info(l),
		};
	}
	pthread_cond_broadcast(&this->cond);
}

static fake_link_t *add(private_fake_t *this, const char *netns,
						const char *name, const char *alias)
{
	int i;

	for (i = 0; i < MAX_LINKS; i++)
	{
		fake_link_t *l = &this->links[i].link;

		if (!this->links[i].used)
		{
			this->links[i].used = TRUE;
			*l = (fake_link_t){ .ifindex = this->next_ifindex++, .mtu = 1500 };
			snprintf(l->netns, sizeof(l->netns), "%s", netns);
			snprintf(l->name, sizeof(l->name), "%s", name);
			snprintf(l->alias, sizeof(l->alias), "%s", alias ?: "");
			pthread_cond_broadcast(&this->cond);
			return l;
		}
	}
	return NULL;
}

static bool same_endpoints(const vti_params_t *a, const vti_params_t *b)
{
	size_t len = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && !memcmp(a->local, b->local, len) &&
		   !memcmp(a->remote, b->remote, len);
}

/**
 * Another link the kernel cannot tell from one with params: a vti/vti6 of
 * the same kind and endpoints (keys do not count), or an xfrm interface with
 * the same if_id, in any namespace.
 */
static fake_link_t *clash(private_fake_t *this, const vti_params_t *params,
						  fake_link_t *self)
{
	int i;

	for (i = 0; i < MAX_LINKS; i++)
	{
		fake_link_t *l = &this->links[i].link;

		if (!this->links[i].used || l == self || !l->has_params ||
			l->params.kind != params->kind)
		{
			continue;
		}
		if (params->kind == VTI_KIND_XFRM ? l->params.if_id == params->if_id
										  : same_endpoints(&l->params, params))
		{
			return l;
		}
	}
	return NULL;
}

static const char *ns(const char *netns)
{
	return *netns ? netns : "-";
}

/**
 * The index of an address of l the kernel would take as prefix (IPv6: the
 * address whatever its length, IPv4: address and length), -1 if none.
 */
static int addr_index(const fake_link_t *l, const vti_prefix_t *prefix)
{
	int i;

	for (i = 0; i < l->n_addrs; i++)
	{
		if (l->addrs[i].family == prefix->family &&
			!memcmp(l->addrs[i].addr, prefix->addr, sizeof(prefix->addr)) &&
			(prefix->family == AF_INET6 || l->addrs[i].len == prefix->len))
		{
			return i;
		}
	}
	return -1;
}

/**
 * Add an address unless the kernel would refuse it (EEXIST) or l is full.
 */
static bool addr_add(fake_link_t *l, const vti_prefix_t *prefix)
{
	if (addr_index(l, prefix) >= 0 || l->n_addrs == FAKE_ADDRS)
	{
		return FALSE;
	}
	l->addrs[l->n_addrs++] = *prefix;
	return TRUE;
}

static void addr_remove(fake_link_t *l, int i)
{
	memmove(&l->addrs[i], &l->addrs[i + 1],
			(l->n_addrs - i - 1) * sizeof(l->addrs[0]));
	l->n_addrs--;
}

/**
 * Set a link up or down; down, it loses its IPv6 addresses unless told to
 * keep them.
 */
static void set_link_up(fake_link_t *l, bool up)
{
	int i;

	l->up = up;
	for (i = l->n_addrs - 1; !up && !l->keep_addrs && i >= 0; i--)
	{
		if (l->addrs[i].family == AF_INET6)
		{
			addr_remove(l, i);
		}
	}
}

/**
 * A link leaves (deleted, or moved to another namespace) by hand; with the
 * lock held. An up link is closed first, which the kernel reports as such:
 * 6.1 unregister_netdevice_many() -> dev_close_many() and
 * __dev_change_net_namespace() -> dev_close() send an RTM_NEWLINK without
 * IFF_UP before the RTM_DELLINK (net/core/dev.c).
 */
static void leave(private_fake_t *this, link_t *slot, bool moved)
{
	if (slot->link.up)
	{
		set_link_up(&slot->link, FALSE);
		queue_event(this, &slot->link, FALSE, FALSE);
	}
	slot->used = FALSE;
	queue_event(this, &slot->link, TRUE, moved);
}

/**
 * Set the MTU of a link. Below IPV6_MIN_MTU the kernel turns IPv6 off on it
 * (6.1 net/ipv6/addrconf.c addrconf_notify() NETDEV_CHANGEMTU:
 * addrconf_ifdown(dev, true)): its IPv6 addresses go, and with its inet6_dev
 * its /proc/sys/net/ipv6/conf/NAME directory (addrconf_sysctl_unregister()),
 * keep_addr_on_down included.
 */
static void set_link_mtu(fake_link_t *l, uint32_t mtu)
{
	int i;

	l->mtu = mtu;
	for (i = l->n_addrs - 1; mtu < FAKE_IPV6_MIN_MTU && i >= 0; i--)
	{
		if (l->addrs[i].family == AF_INET6)
		{
			addr_remove(l, i);
		}
	}
	if (mtu < FAKE_IPV6_MIN_MTU)
	{
		l->keep_addrs = FALSE;
	}
}

/**
 * "ADDR/LEN" as a prefix.
 */
static bool parse_prefix(const char *text, vti_prefix_t *prefix)
{
	char buf[64], *slash;

	snprintf(buf, sizeof(buf), "%s", text);
	slash = strchr(buf, '/');
	if (!slash)
	{
		return FALSE;
	}
	*slash = '\0';
	*prefix = (vti_prefix_t){
		.family = strchr(buf, ':') ? AF_INET6 : AF_INET,
		.len = atoi(slash + 1),
	};
	return inet_pton(prefix->family, buf, prefix->addr) == 1;
}

METHOD(vti_backend_t, create, int,
	private_fake_t *this, const char *name, const vti_params_t *params,
	const char *alias, vti_err_t *err)
{
	fake_link_t *l;
	bool fails;

	lock(this);
	fails = params->kind == VTI_KIND_XFRM ?
		call(this, FALSE, "create xfrm %s if_id=%u link=%u alias=%s", name,
			 params->if_id, params->link, alias) :
		call(this, FALSE, "create %s %s ikey=%u okey=%u alias=%s",
			 vti_kind_name(params->kind), name, params->ikey, params->okey,
			 alias);
	if (fails)
	{
		return failed(this, err);
	}
	if (find_name(this, "", name) || clash(this, params, NULL))
	{
		return fail(this, err, EEXIST);
	}
	l = add(this, "", name, alias);
	l->params = *params;
	l->has_params = TRUE;
	switch (params->kind)
	{
		case VTI_KIND_VTI6:
			l->mtu = this->public.path_mtu - 40;
			break;
		case VTI_KIND_VTI:
			l->mtu = this->public.path_mtu - 20;
			break;
		case VTI_KIND_XFRM:
			l->mtu = 1500;
			break;
	}
	this->public.last_params = *params;
	unlock(this);
	return l->ifindex;
}

/**
 * With the lock held: -EEXIST if a link of netns other than self has name
 * as its name or an altname, or self has it as an altname.
 */
static int name_taken(private_fake_t *this, const char *netns,
					  const char *name, fake_link_t *self)
{
	fake_link_t *other = find_name(this, netns, name);

	if (!other || (other == self && streq(self->name, name)))
	{
		return 0;
	}
	return -EEXIST;
}

METHOD(vti_backend_t, move, int,
	private_fake_t *this, int ifindex, const char *name, const char *netns,
	vti_err_t *err)
{
	fake_link_t *l;
	int moved;

	lock(this);
	l = find(this, "", ifindex, NULL);
	if (call(this, FALSE, "move %s %s %s", ns(netns), l ? l->name : "?",
			 name))
	{
		return failed(this, err);
	}
	l = find(this, "", ifindex, NULL);
	if (!l)
	{
		return fail(this, err, ENODEV);
	}
	/* dev_change_net_namespace(): its own name, or name where that is
	 * taken there */
	if (find_name(this, netns, l->name) && find_name(this, netns, name))
	{
		return fail(this, err, EEXIST);
	}
	if (find_name(this, netns, l->name))
	{
		snprintf(l->name, sizeof(l->name), "%s", name);
	}
	snprintf(l->netns, sizeof(l->netns), "%s", netns);
	/* a new index in the other namespace, as the kernel may give */
	moved = l->ifindex = this->next_ifindex++;
	/* then do_setlink() renames it there, or fails leaving it moved */
	if (name_taken(this, netns, name, l) < 0)
	{
		return fail(this, err, EEXIST);
	}
	this->public.renamed_after_move += !streq(l->name, name);
	snprintf(l->name, sizeof(l->name), "%s", name);
	unlock(this);
	return moved;
}

METHOD(vti_backend_t, configure, int,
	private_fake_t *this, const char *netns, int ifindex, const char *name,
	const vti_settings_t *settings, bool up, vti_err_t *err)
{
	int gone_ret;
	fake_link_t *l;
	int i;

	lock(this);
	if (ns_gone(this, netns, err, &gone_ret))
	{
		return gone_ret;
	}
	l = find(this, netns, ifindex, NULL);
	/* the name the manager passes is the one of the link it configures */
	if (call(this, FALSE, "configure %s %s mtu=%u addrs=%d disable_xfrm=%d%s",
			 ns(netns), l && streq(l->name, name) ? name : "?",
			 settings->mtu, settings->n_addrs, settings->disable_xfrm,
			 up ? " up" : ""))
	{
		return failed(this, err);
	}
	this->public.last_settings = *settings;
	l = find(this, netns, ifindex, NULL);
	if (!l)
	{
		return fail(this, err, ENODEV);
	}
	if (settings->mtu)
	{
		set_link_mtu(l, settings->mtu);
	}
	/* keep_addr_on_down: the netlink backend takes a link with no IPv6
	 * (below 1280, or IPv6 off: no /proc/sys/net/ipv6/conf/NAME) as done */
	if (up)
	{
		set_link_up(l, TRUE);
	}
	l->keep_addrs |= settings->keep_addrs;
	for (i = 0; i < settings->n_addrs; i++)
	{
		if (settings->addrs[i].family == AF_INET6 && this->public.no_ipv6)
		{
			return fail(this, err, EAFNOSUPPORT);
		}
		if (settings->addrs[i].family == AF_INET6 &&
			l->mtu < FAKE_IPV6_MIN_MTU)
		{
			/* inet6_addr_add(): ipv6_add_dev() refuses a device below
			 * IPV6_MIN_MTU */
			return fail(this, err, EINVAL);
		}
		addr_add(l, &settings->addrs[i]);
	}
	unlock(this);
	return 0;
}

/**
 * The link of an operation on ifindex in netns, with the lock held: the
 * namespace must not be gone, the call "OP NS NAME[ ARG]" is recorded (and
 * fails where fail_op says), and the link must be there after it (a pause
 * may have deleted it).
 *
 * @param arg		what follows the name, NULL for nothing
 * @param ret		set, with the lock released, where NULL is returned
 * @return			the link, NULL if the operation ends here
 */
static fake_link_t *link_op(private_fake_t *this, const char *netns,
							int ifindex, const char *op, const char *arg,
							vti_err_t *err, int *ret)
{
	fake_link_t *l;

	lock(this);
	if (ns_gone(this, netns, err, ret))
	{
		return NULL;
	}
	l = find(this, netns, ifindex, NULL);
	if (call(this, FALSE, "%s %s %s%s%s", op, ns(netns), l ? l->name : "?",
			 arg ? " " : "", arg ?: ""))
	{
		*ret = failed(this, err);
		return NULL;
	}
	l = find(this, netns, ifindex, NULL);
	if (!l)
	{
		*ret = fail(this, err, ENODEV);
	}
	return l;
}

METHOD(vti_backend_t, set_mtu, int,
	private_fake_t *this, const char *netns, int ifindex, uint32_t mtu,
	vti_err_t *err)
{
	char value[16];
	fake_link_t *l;
	int ret;

	snprintf(value, sizeof(value), "%u", mtu);
	l = link_op(this, netns, ifindex, "mtu", value, err, &ret);
	if (!l)
	{
		return ret;
	}
	set_link_mtu(l, mtu);
	unlock(this);
	return 0;
}

METHOD(vti_backend_t, set_state, int,
	private_fake_t *this, const char *netns, int ifindex, bool up,
	vti_err_t *err)
{
	fake_link_t *l;
	int ret;

	l = link_op(this, netns, ifindex, up ? "up" : "down", NULL, err, &ret);
	if (!l)
	{
		return ret;
	}
	set_link_up(l, up);
	unlock(this);
	return 0;
}

METHOD(vti_backend_t, change, int,
	private_fake_t *this, const char *netns, int ifindex,
	const vti_params_t *params, uint32_t mtu, vti_err_t *err)
{
	int gone_ret;
	fake_link_t *l;
	char local[64], remote[64];

	inet_ntop(params->family, params->local, local, sizeof(local));
	inet_ntop(params->family, params->remote, remote, sizeof(remote));
	lock(this);
	if (ns_gone(this, netns, err, &gone_ret))
	{
		return gone_ret;
	}
	l = find(this, netns, ifindex, NULL);
	if (call(this, FALSE, "change %s %s ikey=%u local=%s remote=%s mtu=%u",
			 ns(netns), l ? l->name : "?", params->ikey, local, remote, mtu))
	{
		return failed(this, err);
	}
	l = find(this, netns, ifindex, NULL);
	if (!l)
	{
		return fail(this, err, ENODEV);
	}
	if (l->has_params && l->params.kind != params->kind)
	{
		/* IFLA_INFO_KIND names other link ops than the device's */
		return fail(this, err, EOPNOTSUPP);
	}
	if (clash(this, params, l))
	{
		return fail(this, err, EEXIST);
	}
	l->params = *params;
	l->has_params = TRUE;
	this->public.last_params = *params;
	if (mtu)
	{
		set_link_mtu(l, mtu);
	}
	else if (params->kind == VTI_KIND_VTI6)
	{
		/* vti6_changelink() without IFLA_MTU: vti6_link_config() takes the
		 * lower device's MTU minus the IPv6 header */
		set_link_mtu(l, this->public.path_mtu - 40);
	}
	unlock(this);
	return 0;
}

METHOD(vti_backend_t, remove_, int,
	private_fake_t *this, const char *netns, int ifindex, vti_err_t *err)
{
	int gone_ret;
	link_t *slot;
	fake_link_t *l;

	lock(this);
	if (ns_gone(this, netns, err, &gone_ret))
	{
		return gone_ret;
	}
	l = find(this, netns, ifindex, NULL);
	if (call(this, FALSE, "remove %s %s", ns(netns), l ? l->name : "?"))
	{
		return failed(this, err);
	}
	slot = find_slot(this, netns, ifindex, NULL);
	if (!slot)
	{
		return fail(this, err, ENODEV);
	}
	slot->used = FALSE;
	unlock(this);
	return 0;
}

METHOD(vti_backend_t, lookup, int,
	private_fake_t *this, const char *netns, const char *name, char *alias,
	size_t alias_len, vti_err_t *err)
{
	int gone_ret;
	fake_link_t *l;
	int ifindex;

	lock(this);
	if (ns_gone(this, netns, err, &gone_ret))
	{
		return gone_ret;
	}
	this->public.lookups++;
	if (call(this, TRUE, "lookup %s %s", ns(netns), name))
	{
		return failed(this, err);
	}
	l = find_name(this, netns, name);
	if (!l)
	{
		return fail(this, err, ENODEV);
	}
	snprintf(alias, alias_len, "%s", l->alias);
	ifindex = l->ifindex;
	unlock(this);
	return ifindex;
}

METHOD(vti_backend_t, list, int,
	private_fake_t *this, const char *netns, vti_found_cb_t cb, void *data,
	vti_err_t *err)
{
	int gone_ret;
	vti_link_info_t *found;
	int i, n = 0;

	found = calloc(MAX_LINKS, sizeof(*found));
	lock(this);
	if (ns_gone(this, netns, err, &gone_ret))
	{
		free(found);
		return gone_ret;
	}
	this->lists++;
	if (call(this, TRUE, "list %s", ns(netns)))
	{
		free(found);
		return failed(this, err);
	}
	for (i = 0; i < MAX_LINKS; i++)
	{
		fake_link_t *l = &this->links[i].link;

		if (this->links[i].used && streq(l->netns, netns) &&
			strpfx(l->alias, VTI_ALIAS_PREFIX))
		{
			found[n++] = to_info(l);
		}
	}
	unlock(this);
	for (i = 0; i < n; i++)
	{
		cb(data, &found[i]);
	}
	free(found);
	return 0;
}

METHOD(vti_backend_t, list_addrs, int,
	private_fake_t *this, const char *netns, vti_addr_cb_t cb, void *data,
	vti_err_t *err)
{
	int gone_ret;
	fake_link_t *found;
	int i, j, n = 0;

	found = calloc(MAX_LINKS, sizeof(*found));
	lock(this);
	if (ns_gone(this, netns, err, &gone_ret))
	{
		free(found);
		return gone_ret;
	}
	if (call(this, TRUE, "addrs %s", ns(netns)))
	{
		free(found);
		return failed(this, err);
	}
	for (i = 0; i < MAX_LINKS; i++)
	{
		if (this->links[i].used && streq(this->links[i].link.netns, netns))
		{
			found[n++] = this->links[i].link;
		}
	}
	unlock(this);
	for (i = 0; i < n; i++)
	{
		for (j = 0; j < found[i].n_addrs; j++)
		{
			cb(data, found[i].ifindex, &found[i].addrs[j]);
		}
	}
	free(found);
	return 0;
}


METHOD(vti_backend_t, add_altname, int,
	private_fake_t *this, const char *netns, int ifindex, const char *altname,
	vti_err_t *err)
{
	fake_link_t *l;
	int i;

	lock(this);
	l = find(this, netns, ifindex, NULL);
	if (call(this, FALSE, "altname %s %s %s", ns(netns), l ? l->name : "?",
			 altname))
	{
		return failed(this, err);
	}
	l = find(this, netns, ifindex, NULL);
	if (!l)
	{
		return fail(this, err, ENODEV);
	}
	if (strlen(altname) >= sizeof(l->altnames[0]))
	{
		return fail(this, err, EINVAL);
	}
	if (find_name(this, netns, altname))
	{
		return fail(this, err, EEXIST);
	}
	for (i = 0; i < FAKE_ALTNAMES && l->altnames[i][0]; i++)
	{
	}
	if (i == FAKE_ALTNAMES)
	{
		return fail(this, err, ENOSPC);
	}
	snprintf(l->altnames[i], sizeof(l->altnames[i]), "%s", altname);
	unlock(this);
	return 0;
}

METHOD(vti_backend_t, set_alias, int,
	private_fake_t *this, const char *netns, int ifindex, const char *alias,
	vti_err_t *err)
{
	fake_link_t *l;
	int ret;

	l = link_op(this, netns, ifindex, "alias", alias, err, &ret);
	if (!l)
	{
		return ret;
	}
	snprintf(l->alias, sizeof(l->alias), "%s", alias);
	queue_event(this, l, FALSE, FALSE);
	unlock(this);
	return 0;
}

METHOD(vti_backend_t, watch, int,
	private_fake_t *this, const char *netns, vti_err_t *err)
{
	lock(this);
	if (call(this, TRUE, "watch %s", ns(netns)))
	{
		return failed(this, err);
	}
	if (!is_watched(this, netns))
	{
		if (this->n_watched == MAX_WATCHED)
		{
			return fail(this, err, ENOSPC);
		}
		snprintf(this->watched[this->n_watched],
				 sizeof(this->watched[this->n_watched]), "%s", netns);
		this->n_watched++;
	}
	unlock(this);
	return 0;
}

METHOD(vti_backend_t, wait_events, int,
	private_fake_t *this, int timeout_ms, vti_event_cb_t cb, void *data)
{
	struct timespec deadline;
	queued_t *taken = NULL;
	bool overrun;
	int i, n;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	if (timeout_ms > 0)
	{
		deadline.tv_sec += timeout_ms / 1000;
		deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
		if (deadline.tv_nsec >= 1000000000L)
		{
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
	}
	lock(this);
	while (!this->n_events && !this->overrun && !this->woken && timeout_ms)
	{
		if (timeout_ms < 0)
		{
			pthread_cond_wait(&this->cond, &this->mutex);
		}
		else if (pthread_cond_timedwait(&this->cond, &this->mutex,
										&deadline) == ETIMEDOUT)
		{
			break;
		}
	}
	n = this->n_events;
	if (n)
	{
		taken = malloc(n * sizeof(*taken));
		memcpy(taken, this->events, n * sizeof(*taken));
	}
	overrun = this->overrun;
	this->n_events = 0;
	this->overrun = this->woken = FALSE;
	unlock(this);

	for (i = 0; i < n; i++)
	{
		taken[i].event.netns = taken[i].netns;
		cb(data, &taken[i].event);
	}
	free(taken);
	return overrun ? -ENOBUFS : n;
}

METHOD(vti_backend_t, wakeup, void,
	private_fake_t *this)
{
	lock(this);
	this->woken = TRUE;
	this->wakeups++;
	pthread_cond_broadcast(&this->cond);
	unlock(this);
}

METHOD(vti_backend_t, netns_ensure, int,
	private_fake_t *this, const char *netns, bool create, vti_err_t *err)
{
	lock(this);
	if (streq(this->gone_ns, netns))
	{
		if (!create)
		{
			return fail(this, err, ENOENT);
		}
		call(this, FALSE, "netns add %s", netns);
		this->gone_ns[0] = '\0';
	}
	unlock(this);
	return 0;
}

METHOD(vti_backend_t, path_mtu, uint32_t,
	private_fake_t *this, int family, const uint8_t *dst, uint32_t *ifindex)
{
	uint32_t mtu;

	if (ifindex)
	{
		/* the device of the route to the peer */
		*ifindex = 3;
	}
	lock(this);
	mtu = this->public.path_mtu;
	unlock(this);
	return mtu;
}

METHOD(vti_backend_t, destroy, void,
	private_fake_t *this)
{
}

fake_backend_t *fake_backend_create()
{
	private_fake_t *this;
	pthread_condattr_t attr;

	INIT(this,
		.public = {
			.backend = {
				.create = _create,
				.move = _move,
				.configure = _configure,
				.set_mtu = _set_mtu,
				.set_state = _set_state,
				.change = _change,
				.remove = _remove_,
				.lookup = _lookup,
				.list = _list,
				.list_addrs = _list_addrs,
				.add_altname = _add_altname,
				.set_alias = _set_alias,
				.watch = _watch,
				.wait_events = _wait_events,
				.wakeup = _wakeup,
				.netns_ensure = _netns_ensure,
				.path_mtu = _path_mtu,
				.destroy = _destroy,
			},
			.path_mtu = 1500,
		},
		.next_ifindex = 10,
	);
	pthread_mutex_init(&this->mutex, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&this->cond, &attr);
	pthread_condattr_destroy(&attr);
	return &this->public;
}

void fake_backend_free(fake_backend_t *fake)
{
	private_fake_t *this = (private_fake_t*)fake;

	pthread_cond_destroy(&this->cond);
	pthread_mutex_destroy(&this->mutex);
	free(this);
}

int fake_backend_add(fake_backend_t *fake, const char *netns,
					 const char *name, const char *alias, bool up)
{
	private_fake_t *this = (private_fake_t*)fake;
	fake_link_t *l;
	int ifindex;

	lock(this);
	l = add(this, netns, name, alias);
	l->up = up;
	ifindex = l->ifindex;
	queue_event(this, l, FALSE, FALSE);
	unlock(this);
	return ifindex;
}

bool fake_backend_del(fake_backend_t *fake, const char *netns,
					  const char *name)
{
	private_fake_t *this = (private_fake_t*)fake;
	link_t *slot;

	lock(this);
	slot = find_slot(this, netns, 0, name);
	if (slot)
	{
		leave(this, slot, FALSE);
	}
	unlock(this);
	return slot != NULL;
}

bool fake_backend_set_up(fake_backend_t *fake, const char *netns,
						 const char *name, bool up)
{
	private_fake_t *this = (private_fake_t*)fake;
	fake_link_t *l;

	lock(this);
	l = find(this, netns, 0, name);
	if (l)
	{
		set_link_up(l, up);
		queue_event(this, l, FALSE, FALSE);
	}
	unlock(this);
	return l != NULL;
}

bool fake_backend_set_alias(fake_backend_t *fake, const char *netns,
							const char *name, const char *alias)
{
	private_fake_t *this = (private_fake_t*)fake;
	fake_link_t *l;

	lock(this);
	l = find(this, netns, 0, name);
	if (l)
	{
		snprintf(l->alias, sizeof(l->alias), "%s", alias);
		queue_event(this, l, FALSE, FALSE);
	}
	unlock(this);
	return l != NULL;
}

bool fake_backend_set_mtu(fake_backend_t *fake, const char *netns,
						  const char *name, uint32_t mtu)
{
	private_fake_t *this = (private_fake_t*)fake;
	fake_link_t *l;

	lock(this);
	l = find(this, netns, 0, name);
	if (l)
	{
		set_link_mtu(l, mtu);
		queue_event(this, l, FALSE, FALSE);
	}
	unlock(this);
	return l != NULL;
}

int fake_backend_rename(fake_backend_t *fake, const char *netns,
						const char *name, const char *newname)
{
	return fake_backend_rename_unseen(fake, netns, name, newname, FALSE);
}

int fake_backend_rename_unseen(fake_backend_t *fake, const char *netns,
							   const char *name, const char *newname,
							   bool unseen)
{
	private_fake_t *this = (private_fake_t*)fake;
	fake_link_t *l;
	int ret = 0;

	lock(this);
	l = find(this, netns, 0, name);
	if (!l)
	{
		ret = -ENODEV;
	}
	else if (l->up)
	{
		ret = -EBUSY;
	}
	else
	{
		ret = name_taken(this, netns, newname, l);
	}
	if (!ret)
	{
		snprintf(l->name, sizeof(l->name), "%s", newname);
		if (!unseen)
		{
			queue_event(this, l, FALSE, FALSE);
		}
	}
	unlock(this);
	return ret;
}

bool fake_backend_add_addr(fake_backend_t *fake, const char *netns,
						   const char *name, const char *prefix)
{
	private_fake_t *this = (private_fake_t*)fake;
	vti_prefix_t p;
	fake_link_t *l;
	bool added = FALSE;

	lock(this);
	l = find(this, netns, 0, name);
	if (l && parse_prefix(prefix, &p))
	{
		added = addr_add(l, &p);
	}
	unlock(this);
	return added;
}

bool fake_backend_del_addr(fake_backend_t *fake, const char *netns,
						   const char *name, const char *prefix)
{
	private_fake_t *this = (private_fake_t*)fake;
	vti_prefix_t p;
	fake_link_t *l;
	int i = -1;

	lock(this);
	l = find(this, netns, 0, name);
	if (l && parse_prefix(prefix, &p))
	{
		i = addr_index(l, &p);
		if (i >= 0 && l->addrs[i].len == p.len)
		{
			addr_remove(l, i);
		}
		else
		{
			i = -1;
		}
	}
	unlock(this);
	return i >= 0;
}

bool fake_link_has_addr(const fake_link_t *link, const char *prefix)
{
	vti_prefix_t p;
	int i;

	if (!parse_prefix(prefix, &p))
	{
		return FALSE;
	}
	i = addr_index(link, &p);
	return i >= 0 && link->addrs[i].len == p.len;
}

bool fake_backend_move_away(fake_backend_t *fake, const char *netns,
							const char *name)
{
	private_fake_t *this = (private_fake_t*)fake;
	link_t *slot;

	lock(this);
	slot = find_slot(this, netns, 0, name);
	if (slot)
	{
		leave(this, slot, TRUE);
	}
	unlock(this);
	return slot != NULL;
}

void fake_backend_overrun(fake_backend_t *fake)
{
	private_fake_t *this = (private_fake_t*)fake;

	lock(this);
	this->overrun = TRUE;
	pthread_cond_broadcast(&this->cond);
	unlock(this);
}

bool fake_backend_watched(fake_backend_t *fake, const char *netns)
{
	private_fake_t *this = (private_fake_t*)fake;
	bool watched;

	lock(this);
	watched = is_watched(this, netns);
	unlock(this);
	return watched;
}

int fake_backend_pending(fake_backend_t *fake)
{
	private_fake_t *this = (private_fake_t*)fake;
	int n;

	lock(this);
	n = this->n_events;
	unlock(this);
	return n;
}

bool fake_backend_link(fake_backend_t *fake, const char *netns,
					   const char *name, fake_link_t *out)
{
	private_fake_t *this = (private_fake_t*)fake;
	fake_link_t *l;

	lock(this);
	l = find(this, netns, 0, name);
	if (l && out)
	{
		*out = *l;
	}
	unlock(this);
	return l != NULL;
}

/**
 * Wait on the fake's condition until ready(this, data) holds (with the lock
 * held), at most timeout_ms.
 */
static bool wait_until(private_fake_t *this, int timeout_ms,
					   bool (*ready)(private_fake_t *this, const void *data),
					   const void *data)
{
	struct timespec deadline;
	bool ok;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L)
	{
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	lock(this);
	while (!(ok = ready(this, data)) &&
		   pthread_cond_timedwait(&this->cond, &this->mutex,
								  &deadline) != ETIMEDOUT)
	{
	}
	ok = ok || ready(this, data);
	unlock(this);
	return ok;
}

/**
 * The link "netns\0name" exists, for wait_until().
 */
static bool link_made(private_fake_t *this, const void *data)
{
	const char *netns = data;

	return find(this, netns, 0, netns + strlen(netns) + 1) != NULL;
}

bool fake_backend_wait_exists(fake_backend_t *fake, const char *netns,
							  const char *name, int timeout_ms)
{
	char key[160];

	snprintf(key, sizeof(key), "%s%c%s", netns, '\0', name);
	return wait_until((private_fake_t*)fake, timeout_ms, link_made, key);
}

int fake_backend_wakeups(fake_backend_t *fake)
{
	private_fake_t *this = (private_fake_t*)fake;
	int n;

	lock(this);
	n = this->wakeups;
	unlock(this);
	return n;
}

/**
 * More wakeup() calls than *data, for wait_until().
 */
static bool woken_after(private_fake_t *this, const void *data)
{
	return this->wakeups > *(const int*)data;
}

bool fake_backend_wait_wakeup(fake_backend_t *fake, int after,
							  int timeout_ms)
{
	return wait_until((private_fake_t*)fake, timeout_ms, woken_after, &after);
}

bool fake_backend_exists(fake_backend_t *fake, const char *netns,
						 const char *name, bool *up)
{
	fake_link_t l;

	if (!fake_backend_link(fake, netns, name, &l))
	{
		return FALSE;
	}
	if (up)
	{
		*up = l.up;
	}
	return TRUE;
}

int fake_backend_links(fake_backend_t *fake, fake_link_t *out, int max)
{
	private_fake_t *this = (private_fake_t*)fake;
	int i, n = 0;

	lock(this);
	for (i = 0; i < MAX_LINKS; i++)
	{
		if (this->links[i].used)
		{
			if (n < max)
			{
				out[n] = this->links[i].link;
			}
			n++;
		}
	}
	unlock(this);
	return n;
}

int fake_backend_lists(fake_backend_t *fake)
{
	private_fake_t *this = (private_fake_t*)fake;
	int lists;

	lock(this);
	lists = this->lists;
	unlock(this);
	return lists;
}

int fake_backend_count(fake_backend_t *fake)
{
	return fake_backend_links(fake, NULL, 0);
}

void fake_backend_clear(fake_backend_t *fake)
{
	private_fake_t *this = (private_fake_t*)fake;

	lock(this);
	fake->calls[0] = '\0';
	unlock(this);
}

void fake_backend_pause(fake_backend_t *fake, const char *op_prefix,
						void (*cb)(void *data), void *data)
{
	private_fake_t *this = (private_fake_t*)fake;

	lock(this);
	this->pause_prefix = op_prefix;
	this->pause_cb = cb;
	this->pause_data = data;
	unlock(this);
}

void fake_backend_netns_del_held(fake_backend_t *fake, const char *netns)
{
	private_fake_t *this = (private_fake_t*)fake;
	int i;

	lock(this);
	/* the namespace lives on without its name: its links with it, out of
	 * the manager's reach, still clashing (clash() looks everywhere) */
	for (i = 0; i < MAX_LINKS; i++)
	{
		if (this->links[i].used && streq(this->links[i].link.netns, netns))
		{
			snprintf(this->links[i].link.netns,
					 sizeof(this->links[i].link.netns), FAKE_GHOST "%s",
					 netns);
		}
	}
	snprintf(this->gone_ns, sizeof(this->gone_ns), "%s", netns);
	unlock(this);
}

void fake_backend_netns_del(fake_backend_t *fake, const char *netns)
{
	private_fake_t *this = (private_fake_t*)fake;
	int i;

	lock(this);
	/* its links die with it (vti, vti6 and xfrm interfaces are not moved
	 * back to the initial namespace) */
	for (i = 0; i < MAX_LINKS; i++)
	{
		if (this->links[i].used && streq(this->links[i].link.netns, netns))
		{
			this->links[i].used = FALSE;
		}
	}
	snprintf(this->gone_ns, sizeof(this->gone_ns), "%s", netns);
	unlock(this);
}
