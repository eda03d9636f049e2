// Planning the read of one MySQL/MariaDB table: which slices, each one SELECT. A partitioned
// table is read partition by partition (SELECT … FROM t PARTITION (p)), each partition one batch
// of the table, as RDS exports it. Otherwise a large table whose primary key is one integer
// column is split into key ranges when there is more than one reader, so that every reader has
// work: "WHERE `id` >= a AND `id` < b" is a range scan of the clustered index (InnoDB stores
// rows in primary-key order), reading only those rows. The bounds come from MIN/MAX of the key,
// read in the snapshot; the first and last ranges are open, so no row is missed whatever the
// estimates said. Everything else is one slice.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mysql/catalog.h"
#include "mysql/connection.h"
#include "parquet/schema.h"
#include "types/mysql_mapping.h"

namespace snaplake::mysql {

struct Slice {
  std::string partition;  // the partition read, "" for the whole table
  std::string condition;  // SQL condition on the table's rows, "" for all of them
  bool operator==(const Slice&) const = default;
};

struct SplitPolicy {
  // Tables smaller than both are read in one slice (information_schema's estimates).
  uint64_t min_rows_to_split = 1'000'000;
  uint64_t min_bytes_to_split = 64ull << 20;
};

// `parts` ranges of an integer key between min and max (inclusive), as SQL conditions on
// `quoted_key`: "k < b1", "k >= b1 AND k < b2", …, "k >= bn-1". One condition ("") when the
// range holds fewer than `parts` values or parts < 2.
std::vector<std::string> key_range_conditions(std::string_view quoted_key, parquet::Int128 min,
                                              parquet::Int128 max, int parts);

// The slices of `table`, largest work first not implied: partitions in their order, key ranges
// in key order. Reads MIN/MAX of the key on `conn` (a worker of the snapshot) when it splits.
std::vector<Slice> plan_slices(Connection& conn, const Table& table, int readers,
                               const SplitPolicy& policy = {});

// The SELECT of one slice: the mapped columns by name (generated ones too: their values are
// computed by the server), FROM `db`.`table` [PARTITION (`p`)] [WHERE condition].
std::string select_sql(const Table& table, const std::vector<types::MysqlColumnMapping>& columns,
                       const Slice& slice);

// Decimal text of a 128-bit integer.
std::string int128_text(parquet::Int128 v);

}  // namespace snaplake::mysql
