#include "sources/pg_source.h"

#include <algorithm>
#include <mutex>

#include "common/error.h"
#include "common/log.h"
#include "pg/catalog.h"
#include "pg/connection.h"
#include "pg/snapshot.h"
#include "sources/pg_file_copy.h"
#include "sources/pg_plan.h"

namespace snaplake::sources {

using exporter::FileOutcome;
using exporter::OnlyFilter;
using exporter::SourceSlice;

namespace {

// The login of the next connection: a fresh one each time (an IAM token lasts 15 minutes;
// exporter/export.h, ExportOptions::login).
Login login_of(const exporter::ExportOptions& options) {
  return options.login ? options.login() : Login{};
}

struct PgTable : exporter::SourceTable {
  pg::Table table;
  std::vector<types::ColumnMapping> mappings;
};

// One slice: a relation, or a ctid range of it.
struct PgSlice {
  PgTable* table;
  pg::Relation relation;
  PageRange range;
};

class PgSnapshot : public exporter::DatabaseSnapshot {
 public:
  PgSnapshot(const exporter::ExportOptions& options, std::string database)
      : options_(options),
        database_(std::move(database)),
        coordinator_(pg::Connection::open(options.source_uri, database_, "snaplake export",
                                          login_of(options))) {
    pg::configure_session(coordinator_);
    snapshot_ = pg::export_snapshot(coordinator_);
  }

  const std::string& snapshot_id() const override { return snapshot_.id; }
  const std::string& taken_at() const override { return snapshot_.taken_at; }
  std::vector<std::unique_ptr<exporter::SourceTable>>& tables() override { return tables_; }

  void discover(const std::vector<OnlyFilter>& filters) {
    for (auto& table : pg::list_tables(coordinator_)) {
      if (!filters.empty()) {
        bool wanted = std::any_of(filters.begin(), filters.end(), [&](const OnlyFilter& f) {
          return f.matches(database_, table.schema, table.name);
        });
        if (!wanted) continue;
      }
      auto t = std::make_unique<PgTable>();
      t->schema = table.schema;
      t->name = table.name;
      t->target = database_ + "." + table.schema + "." + table.name;
      t->columns = table.columns;
      for (const auto& c : table.columns) {
        t->mappings.push_back(types::map_column(c, options_.types, options_.type_overrides));
        t->expected_types.push_back(t->mappings.back().expected_exported_type);
        t->column_names.push_back(t->mappings.back().source_name);
      }
      t->batches = std::max<size_t>(table.parts.size(), 1);
      t->unrepresentable_what = "(NaN, infinity, beyond year 294247)";
      t->bytes_estimate = table.pages * 8192;
      for (const auto& part : table.parts) t->rows_estimate += part.rows_estimate;
      bool parts_readable = std::all_of(table.parts.begin(), table.parts.end(),
                                        [](const pg::Relation& r) { return r.readable; });
      if (!table.readable || !parts_readable) {
        t->skip_reason = fmt::format(
            "skipped: permission denied for table {}.{} (the export user cannot SELECT it)",
            table.schema, table.name);
      } else if (table.columns.empty()) {
        t->skip_reason = "skipped: the table has no columns";
      }
      t->table = std::move(table);
      tables_.push_back(std::move(t));
    }
  }

  std::vector<SourceSlice> start_reading(int readers, size_t& opened) override {
    std::vector<SourceSlice> slices;
    for (size_t i = 0; i < tables_.size(); ++i) {
      auto& t = static_cast<PgTable&>(*tables_[i]);
      if (!t.skip_reason.empty()) continue;
      // The file's column names, as the engine left them (renamed where they collide).
      for (size_t c = 0; c < t.mappings.size(); ++c) t.mappings[c].column.name = t.column_names[c];
      int batch = 0;
      for (const auto& relation : t.table.parts) {
        ++batch;
        for (const auto& range : split_pages(relation.pages, readers)) {
          uint64_t weight = range.end ? *range.end - range.begin : relation.pages - range.begin;
          slices.push_back({i, batch, weight, slices_.size()});
          slices_.push_back({&t, relation, range});
        }
      }
    }
    size_t count = std::min<size_t>(static_cast<size_t>(readers), slices.size());
    std::vector<pg::Connection> connections;
    for (size_t i = 0; i < count; ++i) {
      connections.push_back(pg::Connection::open(options_.source_uri, database_,
                                                 "snaplake export worker", login_of(options_)));
      pg::configure_session(connections.back());
      pg::join_snapshot(connections.back(), snapshot_.id);
    }
    {
      std::lock_guard lock(mutex_);
      readers_ = std::move(connections);
    }
    opened = count;
    return slices;
  }

  FileOutcome read(size_t reader, const SourceSlice& slice, const parquet::WriterOptions& options,
                   const exporter::PartSink& sink, const exporter::ReadControl& control,
                   const std::string& what) override {
    const PgSlice& s = slices_[slice.id];
    std::string sql = copy_sql(s.relation.schema, s.relation.name, s.table->mappings, s.range);
    log::debug("{}: {}", what, sql);
    FanOut fan_out;
    fan_out.encoders = options_.jobs >= 2 ? 2 : 1;
    return copy_to_parts(readers_[reader], sql, s.table->mappings, options, fan_out, sink, control,
                         what);
  }

  void cancel() override {
    std::lock_guard lock(mutex_);
    for (const auto& c : readers_) c.request_cancel();
  }

  void finish() override {
    for (auto& c : readers_) c.exec("COMMIT", "end the snapshot reader");
    coordinator_.exec("COMMIT", "end the snapshot");
  }

 private:
  const exporter::ExportOptions& options_;
  std::string database_;
  pg::Connection coordinator_;
  pg::ExportedSnapshot snapshot_;
  std::vector<std::unique_ptr<exporter::SourceTable>> tables_;
  std::vector<PgSlice> slices_;
  std::mutex mutex_;  // readers_ against cancel() from the watchdog's thread
  std::vector<pg::Connection> readers_;
};

}  // namespace

std::vector<std::string> PgSource::databases(bool all) {
  pg::ConnInfo conninfo = pg::parse_conninfo(options_.source_uri);
  if (!conninfo.database.empty() && !all) return {conninfo.database};
  // A URI without a database: list them from the maintenance database.
  pg::Connection conn =
      pg::Connection::open(options_.source_uri, conninfo.database.empty() ? "postgres" : "",
                           "snaplake export", login_of(options_));
  return pg::list_databases(conn);
}

std::string PgSource::id_base(bool all) const {
  pg::ConnInfo conninfo = pg::parse_conninfo(options_.source_uri);
  return conninfo.database.empty() || all ? "all" : conninfo.database;
}

OnlyFilter PgSource::parse_only(const std::string& text) const {
  pg::OnlyFilter f = pg::parse_only_filter(text);
  return {f.text, f.database, f.schema, f.table};
}

uint64_t PgSource::stored_bytes(const std::string& database) {
  pg::Connection conn =
      pg::Connection::open(options_.source_uri, database, "snaplake estimate", login_of(options_));
  return static_cast<uint64_t>(conn.exec("SELECT pg_database_size(current_database()) AS bytes", {},
                                         "the size of database '" + database + "'")
                                   .integer(0, "bytes"));
}

int PgSource::readers(int jobs) const {
  const int encoders = jobs >= 2 ? 2 : 1;
  return (jobs + encoders - 1) / encoders;
}

std::unique_ptr<exporter::DatabaseSnapshot> PgSource::snapshot(
    const std::string& database, const std::vector<OnlyFilter>& filters, int jobs) {
  (void)jobs;
  auto snapshot = std::make_unique<PgSnapshot>(options_, database);
  snapshot->discover(filters);
  return snapshot;
}

}  // namespace snaplake::sources
