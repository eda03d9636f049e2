// What `snaplake status` shows: the recent snapshots of the pipeline, each with its stage, times,
// row counts and last error, the messages that were ignored, dropped or retried, and the
// messages the workers dead-lettered. Where it lives follows `[queue] backend`
// (docs/run-state.md): with the embedded queue, a SQLite file beside the queue's file
// (sqlite_status_store.h), shared by the workers of one machine; with SQS, objects under
// `_snaplake/status/` of the export location (object_status_store.h), shared by every worker on
// every host and by the Lambda functions. StatusStore::open() is the one place that decides.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/session.h"
#include "common/name_table.h"
#include "queue/queue.h"

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

// A message a worker or Lambda function moved to a dead-letter queue, recorded at that moment so
// that status never has to look into the dead-letter queue itself (on SQS a look is a receive,
// which raises the message's receive count).
struct DeadLetterRecord {
  int64_t time_ms = 0;
  std::string queue;  // "events" or "tasks"
  std::string message_id;
  std::string cause;
  int receive_count = 0;  // the receive on which it was given up
  std::string body;       // the message's body, at most kDeadLetterBodyBytes of it
};
inline constexpr size_t kDeadLetterBodyBytes = 4096;

// Runs whose message ended in a dead-letter queue while they were in progress (a worker crashed
// on it max_receives times, or SQS moved it) show as dead-lettered, with the dead letter's cause:
// `dead_letters` maps message ids to causes.
void apply_dead_letters(std::vector<RunRecord>& runs,
                        const std::map<std::string, std::string>& dead_letters);

struct Config;

// The interface every worker, Lambda function, `snaplake land --config` and `snaplake status`
// reach run state through. Every method may be called from several processes at once, on one
// host or many: an update is never lost (the SQLite store: one upsert statement; the object
// store: a read and a conditional write, retried until it wins).
class StatusStore {
 public:
  virtual ~StatusStore() = default;

  // The store of `config` (docs/run-state.md): `[status] location` when given (objects at that
  // folder, file:// or s3:// location); otherwise with `[queue] backend = "sqlite"` the SQLite
  // file Config::status_path(), and with "sqs" objects under `<[export] to>/_snaplake/status`
  // (the loader fills that default in). `aws` is the process's session (pipeline/session.h), for
  // an s3:// location. Does no I/O for the object store; creates the SQLite file.
  static std::unique_ptr<StatusStore> open(const Config& config,
                                           std::shared_ptr<const aws::AwsSession> aws,
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
  virtual void update(const Update& update) = 0;

  virtual void note(std::string_view queue, std::string_view message_id, std::string_view outcome,
                    std::string_view detail) = 0;

  // Records a dead letter as it is made (pipeline/dispatch.cc). The same message given up twice
  // (a Lambda batch item SQS delivers again) is listed once, the latest record.
  virtual void dead_letter(const DeadLetterRecord& record) = 0;
  // A dead letter that was redriven (snaplake redrive): no longer listed, however many times it
  // was recorded. Forgetting one that is not recorded does nothing.
  virtual void forget_dead_letter(std::string_view queue, std::string_view message_id) = 0;

  virtual std::optional<RunRecord> run(std::string_view export_id) = 0;
  // The most recently started runs, newest first.
  virtual std::vector<RunRecord> recent_runs(size_t limit = 20) = 0;
  // The most recent notes, newest first.
  virtual std::vector<NoteRecord> recent_notes(size_t limit = 20) = 0;
  // The most recent dead letters, newest first, one per (queue, message id).
  virtual std::vector<DeadLetterRecord> recent_dead_letters(size_t limit = 20) = 0;
  // Per instance id, when its latest landing ended (RunRecord::landed_ms), however long ago:
  // what the last-landing metric and its alarm read. A landing recorded with an earlier time
  // than the one kept (another host's clock) does not move it back.
  virtual std::map<std::string, int64_t> last_landings() = 0;

  // For messages: "sqlite:/x/status.db", "s3://bucket/exports/_snaplake/status".
  virtual std::string describe() const = 0;
};

// What an update makes of a run (the one rule both stores apply): the identifying fields are
// kept from the first sighting unless given anew, counts unless given, the error is the
// update's, attempts grow with new_attempt, and exported/landed times are set by those stages.
void apply_update(RunRecord& run, const StatusStore::Update& update, int64_t now_ms);

}  // namespace snaplake::pipeline
