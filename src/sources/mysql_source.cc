#include "sources/mysql_source.h"

#include <algorithm>
#include <limits>
#include <mutex>

#include "common/error.h"
#include "common/log.h"
#include "mysql/catalog.h"
#include "mysql/connection.h"
#include "mysql/plan.h"
#include "mysql/snapshot.h"
#include "sources/mysql_copy.h"

namespace snaplake::sources {

using exporter::FileOutcome;
using exporter::OnlyFilter;
using exporter::SourceSlice;

namespace {

struct MysqlTable : exporter::SourceTable {
  mysql::Table table;
  std::vector<types::MysqlColumnMapping> mappings;  // the source's names: the SELECT's
  std::vector<types::MysqlColumnMapping> written;   // the file's names (start_reading)
};

struct MysqlSlice {
  MysqlTable* table;
  std::string sql;
  bool on_lock_holder;  // a non-transactional table, read while the lock holds it still
};

// How many readers have work: one per partition, a split table one per reader (plan.h's
// policy), any other table one.
size_t readers_with_work(const std::vector<mysql::Table>& tables, size_t jobs) {
  const mysql::SplitPolicy policy;
  size_t work = 0;
  for (const auto& t : tables) {
    if (!t.readable) continue;
    if (!t.partitions.empty()) {
      work += t.partitions.size();
    } else if (t.integer_key && (t.rows_estimate >= policy.min_rows_to_split ||
                                 t.bytes_estimate >= policy.min_bytes_to_split)) {
      work += jobs;
    } else {
      work += 1;
    }
  }
  return std::clamp<size_t>(work, 1, jobs);
}

types::SourceColumn source_column(const types::MysqlColumn& c, const types::MysqlColumnMapping& m) {
  types::SourceColumn s;
  s.name = c.name;
  s.original_type = m.original_type;
  s.base_type = c.data_type;
  s.char_max_length = c.char_max_length;
  s.numeric_precision = c.numeric_precision;
  s.numeric_scale = c.numeric_scale;
  s.datetime_precision = c.datetime_precision;
  return s;
}

class MysqlSnapshot : public exporter::DatabaseSnapshot {
 public:
  MysqlSnapshot(const exporter::ExportOptions& options, const mysql::Uri& uri, std::string database,
                const std::vector<OnlyFilter>& filters, int jobs)
      : options_(options), uri_(uri), database_(std::move(database)) {
    // The catalog is read before the snapshot (information_schema is in no read view; DDL
    // during the export shows as a failing slice, never as mixed data: src/mysql/README.md).
    std::vector<mysql::Table> found;
    {
      mysql::Connection catalog = mysql::Connection::open(uri_, database_);
      found = mysql::list_tables(catalog, database_);
    }
    std::vector<mysql::Table> wanted;
    for (auto& t : found) {
      if (!filters.empty() &&
          std::none_of(filters.begin(), filters.end(), [&](const OnlyFilter& f) {
            return f.matches(database_, t.database, t.name);
          })) {
        continue;
      }
      wanted.push_back(std::move(t));
    }
    mysql::SnapshotOptions so;
    so.workers = readers_with_work(wanted, static_cast<size_t>(std::max(jobs, 1)));
    std::vector<std::string> held;
    for (const auto& t : wanted) {
      // Only readable tables are locked: LOCK TABLES of one the user may not SELECT is refused.
      if (t.readable) so.tables.emplace_back(t.database, t.name);
      if (t.readable && !t.transactional) {
        so.keep_lock = true;
        held.push_back(fmt::format("{}.{} ({})", t.database, t.name,
                                   t.engine.empty() ? "unknown engine" : t.engine));
      }
    }
    snapshot_.emplace(mysql::ConsistentSnapshot::start(uri_, so));
    warnings_ = snapshot_->warnings();
    if (!held.empty() && snapshot_->lock_held()) {
      warnings_.push_back(fmt::format(
          "non-transactional table(s) {}: read first, while the {} lock makes {} wait",
          fmt::join(held, ", "), mysql::lock_mode_name(snapshot_->mode()),
          snapshot_->mode() == mysql::LockMode::LockTables ? "writes to the exported tables"
                                                           : "every write on the server"));
    }
    for (const auto& w : snapshot_->workers()) thread_ids_.push_back(w.thread_id());
    thread_ids_.push_back(snapshot_->lock_holder().thread_id());
    if (const auto& b = snapshot_->binlog()) {
      snapshot_id_ = b->file.empty() ? b->gtid : fmt::format("{}:{}", b->file, b->position);
    }

    for (auto& table : wanted) {
      auto t = std::make_unique<MysqlTable>();
      t->schema = table.database;
      t->name = table.name;
      t->target = table.database + "." + table.name;
      for (const auto& c : table.columns) {
        t->mappings.push_back(types::map_mysql_column(c, options_.types, options_.type_overrides));
        t->columns.push_back(source_column(c, t->mappings.back()));
        t->expected_types.push_back(t->mappings.back().expected_exported_type);
        t->column_names.push_back(c.name);
      }
      t->batches = std::max<size_t>(table.partitions.size(), 1);
      t->unrepresentable_what = "(zero dates, TIME beyond 00:00:00-24:00:00, text not UTF-8)";
      t->rows_estimate = table.rows_estimate;
      t->bytes_estimate = table.bytes_estimate;
      if (!table.readable) {
        t->skip_reason = fmt::format(
            "skipped: permission denied for table {}.{} (the export user cannot SELECT it)",
            table.database, table.name);
      } else if (table.columns.empty()) {
        t->skip_reason = "skipped: the table has no columns";
      }
      t->table = std::move(table);
      tables_.push_back(std::move(t));
    }
  }

  const std::string& snapshot_id() const override { return snapshot_id_; }
  const std::string& taken_at() const override { return snapshot_->taken_at(); }
  std::vector<std::string> warnings() const override { return warnings_; }
  std::vector<std::unique_ptr<exporter::SourceTable>>& tables() override { return tables_; }

  nlohmann::json consistency() const override {
    nlohmann::json j = {{"mode", std::string(mysql::lock_mode_name(snapshot_->mode()))}};
    if (const auto& b = snapshot_->binlog()) {
      j["binlog"] = {{"file", b->file}, {"position", b->position}, {"gtid", b->gtid}};
    } else {
      j["binlog"] = nullptr;  // the binary log is off
    }
    return j;
  }

  std::vector<SourceSlice> start_reading(int readers, size_t& opened) override {
    (void)readers;  // the snapshot's workers, opened with it
    auto& workers = snapshot_->workers();
    const bool locked = snapshot_->lock_held();
    std::vector<SourceSlice> slices;
    for (size_t i = 0; i < tables_.size(); ++i) {
      auto& t = static_cast<MysqlTable&>(*tables_[i]);
      if (!t.skip_reason.empty()) continue;
      t.written = t.mappings;
      for (size_t c = 0; c < t.written.size(); ++c) t.written[c].column.name = t.column_names[c];
      const bool on_lock = locked && !t.table.transactional;
      std::vector<mysql::Slice> planned =
          mysql::plan_slices(workers[0], t.table, on_lock ? 1 : static_cast<int>(workers.size()));
      // A partitioned table: one batch per (leaf) partition, in their order; key ranges of a
      // table are parts of its one batch.
      int batch = 0;
      for (const auto& p : planned) {
        if (!p.partition.empty() || batch == 0) ++batch;
        uint64_t weight = t.table.bytes_estimate / std::max<size_t>(planned.size(), 1);
        for (const auto& part : t.table.partitions) {
          if (part.name == p.partition) weight = part.bytes_estimate;
        }
        // The held tables first: every write they block waits until the last is read.
        if (on_lock) weight = std::numeric_limits<uint64_t>::max();
        slices.push_back({i, batch, weight, slices_.size()});
        slices_.push_back({&t, mysql::select_sql(t.table, t.mappings, p), on_lock});
        if (on_lock) ++locked_pending_;
      }
    }
    if (locked_pending_ == 0) snapshot_->release_lock();
    opened = workers.size();
    return slices;
  }

  FileOutcome read(size_t reader, const SourceSlice& slice, const parquet::WriterOptions& options,
                   const exporter::PartSink& sink, const exporter::ReadControl& control,
                   const std::string& what) override {
    const MysqlSlice& s = slices_[slice.id];
    log::debug("{}: {}", what, s.sql);
    if (!s.on_lock_holder) {
      return read_to_parts(snapshot_->workers()[reader], s.sql, s.table->written, options, sink,
                           control, what);
    }
    std::lock_guard lock(lock_mutex_);
    FileOutcome outcome = read_to_parts(snapshot_->lock_holder(), s.sql, s.table->written, options,
                                        sink, control, what);
    if (--locked_pending_ == 0) {
      snapshot_->release_lock();
      log::info("the non-transactional tables are read: {} lock released",
                mysql::lock_mode_name(snapshot_->mode()));
    }
    return outcome;
  }

  // MySQL has no cancel request on a connection: a second one kills the readers' queries.
  void cancel() override {
    try {
      mysql::Connection killer = mysql::Connection::open(uri_);
      for (unsigned long id : thread_ids_) {
        try {
          killer.exec(fmt::format("KILL QUERY {}", id), "cancel a reader's query");
        } catch (const Error& e) {
          log::debug("cancel: {}", e.what());  // the query had ended
        }
      }
    } catch (const std::exception& e) {
      log::warn("cannot cancel the readers' queries: {}", e.what());
    }
  }

  void finish() override {
    snapshot_->release_lock();
    for (auto& w : snapshot_->workers()) w.exec("COMMIT", "end the snapshot reader");
  }

 private:
  const exporter::ExportOptions& options_;
  mysql::Uri uri_;
  std::string database_;
  std::optional<mysql::ConsistentSnapshot> snapshot_;
  std::string snapshot_id_;
  std::vector<std::string> warnings_;
  std::vector<unsigned long> thread_ids_;
  std::vector<std::unique_ptr<exporter::SourceTable>> tables_;
  std::vector<MysqlSlice> slices_;
  std::mutex lock_mutex_;  // the lock holder reads one slice at a time
  size_t locked_pending_ = 0;
};

}  // namespace

MysqlSource::MysqlSource(const exporter::ExportOptions& options) : options_(options) {}

mysql::Uri MysqlSource::uri() const {
  mysql::Uri uri = mysql::parse_uri(options_.source_uri);
  uri.login = options_.login;
  return uri;
}

std::vector<std::string> MysqlSource::databases(bool all) {
  mysql::Uri uri = this->uri();
  if (!uri.database.empty() && !all) return {uri.database};
  mysql::Connection conn = mysql::Connection::open(uri);
  return mysql::list_databases(conn);
}

uint64_t MysqlSource::stored_bytes(const std::string& database) {
  mysql::Connection conn = mysql::Connection::open(uri());
  auto result = conn.query(
      "SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) AS bytes FROM information_schema.TABLES "
      "WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA = " +
          conn.quote_literal(database),
      "the size of database '" + database + "'");
  return static_cast<uint64_t>(result.integer(0, "bytes"));
}

std::string MysqlSource::id_base(bool all) const {
  mysql::Uri uri = mysql::parse_uri(options_.source_uri);
  return uri.database.empty() || all ? "all" : uri.database;
}

OnlyFilter MysqlSource::parse_only(const std::string& text) const {
  mysql::OnlyFilter f = mysql::parse_only_filter(text);
  // RDS's MySQL form has no schema level: a table's schema is its database.
  std::optional<std::string> schema;
  if (f.table) schema = f.database;
  return {f.text, f.database, schema, f.table};
}

std::unique_ptr<exporter::DatabaseSnapshot> MysqlSource::snapshot(
    const std::string& database, const std::vector<OnlyFilter>& filters, int jobs) {
  return std::make_unique<MysqlSnapshot>(options_, uri(), database, filters, jobs);
}

}  // namespace snaplake::sources
