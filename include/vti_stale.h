/**
 * @defgroup vti_stale vti_stale
 * @{ @ingroup vti
 *
 * What an earlier run of charon left: deleted at start, or kept down for
 * the next CHILD_SA of its connection (down_action = down).
 */

#ifndef VTI_STALE_H_
#define VTI_STALE_H_

#include "vti_config.h"

#include <collections/hashtable.h>

/**
 * Look for interfaces of ours in every namespace of the settings; delete
 * them, or set them down and adopt them into the table.
 *
 * @param config	settings
 * @param backend	the kernel
 * @param ifaces	table of vti_iface_t by key, receives the adopted ones
 */
void vti_stale_cleanup(vti_config_t *config, vti_backend_t *backend,
					   hashtable_t *ifaces);

#endif /** VTI_STALE_H_ @}*/
