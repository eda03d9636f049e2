// One consistent point in time across N worker connections, the way mydumper takes it
// (--sync-thread-lock-mode): block commits for a moment, start every worker's transaction
// WITH CONSISTENT SNAPSHOT inside that moment, record the binary-log position, unlock. InnoDB's
// consistent snapshot is the transaction's read view (MySQL manual, "START TRANSACTION": "WITH
// CONSISTENT SNAPSHOT … starts a consistent read for storage engines that are capable of it"),
// so every worker then reads the same committed state, however long it reads.
//
// How commits are blocked, tried in this order (the first the user's privileges allow):
//   1. BackupStage  MariaDB 10.4+: BACKUP STAGE START; BACKUP STAGE BLOCK_COMMIT (RELOAD). Blocks
//                   commits (and writes to non-transactional tables) without FTWRL's table
//                   flush, so it does not wait behind long-running SELECTs.
//   2. Ftwrl        FLUSH TABLES WITH READ LOCK (RELOAD): the global read lock, as mysqldump
//                   --single-transaction --master-data and mydumper take it.
//   3. LockTables   LOCK TABLES db.t READ, … on every exported table (LOCK TABLES and SELECT):
//                   what an RDS master user, who has no RELOAD, may still do. Writes to those
//                   tables wait; other tables are not touched.
//   4. NoLock       nothing is locked (mydumper's SAFE_NO_LOCK): the workers start their
//                   transactions, and the snapshot is accepted only if no commit came in between,
//                   told by the binary log: on MariaDB every worker's Binlog_snapshot_position
//                   (the binlog position its read view corresponds to) must be the same; on
//                   MySQL the position (or GTID set) read before and after must be equal. If it
//                   moved, the workers roll back and start again, up to `attempts` times; then
//                   the snapshot is refused (Conflict: retry later). With the binary log off
//                   nothing can tell, and only one worker is started (one transaction is always
//                   consistent), with a warning.
//
// Non-transactional tables (MyISAM, Aria, MEMORY, CSV…) are not in a read view: they are only
// consistent while the lock is held. With keep_lock, the lock stays until release_lock(), which
// the caller calls once it has read them (it reads them first); every write on the server
// (BackupStage, Ftwrl) or to the exported tables (LockTables) waits until then. They are read on
// lock_holder(), the connection that holds the lock: under LOCK TABLES a MyISAM read lock asked
// for by another session queues behind a writer that waits for the table (table-level locks
// favour writers), so a worker would wait until the release. In NoLock mode they cannot be held
// still, and a warning says so.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mysql/connection.h"

namespace snaplake::mysql {

enum class LockMode { BackupStage, Ftwrl, LockTables, NoLock };
// "BACKUP_STAGE", "FTWRL", "LOCK_TABLES", "NO_LOCK": the name export_info records.
std::string_view lock_mode_name(LockMode mode);

// Where the snapshot is in the binary log (nullopt when the binary log is off).
struct BinlogPosition {
  std::string file;  // "binlog.000042"; "" when the user may not read it
  uint64_t position = 0;
  std::string gtid;  // MariaDB @@gtid_binlog_pos, MySQL @@gtid_executed ("" when off)
  bool operator==(const BinlogPosition&) const = default;
};

struct SnapshotOptions {
  size_t workers = 1;
  // The exported tables (database, table): what LockTables locks.
  std::vector<std::pair<std::string, std::string>> tables;
  // Hold the lock after start() until release_lock() (non-transactional tables to read).
  bool keep_lock = false;
  // Tests: try only this mode (and fail if it is not allowed).
  std::optional<LockMode> only;
  int attempts = 10;  // NoLock: starts tried before giving up
};

class ConsistentSnapshot {
 public:
  // Opens the coordinator and the workers on `uri` and takes the snapshot.
  static ConsistentSnapshot start(const Uri& uri, const SnapshotOptions& options);

  LockMode mode() const { return mode_; }
  const std::optional<BinlogPosition>& binlog() const { return binlog_; }
  const std::string& taken_at() const { return taken_at_; }  // "2026-11-25T14:15:02.123456Z"
  // The worker connections, each in its own REPEATABLE READ, READ ONLY transaction of the
  // snapshot. Fewer than asked only in NoLock mode without a binary log (then one).
  std::vector<Connection>& workers() { return workers_; }
  // What the caller should log (mode fallbacks, non-transactional tables without a lock).
  const std::vector<std::string>& warnings() const { return warnings_; }

  bool lock_held() const { return lock_held_; }
  // The connection holding the lock (outside the workers' transactions), on which the
  // non-transactional tables are read while lock_held().
  Connection& lock_holder() { return coordinator_; }
  void release_lock();

 private:
  explicit ConsistentSnapshot(Connection coordinator) : coordinator_(std::move(coordinator)) {}
  bool try_lock(LockMode mode, const SnapshotOptions& options);
  void start_workers(const Uri& uri, size_t count);
  void start_without_lock(const Uri& uri, const SnapshotOptions& options);

  Connection coordinator_;
  std::vector<Connection> workers_;
  LockMode mode_ = LockMode::NoLock;
  std::optional<BinlogPosition> binlog_;
  std::string taken_at_;
  std::vector<std::string> warnings_;
  bool lock_held_ = false;
};

// The server's current binary-log position, or nullopt when the binary log is off.
std::optional<BinlogPosition> read_binlog_position(Connection& conn);

// On a worker: SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ; START TRANSACTION WITH
// CONSISTENT SNAPSHOT, READ ONLY.
void begin_snapshot_transaction(Connection& worker);

}  // namespace snaplake::mysql
