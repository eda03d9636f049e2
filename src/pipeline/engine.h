// The export engines, the vocabulary of `[[instances]] engine` and of the task message's
// "Engine" field (docs/messages.md): one enum, one table of names.
#pragma once

#include <string_view>

#include "common/name_table.h"

namespace snaplake::pipeline {

enum class Engine {
  Postgres,  // snaplake's native export of a PostgreSQL database (exporter::run_export)
  Rds,       // RDS's own snapshot export task (rds_engine.h)
};

inline constexpr auto kEngineNames =
    name_table<Engine>({{Engine::Postgres, "postgres"}, {Engine::Rds, "rds"}});

inline std::string_view to_string(Engine engine) {
  return kEngineNames.name(engine);
}

}  // namespace snaplake::pipeline
