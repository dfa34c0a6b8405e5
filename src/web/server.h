/*
 * server.h - starting and stopping the HTTP server (libmicrohttpd).
 */
#ifndef FILET_SERVER_H
#define FILET_SERVER_H

#include "web/app.h"

/* Loads templates, catalogues and static files, opens and migrates the
 * database, listens, and serves until SIGINT or SIGTERM; then finishes the
 * requests in flight and returns 0. Errors at start-up return 1 after
 * printing the reason. */
int server_run(const config *cfg);

/* Builds the app without listening (for tests and tools). */
int app_open(app *a, const config *cfg, char *err, size_t errlen);
void app_close(app *a);

/* 1 if the listen address ("host:port") is on the loopback interface. */
int listen_is_loopback(const char *listen);

#endif
