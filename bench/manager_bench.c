/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The plugin's own cost without IKE: the manager and the real netlink
 * backend create, move, configure and bring up N vti6 interfaces, then
 * delete them. Prints the time per interface of each phase (until the
 * kernel worker is done), how long each child_up()/child_down() call held
 * the caller (what charon's bus waits for: p50, p99, max), and the heap the
 * manager keeps per tunnel (mallinfo2 delta while they exist). The
 * creation figures are printed before the deletion starts.
 *
 *   manager_bench N NETNS [RESYNC [TIMEOUT]]
 *
 * RESYNC sets charon.plugins.vti.resync (seconds, 0 off; the plugin's
 * default when left out or -); TIMEOUT is how long each phase may take, in
 * seconds (600): a worker still busy then is left, the process exits 3.
 *
 * With VTI_BENCH_HOLD_ONLY=1 in the environment the kernel worker never
 * runs (the processor gets no thread): only the child_up() calls are timed,
 * with nothing contending for the table's lock, and it exits after them.
 */

#include "vti_manager.h"
#include "manager_probe.h"

#include <malloc.h>
#include <unistd.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <crypto/crypters/crypter.h>
#include <crypto/signers/signer.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double*)a, y = *(const double*)b;

	return x < y ? -1 : x > y;
}

/**
 * Index of the nearest-rank percentile p (in percent) of n sorted values.
 */
static int rank(int p, int n)
{
	return (p * n + 99) / 100 - 1;
}

/**
 * Print p50, p99 and max of n call durations in seconds, as microseconds.
 */
static void print_holds(const char *what, double *holds, int n)
{
	qsort(holds, n, sizeof(double), by_value);
	printf("hold %s n=%d p50_us=%.1f p99_us=%.1f max_us=%.1f\n", what, n,
		   holds[rank(50, n)] * 1e6, holds[rank(99, n)] * 1e6,
		   holds[n - 1] * 1e6);
}

/**
 * List n connections c1..cN in the plugin's settings (VTI_BENCH_LISTED=1:
 * each tunnel is of its own listed connection, as where every connection
 * has its own addresses).
 */
static void list_connections(settings_t *settings, int n)
{
	int i;

	for (i = 1; i <= n; i++)
	{
		settings->set_str(settings, "charon.plugins.vti.connections.c%d.mtu",
						  "1426", i);
	}
}

int main(int argc, char *argv[])
{
	vti_manager_t *manager;
	settings_t *settings;
	vti_tunnel_t t = {
		.conn = "bench",
		.family = AF_INET6,
		.mark_in = 0,
	};
	char text[512], resync[64] = "", conn[16];
	size_t heap;
	double start, created, deleted, call, *holds;
	int n, i, timeout = 600;
	bool hold_only, listed;

	if (argc < 3 || argc > 5 || !library_init(NULL, "vti-bench"))
	{
		fprintf(stderr, "usage: %s N NETNS [RESYNC [TIMEOUT]]\n", argv[0]);
		return 2;
	}
	if (argc > 3 && !streq(argv[3], "-"))
	{
		snprintf(resync, sizeof(resync), "resync = %d\n", atoi(argv[3]));
	}
	if (argc > 4)
	{
		timeout = atoi(argv[4]);
	}
	n = atoi(argv[1]);
	if (n < 1)
	{
		fprintf(stderr, "N must be at least 1\n");
		return 2;
	}
	/* the figures must survive whatever happens after them */
	setvbuf(stdout, NULL, _IOLBF, 0);
	holds = calloc(n, sizeof(double));
	/* the kernel worker is a job of the processor, as in charon */
	hold_only = streq(getenv("VTI_BENCH_HOLD_ONLY") ?: "", "1");
	if (!hold_only)
	{
		lib->processor->set_threads(lib->processor, 2);
	}
	snprintf(text, sizeof(text), "charon { plugins { vti { netns = %s\n"
			 "mtu = 1426\n addresses = 2001:db8:ff::6/127\n %s} } }", argv[2],
			 resync);
	settings = settings_create_string(text);
	listed = streq(getenv("VTI_BENCH_LISTED") ?: "", "1");
	if (listed)
	{
		list_connections(settings, n);
	}
	manager = vti_manager_create(vti_config_create(settings, "charon"),
								 vti_netlink_create());
	settings->destroy(settings);
	inet_pton(AF_INET6, "2001:db8::1", t.local);
	vti_mtu_esp_overhead(ENCR_AES_GCM_ICV16, AUTH_UNDEFINED, &t.esp);
	t.esp_known = TRUE;

	heap = mallinfo2().uordblks;
	start = now();
	for (i = 1; i <= n; i++)
	{
		/* the kernel tells VTIs apart by their endpoints: a peer each */
		inet_pton(AF_INET6, "2001:db8:1::", t.remote);
		t.remote[14] = i >> 8;
		t.remote[15] = i & 0xff;
		t.child_id = t.ike_id = i;
		t.mark_in = t.mark_out = i;
		if (listed)
		{
			snprintf(conn, sizeof(conn), "c%d", i);
			t.conn = conn;
		}
		call = now();
		manager->child_up(manager, &t);
		holds[i - 1] = now() - call;
	}
	if (hold_only)
	{
		print_holds("child_up", holds, n);
		printf("hold_only n=%d\n", n);
		/* the worker's job never ran: nothing to wait for or clean up */
		_exit(0);
	}
	if (!vti_manager_flush(manager, timeout * 1000))
	{
		/* the worker's job is still running: destroying would wait for it */
		printf("stuck phase=create after_s=%d\n", timeout);
		_exit(3);
	}
	created = now();
	print_holds("child_up", holds, n);
	heap = mallinfo2().uordblks - heap;
	if (vti_manager_count(manager) != n)
	{
		fprintf(stderr, "only %d of %d interfaces created\n",
				vti_manager_count(manager), n);
		return 1;
	}
	printf("ours_create n=%d create_us_per_if=%.1f heap_bytes_per_tunnel=%zu\n",
		   n, (created - start) * 1e6 / n, heap / n);
	for (i = 1; i <= n; i++)
	{
		call = now();
		snprintf(conn, sizeof(conn), "c%d", i);
		manager->child_down(manager, listed ? conn : "bench", i, 0);
		holds[i - 1] = now() - call;
	}
	if (!vti_manager_flush(manager, timeout * 1000))
	{
		printf("stuck phase=delete after_s=%d left=%d\n", timeout,
			   vti_manager_count(manager));
		_exit(3);
	}
	deleted = now();
	print_holds("child_down", holds, n);
	printf("ours n=%d create_us_per_if=%.1f delete_us_per_if=%.1f "
		   "heap_bytes_per_tunnel=%zu\n", n, (created - start) * 1e6 / n,
		   (deleted - created) * 1e6 / n, heap / n);
	manager->destroy(manager);
	free(holds);
	/* as charon does: the threads stop before the library goes */
	lib->processor->cancel(lib->processor);
	library_deinit();
	return 0;
}
