// One consistent point in time shared by several connections (PostgreSQL docs, "Snapshot
// Synchronization Functions": pg_export_snapshot() "saves the transaction's current snapshot
// and returns a text string identifying it… other transactions can import it with SET
// TRANSACTION SNAPSHOT"). The coordinator's transaction must stay open while workers import the
// snapshot and read; each worker reads in REPEATABLE READ, so every statement of it sees exactly
// that snapshot. pgcopydb and duckdb-postgres do the same.
#pragma once

#include <string>

#include "pg/connection.h"

namespace snaplake::pg {

struct ExportedSnapshot {
  std::string id;        // "00000003-0000001B-1"
  std::string taken_at;  // ISO-8601 UTC with microseconds: "2026-11-25T14:15:02.123456Z"
};

// Session settings that make the server's text output deterministic and as psql shows it by
// default: ISO dates, postgres interval style, UTC, shortest-exact floats (extra_float_digits =
// 1, the server default psql keeps), UTF-8; and no server-side timeouts for a long export.
void configure_session(Connection& conn);

// On the coordinator: BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY, then export the snapshot.
ExportedSnapshot export_snapshot(Connection& coordinator);

// On a worker: BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '<id>'.
void join_snapshot(Connection& worker, const std::string& snapshot_id);

}  // namespace snaplake::pg
