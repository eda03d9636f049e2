// Built instead of engines.cc while the exporter or landing library is missing from the build,
// so that the pipeline and its tests build on their own.
#include "common/error.h"
#include "pipeline/engines.h"

namespace snaplake::pipeline {

Engines native_engines() {
  return Engines{
      [](const exporter::ExportOptions&) -> exporter::ExportResult {
        fail(ErrorKind::Unsupported, "this build has no export engine");
      },
      [](const landing::LandOptions&) -> landing::LandResult {
        fail(ErrorKind::Unsupported, "this build has no landing engine");
      },
  };
}

}  // namespace snaplake::pipeline
