// Opens the pipeline's two queues as the configuration says: snapshot events (the export
// stage's input) and export tasks (the land stage's input).
#pragma once

#include <memory>

#include "pipeline/config.h"
#include "queue/queue.h"

namespace snaplake::pipeline {

enum class QueueRole { Events, Tasks };
std::string_view to_string(QueueRole role);

std::unique_ptr<queue::Queue> open_queue(const Config& config, QueueRole role,
                                         queue::Clock clock = queue::system_clock());

}  // namespace snaplake::pipeline
