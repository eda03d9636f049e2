// The export engines, the vocabulary of `[[instances]] engine` and of the task message's
// "Engine" field (docs/messages.md): one enum, one table of names.
#pragma once

#include <string_view>

#include "common/name_table.h"

namespace snaplake::pipeline {

enum class Engine {
  Postgres,  // snaplake's native export of a PostgreSQL database (sources::run_export)
  Rds,       // RDS's own snapshot export task (rds_engine.h)
  Mysql,     // snaplake's native export of a MySQL or MariaDB database (sources::run_export)
};

inline constexpr auto kEngineNames = name_table<Engine>(
    {{Engine::Postgres, "postgres"}, {Engine::Rds, "rds"}, {Engine::Mysql, "mysql"}});

// snaplake's own export (postgres, mysql), as opposed to RDS's export task: the same events,
// stages, landing and status, and [export] max_event_age applies.
inline bool is_native(Engine engine) {
  return engine != Engine::Rds;
}

inline std::string_view to_string(Engine engine) {
  return kEngineNames.name(engine);
}

}  // namespace snaplake::pipeline
