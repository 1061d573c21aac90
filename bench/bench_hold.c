/*
 * Copyright (C) 2026 The strongswan-vti authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * bench-hold: a charon plugin of the benchmark's own (never installed) that
 * measures how long charon's bus is held per CHILD_SA event by the
 * listeners that act on it. It registers two listeners: "first" when the
 * plugin is created (before any plugin's features load, so before every
 * listener registered by a feature), "last" in a feature that soft-depends
 * on the vti and updown plugins' features (so after their listeners).
 * Charon calls listeners in registration order with its bus mutex held:
 * last's time minus first's is the hold of the listeners in between, ours
 * or the updown plugin's (with its script), for every child_updown.
 *
 * Load it first (charon.plugins.bench-hold.load = 100). The records (time
 * of the event, CLOCK_MONOTONIC in us, and the hold in ns) are written to
 * charon.plugins.bench-hold.file when charon reloads its settings (SIGHUP)
 * and at unload, then cleared.
 */

#include <daemon.h>
#include <plugins/plugin.h>
#include <threading/mutex.h>

#include <stdio.h>
#include <time.h>

/** records kept between two dumps */
#define MAX_RECORDS 200000

typedef struct {
	/** CLOCK_MONOTONIC at "first", us */
	uint64_t at_us;
	/** last minus first, ns */
	uint64_t hold_ns;
	/** up or down */
	bool up;
} record_t;

typedef struct {
	plugin_t plugin;
	listener_t first;
	listener_t last;
	bool last_added;
	/** taken in "first"; the bus mutex serializes the two callbacks */
	struct timespec started;
	bool started_valid;
	record_t *records;
	int count;
	int dropped;
	/** guards the records against a dump from another thread */
	mutex_t *mutex;
} private_bench_hold_t;

static uint64_t ns_of(struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/** the one instance: listeners get their own pointer, not the plugin's */
static private_bench_hold_t *instance;

static bool first_updown(listener_t *listener, ike_sa_t *ike_sa,
						 child_sa_t *child_sa, bool up)
{
	clock_gettime(CLOCK_MONOTONIC, &instance->started);
	instance->started_valid = TRUE;
	return TRUE;
}

static bool last_updown(listener_t *listener, ike_sa_t *ike_sa,
						child_sa_t *child_sa, bool up)
{
	private_bench_hold_t *this = instance;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!this->started_valid)
	{
		return TRUE;
	}
	this->started_valid = FALSE;
	this->mutex->lock(this->mutex);
	if (this->count < MAX_RECORDS)
	{
		this->records[this->count++] = (record_t){
			.at_us = ns_of(&this->started) / 1000,
			.hold_ns = ns_of(&now) - ns_of(&this->started),
			.up = up,
		};
	}
	else
	{
		this->dropped++;
	}
	this->mutex->unlock(this->mutex);
	return TRUE;
}

/**
 * Append the records to the file and clear them.
 */
static void dump(private_bench_hold_t *this)
{
	struct timespec real, mono;
	char *path;
	FILE *file;
	int i;

	path = lib->settings->get_str(lib->settings,
								  "%s.plugins.bench-hold.file", NULL, lib->ns);
	if (!path)
	{
		return;
	}
	this->mutex->lock(this->mutex);
	file = fopen(path, "a");
	if (file)
	{
		clock_gettime(CLOCK_REALTIME, &real);
		clock_gettime(CLOCK_MONOTONIC, &mono);
		fprintf(file, "clock real_us=%llu mono_us=%llu records=%d dropped=%d\n",
				(unsigned long long)(ns_of(&real) / 1000),
				(unsigned long long)(ns_of(&mono) / 1000), this->count,
				this->dropped);
		for (i = 0; i < this->count; i++)
		{
			fprintf(file, "%s %llu %llu\n", this->records[i].up ? "up" : "down",
					(unsigned long long)this->records[i].at_us,
					(unsigned long long)this->records[i].hold_ns);
		}
		fprintf(file, "end\n");
		fclose(file);
	}
	this->count = this->dropped = 0;
	this->mutex->unlock(this->mutex);
}

static bool plugin_cb(private_bench_hold_t *this, plugin_feature_t *feature,
					  bool reg, void *data)
{
	if (reg)
	{
		charon->bus->add_listener(charon->bus, &this->last);
		this->last_added = TRUE;
	}
	else if (this->last_added)
	{
		charon->bus->remove_listener(charon->bus, &this->last);
		this->last_added = FALSE;
	}
	return TRUE;
}

METHOD(plugin_t, get_name, char*,
	private_bench_hold_t *this)
{
	return "bench-hold";
}

METHOD(plugin_t, get_features, int,
	private_bench_hold_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK((plugin_feature_callback_t)plugin_cb, NULL),
			PLUGIN_PROVIDE(CUSTOM, "bench-hold"),
				PLUGIN_SDEPEND(CUSTOM, "vti"),
				PLUGIN_SDEPEND(CUSTOM, "updown"),
	};
	*features = f;
	return countof(f);
}

METHOD(plugin_t, reload, bool,
	private_bench_hold_t *this)
{
	dump(this);
	return TRUE;
}

METHOD(plugin_t, destroy, void,
	private_bench_hold_t *this)
{
	charon->bus->remove_listener(charon->bus, &this->first);
	if (this->last_added)
	{
		charon->bus->remove_listener(charon->bus, &this->last);
	}
	dump(this);
	this->mutex->destroy(this->mutex);
	free(this->records);
	free(this);
}

plugin_t *bench_hold_plugin_create(void)
{
	private_bench_hold_t *this;

	INIT(this,
		.plugin = {
			.get_name = _get_name,
			.get_features = _get_features,
			.reload = _reload,
			.destroy = _destroy,
		},
		.first = {
			.child_updown = first_updown,
		},
		.last = {
			.child_updown = last_updown,
		},
		.records = calloc(MAX_RECORDS, sizeof(record_t)),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	instance = this;
	charon->bus->add_listener(charon->bus, &this->first);
	return &this->plugin;
}
