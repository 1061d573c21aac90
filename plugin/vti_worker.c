/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The kernel worker. Bus events only change the table and queue the
 * interfaces they touch; this thread takes each to what its claims want,
 * outside the table's lock, one at a time: no two kernel operations on an
 * interface ever overlap or run out of order, and changes that cancel out
 * before it gets to them cost nothing.
 */

#include "vti_worker.h"
#include "vti_placeholder.h"
#include "vti_resync.h"

#include <errno.h>
#include <time.h>
#include <collections/linked_list.h>
#include <threading/condvar.h>
#include <processing/jobs/callback_job.h>
#include <utils/debug.h>

/** How long events of someone else's doing wait for those that follow */
#define FOLLOW_UP_MS 100

/** Longest a shutdown waits for queued changes, in seconds */
#define STOP_DEADLINE 10

/** How often the traps charon installed are read, in ms: a trap
 * connection's interface is there within a second of its loading */
#define VTI_TRAPS_MS 500

typedef struct private_vti_worker_t private_vti_worker_t;

/**
 * Private data of the worker.
 */
struct private_vti_worker_t {

	/** Public interface */
	vti_worker_t public;

	/** the table, its lock guards all but backend and paths */
	vti_table_t *table;

	/** the kernel, this thread's alone */
	vti_backend_t *backend;

	/** signalled whenever the worker runs out of work */
	condvar_t *idle;

	/** applying an interface or resyncing, outside the lock */
	bool busy;

	/** a resync is wanted */
	bool resync_due;

	/** when the next periodic resync is due, 0 for none */
	time_t next_resync;

	/** when the traps are read next, now_us() */
	uint64_t next_traps;

	/** stop once the queue is empty, or at the deadline */
	bool stopping;

	/** deadline of a stop */
	time_t deadline;

	/** a stop reached its deadline: the kernel is too slow to wait again */
	bool abandoned;

	/** the job running the loop is destroyed (it ran or not) */
	bool job_gone;

	/** the placeholder a burst of creations moves past, this thread's */
	vti_placeholder_t placeholder;
};

/**
 * Monotonic microseconds, for the traps' timer.
 */
static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

METHOD(vti_worker_t, resync, void,
	private_vti_worker_t *this)
{
	this->table->mutex->lock(this->table->mutex);
	this->resync_due = TRUE;
	this->backend->wakeup(this->backend);
	this->table->mutex->unlock(this->table->mutex);
}

/**
 * Have the link events of a namespace reported (once per namespace).
 */
static void watch(private_vti_worker_t *this, const char *netns)
{
	vti_err_t err = {};

	if (this->backend->watch(this->backend, netns, &err) < 0)
	{
		DBG1(DBG_KNL, "vti: following the links of namespace %s failed: %s",
			 vti_iface_netns_str(netns), err.msg);
	}
}

/**
 * Collect the events wait_events() reports.
 */
static void collect_event(linked_list_t *events, const vti_link_event_t *event)
{
	vti_link_event_t *copy;

	INIT(copy,
		.netns = strdup(event->netns),
		.deleted = event->deleted,
		.moved = event->moved,
		.link = event->link,
	);
	events->insert_last(events, copy);
}

/**
 * Wait for link events (or drain them, timeout 0), without the lock.
 *
 * @param lost		set if events were lost (the caller resyncs)
 * @return			list of vti_link_event_t the caller handles
 */
static linked_list_t *wait_events(private_vti_worker_t *this, int timeout_ms,
								  bool *lost)
{
	linked_list_t *events = linked_list_create();

	*lost = this->backend->wait_events(this->backend, timeout_ms,
						(vti_event_cb_t)collect_event, events) == -ENOBUFS;
	if (*lost)
	{
		DBG1(DBG_KNL, "vti: link events were lost (ENOBUFS), resyncing");
	}
	return events;
}

/**
 * Wait for events while idle, and for those that follow the first: a link
 * deleted goes down first.
 */
static linked_list_t *wait_followed(private_vti_worker_t *this,
									int timeout_ms, bool *lost)
{
	linked_list_t *events, *more;
	void *event;
	bool lost_more;

	events = wait_events(this, timeout_ms, lost);
	if (events->get_count(events))
	{
		more = wait_events(this, FOLLOW_UP_MS, &lost_more);
		while (more->remove_first(more, &event) == SUCCESS)
		{
			events->insert_last(events, event);
		}
		more->destroy(more);
		*lost |= lost_more;
	}
	return events;
}

/**
 * Apply the first queued interface; with the lock held, released meanwhile.
 */
static void apply_next(private_vti_worker_t *this)
{
	vti_iface_t *iface, copy;
	linked_list_t *events;
	const char *burst;
	vti_job_t job;
	int before;
	bool lost, freed;

	this->table->dirty->remove_first(this->table->dirty, (void**)&iface);
	iface->queued = FALSE;
	vti_iface_snapshot(iface, this->table->config, &job);
	copy = *iface;
	before = iface->ifindex;
	burst = vti_placeholder_wanted(&this->placeholder, this->table->dirty,
								   iface);
	this->busy = TRUE;
	this->table->mutex->unlock(this->table->mutex);

	vti_placeholder_hold(&this->placeholder, this->backend, burst,
						 copy.netns_create);
	if (job.target.held)
	{
		vti_iface_resolve(&job, this->backend);
	}
	copy.failed = !vti_iface_apply(&copy, this->backend, &job.target,
								   copy.why);
	if (copy.ifindex)
	{
		watch(this, copy.netns);
	}
	if (!copy.failed && copy.ifindex && !before)
	{
		/* for bench/, by the log's time stamp */
		DBG3(DBG_CHD, "vti: %s: %s ready", copy.conn, copy.name);
	}
	/* the kernel queued the events of our requests before it acked them */
	events = wait_events(this, 0, &lost);

	this->table->mutex->lock(this->table->mutex);
	this->busy = FALSE;
	this->resync_due |= lost;
	freed = vti_table_commit(this->table, iface, &copy, before);
	vti_iface_remember(iface, &job);
	vti_resync_events(this->table, events, iface, before, copy.ifindex);
	if (freed)
	{
		vti_table_link_freed(this->table, iface);
	}
	vti_table_forget_unused(this->table, iface);
}

/**
 * How long to wait for events, with the lock held: until the next grace
 * ends or the next resync is due.
 */
static int wait_ms(private_vti_worker_t *this, time_t now)
{
	int next, resync, traps;
	uint64_t us = now_us();

	next = vti_table_expire_graces(this->table, now);
	if (this->next_resync)
	{
		resync = this->next_resync > now ? this->next_resync - now : 0;
		next = next < 0 ? resync : min(next, resync);
	}
	next = next < 0 ? -1 : next * 1000 + 100;
	if (this->table->traps)
	{
		traps = this->next_traps > us ? (this->next_traps - us) / 1000 : 0;
		next = next < 0 ? traps + 1 : min(next, traps + 1);
	}
	return next;
}

/**
 * Read the traps if due, with the lock held, released meanwhile.
 *
 * @return			TRUE if they were read
 */
static bool run_traps(private_vti_worker_t *this)
{
	uint64_t now = now_us();

	if (!this->table->traps || this->stopping || now < this->next_traps)
	{
		return FALSE;
	}
	this->next_traps = now + VTI_TRAPS_MS * 1000;
	this->busy = TRUE;
	this->table->mutex->unlock(this->table->mutex);
	this->table->traps(this->table->data);
	this->table->mutex->lock(this->table->mutex);
	this->busy = FALSE;
	return TRUE;
}

/**
 * Resync, with the lock held, released meanwhile.
 */
static void run_resync(private_vti_worker_t *this)
{
	this->resync_due = FALSE;
	/* the next periodic one is an interval from now, today's interval */
	this->next_resync = 0;
	this->busy = TRUE;
	this->table->mutex->unlock(this->table->mutex);
	if (this->table->reconcile)
	{
		this->table->reconcile(this->table->data);
	}
	vti_resync_kernel(this->table, this->backend);
	this->table->mutex->lock(this->table->mutex);
	this->busy = FALSE;
}

/**
 * Whether to stop now; with the lock held. Logs what a deadline abandons.
 */
static bool stop_now(private_vti_worker_t *this, time_t now)
{
	vti_iface_t *iface;

	if (!this->stopping)
	{
		return FALSE;
	}
	if (this->table->dirty->get_count(this->table->dirty) &&
		now < this->deadline)
	{
		return FALSE;
	}
	while (this->table->dirty->remove_first(this->table->dirty,
											(void**)&iface) == SUCCESS)
	{
		DBG1(DBG_CHD, "vti: %s: stopping after %us, %s is left as it is",
			 iface->conn, STOP_DEADLINE, iface->name);
		iface->queued = FALSE;
		this->abandoned = TRUE;
	}
	return TRUE;
}

/**
 * Delete the placeholder, if there is one, once no queued creation needs
 * it, before a resync (which deletes any it finds as left over; a stop
 * runs none) or at once; with the lock held, released meanwhile.
 *
 * @param now		delete it even if needed (a stop)
 * @return			TRUE if it was deleted
 */
static bool drop_placeholder(private_vti_worker_t *this, bool now)
{
	if (!this->placeholder.netns || (!now &&
		(!this->resync_due || this->stopping) &&
		vti_placeholder_needed(&this->placeholder, this->table->dirty)))
	{
		return FALSE;
	}
	this->busy = TRUE;
	this->table->mutex->unlock(this->table->mutex);
	vti_placeholder_drop(&this->placeholder, this->backend);
	this->table->mutex->lock(this->table->mutex);
	this->busy = FALSE;
	return TRUE;
}

/**
 * Give the first link renamed by hand not marked yet the alias that tells
 * every later run it is not ours (resyncs of this run know it already);
 * with the lock held, released meanwhile.
 *
 * @return			TRUE if one was marked, or tried
 */
static bool mark_disowned(private_vti_worker_t *this)
{
	vti_link_ref_t *ref = NULL, copy;
	vti_err_t err = {};
	const char *conn;
	int i, rc;

	for (i = 0; i < array_count(this->table->disowned) && !ref; i++)
	{
		array_get(this->table->disowned, i, &ref);
		ref = ref->marked ? NULL : ref;
	}
	if (!ref)
	{
		return FALSE;
	}
	ref->marked = TRUE;
	copy = *ref;
	this->busy = TRUE;
	this->table->mutex->unlock(this->table->mutex);
	rc = this->backend->set_alias(this->backend, copy.netns, copy.ifindex,
								  copy.alias, &err);
	conn = copy.alias + strlen(VTI_DISOWNED_PREFIX VTI_ALIAS_PREFIX);
	if (rc == 0)
	{
		DBG1(DBG_CHD, "vti: %s: %s, renamed by hand in namespace %s, has the "
			 "alias '%s' now: no later run takes it for its own", conn,
			 copy.name, vti_iface_netns_str(copy.netns), copy.alias);
	}
	else if (rc != -ENODEV)
	{
		DBG1(DBG_KNL, "vti: %s: setting the alias '%s' of %s, renamed by hand "
			 "in namespace %s, failed: %s; charon started again would take "
			 "it for one it left", conn, copy.alias, copy.name,
			 vti_iface_netns_str(copy.netns), err.msg);
	}
	this->table->mutex->lock(this->table->mutex);
	this->busy = FALSE;
	return TRUE;
}

/**
 * Whether a periodic resync is due now, with the lock held.
 */
static void resync_timer(private_vti_worker_t *this, time_t now)
{
	uint32_t interval;

	interval = this->table->config->resync_interval(this->table->config);
	if (!interval)
	{
		this->next_resync = 0;
	}
	else if (!this->next_resync)
	{
		this->next_resync = now + interval;
	}
	else if (now >= this->next_resync)
	{
		this->resync_due = TRUE;
		this->next_resync = now + interval;
	}
}

/**
 * The worker's loop, run by a thread of charon's processor (it has the
 * capabilities charon keeps), or at a stop by the thread stopping it.
 */
static job_requeue_t run(private_vti_worker_t *this)
{
	linked_list_t *events;
	time_t now;
	int timeout;
	bool lost;

	this->table->mutex->lock(this->table->mutex);
	while (TRUE)
	{
		now = time_monotonic(NULL);
		/* before a stop too: the next run must leave a renamed link */
		if (mark_disowned(this))
		{
			continue;
		}
		if (stop_now(this, now))
		{
			break;
		}
		resync_timer(this, now);
		if (drop_placeholder(this, FALSE))
		{
			continue;
		}
		if (this->resync_due && !this->stopping)
		{
			run_resync(this);
			continue;
		}
		if (run_traps(this))
		{
			continue;
		}
		if (this->table->dirty->get_count(this->table->dirty))
		{
			apply_next(this);
			continue;
		}
		timeout = wait_ms(this, now);
		if (this->table->dirty->get_count(this->table->dirty) || this->stopping)
		{
			continue;
		}
		this->idle->broadcast(this->idle);
		this->table->mutex->unlock(this->table->mutex);
		events = wait_followed(this, timeout, &lost);
		this->table->mutex->lock(this->table->mutex);
		this->resync_due |= lost;
		vti_resync_events(this->table, events, NULL, 0, 0);
	}
	drop_placeholder(this, TRUE);
	this->idle->broadcast(this->idle);
	this->table->mutex->unlock(this->table->mutex);
	return JOB_REQUEUE_NONE;
}

/**
 * Stop the loop: it finishes the queue first, up to the deadline.
 */
static bool cancel(private_vti_worker_t *this)
{
	this->table->mutex->lock(this->table->mutex);
	if (!this->stopping)
	{
		this->stopping = TRUE;
		this->deadline = time_monotonic(NULL) + STOP_DEADLINE;
	}
	this->backend->wakeup(this->backend);
	this->table->mutex->unlock(this->table->mutex);
	return TRUE;
}

/**
 * The job is destroyed, whether it ran or not.
 */
static void job_gone(private_vti_worker_t *this)
{
	this->table->mutex->lock(this->table->mutex);
	this->job_gone = TRUE;
	this->idle->broadcast(this->idle);
	this->table->mutex->unlock(this->table->mutex);
}

METHOD(vti_worker_t, flush, bool,
	private_vti_worker_t *this, u_int timeout_ms)
{
	timeval_t until;
	bool done;

	time_monotonic(&until);
	timeval_add_ms(&until, timeout_ms);
	this->table->mutex->lock(this->table->mutex);
	while (!(done = !this->busy && !this->resync_due &&
			 !this->table->dirty->get_count(this->table->dirty)))
	{
		this->backend->wakeup(this->backend);
		if (this->idle->timed_wait_abs(this->idle, this->table->mutex, until))
		{
			done = !this->busy && !this->resync_due &&
				   !this->table->dirty->get_count(this->table->dirty);
			break;
		}
	}
	this->table->mutex->unlock(this->table->mutex);
	return done;
}

METHOD(vti_worker_t, destroy, void,
	private_vti_worker_t *this)
{
	timeval_t until;
	bool gone;

	cancel(this);
	time_monotonic(&until);
	timeval_add_ms(&until, (STOP_DEADLINE + 5) * 1000);
	this->table->mutex->lock(this->table->mutex);
	while (!this->job_gone &&
		   !this->idle->timed_wait_abs(this->idle, this->table->mutex, until))
	{
	}
	gone = this->job_gone;
	this->table->mutex->unlock(this->table->mutex);
	if (!gone)
	{
		/* a job still queued could run later: leave it its data */
		DBG1(DBG_CHD, "vti: the kernel worker did not stop, leaving it");
		return;
	}
	/* what came after the processor stopped (charon's shutdown), unless
	 * that stop already gave up on a slow kernel: one deadline in all */
	this->table->mutex->lock(this->table->mutex);
	this->deadline = time_monotonic(NULL) +
					 (this->abandoned ? 0 : STOP_DEADLINE);
	this->table->mutex->unlock(this->table->mutex);
	run(this);
	this->idle->destroy(this->idle);
	this->table->waker = NULL;
	this->backend->destroy(this->backend);
	free(this);
}

/*
 * Described in header
 */
vti_worker_t *vti_worker_create(vti_table_t *table, vti_backend_t *backend)
{
	private_vti_worker_t *this;

	INIT(this,
		.public = {
			.resync = _resync,
			.flush = _flush,
			.destroy = _destroy,
		},
		.table = table,
		.backend = backend,
		.idle = condvar_create(CONDVAR_TYPE_DEFAULT),
	);
	table->waker = backend;
	lib->processor->queue_job(lib->processor,
		(job_t*)callback_job_create_with_prio((callback_job_cb_t)run, this,
				(callback_job_cleanup_t)job_gone,
				(callback_job_cancel_t)cancel, JOB_PRIO_CRITICAL));
	return &this->public;
}
