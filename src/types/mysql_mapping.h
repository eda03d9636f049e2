// The MySQL/MariaDB column → Parquet column mapping of the two type profiles. A pure function of
// the column's information_schema description, tested as a table (mysql_mapping_test.cc); the
// MySQL reader builds its SELECT list and its decoders from the result (src/mysql/README.md).
//
// `rds` follows AWS's table "MySQL and MariaDB data type mapping to Parquet" (RDS User Guide,
// "Data conversion when exporting to an Amazon S3 bucket for Amazon RDS") row by row:
//
//   BIGINT                 INT64                   BIGINT UNSIGNED  FIXED_LEN_BYTE_ARRAY(9)
//   DECIMAL(20,0) INT, MEDIUMINT         INT32                   INT UNSIGNED, MEDIUMINT UNSIGNED
//   INT64 SMALLINT [UNSIGNED]    INT32                   TINYINT          INT32 TINYINT UNSIGNED
//   INT32 INT(16, true)     BIT              BYTE_ARRAY DECIMAL, NUMERIC       INT32 / INT64 /
//   FIXED_LEN_BYTE_ARRAY(N) DECIMAL(p,s); BYTE_ARRAY STRING
//                          beyond 38 digits ("Parquet doesn't support Decimal precision greater
//                          than 38"). The table words the choice by value (< 2^31, < 2^63); a
//                          column has one physical type, so it is chosen by the precision that
//                          bounds every value: p ≤ 9 INT32, p ≤ 18 INT64, else FLBA.
//   FLOAT, DOUBLE          DOUBLE
//   CHAR, BINARY, VARBINARY, BLOBs   BYTE_ARRAY (no annotation; CHAR holds its UTF-8 text)
//   VARCHAR, TEXTs, ENUM, SET, JSON  BYTE_ARRAY STRING
//   DATE, TIME             BYTE_ARRAY STRING (the server's text: "2024-02-29", "-838:59:59.000000")
//   DATETIME, TIMESTAMP    INT64 TIMESTAMP_MICROS  (TIMESTAMP isAdjustedToUTC: it is an instant,
//                          read in UTC; DATETIME is a wall-clock value and is not adjusted)
//   YEAR                   INT32
//   geometry types         BYTE_ARRAY (snaplake writes OGC WKB, what GeoParquet readers expect;
//                          the table does not say which encoding RDS writes)
//
// `typed` adds, where Parquet can express it: DATE → DATE, TIME → TIME(MICROS), CHAR → STRING,
// JSON → JSON, ENUM → ENUM, BIT(1) → BOOLEAN. Everything else is as in `rds`.
//
// The one rule for values a typed column cannot hold (the same as PostgreSQL's infinities,
// types/mapping.h): zero dates ("0000-00-00", "0000-00-00 00:00:00") and dates with zero parts
// ("2024-00-15") in a DATE or TIMESTAMP column, TIME values outside [00:00:00, 24:00:00) in a
// TIME column, and bytes that are not UTF-8 in a STRING column are written as NULL and counted
// per column. In `rds`, DATE and TIME are strings and keep the server's text as it is, zero
// dates and negative times included; DATETIME and TIMESTAMP are TIMESTAMP_MICROS there too, so
// their zero dates follow the rule in both profiles.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parquet/schema.h"
#include "types/mapping.h"
#include "types/overrides.h"

namespace snaplake::types {

// A column as information_schema.COLUMNS describes it (src/mysql/sql/columns.sql).
struct MysqlColumn {
  std::string name;
  std::string data_type;    // DATA_TYPE, lowercase: "int", "decimal", "longtext", "point"
  std::string column_type;  // COLUMN_TYPE: "int(10) unsigned", "decimal(65,30)", "enum('a','b')"
  bool is_unsigned = false;
  // MySQL's JSON type, or MariaDB's JSON alias (a LONGTEXT with the CHECK (json_valid(col))
  // constraint that MariaDB creates for a column declared JSON).
  bool is_json = false;
  std::string charset;                     // CHARACTER_SET_NAME; "" for types without one
  std::string collation;                   // COLLATION_NAME
  std::optional<int64_t> char_max_length;  // CHARACTER_MAXIMUM_LENGTH
  std::optional<int32_t> numeric_precision;
  std::optional<int32_t> numeric_scale;
  std::optional<int32_t> datetime_precision;
  std::vector<std::string> members;  // ENUM and SET members, in order
  bool generated = false;            // a VIRTUAL or STORED generated column (exported as values)
};

// How the reader fetches a column (the SELECT list), in the text protocol.
enum class MysqlSelect {
  Column,    // `col`: the server's text form (or the bytes, for binary types)
  AsDouble,  // CAST(`col` AS DOUBLE): FLOAT's own text has 6 digits; its DOUBLE text round-trips
  AsWkb,     // ST_AsBinary(`col`): OGC WKB rather than the internal SRID + WKB form
};

// How a fetched value is appended to the Parquet column.
enum class MysqlDecode {
  Int32,      // decimal text of an integer → append_int32
  Int64,      // → append_int64
  Decimal,    // decimal text → unscaled integer at the column's scale (also BIGINT UNSIGNED)
  Double,     // shortest round-trip text of a double
  Bool,       // BIT(1): one byte, 0 or 1
  Bytes,      // the bytes as sent
  Text,       // UTF-8 text (the session's character_set_results is utf8mb4), checked
  Date,       // "YYYY-MM-DD" → days since 1970-01-01
  Timestamp,  // "YYYY-MM-DD hh:mm:ss[.ffffff]" → microseconds since the epoch (UTC session)
  TimestampMillis,  // the same, floored to milliseconds (before 1970 too)
  Time,             // "[-]hhh:mm:ss[.ffffff]" → microseconds since midnight, in [0, 24h)
  TimeDuration,     // the same → signed microseconds, any TIME value (±838:59:59)
  UuidBytes,        // MariaDB's UUID text "xxxxxxxx-xxxx-…" → its 16 bytes
};

struct MysqlColumnMapping {
  parquet::Column column;  // name, physical and logical type; always OPTIONAL
  MysqlSelect select = MysqlSelect::Column;
  MysqlDecode decode = MysqlDecode::Text;
  // For originalTypeMappings: originalType is the DATA_TYPE, with " unsigned" when unsigned
  // ("bigint unsigned", "varchar", "decimal"); expectedExportedType as the PostgreSQL mapping
  // writes it ("int64", "binary (UTF8)", "fixed_len_byte_array (DECIMAL(20,0))").
  std::string original_type;
  std::string expected_exported_type;
};

// `overrides` apply in the typed profile (types/overrides.h), as for PostgreSQL: TIME as the
// server's text (the default), as plain INT64 microseconds (`micros`: MySQL's TIME is a duration,
// so negative and over-24-hour values are kept) or as TIME(MICROS) (`time`: a time of day only);
// DATETIME and TIMESTAMP as TIMESTAMP(MICROS) or (`millis`) TIMESTAMP(MILLIS); MariaDB's UUID as
// its text (the default) or (`uuid`) FIXED_LEN_BYTE_ARRAY(16) UUID.
MysqlColumnMapping map_mysql_column(const MysqlColumn& column, Profile profile,
                                    const TypeOverrides& overrides = {});

// The rule above, for messages and export_tables_info's warningMessage.
constexpr const char* kMysqlUnrepresentableRule =
    "values the Parquet type cannot hold (zero dates and dates with zero parts, TIME values "
    "outside 00:00:00-24:00:00 in a TIME column, text that is not UTF-8) are written as NULL";

}  // namespace snaplake::types
