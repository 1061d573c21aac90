/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup vti_nlsock vti_nlsock
 * @{ @ingroup vti
 *
 * The rtnetlink request sockets of the backend, one per namespace in use
 * (charon's "" and each named one), each opened on first use and kept:
 * setns() into a named namespace happens only then (and after a socket
 * error, or once the namespace was replaced). Requests carry sequence
 * numbers; replies are matched by sequence number and port id.
 * One thread at a time.
 */

#ifndef VTI_NLSOCK_H_
#define VTI_NLSOCK_H_

#include "vti_backend.h"

#include <libmnl/libmnl.h>

typedef struct vti_nlsock_t vti_nlsock_t;

/**
 * How a dump ended, when its request failed.
 */
typedef enum {
	/** it did not, or it was no dump */
	VTI_DUMP_OK,
	/** a part carried NLM_F_DUMP_INTR (its rest was read and dropped) */
	VTI_DUMP_INTERRUPTED,
	/** NLMSG_DONE carried an error */
	VTI_DUMP_FAILED,
} vti_dump_t;

/**
 * Create the set of sockets (none is opened yet).
 */
vti_nlsock_t *vti_nlsock_create(void);

/**
 * A sequence number for the next request (never 0).
 */
uint32_t vti_nlsock_seq(vti_nlsock_t *this);

/**
 * Send a request on the socket of netns and read its answer: cb gets each
 * data message, until the ACK, the error or the dump's end.
 *
 * @param op		what it does, for err ("setting the mtu")
 * @param cb		called per data message, NULL for none
 * @param dump		receives how a failed dump ended, or NULL
 * @return			0, or -errno with err set to "op: reason, kernel says:
 *					its extended ACK text"
 */
int vti_nlsock_request(vti_nlsock_t *this, const char *netns,
					   struct nlmsghdr *req, const char *op, mnl_cb_t cb,
					   void *data, vti_dump_t *dump, vti_err_t *err);

/** Most requests of a batch */
#define VTI_NLSOCK_BATCH 16

/**
 * Send requests (each with NLM_F_ACK and a sequence number of its own) back
 * to back in one sendmsg on the socket of netns and read their ACKs: the
 * kernel runs them in order, each whatever became of the ones before.
 *
 * @param batch		the requests, back to back (NLMSG_ALIGNed)
 * @param len		their length in all
 * @param ops		what each does, for err, in their order
 * @param ignore	an -errno that counts as success (-EEXIST), 0 for none
 * @return			0, or the -errno of the first that failed, with err set
 *					to "op: reason, kernel says: its extended ACK text"
 */
int vti_nlsock_batch(vti_nlsock_t *this, const char *netns, void *batch,
					 size_t len, const char **ops, int ignore, vti_err_t *err);

/**
 * /run/netns/NAME, opened once (for IFLA_NET_NS_FD).
 *
 * @return			file descriptor owned by this, or -errno with err set
 */
int vti_nlsock_netns_fd(vti_nlsock_t *this, const char *netns,
						vti_err_t *err);

/**
 * /proc/sys/net/ipv6/conf as seen from inside netns, opened once with its
 * socket: its files are that namespace's, written without setns().
 *
 * @return			directory descriptor owned by this, or -errno with err
 */
int vti_nlsock_ipv6_conf(vti_nlsock_t *this, const char *netns,
						 vti_err_t *err);

/**
 * Open another rtnetlink socket in netns, bound to groups, entering the
 * namespace (kept /run/netns/NAME) if it is a named one.
 *
 * @return			socket owned by the caller, NULL with err set
 */
struct mnl_socket *vti_nlsock_open(vti_nlsock_t *this, const char *netns,
								   unsigned int groups, vti_err_t *err);

/**
 * If /run/netns/NAME is no longer the namespace we opened (ip netns del,
 * add), delete the links of ours the old one still has (it lives on while
 * anything holds it) and forget what we opened there: it is opened anew on
 * next use.
 *
 * @param netns		the namespace's name
 * @return			TRUE if it was replaced
 */
bool vti_nlsock_check(vti_nlsock_t *this, const char *netns);

/**
 * Close every socket and descriptor.
 */
void vti_nlsock_destroy(vti_nlsock_t *this);

#endif /** VTI_NLSOCK_H_ @}*/
