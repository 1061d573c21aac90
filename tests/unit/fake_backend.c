/*
 * A fake kernel backend for the manager's unit tests.
 */

#include "fake_backend.h"

#include <errno.h>
#include <stdarg.h>
#include <arpa/inet.h>

#define MAX_LINKS 64

typedef struct {
	bool used;
	char netns[64];
	char name[IFNAMSIZ];
	char alias[IFALIASZ];
	int ifindex;
	bool up;
	vti_params_t params;
} link_t;

typedef struct {
	fake_backend_t public;
	link_t links[MAX_LINKS];
	int next_ifindex;
} private_fake_t;

/**
 * Record a call; TRUE if it must fail.
 */
static bool record(private_fake_t *this, const char *fmt, ...)
{
	char line[256];
	va_list args;
	size_t len = strlen(this->public.calls);

	va_start(args, fmt);
	vsnprintf(line, sizeof(line), fmt, args);
	va_end(args);
	snprintf(this->public.calls + len, sizeof(this->public.calls) - len,
			 "%s\n", line);
	if (this->public.fail_op && strpfx(line, this->public.fail_op))
	{
		this->public.fail_op = NULL;
		return TRUE;
	}
	return FALSE;
}

static int failed(private_fake_t *this, vti_err_t *err)
{
	snprintf(err->msg, sizeof(err->msg), "fake: %s",
			 strerror(this->public.fail_errno));
	return -this->public.fail_errno;
}

static link_t *find(private_fake_t *this, const char *netns, int ifindex,
					const char *name)
{
	int i;

	for (i = 0; i < MAX_LINKS; i++)
	{
		link_t *l = &this->links[i];

		if (l->used && streq(l->netns, netns) &&
			(name ? streq(l->name, name) : l->ifindex == ifindex))
		{
			return l;
		}
	}
	return NULL;
}

static link_t *add(private_fake_t *this, const char *netns, const char *name,
				   const char *alias)
{
	int i;

	for (i = 0; i < MAX_LINKS; i++)
	{
		link_t *l = &this->links[i];

		if (!l->used)
		{
			*l = (link_t){ .used = TRUE, .ifindex = this->next_ifindex++ };
			snprintf(l->netns, sizeof(l->netns), "%s", netns);
			snprintf(l->name, sizeof(l->name), "%s", name);
			snprintf(l->alias, sizeof(l->alias), "%s", alias ?: "");
			return l;
		}
	}
	return NULL;
}

static const char *ns(const char *netns)
{
	return *netns ? netns : "-";
}

METHOD(vti_backend_t, create, int,
	private_fake_t *this, const char *name, const vti_params_t *params,
	const char *alias, vti_err_t *err)
{
	link_t *l;

	if (params->kind == VTI_KIND_XFRM ?
		record(this, "create xfrm %s if_id=%u link=%u alias=%s", name,
			   params->if_id, params->link, alias) :
		record(this, "create %s %s ikey=%u okey=%u alias=%s",
			   vti_kind_name(params->kind), name, params->ikey, params->okey,
			   alias))
	{
		return failed(this, err);
	}
	if (find(this, "", 0, name))
	{
		snprintf(err->msg, sizeof(err->msg), "fake: exists");
		return -EEXIST;
	}
	l = add(this, "", name, alias);
	l->params = *params;
	this->public.last_params = *params;
	return l->ifindex;
}

METHOD(vti_backend_t, move, int,
	private_fake_t *this, int ifindex, const char *name, const char *netns,
	vti_err_t *err)
{
	link_t *l;

	if (record(this, "move %s %s", name, ns(netns)))
	{
		return failed(this, err);
	}
	l = find(this, "", ifindex, NULL);
	if (!l)
	{
		return -ENODEV;
	}
	snprintf(l->netns, sizeof(l->netns), "%s", netns);
	/* a new index in the other namespace, as the kernel may give */
	l->ifindex = this->next_ifindex++;
	return l->ifindex;
}

METHOD(vti_backend_t, configure, int,
	private_fake_t *this, const char *netns, int ifindex, const char *name,
	const vti_settings_t *settings, vti_err_t *err)
{
	link_t *l = find(this, netns, ifindex, NULL);

	/* the name the manager passes is the one of the link it configures */
	if (record(this, "configure %s %s mtu=%u addrs=%d disable_xfrm=%d",
			   ns(netns), l && streq(l->name, name) ? name : "?",
			   settings->mtu, settings->n_addrs, settings->disable_xfrm))
	{
		return failed(this, err);
	}
	this->public.last_settings = *settings;
	return l ? 0 : -ENODEV;
}

METHOD(vti_backend_t, set_mtu, int,
	private_fake_t *this, const char *netns, int ifindex, uint32_t mtu,
	vti_err_t *err)
{
	link_t *l = find(this, netns, ifindex, NULL);

	if (record(this, "mtu %s %s %u", ns(netns), l ? l->name : "?", mtu))
	{
		return failed(this, err);
	}
	return l ? 0 : -ENODEV;
}

METHOD(vti_backend_t, set_state, int,
	private_fake_t *this, const char *netns, int ifindex, bool up,
	vti_err_t *err)
{
	link_t *l = find(this, netns, ifindex, NULL);

	if (record(this, "%s %s %s", up ? "up" : "down", ns(netns),
			   l ? l->name : "?"))
	{
		return failed(this, err);
	}
	if (!l)
	{
		return -ENODEV;
	}
	l->up = up;
	return 0;
}

METHOD(vti_backend_t, change, int,
	private_fake_t *this, const char *netns, int ifindex,
	const vti_params_t *params, uint32_t mtu, vti_err_t *err)
{
	link_t *l = find(this, netns, ifindex, NULL);
	char local[64], remote[64];

	inet_ntop(params->family, params->local, local, sizeof(local));
	inet_ntop(params->family, params->remote, remote, sizeof(remote));
	if (record(this, "change %s %s ikey=%u local=%s remote=%s", ns(netns),
			   l ? l->name : "?", params->ikey, local, remote))
	{
		return failed(this, err);
	}
	if (!l)
	{
		return -ENODEV;
	}
	l->params = *params;
	this->public.last_params = *params;
	return 0;
}

METHOD(vti_backend_t, remove_, int,
	private_fake_t *this, const char *netns, int ifindex, vti_err_t *err)
{
	link_t *l = find(this, netns, ifindex, NULL);

	if (record(this, "remove %s %s", ns(netns), l ? l->name : "?"))
	{
		return failed(this, err);
	}
	if (!l)
	{
		return -ENODEV;
	}
	l->used = FALSE;
	return 0;
}

METHOD(vti_backend_t, lookup, int,
	private_fake_t *this, const char *netns, const char *name, char *alias,
	size_t alias_len, vti_err_t *err)
{
	link_t *l = find(this, netns, 0, name);

	if (!l)
	{
		return -ENODEV;
	}
	snprintf(alias, alias_len, "%s", l->alias);
	return l->ifindex;
}

METHOD(vti_backend_t, list, int,
	private_fake_t *this, const char *netns, vti_found_cb_t cb, void *data,
	vti_err_t *err)
{
	int i;

	for (i = 0; i < MAX_LINKS; i++)
	{
		link_t *l = &this->links[i];

		if (l->used && streq(l->netns, netns) &&
			strpfx(l->alias, VTI_ALIAS_PREFIX))
		{
			cb(data, l->ifindex, l->name, l->alias);
		}
	}
	return 0;
}

METHOD(vti_backend_t, netns_ensure, int,
	private_fake_t *this, const char *netns, bool create, vti_err_t *err)
{
	return 0;
}

METHOD(vti_backend_t, path_mtu, uint32_t,
	private_fake_t *this, int family, const uint8_t *dst, uint32_t *ifindex)
{
	if (ifindex)
	{
		/* the device of the route to the peer */
		*ifindex = 3;
	}
	return this->public.path_mtu;
}

METHOD(vti_backend_t, destroy, void,
	private_fake_t *this)
{
}

fake_backend_t *fake_backend_create()
{
	private_fake_t *this;

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
				.netns_ensure = _netns_ensure,
				.path_mtu = _path_mtu,
				.destroy = _destroy,
			},
			.path_mtu = 1500,
		},
		.next_ifindex = 10,
	);
	return &this->public;
}

void fake_backend_free(fake_backend_t *fake)
{
	free(fake);
}

int fake_backend_add(fake_backend_t *fake, const char *netns,
					 const char *name, const char *alias, bool up)
{
	link_t *l = add((private_fake_t*)fake, netns, name, alias);

	l->up = up;
	return l->ifindex;
}

bool fake_backend_exists(fake_backend_t *fake, const char *netns,
						 const char *name, bool *up)
{
	link_t *l = find((private_fake_t*)fake, netns, 0, name);

	if (l && up)
	{
		*up = l->up;
	}
	return l != NULL;
}

int fake_backend_count(fake_backend_t *fake)
{
	private_fake_t *this = (private_fake_t*)fake;
	int i, n = 0;

	for (i = 0; i < MAX_LINKS; i++)
	{
		n += this->links[i].used;
	}
	return n;
}

void fake_backend_clear(fake_backend_t *fake)
{
	fake->calls[0] = '\0';
}
