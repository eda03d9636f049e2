#include "pipeline/engines.h"

#include "sources/open_source.h"

namespace snaplake::pipeline {

Engines native_engines() {
  return Engines{
      [](const exporter::ExportOptions& options) { return sources::run_export(options); },
      [](const landing::LandOptions& options) { return landing::land(options); },
      {},
      sources::estimate_export_bytes,
  };
}

}  // namespace snaplake::pipeline
