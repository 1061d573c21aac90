/**
 * @defgroup vti_manager vti_manager
 * @{ @ingroup vti
 */

#ifndef VTI_MANAGER_H_
#define VTI_MANAGER_H_

#include "vti_backend.h"
#include "vti_config.h"
#include "vti_mtu.h"

typedef struct vti_manager_t vti_manager_t;
typedef struct vti_tunnel_t vti_tunnel_t;

/**
 * A CHILD_SA that wants an interface, as the listener sees it.
 */
struct vti_tunnel_t {
	/** swanctl connection name */
	const char *conn;
	/** unique id of the CHILD_SA */
	uint32_t child_id;
	/** unique id of its IKE_SA */
	uint32_t ike_id;
	/** resolved marks */
	uint32_t mark_in;
	uint32_t mark_out;
	/** resolved XFRM interface ids */
	uint32_t if_id_in;
	uint32_t if_id_out;
	/** AF_INET or AF_INET6 of the IKE endpoints */
	int family;
	/** IKE endpoints, network order */
	uint8_t local[16];
	uint8_t remote[16];
	/** several peers share the marks: the interface's remote is "any" */
	bool remote_any;
	/** ESP overhead of the negotiated algorithm, if known */
	bool esp_known;
	vti_esp_overhead_t esp;
	/** ESP in UDP (NAT-T) */
	bool natt;
};

/**
 * The reference-counted table of interfaces and every decision to create,
 * keep or remove one. Calls the backend without holding its lock.
 */
struct vti_manager_t {

	/**
	 * A CHILD_SA came up.
	 */
	void (*child_up)(vti_manager_t *this, const vti_tunnel_t *tunnel);

	/**
	 * A CHILD_SA went down (deleted, expired, or its IKE_SA died).
	 *
	 * @param grace	seconds an interface it leaves unheld waits for the
	 *					CHILD_SAs of a break-before-make reauthentication
	 *					(see expire_pending), 0 to release it at once
	 */
	void (*child_down)(vti_manager_t *this, const char *conn,
					   uint32_t child_id, uint32_t grace);

	/**
	 * Release the interfaces whose grace has passed without a new CHILD_SA.
	 *
	 * @param all		release every waiting one, grace or not
	 */
	void (*expire_pending)(vti_manager_t *this, bool all);

	/**
	 * A CHILD_SA was rekeyed: the new one takes the old one's place.
	 */
	void (*child_rekey)(vti_manager_t *this, uint32_t old_id,
						const vti_tunnel_t *tunnel);

	/**
	 * An IKE_SA was rekeyed: its CHILD_SAs now belong to new_id.
	 */
	void (*ike_rekey)(vti_manager_t *this, uint32_t old_id, uint32_t new_id);

	/**
	 * The endpoints of an IKE_SA change (MOBIKE, NAT float).
	 */
	void (*ike_update)(vti_manager_t *this, uint32_t ike_id, int family,
					   const uint8_t *local, const uint8_t *remote);

	/**
	 * Use new settings (for interfaces created from now on).
	 */
	void (*reload)(vti_manager_t *this, vti_config_t *config);

	/**
	 * Remove (or set down and adopt) interfaces a previous run left.
	 */
	void (*cleanup_stale)(vti_manager_t *this);

	/**
	 * Number of interfaces in the table.
	 */
	int (*count)(vti_manager_t *this);

	/**
	 * Remove what was created (or set it down, per down_action), destroy.
	 */
	void (*destroy)(vti_manager_t *this);
};

/**
 * Create the manager; it owns config and backend.
 */
vti_manager_t *vti_manager_create(vti_config_t *config,
								  vti_backend_t *backend);

#endif /** VTI_MANAGER_H_ @}*/
