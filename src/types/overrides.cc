#include "types/overrides.h"

#include <fmt/format.h>

#include "common/error.h"

namespace snaplake::types {
namespace {

template <typename Enum, size_t N>
void set_from(Enum& field, const NameTable<Enum, N>& names, std::string_view key,
              std::string_view value) {
  auto found = names.find(value);
  if (!found) {
    fail(ErrorKind::InvalidInput, "invalid type override {}={}: {} is {}", key, value, key,
         names.alternatives());
  }
  field = *found;
}

}  // namespace

void set_override(TypeOverrides& o, std::string_view key, std::string_view value) {
  if (key == "uuid") return set_from(o.uuid, kUuidAsNames, key, value);
  if (key == "time") return set_from(o.time, kTimeAsNames, key, value);
  if (key == "timestamp") return set_from(o.timestamp, kTimestampUnitNames, key, value);
  fail(ErrorKind::InvalidInput, "invalid type override '{}': the types are uuid, time, timestamp",
       key);
}

void parse_override(TypeOverrides& o, std::string_view assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string_view::npos) {
    fail(ErrorKind::InvalidInput,
         "invalid type override '{}': expected TYPE=VALUE (uuid=string|uuid, "
         "time=string|micros|time, timestamp=micros|millis)",
         assignment);
  }
  set_override(o, assignment.substr(0, eq), assignment.substr(eq + 1));
}

std::string_view override_value(const TypeOverrides& o, std::string_view key) {
  if (key == "uuid") return kUuidAsNames.name(o.uuid);
  if (key == "time") return kTimeAsNames.name(o.time);
  if (key == "timestamp") return kTimestampUnitNames.name(o.timestamp);
  return "?";
}

std::string describe(const TypeOverrides& o) {
  std::string out;
  for (std::string_view key : kOverrideKeys) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}={}", key, override_value(o, key));
  }
  return out;
}

std::string timestamp_exported_type(TimestampUnit unit, bool utc) {
  return fmt::format("int64 (TIMESTAMP_{}{})", unit == TimestampUnit::Millis ? "MILLIS" : "MICROS",
                     utc ? ", UTC" : "");
}

}  // namespace snaplake::types
