// The engines the stages drive, as functions so that tests can stand in for them: the native
// export (exporter::run_export) and the landing (landing::land).
#pragma once

#include <functional>

#include "exporter/export.h"
#include "landing/land.h"

namespace snaplake::pipeline {

struct Engines {
  std::function<exporter::ExportResult(const exporter::ExportOptions&)> run_export;
  std::function<landing::LandResult(const landing::LandOptions&)> land;
};

// The real ones (engines.cc).
Engines native_engines();

}  // namespace snaplake::pipeline
