// The Glue/Hive type of a Parquet column, from the file's own schema (parquet/footer_reader.h), so
// that a catalog table never says other than its files: what Athena (Trino), Glue ETL and EMR
// (Spark, Hive) read the column as. The rules, by physical type and annotation (Parquet
// LogicalTypes.md; Hive's ParquetHiveSerDe mapping):
//   BOOLEAN -> boolean; FLOAT -> float; DOUBLE -> double; INT96 -> timestamp
//   INT32: INTEGER(8) -> tinyint, INTEGER(16) -> smallint, DATE -> date, DECIMAL -> decimal(p,s),
//          TIME(MILLIS) -> int, INTEGER(32, unsigned) -> bigint, otherwise int
//   INT64: DECIMAL -> decimal(p,s), TIMESTAMP -> timestamp, otherwise bigint (TIME(MICROS) and
//          unsigned INTEGER(64) too: Hive has no time and no unsigned type)
//   BYTE_ARRAY: STRING, ENUM, JSON -> string; DECIMAL -> decimal(p,s); otherwise binary
//   FIXED_LEN_BYTE_ARRAY: DECIMAL -> decimal(p,s); otherwise binary (UUID included)
//   LIST -> array<element>; MAP -> map<key,value>; any other group -> struct<field:type,…>
#pragma once

#include <string>

#include "parquet/footer_reader.h"

namespace snaplake::landing {

std::string hive_type(const parquet::SchemaNode& column);

}  // namespace snaplake::landing
