// The same binary as the reference system's two Lambda functions: `snaplake lambda export` (the
// export function, on the events queue) and `snaplake lambda land` (the copier, on the tasks
// queue). Each invocation is an SQS batch {"Records":[{"messageId","receiptHandle","body",
// "attributes":{"ApproximateReceiveCount"}},…]}; every record goes through the worker's own
// dispatch and failure policy (dispatch.h), and the answer reports the records to try again as
// {"batchItemFailures":[{"itemIdentifier":<messageId>}]} (ReportBatchItemFailures):
// - done: not reported, so SQS deletes it;
// - to be retried: reported (SQS delivers it again after the queue's visibility timeout; the
//   retry delay is applied with ChangeMessageVisibility where the record's queue is known);
// - to be dead-lettered: moved to the dead-letter queue here, with its cause and the body the
//   policy says (a wait that ran out keeps the message as first received, so a redrive waits
//   afresh), and not reported; where no dead-letter queue is known, reported, for SQS's redrive
//   policy to move it after maxReceiveCount.
// An event that is not an SQS batch is handled as one message body.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "pipeline/lambda_runtime.h"
#include "pipeline/queues.h"
#include "pipeline/stages.h"

namespace snaplake::pipeline {

// One invocation's answer. `own_queue` is the queue the batch came from (nullptr: unknown).
std::string handle_invocation(StageContext& context, QueueRole role, queue::Queue* own_queue,
                              int max_receives, std::string_view event);

struct LambdaOptions {
  QueueRole role = QueueRole::Events;
  int max_invocations = 0;  // 0 = serve for ever (tests: stop after this many)
  // Where each metric value goes as it is recorded, as one CloudWatch Embedded Metric Format line
  // (ops/emf.h; the metrics of `run --listen`, run_metrics.h): Lambda sends stdout to CloudWatch
  // Logs, which extracts them. Null: no metrics.
  std::function<void(const std::string& line)> metric_lines;
};

// A Lambda function writes only to /tmp and to the shared state (issue 12): its package, where a
// configuration file beside it sits, is read-only at $LAMBDA_TASK_ROOT (/var/task). Error(Config)
// naming the key when a local location the function would write lies inside `task_root`: the
// embedded queue's file ([queue] path) and the SQLite status file beside it, [status] location,
// [export] to (the export stage of postgres instances) and [landing] to. "" = not in Lambda.
// With `[queue] backend = "sqs"` the defaults write nothing local: run state goes to
// `<[export] to>/_snaplake/status` (docs/run-state.md).
void check_lambda_writes(const Config& config, QueueRole role, std::string_view task_root);

// Opens the queues and the status store, then serves invocations from `runtime`. Runs
// check_lambda_writes against $LAMBDA_TASK_ROOT first. An error before
// the first invocation is reported to the runtime as an init error and thrown.
void serve_lambda(const Config& config, const Engines& engines, LambdaRuntime& runtime,
                  const LambdaOptions& options);

}  // namespace snaplake::pipeline
