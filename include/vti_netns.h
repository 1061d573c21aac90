/**
 * @defgroup vti_netns vti_netns
 * @{ @ingroup vti
 *
 * Named network namespaces (/run/netns/NAME, as ip netns keeps them).
 */

#ifndef VTI_NETNS_H_
#define VTI_NETNS_H_

#include "vti_backend.h"

#include <libmnl/libmnl.h>

/**
 * Open /run/netns/NAME.
 *
 * @return			file descriptor, or -errno
 */
int vti_netns_open(const char *name);

/**
 * Open an rtnetlink socket, inside namespace name ("" for charon's own);
 * the calling thread enters the namespace only for the socket() call.
 *
 * @return			bound socket, NULL on failure with err set
 */
struct mnl_socket *vti_netns_socket(const char *name, vti_err_t *err);

/**
 * Write a sysctl (a path below /proc/sys) as seen from namespace name.
 *
 * @return			0, or -errno with err set
 */
int vti_netns_sysctl(const char *name, const char *path, const char *value,
					 vti_err_t *err);

/**
 * Create a named namespace as "ip netns add" does.
 *
 * @return			0, or -errno with err set
 */
int vti_netns_create(const char *name, vti_err_t *err);

#endif /** VTI_NETNS_H_ @}*/
