/*
 * scheduler.h - the scheduler thread of `serve` (config scheduler = on):
 * every scheduler_minutes (and once at start) it runs what `filet alerts
 * run` and `filet digest run` do from cron (src/jobs/jobs.c). Off by
 * default: cron is the documented way, and a web process should not start
 * sending e-mail until an administrator has configured it on purpose.
 */
#ifndef FILET_SCHEDULER_H
#define FILET_SCHEDULER_H

#include "web/app.h"

typedef struct scheduler scheduler;

/* Starts the thread when a->cfg.scheduler is on (NULL, not an error, when
 * off). NULL and a message in err when it cannot start. */
scheduler *scheduler_start(app *a, char *err, size_t errlen);
/* Asks the thread to stop, waits for the run in progress to end, joins
 * it, frees s. NULL is fine. */
void scheduler_stop(scheduler *s);

#endif
