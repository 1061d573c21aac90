/*
 * A fake kernel for the manager: keeps interfaces per namespace, records
 * every call in order, fails a chosen operation on request.
 */

#ifndef FAKE_BACKEND_H_
#define FAKE_BACKEND_H_

#include "vti_backend.h"

typedef struct fake_backend_t fake_backend_t;

struct fake_backend_t {

	/** implements the backend */
	vti_backend_t backend;

	/** every call so far, one line each ("create vti6 ..."), \n separated */
	char calls[8192];

	/** fail the first call whose line starts with this, with fail_errno */
	const char *fail_op;
	int fail_errno;

	/** path MTU returned */
	uint32_t path_mtu;

	/** the last settings configured */
	vti_settings_t last_settings;

	/** the last params created or changed */
	vti_params_t last_params;
};

/**
 * Create a fake; its destroy() is a no-op so tests can inspect it after
 * the manager is gone: free it with fake_backend_free().
 */
fake_backend_t *fake_backend_create(void);

void fake_backend_free(fake_backend_t *fake);

/**
 * Put an interface into the fake kernel, as if someone made it.
 */
int fake_backend_add(fake_backend_t *fake, const char *netns,
					 const char *name, const char *alias, bool up);

/**
 * Whether an interface exists, and whether it is up.
 */
bool fake_backend_exists(fake_backend_t *fake, const char *netns,
						 const char *name, bool *up);

/**
 * Number of interfaces in the fake kernel.
 */
int fake_backend_count(fake_backend_t *fake);

/**
 * Forget the calls recorded so far.
 */
void fake_backend_clear(fake_backend_t *fake);

#endif
