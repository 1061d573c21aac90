/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Shared by the libFuzzer targets: libstrongswan set up once, with an empty
 * strongswan.conf, and a log hook that formats every message (so that the
 * code's format strings and arguments run too) into a buffer nobody reads.
 */

#ifndef VTI_FUZZ_H_
#define VTI_FUZZ_H_

#include <library.h>
#include <utils/debug.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/** A broken invariant: libFuzzer keeps the input, as for a crash */
#define FUZZ_ASSERT(x) do { if (!(x)) { \
	fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #x); \
	abort(); } } while (0)

static void fuzz_dbg(debug_t group, level_t level, char *fmt, ...)
{
	static char line[2048];
	va_list args;

	va_start(args, fmt);
	vsnprintf(line, sizeof(line), fmt, args);
	va_end(args);
}

static inline void fuzz_library_init(void)
{
	char conf[] = "/tmp/vti-fuzz.XXXXXX";
	int fd;

	fd = mkstemp(conf);
	if (fd < 0 || !library_init(conf, "vti-fuzz"))
	{
		fprintf(stderr, "libstrongswan does not start\n");
		exit(1);
	}
	close(fd);
	unlink(conf);
	dbg = fuzz_dbg;
}

/**
 * The input as a string (a copy, NUL-terminated, without the NULs it may
 * hold: they would cut it), freed by the caller.
 */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *str = malloc(size + 1);
	size_t i, n = 0;

	for (i = 0; i < size; i++)
	{
		if (data[i])
		{
			str[n++] = data[i];
		}
	}
	str[n] = '\0';
	return str;
}

#endif
