/*
 * cli.h - the filet subcommands. Each takes argc/argv starting at its own
 * name, answers --help, and returns the process exit status.
 */
#ifndef FILET_CLI_H
#define FILET_CLI_H

int cmd_serve(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_instrument(int argc, char **argv);
/* cli_alerts.c: alerts run (cron) */
int cmd_alerts(int argc, char **argv);
/* cli_alerts.c: digest run (cron): the daily e-mail digest of alerts */
int cmd_digest(int argc, char **argv);
/* cli_identity.c: administration by script, audit verification, rotation */
int cmd_territory(int argc, char **argv);
int cmd_agency(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_rekey(int argc, char **argv);
/* cli_retention.c: purging closed situations past their retention period */
int cmd_retention(int argc, char **argv);

#endif
