// The type profiles, the vocabulary of `--types` and `[export] types` (docs/type-mapping.md):
// one enum, one table of names. The mapping of each is types/mapping.h.
#pragma once

#include <string_view>

#include "common/name_table.h"

namespace snaplake::types {

enum class Profile {
  Rds,    // AWS's documented RDS export mapping: numbers and booleans native, the rest STRING
  Typed,  // additionally DECIMAL, DATE, TIME, TIMESTAMP, UUID, JSON, ENUM
};

inline constexpr auto kProfileNames =
    name_table<Profile>({{Profile::Rds, "rds"}, {Profile::Typed, "typed"}});

inline std::string_view to_string(Profile profile) {
  return kProfileNames.name(profile);
}

}  // namespace snaplake::types
