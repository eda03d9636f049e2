#include "pipeline/status_store.h"

#include "common/error.h"
#include "pipeline/config.h"
#include "pipeline/object_status_store.h"
#include "pipeline/sqlite_status_store.h"
#include "store/object_store.h"

namespace snaplake::pipeline {

std::string_view to_string(RunStage stage) {
  return kRunStageNames.name(stage);
}

std::optional<RunStage> parse_run_stage(std::string_view text) {
  return kRunStageNames.find(text);
}

bool in_progress(RunStage stage) {
  switch (stage) {
    case RunStage::Pending:
    case RunStage::Exporting:
    case RunStage::Exported:
    case RunStage::Waiting:
    case RunStage::Landing:
    case RunStage::Failed:  // failed, to be retried
      return true;
    case RunStage::Landed:
    case RunStage::Superseded:
    case RunStage::Abandoned:
    case RunStage::DeadLettered:
      return false;
  }
  return false;
}

void apply_dead_letters(std::vector<RunRecord>& runs,
                        const std::map<std::string, std::string>& dead_letters) {
  for (RunRecord& run : runs) {
    if (!in_progress(run.stage) || run.message_id.empty()) continue;
    auto it = dead_letters.find(run.message_id);
    if (it == dead_letters.end()) continue;
    run.stage = RunStage::DeadLettered;
    run.error = it->second;
  }
}

void apply_update(RunRecord& run, const StatusStore::Update& u, int64_t now_ms) {
  if (run.started_ms == 0) run.started_ms = now_ms;  // first seen
  auto keep_unless_given = [](std::string& field, const std::string& given) {
    if (!given.empty()) field = given;
  };
  keep_unless_given(run.instance_id, u.instance_id);
  keep_unless_given(run.snapshot_id, u.snapshot_id);
  keep_unless_given(run.event_id, u.event_id);
  keep_unless_given(run.event_time, u.event_time);
  keep_unless_given(run.export_location, u.export_location);
  keep_unless_given(run.message_id, u.message_id);
  run.stage = u.stage;
  run.updated_ms = now_ms;
  run.error = u.error;
  if (u.new_attempt) ++run.attempts;
  if (u.tables) run.tables = *u.tables;
  if (u.rows) run.rows = *u.rows;
  if (u.bytes) run.bytes = *u.bytes;
  if (u.stage == RunStage::Exported) run.exported_ms = now_ms;
  if (u.stage == RunStage::Landed) run.landed_ms = now_ms;
}

std::unique_ptr<StatusStore> StatusStore::open(const Config& config,
                                               std::shared_ptr<const aws::AwsSession> aws,
                                               queue::Clock clock) {
  if (!config.status.location.empty()) {
    return ObjectStatusStore::open(store::open_store(config.status.location, std::move(aws)),
                                   std::move(clock));
  }
  return SqliteStatusStore::open(config.status_path(), std::move(clock));
}

}  // namespace snaplake::pipeline
