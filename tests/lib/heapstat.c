/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Test only: preloaded into charon by the soak (tests/soak.sh). VmRSS
 * counts what the allocator keeps after a peak (and each thread's arena
 * once it was touched); a leak is memory handed out and never given back.
 * Every 200 ms this writes "INUSE HELD ARENAS" in bytes to
 * $VTI_HEAPSTAT_DIR/heap.PID: malloc's bytes in use (mallinfo2: uordblks
 * + hblkhd, all arenas), the bytes it holds from the kernel (arena +
 * hblkhd) and the number of arenas.
 */
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** the arenas malloc made: the main one and one per thread's arena */
static int count_arenas(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	int arenas = 0;
	const char *at;

	if (!out)
	{
		return -1;
	}
	malloc_info(0, out);
	fclose(out);
	for (at = text; at && (at = strstr(at, "<heap nr=")); at++)
	{
		arenas++;
	}
	free(text);
	return arenas;
}

/** the reporting thread: writes the figures, then sleeps */
static void *report(void *dir)
{
	char path[4096], tmp[4200];
	struct mallinfo2 info;
	FILE *file;

	snprintf(path, sizeof(path), "%s/heap.%d", (char*)dir, (int)getpid());
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	for (;;)
	{
		info = mallinfo2();
		file = fopen(tmp, "w");
		if (file)
		{
			fprintf(file, "%zu %zu %d\n", info.uordblks + info.hblkhd,
					info.arena + info.hblkhd, count_arenas());
			fclose(file);
			rename(tmp, path);
		}
		usleep(200000);
	}
	return NULL;
}

__attribute__((constructor))
static void heapstat_start(void)
{
	char *dir = getenv("VTI_HEAPSTAT_DIR");
	sigset_t all, old;
	pthread_t thread;

	if (!dir)
	{
		return;
	}
	/* charon waits for its signals in one thread (sigwait): none for us */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&thread, NULL, report, dir) == 0)
	{
		pthread_detach(thread);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}
