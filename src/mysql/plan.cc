#include "mysql/plan.h"

#include "common/error.h"
#include "mysql/text_values.h"

namespace snaplake::mysql {

using parquet::Int128;

std::string int128_text(Int128 v) {
  if (v == 0) return "0";
  bool negative = v < 0;
  parquet::UInt128 u =
      negative ? static_cast<parquet::UInt128>(-(v + 1)) + 1 : static_cast<parquet::UInt128>(v);
  std::string out;
  while (u > 0) {
    out += static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  }
  if (negative) out += '-';
  return std::string(out.rbegin(), out.rend());
}

std::vector<std::string> key_range_conditions(std::string_view key, Int128 min, Int128 max,
                                              int parts) {
  if (parts < 2 || max < min || max - min + 1 < parts) return {""};
  const Int128 width = (max - min + 1) / parts;
  std::vector<std::string> out;
  std::string k(key);
  Int128 lower = min;
  for (int i = 0; i < parts; ++i) {
    Int128 upper = lower + width;
    std::string low = k + " >= " + int128_text(lower);
    std::string high = k + " < " + int128_text(upper);
    if (i == 0)
      out.push_back(high);
    else if (i == parts - 1)
      out.push_back(low);
    else
      out.push_back(low + " AND " + high);
    lower = upper;
  }
  return out;
}

std::vector<Slice> plan_slices(Connection& conn, const Table& table, int readers,
                               const SplitPolicy& policy) {
  std::vector<Slice> slices;
  if (!table.partitions.empty()) {
    for (const auto& p : table.partitions) slices.push_back({p.name, ""});
    return slices;
  }
  const bool large = table.rows_estimate >= policy.min_rows_to_split ||
                     table.bytes_estimate >= policy.min_bytes_to_split;
  if (readers < 2 || !large || !table.integer_key) return {Slice{}};
  std::string key = Connection::quote_identifier(table.columns[*table.integer_key].name);
  Result r = conn.query("SELECT MIN(" + key + ") AS lo, MAX(" + key + ") AS hi FROM " +
                            Connection::quote_identifier(table.database) + "." +
                            Connection::quote_identifier(table.name),
                        "read the key range of table '" + table.name + "'");
  auto lo = r.optional_text(0, "lo"), hi = r.optional_text(0, "hi");
  if (!lo || !hi) return {Slice{}};  // empty
  auto min = text::parse_decimal(*lo, 0), max = text::parse_decimal(*hi, 0);
  if (!min || !max) {
    fail(ErrorKind::Internal, "table '{}': key bounds '{}'..'{}' are not integers", table.name, *lo,
         *hi);
  }
  for (auto& condition : key_range_conditions(key, *min, *max, readers)) {
    slices.push_back({"", std::move(condition)});
  }
  return slices;
}

std::string select_sql(const Table& table, const std::vector<types::MysqlColumnMapping>& columns,
                       const Slice& slice) {
  std::string list;
  for (const auto& c : columns) {
    if (!list.empty()) list += ", ";
    std::string name = Connection::quote_identifier(c.column.name);
    switch (c.select) {
      case types::MysqlSelect::Column:
        list += name;
        break;
      case types::MysqlSelect::AsDouble:
        list += "CAST(" + name + " AS DOUBLE)";
        break;
      case types::MysqlSelect::AsWkb:
        list += "ST_AsBinary(" + name + ")";
        break;
    }
  }
  if (list.empty()) list = "1";  // cannot happen: a table has a column
  std::string sql = "SELECT " + list + " FROM " + Connection::quote_identifier(table.database) +
                    "." + Connection::quote_identifier(table.name);
  if (!slice.partition.empty()) {
    sql += " PARTITION (" + Connection::quote_identifier(slice.partition) + ")";
  }
  if (!slice.condition.empty()) sql += " WHERE " + slice.condition;
  return sql;
}

}  // namespace snaplake::mysql
