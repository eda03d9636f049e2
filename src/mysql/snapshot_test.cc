#include "mysql/snapshot.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/error.h"
#include "mysql/test_server.h"

namespace snaplake::mysql {
namespace {

const char* kDatabase = "snaplake_snapshot_test";

int64_t count(Connection& c, const std::string& table) {
  return c.query("SELECT COUNT(*) AS n FROM " + std::string(kDatabase) + "." + table, "count")
      .integer(0, "n");
}

// Commits one row into each of `a` and `b` in one transaction, over and over, until stopped:
// any snapshot sees as many rows in one as in the other, and a later snapshot sees more.
class Writer {
 public:
  Writer(const Uri& uri, std::chrono::milliseconds pause)
      : conn_(Connection::open(uri)), thread_([this, pause] {
          try {
            while (!stop_) {
              conn_.exec("START TRANSACTION", "begin");
              conn_.exec(std::string("INSERT INTO ") + kDatabase + ".a VALUES (NULL)", "insert");
              conn_.exec(std::string("INSERT INTO ") + kDatabase + ".b VALUES (NULL)", "insert");
              conn_.exec("COMMIT", "commit");
              ++commits_;
              std::this_thread::sleep_for(pause);
            }
          } catch (const std::exception& e) {
            error_ = e.what();
          }
        }) {}
  ~Writer() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Waits until the writer has committed at least n more times (no time limit: it always does).
  void wait_for_commits(uint64_t n) {
    uint64_t target = commits_ + n;
    while (commits_ < target && error_.empty())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const std::string& error() const { return error_; }

 private:
  Connection conn_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> commits_{0};
  std::string error_;
  std::thread thread_;
};

class MysqlSnapshot : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* uri = std::getenv("SNAPLAKE_TEST_MYSQL_URI");
    if (uri == nullptr) GTEST_SKIP() << "SNAPLAKE_TEST_MYSQL_URI is not set";
    admin_uri_ = parse_uri(uri);
    Connection admin = Connection::open(admin_uri_);
    admin.exec(std::string("DROP DATABASE IF EXISTS ") + kDatabase, "drop");
    admin.exec(std::string("CREATE DATABASE ") + kDatabase, "create");
    admin.exec(std::string("CREATE TABLE ") + kDatabase + ".a (id INT AUTO_INCREMENT PRIMARY KEY)",
               "create");
    admin.exec(std::string("CREATE TABLE ") + kDatabase + ".b (id INT AUTO_INCREMENT PRIMARY KEY)",
               "create");
    admin.exec(std::string("CREATE TABLE ") + kDatabase + ".m (id INT) ENGINE=MyISAM", "create");
    admin.exec(std::string("INSERT INTO ") + kDatabase + ".a VALUES (NULL), (NULL)", "insert");
    admin.exec(std::string("INSERT INTO ") + kDatabase + ".b VALUES (NULL), (NULL)", "insert");
    admin.exec(std::string("INSERT INTO ") + kDatabase + ".m VALUES (1)", "insert");
    // Without RELOAD (and so without FTWRL or BACKUP STAGE), with LOCK TABLES: an RDS master
    // user as far as locks go. And one with neither (NoLock). Both may read the binlog position.
    testing::recreate_user(admin, "snaplake_no_reload",
                           {std::string("GRANT SELECT, LOCK TABLES ON ") + kDatabase + ".* TO {u}",
                            "GRANT BINLOG MONITOR ON *.* TO {u}"});
    testing::recreate_user(admin, "snaplake_no_lock",
                           {std::string("GRANT SELECT ON ") + kDatabase + ".* TO {u}"});
  }

  SnapshotOptions options(size_t workers) {
    SnapshotOptions o;
    o.workers = workers;
    o.tables = {{kDatabase, "a"}, {kDatabase, "b"}, {kDatabase, "m"}};
    return o;
  }

  // Takes a snapshot with three workers while commits keep arriving, then checks that every
  // worker sees the same rows, a consistent pair of tables, and none of the later commits.
  ConsistentSnapshot check_consistent(const Uri& uri, SnapshotOptions o,
                                      std::chrono::milliseconds pause) {
    Writer writer(admin_uri_, pause);
    writer.wait_for_commits(3);
    ConsistentSnapshot s = ConsistentSnapshot::start(uri, o);
    writer.wait_for_commits(3);  // committed after the snapshot
    writer.stop();
    EXPECT_EQ(writer.error(), "");
    EXPECT_EQ(s.workers().size(), 3u);
    int64_t seen = count(s.workers()[0], "a");
    for (auto& w : s.workers()) {
      EXPECT_EQ(count(w, "a"), seen) << lock_mode_name(s.mode());
      EXPECT_EQ(count(w, "b"), seen) << lock_mode_name(s.mode());
    }
    Connection fresh = Connection::open(admin_uri_);
    EXPECT_GE(count(fresh, "a"), seen + 3) << lock_mode_name(s.mode());
    EXPECT_EQ(s.taken_at().size(), 27u) << s.taken_at();
    EXPECT_FALSE(s.lock_held());
    return s;
  }

  Uri admin_uri_;
};

TEST_F(MysqlSnapshot, EveryModeGivesThreeWorkersOnePointInTime) {
  for (LockMode mode :
       {LockMode::BackupStage, LockMode::Ftwrl, LockMode::LockTables, LockMode::NoLock}) {
    SnapshotOptions o = options(3);
    o.only = mode;
    // Without a lock the three workers must start between two commits (the binlog decides,
    // within 10 attempts): commits 50 ms apart leave room on a loaded machine.
    ConsistentSnapshot s = check_consistent(
        admin_uri_, o, std::chrono::milliseconds(mode == LockMode::NoLock ? 50 : 2));
    EXPECT_EQ(s.mode(), mode);
    ASSERT_TRUE(s.binlog());  // the harness's server writes a binary log
    EXPECT_FALSE(s.binlog()->file.empty()) << lock_mode_name(mode);
    EXPECT_GT(s.binlog()->position, 0u) << lock_mode_name(mode);
    EXPECT_FALSE(s.binlog()->gtid.empty()) << lock_mode_name(mode);
  }
}

TEST_F(MysqlSnapshot, WithReloadTheLightestLockIsChosen) {
  ConsistentSnapshot s = check_consistent(admin_uri_, options(3), std::chrono::milliseconds(2));
  EXPECT_EQ(s.mode(), LockMode::BackupStage);  // MariaDB, root
  EXPECT_TRUE(s.warnings().empty());
}

TEST_F(MysqlSnapshot, WithoutReloadLockTablesIsUsed) {
  Uri uri = testing::uri_with_password(admin_uri_.text(), "snaplake_no_reload");
  ConsistentSnapshot s = check_consistent(uri, options(3), std::chrono::milliseconds(2));
  EXPECT_EQ(s.mode(), LockMode::LockTables);
  EXPECT_EQ(s.warnings().size(), 2u);  // BACKUP STAGE and FTWRL refused
  ASSERT_TRUE(s.binlog());
  EXPECT_FALSE(s.binlog()->file.empty());  // BINLOG MONITOR
}

TEST_F(MysqlSnapshot, WithoutAnyLockTheBinlogDecides) {
  Uri uri = testing::uri_with_password(admin_uri_.text(), "snaplake_no_lock");
  // Commits 50 ms apart: the three workers start between two of them after a few attempts.
  ConsistentSnapshot s = check_consistent(uri, options(3), std::chrono::milliseconds(50));
  EXPECT_EQ(s.mode(), LockMode::NoLock);
  EXPECT_EQ(s.warnings().size(), 3u);
  ASSERT_TRUE(s.binlog());
  // Without BINLOG MONITOR the file comes from the workers' Binlog_snapshot_file (MariaDB).
  EXPECT_FALSE(s.binlog()->file.empty());

  // Non-transactional tables to read: no lock can hold them still, and a warning says so.
  SnapshotOptions keep = options(2);
  keep.keep_lock = true;
  ConsistentSnapshot k = ConsistentSnapshot::start(uri, keep);
  EXPECT_EQ(k.mode(), LockMode::NoLock);
  EXPECT_FALSE(k.lock_held());
  ASSERT_EQ(k.warnings().size(), 4u);
  EXPECT_NE(k.warnings().back().find("may be inconsistent"), std::string::npos)
      << k.warnings().back();
}

// Runs `sql` on a connection of its own in a thread, and returns once the server shows it
// waiting for a lock (no time involved).
class BlockedStatement {
 public:
  BlockedStatement(const Uri& uri, std::string sql)
      : conn_(Connection::open(uri)), watcher_(Connection::open(uri)) {
    unsigned long id = conn_.thread_id();
    thread_ = std::thread([this, sql] { conn_.exec(sql, "run a statement that waits"); });
    while (true) {
      Result r = watcher_.query(
          "SELECT STATE AS s FROM information_schema.PROCESSLIST WHERE ID = " + std::to_string(id),
          "watch the statement");
      std::string state = r.rows() ? r.optional_text(0, "s").value_or("") : "";
      if (state.find("lock") != std::string::npos) break;  // "Waiting for … lock"
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~BlockedStatement() { join(); }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  Connection conn_, watcher_;
  std::thread thread_;
};

TEST_F(MysqlSnapshot, KeepsTheLockForNonTransactionalTablesUntilReleased) {
  for (LockMode mode : {LockMode::BackupStage, LockMode::Ftwrl, LockMode::LockTables}) {
    SnapshotOptions o = options(2);
    o.only = mode;
    o.keep_lock = true;
    ConsistentSnapshot s = ConsistentSnapshot::start(admin_uri_, o);
    EXPECT_TRUE(s.lock_held());
    BlockedStatement insert(admin_uri_, std::string("INSERT INTO ") + kDatabase + ".m VALUES (2)");
    // The MyISAM table holds still while the lock is held; it is read on the lock's connection.
    EXPECT_EQ(count(s.lock_holder(), "m"), 1) << lock_mode_name(mode);
    // The workers read InnoDB tables meanwhile, whatever waits.
    EXPECT_EQ(count(s.workers()[1], "a"), 2) << lock_mode_name(mode);
    s.release_lock();
    insert.join();
    Connection fresh = Connection::open(admin_uri_);
    EXPECT_EQ(count(fresh, "m"), 2) << lock_mode_name(mode);
    fresh.exec(std::string("DELETE FROM ") + kDatabase + ".m WHERE id = 2", "reset");
  }
}

TEST_F(MysqlSnapshot, UnderLockTablesWorkersReadWhileAWriterWaits) {
  SnapshotOptions o = options(2);
  o.only = LockMode::LockTables;
  o.keep_lock = true;
  ConsistentSnapshot s = ConsistentSnapshot::start(admin_uri_, o);
  BlockedStatement insert(admin_uri_, std::string("INSERT INTO ") + kDatabase + ".a VALUES (NULL)");
  EXPECT_EQ(count(s.workers()[0], "a"), 2);  // a pending metadata write lock does not block reads
  s.release_lock();
  insert.join();
  EXPECT_EQ(count(s.workers()[0], "a"), 2);  // still the snapshot
}

}  // namespace
}  // namespace snaplake::mysql
