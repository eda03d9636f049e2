// Per-type overrides of the typed profile (docs/type-mapping.md, "Overrides"): how uuid, time
// and timestamp columns (and array elements of those types) are written. The defaults are the
// choices every engine the lake uses can read (Spark 3 and 4, Hive, Athena/Trino, DuckDB); an
// override trades that for a richer type some engines reject. One vocabulary each, one name
// table each; `--type uuid=string` and `[export] type_uuid = "string"` are parsed here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/name_table.h"

namespace snaplake::types {

enum class UuidAs {
  String,  // default: STRING, the 36-character text (Spark 4 refuses FIXED_LEN_BYTE_ARRAY(UUID))
  Uuid,    // FIXED_LEN_BYTE_ARRAY(16) with the UUID logical type
};
enum class TimeAs {
  String,  // default: STRING, PostgreSQL's text ("14:15:02.123456"); Spark 3 and Hive have no TIME
  Micros,  // INT64 microseconds since midnight, without a logical type (a bigint everywhere)
  Time,    // INT64 with TIME(MICROS, isAdjustedToUTC = false)
};
enum class TimestampUnit {
  Micros,  // default: INT64 TIMESTAMP(MICROS)
  Millis,  // INT64 TIMESTAMP(MILLIS), microseconds floored (for engines that take only millis)
};

inline constexpr auto kUuidAsNames =
    name_table<UuidAs>({{UuidAs::String, "string"}, {UuidAs::Uuid, "uuid"}});
inline constexpr auto kTimeAsNames = name_table<TimeAs>(
    {{TimeAs::String, "string"}, {TimeAs::Micros, "micros"}, {TimeAs::Time, "time"}});
inline constexpr auto kTimestampUnitNames = name_table<TimestampUnit>(
    {{TimestampUnit::Micros, "micros"}, {TimestampUnit::Millis, "millis"}});

struct TypeOverrides {
  UuidAs uuid = UuidAs::String;
  TimeAs time = TimeAs::String;
  TimestampUnit timestamp = TimestampUnit::Micros;

  bool operator==(const TypeOverrides&) const = default;
  bool is_default() const { return *this == TypeOverrides{}; }
};

// The override keys, in the order they are documented: "uuid", "time", "timestamp".
inline constexpr std::string_view kOverrideKeys[] = {"uuid", "time", "timestamp"};

// Sets one override from its key and value ("uuid", "string"); throws Error(InvalidInput)
// naming the key's alternatives for an unknown key or value.
void set_override(TypeOverrides& overrides, std::string_view key, std::string_view value);
// "uuid=string" (a --type flag's value): set_override of its two halves.
void parse_override(TypeOverrides& overrides, std::string_view assignment);
// The value of one key as its name ("string", "micros"…).
std::string_view override_value(const TypeOverrides& overrides, std::string_view key);
// "uuid=string, time=string, timestamp=micros": every key with its value, for messages.
std::string describe(const TypeOverrides& overrides);

// The `timestamp` override, for every source: the expectedExportedType of a timestamp column
// ("int64 (TIMESTAMP_MILLIS, UTC)"), and the value in milliseconds, the microseconds floored
// (the instant's millisecond, also before 1970: -500 µs is -1 ms).
std::string timestamp_exported_type(TimestampUnit unit, bool utc);
inline int64_t floor_millis(int64_t micros) {
  return micros / 1000 - (micros % 1000 < 0 ? 1 : 0);
}

}  // namespace snaplake::types
