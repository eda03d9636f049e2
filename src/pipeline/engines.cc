#include "pipeline/engines.h"

namespace snaplake::pipeline {

Engines native_engines() {
  return Engines{
      [](const exporter::ExportOptions& options) { return exporter::run_export(options); },
      [](const landing::LandOptions& options) { return landing::land(options); },
  };
}

}  // namespace snaplake::pipeline
