// Whether an export fits in what is left of a Lambda invocation. A Lambda function is stopped
// after at most 15 minutes; an export cut off there would only show as a timeout, then as
// retries that each time out again. So the export function estimates first and refuses, with a
// cause that says what to do instead, a database it does not expect to finish in time.
//
// The estimate is deliberately pessimistic: the size the server reports for the databases
// (sources::estimate_export_bytes; PostgreSQL's pg_database_size: tables, TOAST, indexes and
// bloat; MySQL's data and index lengths; more than an export reads) at the rate
// `[export] lambda_mb_per_second`, against 80% of the time left (the rest is for the commit:
// export_info, the task message, the status).
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace snaplake::pipeline {

// Throws Error(Unsupported), which the failure policy dead-letters at once (a retry would be
// refused again), when `bytes` at `mb_per_second` take longer than 80% of `remaining`.
void require_time_for_export(std::string_view instance_id, uint64_t bytes, int mb_per_second,
                             std::chrono::milliseconds remaining);

}  // namespace snaplake::pipeline
