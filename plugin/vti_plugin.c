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

/* the strongSwan build the plugin was compiled against (configure) */
#ifndef VTI_STRONGSWAN_BUILT
# define VTI_BUILT_AGAINST VERSION " (Debian revision unknown)"
#else
# define VTI_BUILT_AGAINST VTI_STRONGSWAN_BUILT
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
 * Whether the settings move interfaces into a namespace other than
 * charon's.
 */
static bool other_netns(vti_config_t *config)
{
	enumerator_t *enumerator;
	char *netns;
	bool found = FALSE;

	enumerator = config->create_netns_enumerator(config);
	while (!found && enumerator->enumerate(enumerator, &netns))
	{
		found = *netns != '\0';
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Tell, with the line to write, if charon will take our interfaces leaving
 * its namespace for lost ones: it then roams, and every MOBIKE IKE_SA
 * updates its peer. The package's strongswan.d/strongswan-vti.conf makes
 * charon ignore the name unless the operator's own settings say otherwise;
 * charon reads them once, at start.
 */
static void check_ignored(void)
{
	char *use, *ignore;

	use = lib->settings->get_str(lib->settings, "%s.interfaces_use", NULL,
								 lib->ns);
	ignore = lib->settings->get_str(lib->settings, "%s.interfaces_ignore",
									NULL, lib->ns);
	if (use)
	{
		if (list_has(use, VTI_TEMP_NAME))
		{
			DBG1(DBG_CFG, "vti: %s.interfaces_use lists %s: each interface "
				 "moved into a namespace makes charon roam, and every MOBIKE "
				 "peer gets an address update; remove %s from it", lib->ns,
				 VTI_TEMP_NAME, VTI_TEMP_NAME);
		}
		return;
	}
	if (ignore && list_has(ignore, VTI_TEMP_NAME))
	{
		return;
	}
	DBG1(DBG_CFG, "vti: %s.interfaces_ignore does not list %s: each "
		 "interface moved into a namespace makes charon roam, and every "
		 "MOBIKE peer gets an address update; write \"interfaces_ignore = "
		 "%s%s%s\" in the %s section of strongswan.conf and restart charon",
		 lib->ns, VTI_TEMP_NAME, ignore ?: "", ignore ? ", " : "",
		 VTI_TEMP_NAME, lib->ns);
}

/**
 * Keep CAP_SYS_ADMIN, which entering other namespaces takes, once charon
 * drops the capabilities it does not need (CAP_NET_ADMIN is kept by the
 * constructor).
 */
static bool keep_sys_admin(void)
{
	if (!lib->caps->keep(lib->caps, CAP_SYS_ADMIN))
	{
		DBG1(DBG_CFG, "vti: the settings move interfaces into another "
			 "namespace, which needs the CAP_SYS_ADMIN capability: charon "
			 "lacks it, the plugin is not loaded");
		return FALSE;
	}
	return TRUE;
}

/**
 * Register or unregister the listener when the feature is (un)loaded.
 */
static bool plugin_cb(private_vti_plugin_t *this,
					  plugin_feature_t *feature, bool reg, void *cb_data)
{
	vti_manager_t *manager;
	vti_config_t *config;

	if (reg)
	{
		DBG1(DBG_CFG, "vti: built against strongSwan %s", VTI_BUILT_AGAINST);
		config = vti_config_create(lib->settings, lib->ns);
		if (other_netns(config))
		{
			if (!keep_sys_admin())
			{
				config->destroy(config);
				return FALSE;
			}
			/* only interfaces that move away are born under the
			 * temporary name */
			check_ignored();
		}
		manager = vti_manager_create(config, vti_netlink_create());
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
