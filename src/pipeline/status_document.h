// The status document: the queues (waiting, in flight, delayed, dead), the dead letters with
// their causes, the recent runs (a run whose message was dead-lettered shown so) and the recent
// notes, as `snaplake status --json` prints it — here for the status page of `run --listen`
// (ops/status_page.h). Fields: docs/commands.md, "snaplake status".
#pragma once

#include <nlohmann/json.hpp>

#include "pipeline/config.h"
#include "pipeline/queues.h"
#include "pipeline/status_store.h"

namespace snaplake::pipeline {

nlohmann::ordered_json status_document(
    const Config& config, const std::vector<std::pair<QueueRole, queue::Queue*>>& queues,
    StatusStore& status, size_t limit);

}  // namespace snaplake::pipeline
