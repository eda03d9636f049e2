#include "pg/snapshot.h"

#include <gtest/gtest.h>

#include "pg/test_server.h"

namespace snaplake::pg {
namespace {

TEST(Snapshot, WorkersSeeTheCoordinatorsPointInTime) {
  SNAPLAKE_PG_URI_OR_SKIP(uri);
  Connection writer = Connection::open(uri);
  writer.exec(
      "DROP TABLE IF EXISTS snaplake_snapshot_test; "
      "CREATE TABLE snaplake_snapshot_test (v int); "
      "INSERT INTO snaplake_snapshot_test VALUES (1), (2)");
  Connection coordinator = Connection::open(uri);
  configure_session(coordinator);
  ExportedSnapshot snapshot = export_snapshot(coordinator);
  EXPECT_FALSE(snapshot.id.empty());
  EXPECT_EQ(snapshot.taken_at.size(), 27u) << snapshot.taken_at;  // 2026-11-25T14:15:02.123456Z

  writer.exec("INSERT INTO snaplake_snapshot_test VALUES (3)");  // committed after the snapshot

  Connection worker = Connection::open(uri);
  configure_session(worker);
  join_snapshot(worker, snapshot.id);
  EXPECT_EQ(worker.exec("SELECT count(*) AS n FROM snaplake_snapshot_test").integer(0, "n"), 2);
  Connection fresh = Connection::open(uri);
  EXPECT_EQ(fresh.exec("SELECT count(*) AS n FROM snaplake_snapshot_test").integer(0, "n"), 3);
  worker.exec("COMMIT");
  coordinator.exec("COMMIT");
  writer.exec("DROP TABLE snaplake_snapshot_test");
}

TEST(Snapshot, SessionRendersTextAsPsqlDoes) {
  SNAPLAKE_PG_URI_OR_SKIP(uri);
  Connection conn = Connection::open(uri);
  configure_session(conn);
  auto r = conn.exec(
      "SELECT '2026-01-02 03:04:05+02'::timestamptz::text AS ts, '1 day 02:00'::interval::text AS "
      "i, 0.1::float8::text AS f");
  EXPECT_EQ(r.text(0, "ts"), "2026-01-02 01:04:05+00");
  EXPECT_EQ(r.text(0, "i"), "1 day 02:00:00");
  EXPECT_EQ(r.text(0, "f"), "0.1");
}

}  // namespace
}  // namespace snaplake::pg
