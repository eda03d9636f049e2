#include "mysql/snapshot.h"

#include <mysqld_error.h>

#include <chrono>
#include <thread>

#include "common/error.h"

namespace snaplake::mysql {
namespace {

// The errors that mean "this user may not take this lock": then the next mode is tried.
bool is_privilege_error(unsigned code) {
  return code == ER_SPECIFIC_ACCESS_DENIED_ERROR ||  // 1227: needs RELOAD (or SUPER)
         code == ER_DBACCESS_DENIED_ERROR ||         // 1044: no LOCK TABLES on the database
         code == ER_TABLEACCESS_DENIED_ERROR ||      // 1142: no SELECT on a table
         code == ER_ACCESS_DENIED_ERROR ||           // 1045
         code == ER_PARSE_ERROR ||                   // BACKUP STAGE on a server without it
         code == ER_UNKNOWN_COM_ERROR || code == ER_NOT_SUPPORTED_YET;
}

std::string qualified(const std::pair<std::string, std::string>& t) {
  return Connection::quote_identifier(t.first) + "." + Connection::quote_identifier(t.second);
}

// Binlog_snapshot_file/position of a worker's transaction (MariaDB): the binlog position its
// read view corresponds to (MariaDB KB, "Enhancements for START TRANSACTION WITH CONSISTENT
// SNAPSHOT").
BinlogPosition snapshot_position(Connection& worker) {
  Result r = worker.query("SHOW SESSION STATUS LIKE 'Binlog_snapshot_%'",
                          "read the snapshot's binlog position");
  BinlogPosition p;
  for (size_t i = 0; i < r.rows(); ++i) {
    if (r.text(i, "Variable_name") == "Binlog_snapshot_file") p.file = r.text(i, "Value");
    if (r.text(i, "Variable_name") == "Binlog_snapshot_position") {
      p.position = std::stoull(r.text(i, "Value"));
    }
  }
  return p;
}

}  // namespace

std::string_view lock_mode_name(LockMode mode) {
  switch (mode) {
    case LockMode::BackupStage:
      return "BACKUP_STAGE";
    case LockMode::Ftwrl:
      return "FTWRL";
    case LockMode::LockTables:
      return "LOCK_TABLES";
    case LockMode::NoLock:
      return "NO_LOCK";
  }
  return "NO_LOCK";
}

std::optional<BinlogPosition> read_binlog_position(Connection& conn) {
  if (conn.query("SELECT @@GLOBAL.log_bin AS on_", "check the binary log").integer(0, "on_") == 0) {
    return std::nullopt;
  }
  BinlogPosition p;
  p.gtid = conn.query(conn.is_mariadb() ? "SELECT @@GLOBAL.gtid_binlog_pos AS g"
                                        : "SELECT @@GLOBAL.gtid_executed AS g",
                      "read the GTID position")
               .optional_text(0, "g")
               .value_or("");
  // SHOW MASTER STATUS needs REPLICATION CLIENT (MySQL) or BINLOG MONITOR (MariaDB 10.5+);
  // MySQL 8.4 replaced it with SHOW BINARY LOG STATUS (8.2+). Without the privilege the GTID
  // position is all there is.
  for (const char* statement : {"SHOW BINARY LOG STATUS", "SHOW MASTER STATUS"}) {
    if (conn.is_mariadb() && std::string_view(statement) == "SHOW BINARY LOG STATUS") continue;
    try {
      Result r = conn.query(statement, "read the binary log position");
      if (r.rows() > 0) {
        p.file = r.text(0, "File");
        p.position = static_cast<uint64_t>(r.integer(0, "Position"));
      }
      break;
    } catch (const Error&) {
      unsigned code = mysql_errno(conn.raw());
      if (code == ER_PARSE_ERROR) continue;  // the other spelling
      if (is_privilege_error(code)) break;
      throw;
    }
  }
  return p;
}

void begin_snapshot_transaction(Connection& worker) {
  worker.exec("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
              "set the snapshot's isolation level");
  worker.exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY",
              "start the snapshot transaction");
}

bool ConsistentSnapshot::try_lock(LockMode mode, const SnapshotOptions& options) {
  try {
    switch (mode) {
      case LockMode::BackupStage:
        if (!coordinator_.is_mariadb()) return false;
        coordinator_.exec("BACKUP STAGE START", "start a backup stage");
        try {
          coordinator_.exec("BACKUP STAGE BLOCK_COMMIT", "block commits");
        } catch (const Error&) {
          // START needs RELOAD; a failure here is something else (a lock wait): no fallback.
          coordinator_.exec("BACKUP STAGE END", "end the backup stage");
          throw;
        }
        return true;
      case LockMode::Ftwrl:
        // A flush without the global lock first, so that FTWRL's own flush is short (mydumper).
        coordinator_.exec("FLUSH NO_WRITE_TO_BINLOG TABLES", "flush the tables");
        coordinator_.exec("FLUSH TABLES WITH READ LOCK", "take the global read lock");
        return true;
      case LockMode::LockTables: {
        if (options.tables.empty()) return true;  // nothing to lock, nothing to write to
        std::string sql = "LOCK TABLES ";
        for (size_t i = 0; i < options.tables.size(); ++i) {
          if (i > 0) sql += ", ";
          sql += qualified(options.tables[i]) + " READ";
        }
        coordinator_.exec(sql, "lock the exported tables");
        return true;
      }
      case LockMode::NoLock:
        return true;
    }
  } catch (const Error& e) {
    // BLOCK_COMMIT's failure was rethrown after BACKUP STAGE END, whose success cleared the
    // error number: it is never taken for a privilege error.
    if (is_privilege_error(mysql_errno(coordinator_.raw()))) {
      warnings_.push_back(fmt::format("snapshot: {} not allowed ({}); trying the next mode",
                                      lock_mode_name(mode), e.what()));
      return false;
    }
    throw;
  }
  return false;
}

void ConsistentSnapshot::start_workers(const Uri& uri, size_t count) {
  // Connect first, then start the transactions back to back: the moment they must share is
  // then a few statements long, not a few connection handshakes.
  while (workers_.size() < count) workers_.push_back(Connection::open(uri));
  for (auto& w : workers_) begin_snapshot_transaction(w);
}

void ConsistentSnapshot::release_lock() {
  if (!lock_held_) return;
  switch (mode_) {
    case LockMode::BackupStage:
      coordinator_.exec("BACKUP STAGE END", "end the backup stage");
      break;
    case LockMode::Ftwrl:
    case LockMode::LockTables:
      coordinator_.exec("UNLOCK TABLES", "unlock the tables");
      break;
    case LockMode::NoLock:
      break;
  }
  lock_held_ = false;
}

void ConsistentSnapshot::start_without_lock(const Uri& uri, const SnapshotOptions& options) {
  std::optional<BinlogPosition> before = read_binlog_position(coordinator_);
  const bool can_tell =
      before && (coordinator_.is_mariadb() || !before->file.empty() || !before->gtid.empty());
  if (!can_tell) {
    if (options.workers > 1) {
      warnings_.push_back(
          "snapshot: no lock is allowed and the binary log cannot tell whether a commit came "
          "between the workers' starts: reading with one connection (one transaction is "
          "consistent)");
    }
    start_workers(uri, 1);
    binlog_ = before;
    return;
  }
  for (int attempt = 1; attempt <= std::max(options.attempts, 1); ++attempt) {
    start_workers(uri, options.workers);
    bool consistent = true;
    if (coordinator_.is_mariadb()) {
      // Each worker's read view names its binlog position: all equal, all saw the same commits.
      BinlogPosition first = snapshot_position(workers_.front());
      for (size_t i = 1; i < workers_.size() && consistent; ++i) {
        consistent = snapshot_position(workers_[i]) == first;
      }
      if (consistent) {
        binlog_ = read_binlog_position(workers_.front());
        binlog_->file = first.file;
        binlog_->position = first.position;
      }
    } else {
      std::optional<BinlogPosition> after = read_binlog_position(coordinator_);
      consistent = after == before;
      if (consistent) binlog_ = after;
    }
    if (consistent) return;
    for (auto& w : workers_) w.exec("ROLLBACK", "end a snapshot transaction to start again");
    std::this_thread::sleep_for(std::chrono::milliseconds(10 * attempt));
    before = read_binlog_position(coordinator_);
  }
  fail(ErrorKind::Conflict,
       "cannot take a consistent snapshot without a lock: commits kept arriving while {} "
       "connections started their transactions ({} attempts); grant RELOAD or LOCK TABLES, use "
       "fewer jobs, or try again when the server is quieter",
       options.workers, options.attempts);
}

ConsistentSnapshot ConsistentSnapshot::start(const Uri& uri, const SnapshotOptions& options) {
  ConsistentSnapshot s(Connection::open(uri));
  const size_t workers = std::max<size_t>(options.workers, 1);
  SnapshotOptions o = options;
  o.workers = workers;
  std::vector<LockMode> order = {LockMode::BackupStage, LockMode::Ftwrl, LockMode::LockTables,
                                 LockMode::NoLock};
  if (options.only) order = {*options.only};
  for (LockMode mode : order) {
    if (mode == LockMode::NoLock) {
      s.mode_ = mode;
      s.start_without_lock(uri, o);
      break;
    }
    if (!s.try_lock(mode, o)) {
      if (options.only) {
        fail(ErrorKind::Source, "cannot take the snapshot with {}: not allowed",
             lock_mode_name(mode));
      }
      continue;
    }
    s.mode_ = mode;
    s.lock_held_ = true;
    try {
      s.start_workers(uri, workers);
      s.binlog_ = read_binlog_position(s.coordinator_);
    } catch (...) {
      s.release_lock();
      throw;
    }
    break;
  }
  s.taken_at_ = s.coordinator_
                    .query("SELECT DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ') AS at",
                           "read the snapshot's time")
                    .text(0, "at");
  if (options.keep_lock && s.mode_ == LockMode::NoLock) {
    s.warnings_.push_back(
        "snapshot: no lock could be taken, so the non-transactional tables (MyISAM, Aria, "
        "MEMORY…) are read while they may change: they may be inconsistent with the rest");
  }
  if (!options.keep_lock) s.release_lock();
  return s;
}

}  // namespace snaplake::mysql
