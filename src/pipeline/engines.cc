#include "pipeline/engines.h"

#include "pipeline/lambda_budget.h"
#include "sources/open_source.h"

namespace snaplake::pipeline {

Engines native_engines() {
  return Engines{
      [](const exporter::ExportOptions& options) { return sources::run_export(options); },
      [](const landing::LandOptions& options) { return landing::land(options); },
      {},
      estimate_postgres_export_bytes,
  };
}

}  // namespace snaplake::pipeline
