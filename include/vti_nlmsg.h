/**
 * @defgroup vti_nlmsg vti_nlmsg
 * @{ @ingroup vti
 *
 * Builds the rtnetlink requests of the backend, attribute for attribute as
 * iproute2 builds them for the same ip command.
 */

#ifndef VTI_NLMSG_H_
#define VTI_NLMSG_H_

#include "vti_backend.h"

#include <libmnl/libmnl.h>

/** Size of the buffers the builders take; they clear it first, as libmnl
 * leaves the padding of attributes as it finds it */
#define VTI_NLMSG_BUF 8192

/**
 * ip link add NAME type vti|vti6 local L remote R ikey I okey O
 * ip link add NAME type xfrm dev LINK if_id ID
 */
struct nlmsghdr *vti_nlmsg_create(void *buf, uint32_t seq, const char *name,
								  const vti_params_t *params);

/**
 * ip link set dev IFINDEX mtu MTU type KIND ... (keys, endpoints); without
 * the mtu if it is 0
 */
struct nlmsghdr *vti_nlmsg_change(void *buf, uint32_t seq, int ifindex,
								  const vti_params_t *params, uint32_t mtu);

/**
 * ip link set dev IFINDEX alias ALIAS
 */
struct nlmsghdr *vti_nlmsg_alias(void *buf, uint32_t seq, int ifindex,
								 const char *alias);

/**
 * ip link set dev IFINDEX netns NAME (fd of /run/netns/NAME)
 */
struct nlmsghdr *vti_nlmsg_netns(void *buf, uint32_t seq, int ifindex,
								 int netns_fd);

/**
 * ip link set dev IFINDEX mtu MTU
 */
struct nlmsghdr *vti_nlmsg_mtu(void *buf, uint32_t seq, int ifindex,
							   uint32_t mtu);

/**
 * sysctl net.ipv4.conf.DEV.disable_policy=1 (and disable_xfrm=1) plus
 * ip link set dev IFINDEX mtu MTU, as one request (IFLA_AF_SPEC)
 */
struct nlmsghdr *vti_nlmsg_configure(void *buf, uint32_t seq, int ifindex,
									 uint32_t mtu, bool disable_xfrm);

/**
 * ip link set dev IFINDEX up|down
 */
struct nlmsghdr *vti_nlmsg_state(void *buf, uint32_t seq, int ifindex,
								 bool up);

/**
 * ip link del dev IFINDEX
 */
struct nlmsghdr *vti_nlmsg_delete(void *buf, uint32_t seq, int ifindex);

/**
 * ip addr add PREFIX dev IFINDEX
 */
struct nlmsghdr *vti_nlmsg_addr(void *buf, uint32_t seq, int ifindex,
								const vti_prefix_t *prefix);

/**
 * ip link show dev NAME (one link, by name)
 */
struct nlmsghdr *vti_nlmsg_getlink(void *buf, uint32_t seq, const char *name,
								   int ifindex);

/**
 * ip link show (a dump)
 */
struct nlmsghdr *vti_nlmsg_dumplinks(void *buf, uint32_t seq);

/**
 * ip route get DST
 */
struct nlmsghdr *vti_nlmsg_getroute(void *buf, uint32_t seq, int family,
									const uint8_t *dst);

/**
 * What a buffer received after a request says.
 */
typedef enum {
	/** its messages are handled, the answer goes on: receive more */
	VTI_NLREPLY_MORE,
	/** the answer is complete (ACK, NLMSG_DONE, the one reply) */
	VTI_NLREPLY_DONE,
	/** the dump is incomplete, start it again: a part carried
	 * NLM_F_DUMP_INTR (error 0), or NLMSG_DONE carried an error */
	VTI_NLREPLY_INTR,
	/** the request failed (NLMSG_ERROR), the reply is malformed or
	 * truncated (-EBADMSG), or cb failed */
	VTI_NLREPLY_ERROR,
} vti_nlreply_t;

/**
 * Read a buffer received after req: call cb for each data message answering
 * it (other sequence numbers are skipped), find its end, an interrupted
 * dump or an error. Reads nothing past buf + len.
 *
 * @param req		the request (its sequence number, NLM_F_ACK)
 * @param buf		what recv() returned
 * @param len		its length
 * @param cb		called per data message, MNL_CB_ERROR (errno set) fails
 * @param data		passed to cb
 * @param error		receives the -errno of VTI_NLREPLY_ERROR and
 *					VTI_NLREPLY_INTR, else 0
 * @param msg		receives the kernel's extended ACK text
 *					(NLMSGERR_ATTR_MSG) of that error, "" if none
 * @param msg_len	size of msg
 */
vti_nlreply_t vti_nlmsg_reply(const struct nlmsghdr *req, const void *buf,
							  size_t len, mnl_cb_t cb, void *data, int *error,
							  char *msg, size_t msg_len);

#endif /** VTI_NLMSG_H_ @}*/
