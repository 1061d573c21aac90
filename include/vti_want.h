/**
 * @defgroup vti_want vti_want
 * @{ @ingroup vti
 *
 * Which interfaces a CHILD_SA wants: kind, name, identity and MTU, from
 * its marks or if_ids, its endpoints and its connection's settings.
 */

#ifndef VTI_WANT_H_
#define VTI_WANT_H_

#include "vti_manager.h"

typedef struct vti_want_t vti_want_t;

/**
 * One interface a CHILD_SA wants.
 */
struct vti_want_t {
	/** its name, from the template */
	char name[IFNAMSIZ];
	/** kind, keys or if_id, endpoints */
	vti_params_t params;
	/** MTU it needs */
	uint32_t mtu;
};

/**
 * The interfaces a CHILD_SA wants; logs why it wants none.
 *
 * @param tunnel	the CHILD_SA
 * @param cfg		its connection's settings
 * @param backend	for the route to the peer (auto MTU, XFRM link)
 * @param wants		receives the interfaces
 * @param max		size of wants (2: distinct in and out if_ids)
 * @return			number of interfaces wanted
 */
int vti_want(const vti_tunnel_t *tunnel, const vti_conn_cfg_t *cfg,
			 vti_backend_t *backend, vti_want_t *wants, int max);

/**
 * The MTU of an interface for a tunnel: configured, or computed from the
 * route to the peer and the ESP overhead.
 *
 * @param tunnel	the CHILD_SA
 * @param configured	configured MTU, 0 for auto
 * @param backend	for the route to the peer
 * @param link		receives the device of that route, NULL if not needed
 * @return			MTU
 */
uint32_t vti_want_mtu(const vti_tunnel_t *tunnel, uint32_t configured,
					  vti_backend_t *backend, uint32_t *link);

#endif /** VTI_WANT_H_ @}*/
