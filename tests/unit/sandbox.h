/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The real backend on real sockets, in a user, network and mount namespace
 * of the test's own: a forked child unshares them (no privilege needed
 * where unprivileged user namespaces are allowed, as on Debian; a skip
 * counted in the summary where they are not, see test_skip()). There is only lo, and no module loads
 * there. /run is a tmpfs of the child's, for its named namespaces.
 */

#ifndef SANDBOX_H_
#define SANDBOX_H_

#include <utils/utils.h>

/** why the child's test failed, "SKIP: ..." if it could not run */
extern char sandbox_msg[512];

/**
 * Set by a sandboxed test function that passed without checking all it
 * should (what it could not, and why): in_sandbox() records it as a skip.
 */
extern char sandbox_skipped[256];

/**
 * In a sandboxed test function: fail with the line, the condition and the
 * vti_err_t err's message unless cond holds.
 */
#define REQUIRE(cond) do { if (!(cond)) { \
	snprintf(sandbox_msg, sizeof(sandbox_msg), "line %d: %s (err: %s)", \
			 __LINE__, #cond, err.msg); return FALSE; } } while (0)

/**
 * Write text into a file (sysctls, id maps).
 */
bool sandbox_write_file(const char *path, const char *text);

/**
 * Run fn in a forked child inside its own namespaces; fail with what it
 * says in sandbox_msg, or record a skip (test_skip()) if it could not get
 * there or set sandbox_skipped.
 */
void in_sandbox(bool (*fn)(void));

#endif
