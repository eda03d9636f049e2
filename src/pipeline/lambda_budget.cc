#include "pipeline/lambda_budget.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/error.h"
#include "pg/catalog.h"
#include "pg/connection.h"

namespace snaplake::pipeline {

using namespace std::chrono;

namespace {

std::string human_bytes(uint64_t bytes) {
  if (bytes >= (uint64_t{1} << 30)) return fmt::format("{:.1f} GiB", bytes / double(1 << 30));
  return fmt::format("{:.1f} MiB", bytes / double(1 << 20));
}

std::string human_time(milliseconds t) {
  auto s = duration_cast<seconds>(t).count();
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

}  // namespace

void require_time_for_export(std::string_view instance_id, uint64_t bytes, int mb_per_second,
                             milliseconds remaining) {
  double rate = std::max(1, mb_per_second) * 1e6;
  milliseconds needed{static_cast<int64_t>(bytes / rate * 1000)};
  milliseconds usable = std::max(remaining * 8 / 10, milliseconds(0));
  if (needed <= usable) return;
  fail(ErrorKind::Unsupported,
       "instance {} holds about {} (pg_database_size); at [export] lambda_mb_per_second = {} its "
       "export needs about {}, more than this Lambda invocation can give it ({} left): export it "
       "with `snaplake run` workers instead (docs/deploy-aws.md, \"Lambda or workers\")",
       instance_id, human_bytes(bytes), mb_per_second, human_time(needed),
       human_time(std::max(remaining, milliseconds(0))));
}

uint64_t estimate_postgres_export_bytes(const exporter::ExportOptions& options) {
  pg::Connection conn = pg::Connection::open(options.source_uri, "", "snaplake estimate");
  std::set<std::string> databases;
  for (const auto& only : options.only) {
    // --only db, db.schema or db.schema.table: the database is the first part.
    databases.insert(only.substr(0, only.find('.')));
  }
  std::string uri_database = pg::parse_conninfo(options.source_uri).database;
  if (databases.empty() && !uri_database.empty() && !options.all_databases) {
    databases.insert(uri_database);
  }
  if (databases.empty()) {
    for (auto& name : pg::list_databases(conn)) databases.insert(std::move(name));
  }
  uint64_t total = 0;
  for (const auto& name : databases) {
    std::vector<std::string> params{name};
    auto result = conn.exec(
        "SELECT pg_database_size(datname) AS bytes FROM pg_database WHERE datname = $1", params,
        "the size of database '" + name + "'");
    if (result.rows() == 1) total += static_cast<uint64_t>(result.integer(0, "bytes"));
  }
  return total;
}

}  // namespace snaplake::pipeline
