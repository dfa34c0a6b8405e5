/*
 * test_audit.c - session token hashing and the audit chain, in process:
 * append, verify, and every kind of tampering an attacker with the
 * database file (but not the key) could try; retention's tombstones keep
 * the chain verifiable.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sec/audit.h"
#include "sec/keyfile.h"
#include "sec/session.h"
#include "store/store.h"

static char dir[64], dbpath[128], keypath[128];
static keyring kr;
static store *st;

static int setup(void **state)
{
    char err[256];
    int v;
    snprintf(dir, sizeof(dir), "/tmp/filet-audit-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(dbpath, sizeof(dbpath), "%s/db", dir);
    snprintf(keypath, sizeof(keypath), "%s/key", dir);
    assert_int_equal(keyfile_generate(keypath, err, sizeof(err)), 0);
    assert_int_equal(keyring_load(keypath, &kr, err, sizeof(err)), 0);
    assert_int_equal(store_open(dbpath, 1, 1, &st, err, sizeof(err)), STORE_OK);
    assert_int_equal(store_migrate(st, &v, err, sizeof(err)), STORE_OK);
    return 0;
}

static int teardown(void **state)
{
    char cmd[256];
    store_close(st);
    keyring_wipe(&kr);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void append(const char *action, const char *type, const char *id)
{
    store_conn *c = store_acquire(st);
    audit_event e = {.user_id = NULL, .agency_id = NULL, .source = "127.0.0.1", .action = action,
                     .object_type = type, .object_id = id, .fields = "summary"};
    assert_int_equal(store_write_begin(c), STORE_OK);
    assert_int_equal(audit_append(c, &kr, &e), STORE_OK);
    assert_int_equal(store_write_commit(c), STORE_OK);
    store_release(st, c);
}

static audit_verify_result verify(const keyring *k)
{
    audit_verify_result res;
    store_conn *c = store_acquire(st);
    assert_int_equal(audit_verify(c, k, &res), STORE_OK);
    store_release(st, c);
    return res;
}

/* What an attacker with the file does: drop the triggers, then edit. */
static void tamper(const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER IF EXISTS audit_log_no_update;"
                                      "DROP TRIGGER IF EXISTS audit_log_no_delete;", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_token_hash(void **state)
{
    char a[65], b[65], c[65];
    session_token_hash("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", a);
    session_token_hash("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", b);
    session_token_hash("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB", c);
    assert_int_equal(strlen(a), 64);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_null(strstr(a, "AAAA"));
}

static void test_intact_chain_verifies(void **state)
{
    append("login_ok", "session", "s1");
    append("read", "situation", "abc");
    append("update", "situation", "abc");
    audit_verify_result r = verify(&kr);
    assert_int_equal(r.rows, 3);
    assert_int_equal(r.first_bad_seq, 0);
}

static void test_append_only_triggers(void **state)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "UPDATE audit_log SET action = 'x' WHERE seq = 1", NULL, NULL, NULL), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit_log WHERE seq = 1", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_tombstone_keeps_chain(void **state)
{
    /* Retention replaces personal references; the stored digest keeps the
     * chain verifiable. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE audit_log SET object_id = 'tombstone', fields = '' WHERE seq = 2",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(verify(&kr).first_bad_seq, 0);
}

static void test_edit_detected(void **state)
{
    tamper("UPDATE audit_log SET action = 'read' WHERE seq = 3");
    audit_verify_result r = verify(&kr);
    assert_int_equal(r.first_bad_seq, 3);
}

static void test_other_key_detected(void **state)
{
    char err[256], other_path[160];
    keyring other;
    snprintf(other_path, sizeof(other_path), "%s/other", dir);
    assert_int_equal(keyfile_generate(other_path, err, sizeof(err)), 0);
    assert_int_equal(keyring_load(other_path, &other, err, sizeof(err)), 0);
    audit_verify_result r = verify(&other);
    assert_int_equal(r.first_bad_seq, 1);
    assert_non_null(strstr(r.reason, "not in the key file"));
    keyring_wipe(&other);
}

static void test_deleted_row_detected(void **state)
{
    /* Rebuild an intact chain of three more rows, then delete the middle. */
    tamper("DELETE FROM audit_log");
    append("a", "t", "1");
    append("b", "t", "2");
    append("c", "t", "3");
    assert_int_equal(verify(&kr).first_bad_seq, 0);
    tamper("DELETE FROM audit_log WHERE action = 'b'");
    audit_verify_result r = verify(&kr);
    assert_int_not_equal(r.first_bad_seq, 0);
    assert_non_null(strstr(r.reason, "seal"));
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_hash),
        cmocka_unit_test(test_intact_chain_verifies),
        cmocka_unit_test(test_append_only_triggers),
        cmocka_unit_test(test_tombstone_keeps_chain),
        cmocka_unit_test(test_edit_detected),
        cmocka_unit_test(test_other_key_detected),
        cmocka_unit_test(test_deleted_row_detected),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
