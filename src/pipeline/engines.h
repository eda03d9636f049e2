// The engines the stages drive, as functions so that tests can stand in for them: the native
// export (exporter::run_export), the landing (landing::land) and the RDS client of the rds
// engine.
#pragma once

#include <functional>

#include "aws/rds_client.h"
#include "exporter/export.h"
#include "landing/land.h"
#include "pipeline/config.h"

namespace snaplake::pipeline {

struct Engines {
  std::function<exporter::ExportResult(const exporter::ExportOptions&)> run_export;
  std::function<landing::LandResult(const landing::LandOptions&)> land;
  // Empty: RDS as the configuration's [aws] and the AWS conventions say.
  std::function<aws::RdsClient(const Config&)> rds;
  // The bytes a native export of these options would read (lambda_budget.h); asked only under
  // Lambda. Empty: no estimate, so no refusal.
  std::function<uint64_t(const exporter::ExportOptions&)> estimate_export_bytes = {};
};

// The real ones (engines.cc).
Engines native_engines();

}  // namespace snaplake::pipeline
