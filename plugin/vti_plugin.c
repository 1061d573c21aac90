/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The vti plugin: wires the listener, the manager and the kernel backend
 * together and hooks them into charon's bus.
 */

#include "vti_plugin.h"
#include "vti_listener.h"

#include <daemon.h>

/* setns() into the private namespace needs CAP_SYS_ADMIN */
#ifndef CAP_SYS_ADMIN
# define CAP_SYS_ADMIN 21
#endif

typedef struct private_vti_plugin_t private_vti_plugin_t;

/**
 * Private data of the vti plugin.
 */
struct private_vti_plugin_t {

	/**
	 * Public interface.
	 */
	vti_plugin_t public;

	/**
	 * Bus listener translating CHILD_SA events.
	 */
	vti_listener_t *listener;
};

METHOD(plugin_t, get_name, char*,
	private_vti_plugin_t *this)
{
	return "vti";
}

/**
 * Whether a comma-separated list of interface names holds name.
 */
static bool list_has(const char *list, const char *name)
{
	enumerator_t *enumerator;
	char *item;
	bool found = FALSE;

	enumerator = enumerator_create_token(list, ",", " ");
	while (!found && enumerator->enumerate(enumerator, &item))
	{
		found = streq(item, name);
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Warn if charon will take our interfaces leaving its namespace for lost
 * ones: it then roams, and every MOBIKE IKE_SA updates its peer.
 */
static void check_ignored(void)
{
	char *use, *ignore;

	use = lib->settings->get_str(lib->settings, "%s.interfaces_use", NULL,
								 lib->ns);
	ignore = lib->settings->get_str(lib->settings, "%s.interfaces_ignore",
									NULL, lib->ns);
	if ((use && !list_has(use, VTI_TEMP_NAME)) ||
		(ignore && list_has(ignore, VTI_TEMP_NAME)))
	{
		return;
	}
	DBG1(DBG_CFG, "vti: %s.interfaces_ignore does not list %s: each "
		 "interface moved into a namespace makes charon roam, and every "
		 "MOBIKE peer gets an address update; add %s to it", lib->ns,
		 VTI_TEMP_NAME, VTI_TEMP_NAME);
}

/**
 * Register or unregister the listener when the feature is (un)loaded.
 */
static bool plugin_cb(private_vti_plugin_t *this,
					  plugin_feature_t *feature, bool reg, void *cb_data)
{
	vti_manager_t *manager;

	if (reg)
	{
		check_ignored();
		manager = vti_manager_create(vti_config_create(lib->settings, lib->ns),
									 vti_netlink_create());
		/* at start, what an earlier run left is released */
		manager->resync(manager);
		this->listener = vti_listener_create(manager);
		charon->bus->add_listener(charon->bus, &this->listener->listener);
	}
	else if (this->listener)
	{
		charon->bus->remove_listener(charon->bus, &this->listener->listener);
		this->listener->destroy(this->listener);
		this->listener = NULL;
	}
	return TRUE;
}

METHOD(plugin_t, get_features, int,
	private_vti_plugin_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK((plugin_feature_callback_t)plugin_cb, NULL),
			PLUGIN_PROVIDE(CUSTOM, "vti"),
				PLUGIN_DEPENDS(CUSTOM, "kernel-ipsec"),
	};
	*features = f;
	return countof(f);
}

METHOD(plugin_t, reload, bool,
	private_vti_plugin_t *this)
{
	if (this->listener)
	{
		this->listener->reload(this->listener);
	}
	return TRUE;
}

METHOD(plugin_t, destroy, void,
	private_vti_plugin_t *this)
{
	DESTROY_IF(this->listener);
	free(this);
}

/**
 * Plugin constructor, looked up by charon's plugin loader.
 */
plugin_t *vti_plugin_create()
{
	private_vti_plugin_t *this;

	/* charon drops capabilities after constructing plugins: keep ours */
	if (!lib->caps->keep(lib->caps, CAP_NET_ADMIN))
	{
		DBG1(DBG_CFG, "vti plugin requires CAP_NET_ADMIN capability");
		return NULL;
	}
	if (!lib->caps->keep(lib->caps, CAP_SYS_ADMIN))
	{
		DBG1(DBG_CFG, "vti plugin requires CAP_SYS_ADMIN capability to "
			 "enter network namespaces");
		return NULL;
	}

	INIT(this,
		.public = {
			.plugin = {
				.get_name = _get_name,
				.get_features = _get_features,
				.reload = _reload,
				.destroy = _destroy,
			},
		},
	);
	return &this->public.plugin;
}
