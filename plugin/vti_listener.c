/*
 * Translates strongSwan's bus events into requests for the manager.
 */

#include "vti_listener.h"

#include <daemon.h>

typedef struct private_vti_listener_t private_vti_listener_t;

/**
 * Private data of the listener.
 */
struct private_vti_listener_t {

	/**
	 * Public interface.
	 */
	vti_listener_t public;
};

METHOD(listener_t, child_updown, bool,
	private_vti_listener_t *this, ike_sa_t *ike_sa, child_sa_t *child_sa,
	bool up)
{
	DBG2(DBG_CHD, "vti: CHILD_SA %s{%u} %s", child_sa->get_name(child_sa),
		 child_sa->get_unique_id(child_sa), up ? "up" : "down");
	return TRUE;
}

METHOD(vti_listener_t, reload, void,
	private_vti_listener_t *this)
{
}

METHOD(vti_listener_t, destroy, void,
	private_vti_listener_t *this)
{
	free(this);
}

/*
 * Described in header
 */
vti_listener_t *vti_listener_create()
{
	private_vti_listener_t *this;

	INIT(this,
		.public = {
			.listener = {
				.child_updown = _child_updown,
			},
			.reload = _reload,
			.destroy = _destroy,
		},
	);
	return &this->public;
}
