// Opens the pipeline's two queues as the configuration says: snapshot events (the export
// stage's input) and export tasks (the land stage's input).
#pragma once

#include <memory>

#include "aws/session.h"
#include "pipeline/config.h"
#include "queue/queue.h"

namespace snaplake::pipeline {

enum class QueueRole { Events, Tasks };
std::string_view to_string(QueueRole role);

// `aws` is the process's session (session.h), for SQS; unused by the embedded queue.
std::unique_ptr<queue::Queue> open_queue(const Config& config, QueueRole role,
                                         std::shared_ptr<const aws::AwsSession> aws,
                                         queue::Clock clock = queue::system_clock());

}  // namespace snaplake::pipeline
