/*
 * What an earlier run left behind.
 */

#include "vti_stale.h"
#include "vti_iface.h"

#include <errno.h>
#include <collections/linked_list.h>
#include <utils/debug.h>

/**
 * An interface with our alias found in a namespace at start.
 */
typedef struct {
	int ifindex;
	char name[IFNAMSIZ];
	char conn[IFALIASZ];
} stale_t;

static void collect_stale(void *data, const vti_link_info_t *link)
{
	linked_list_t *list = data;
	stale_t *stale;

	INIT(stale,
		.ifindex = link->ifindex,
	);
	snprintf(stale->name, sizeof(stale->name), "%s", link->name);
	snprintf(stale->conn, sizeof(stale->conn), "%s",
			 link->alias + strlen(VTI_ALIAS_PREFIX));
	list->insert_last(list, stale);
}

/**
 * Delete what an earlier run left in netns, or keep it down for the next
 * CHILD_SA of its connection (down_action = down).
 */
static void cleanup_netns(vti_config_t *config, vti_backend_t *backend,
						  hashtable_t *ifaces, const char *netns)
{
	linked_list_t *found;
	vti_conn_cfg_t cfg;
	vti_err_t err = {};
	vti_iface_t *iface;
	stale_t *stale;
	int rc;

	found = linked_list_create();
	if (backend->list(backend, netns, collect_stale, found,
							&err) < 0 && *err.msg)
	{
		DBG2(DBG_CHD, "vti: looking for interfaces left in namespace %s: %s",
			 vti_iface_netns_str(netns), err.msg);
	}
	while (found->remove_first(found, (void**)&stale) == SUCCESS)
	{
		if (!config->lookup(config, stale->conn, &cfg) ||
			cfg.down_action != VTI_DOWN_SET_DOWN || !streq(cfg.netns, netns))
		{
			rc = backend->remove(backend, netns, stale->ifindex,
									   &err);
			if (rc < 0 && rc != -ENODEV)
			{
				DBG1(DBG_CHD, "vti: %s: deleting %s left by an earlier run "
					 "failed: %s", stale->conn, stale->name, err.msg);
			}
			else
			{
				DBG1(DBG_CHD, "vti: %s: deleted %s left by an earlier run in "
					 "namespace %s", stale->conn, stale->name,
					 vti_iface_netns_str(netns));
			}
			free(stale);
			continue;
		}
		iface = vti_iface_adopt(stale->conn, netns, stale->name,
								stale->ifindex);
		if (backend->set_state(backend, netns, stale->ifindex,
									 FALSE, &err) < 0)
		{
			DBG1(DBG_CHD, "vti: %s: setting %s down failed: %s",
				 stale->conn, stale->name, err.msg);
			iface->up = TRUE;
		}
		iface = ifaces->put(ifaces, iface->key, iface);
		if (iface)
		{
			vti_iface_destroy(iface);
		}
		DBG1(DBG_CHD, "vti: %s: keeping %s left by an earlier run down in "
			 "namespace %s for the next CHILD_SA", stale->conn, stale->name,
			 vti_iface_netns_str(netns));
		free(stale);
	}
	found->destroy(found);
}

/*
 * Described in header
 */
void vti_stale_cleanup(vti_config_t *config, vti_backend_t *backend,
					   hashtable_t *ifaces)
{
	enumerator_t *enumerator;
	char *netns;

	enumerator = config->create_netns_enumerator(config);
	while (enumerator->enumerate(enumerator, &netns))
	{
		cleanup_netns(config, backend, ifaces, netns);
	}
	enumerator->destroy(enumerator);
}
