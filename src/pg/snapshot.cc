#include "pg/snapshot.h"

namespace snaplake::pg {

void configure_session(Connection& conn) {
  conn.exec(
      "SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; SET TimeZone = 'UTC'; "
      "SET extra_float_digits = 1; SET client_encoding = 'UTF8'; SET statement_timeout = 0; "
      "SET idle_in_transaction_session_timeout = 0; SET lock_timeout = 0",
      "configure the session");
}

ExportedSnapshot export_snapshot(Connection& coordinator) {
  coordinator.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "begin the snapshot");
  // The snapshot is taken by the transaction's first statement, this one; clock_timestamp() is
  // read in the same statement, so it is the snapshot's time to within a few microseconds.
  Result r = coordinator.exec(
      "SELECT pg_export_snapshot() AS id, "
      "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS at",
      "export the snapshot");
  return {r.text(0, "id"), r.text(0, "at")};
}

void join_snapshot(Connection& worker, const std::string& snapshot_id) {
  worker.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "begin a snapshot reader");
  // SET TRANSACTION SNAPSHOT must be the first statement of the transaction.
  worker.exec("SET TRANSACTION SNAPSHOT " + Connection::quote_literal(snapshot_id),
              "import the exported snapshot");
}

}  // namespace snaplake::pg
