// What `snaplake status` shows: the recent snapshots of the pipeline, each with its stage, times,
// row counts and last error, and the messages that were ignored, dropped or dead-lettered.
// A SQLite file beside the embedded queue (Config::status_path()), shared by every worker on
// the machine. Writes are single statements (upserts), so workers never wait on each other long.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/name_table.h"
#include "queue/queue.h"
#include "queue/sqlite.h"

namespace snaplake::pipeline {

// The stages a snapshot passes through, in order, then how it ended. Pending: the export cannot
// start yet (rds engine: the snapshot is still being created, or RDS runs five exports already);
// waiting: an RDS export task is still running. Failed: the last attempt failed and may be
// retried. Ends: landed; superseded (a newer snapshot holds every partition it would land in);
// abandoned (its export's writer died mid-export: a redelivered event exports it afresh);
// dead-lettered (given up, the cause is in the dead-letter queue).
enum class RunStage {
  Pending,
  Exporting,
  Exported,
  Waiting,
  Landing,
  Landed,
  Superseded,
  Failed,
  Abandoned,
  DeadLettered,
};
inline constexpr auto kRunStageNames = name_table<RunStage>({
    {RunStage::Pending, "pending"},
    {RunStage::Exporting, "exporting"},
    {RunStage::Exported, "exported"},
    {RunStage::Waiting, "waiting"},
    {RunStage::Landing, "landing"},
    {RunStage::Landed, "landed"},
    {RunStage::Superseded, "superseded"},
    {RunStage::Failed, "failed"},
    {RunStage::Abandoned, "abandoned"},
    {RunStage::DeadLettered, "dead-lettered"},
});
std::string_view to_string(RunStage stage);
std::optional<RunStage> parse_run_stage(std::string_view text);
// Whether the run is still on its way (a dead letter of its message then means it ended there).
bool in_progress(RunStage stage);

struct RunRecord {
  std::string export_id;
  std::string instance_id;
  std::string snapshot_id;
  std::string event_id;
  std::string event_time;
  RunStage stage = RunStage::Pending;
  std::string message_id;  // the queue message that last worked on it
  int64_t started_ms = 0;  // first seen
  int64_t updated_ms = 0;
  int64_t exported_ms = 0;  // 0 = not yet
  int64_t landed_ms = 0;
  uint64_t tables = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::string export_location;
  std::string error;  // the last failure's one-line cause
  int attempts = 0;
};

struct NoteRecord {
  int64_t time_ms = 0;
  std::string queue;
  std::string message_id;
  std::string outcome;  // "ignored", "dropped", "dead-lettered", "retrying", "waiting"
  std::string detail;
};

// Runs whose message ended in a dead-letter queue while they were in progress (a worker crashed
// on it max_receives times, or SQS moved it) show as dead-lettered, with the dead letter's cause:
// `dead_letters` maps message ids to causes.
void apply_dead_letters(std::vector<RunRecord>& runs,
                        const std::map<std::string, std::string>& dead_letters);

class StatusStore {
 public:
  static std::unique_ptr<StatusStore> open(const std::string& path,
                                           queue::Clock clock = queue::system_clock());

  // Records that a stage began/ended for an export; creates the run on first sight.
  struct Update {
    std::string export_id;
    std::string instance_id;
    std::string snapshot_id;
    std::string event_id;
    std::string event_time;
    RunStage stage = RunStage::Exporting;
    std::optional<uint64_t> tables, rows, bytes;
    std::string export_location;
    std::string error;  // set with Failed; cleared by any other stage
    bool new_attempt = false;
    std::string message_id;  // "" = keep the one recorded
  };
  void update(const Update& update);

  void note(std::string_view queue, std::string_view message_id, std::string_view outcome,
            std::string_view detail);

  std::optional<RunRecord> run(std::string_view export_id);
  std::vector<RunRecord> recent_runs(size_t limit = 20);
  std::vector<NoteRecord> recent_notes(size_t limit = 20);

 private:
  StatusStore(std::unique_ptr<sqlite::Database> db, queue::Clock clock)
      : db_(std::move(db)), clock_(std::move(clock)) {}
  int64_t now_ms() const;
  std::unique_ptr<sqlite::Database> db_;
  queue::Clock clock_;
};

}  // namespace snaplake::pipeline
