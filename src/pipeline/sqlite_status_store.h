// The status store of the embedded queue backend: a SQLite file beside the queue's file
// (Config::status_path()), shared by every worker on the machine. Writes are single statements
// (upserts), so workers never wait on each other long and no update is lost.
#pragma once

#include <memory>
#include <string>

#include "pipeline/status_store.h"
#include "queue/sqlite.h"

namespace snaplake::pipeline {

class SqliteStatusStore final : public StatusStore {
 public:
  // Creates the file and its tables when missing; upgrades a file of an older snaplake.
  static std::unique_ptr<SqliteStatusStore> open(const std::string& path,
                                                 queue::Clock clock = queue::system_clock());

  void update(const Update& update) override;
  void note(std::string_view queue, std::string_view message_id, std::string_view outcome,
            std::string_view detail) override;
  void dead_letter(const DeadLetterRecord& record) override;
  void forget_dead_letter(std::string_view queue, std::string_view message_id) override;
  std::optional<RunRecord> run(std::string_view export_id) override;
  std::vector<RunRecord> recent_runs(size_t limit = 20) override;
  std::vector<NoteRecord> recent_notes(size_t limit = 20) override;
  std::vector<DeadLetterRecord> recent_dead_letters(size_t limit = 20) override;
  std::map<std::string, int64_t> last_landings() override;
  std::string describe() const override { return "sqlite:" + path_; }

 private:
  SqliteStatusStore(std::unique_ptr<sqlite::Database> db, std::string path, queue::Clock clock)
      : db_(std::move(db)), path_(std::move(path)), clock_(std::move(clock)) {}
  int64_t now_ms() const;
  std::unique_ptr<sqlite::Database> db_;
  std::string path_;
  queue::Clock clock_;
};

}  // namespace snaplake::pipeline
