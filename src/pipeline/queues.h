// Opens the pipeline's two queues as the configuration says: snapshot events (the export
// stage's input) and export tasks (the land stage's input).
#pragma once

#include <memory>

#include "aws/aws_client.h"
#include "pipeline/config.h"
#include "queue/queue.h"

namespace snaplake::pipeline {

enum class QueueRole { Events, Tasks };
std::string_view to_string(QueueRole role);

std::unique_ptr<queue::Queue> open_queue(const Config& config, QueueRole role,
                                         queue::Clock clock = queue::system_clock());

// An AWS client as the configuration and the AWS conventions say ([aws] region and
// endpoint_url first, then AWS_REGION, AWS_ENDPOINT_URL, the credentials chain).
std::shared_ptr<aws::AwsClient> aws_client(const Config& config);

}  // namespace snaplake::pipeline
