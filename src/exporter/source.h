// What the export engine reads from: a source database server, seen through one interface so
// that the engine (export.cc: the claim, the folders, the workers, the metadata, the failure
// rules) knows no database. PostgreSQL (sources/pg_source.h) and MySQL/MariaDB
// (sources/mysql_source.h) implement it side by side; sources/open_source.h picks one by the
// URI's scheme.
//
// The engine's calls, in order, per database the source names:
//   1. Source::snapshot(db, filters): one consistent point in time of that database, its tables
//      discovered (inside the snapshot where the server allows it) and filtered;
//   2. the engine names the folders and the columns (it may rename columns that differ only in
//      case: SourceTable::column_names);
//   3. DatabaseSnapshot::start_reading(readers): the reader connections join the snapshot and
//      the slices are planned;
//   4. DatabaseSnapshot::read(reader, slice, …) from one thread per reader, each slice into the
//      Parquet parts of its batch (PartSink); cancel() from the watchdog at any time;
//   5. DatabaseSnapshot::finish() once every slice is read.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "parquet/options.h"
#include "store/object_store.h"
#include "types/mapping.h"

namespace snaplake::exporter {

// An --only filter in RDS's ExportOnly form, parsed by the source: PostgreSQL
// `db[.schema[.table]]`, MySQL `db[.table]` (whose schema is the database: `schema` is set to
// the database when a table is named).
struct OnlyFilter {
  std::string text;  // as given
  std::string database;
  std::optional<std::string> schema;
  std::optional<std::string> table;

  bool matches_database(const std::string& db) const { return db == database; }
  bool matches(const std::string& db, const std::string& s, const std::string& t) const {
    return db == database && (!schema || *schema == s) && (!table || *table == t);
  }
  // Names a table (not only a database): it must match one.
  bool names_table() const { return schema.has_value(); }
};

// What the parts of a slice hold.
struct FileOutcome {
  uint64_t rows = 0;
  uint64_t bytes = 0;
  // Per column: values the Parquet type could not hold, written as NULL (the source's one rule,
  // SourceTable::unrepresentable_what).
  std::vector<uint64_t> unrepresentable;
  // Per column: multi-dimensional arrays flattened into one LIST (PostgreSQL, typed profile).
  std::vector<uint64_t> flattened;
};

struct ReadControl {
  const std::atomic<bool>* cancel = nullptr;   // checked between batches: stop early when set
  std::atomic<uint64_t>* rows_done = nullptr;  // progress counters, updated in steps
  std::atomic<uint64_t>* bytes_read = nullptr;
  std::atomic<uint64_t>* table_rows_done = nullptr;  // the slice's table's rows, likewise
};

// Where the Parquet parts of one slice go: open() starts the next part and names its key;
// may_commit() is asked right before a part is committed and throws when the export may write no
// more (its claim was lost: commit/claim.h); done() follows the part's commit. All are called
// from the encoding threads, concurrently. A source writes every part with at least one row,
// except the one empty part of a slice without rows, and commits nothing after a failure.
struct PartSink {
  std::function<std::unique_ptr<store::Upload>(std::string& key)> open;
  std::function<void()> may_commit;
  std::function<void(const std::string& key, const FileOutcome& part)> done;
};

// A table as discovered: what export_tables_info says of it and where its files go.
struct SourceTable {
  virtual ~SourceTable() = default;
  // PostgreSQL's schema; MySQL's database (RDS writes a MySQL table under <db>/<db>.<table>).
  std::string schema;
  std::string name;
  std::string target;  // export_tables_info's target: db.schema.table, MySQL db.table
  std::vector<types::SourceColumn> columns;  // originalTypeMappings, in the file's order
  std::vector<std::string> expected_types;   // per column, expectedExportedType
  // Per column, its name in the files: the source's name until the engine renames one
  // (start_reading uses them as they are then).
  std::vector<std::string> column_names;
  size_t batches = 1;       // batch folders: one per (leaf) partition
  std::string skip_reason;  // non-empty: not exported (SKIPPED), with this warning
  // What the source writes as NULL and counts (FileOutcome::unrepresentable), for the table's
  // warningMessage: "(NaN, infinity, beyond year 294247)".
  std::string unrepresentable_what;
  // Sizes from the catalog, for progress (estimates; 0 when unknown).
  uint64_t rows_estimate = 0;
  uint64_t bytes_estimate = 0;
};

// One slice: a part of a table read by one query into parts of one batch.
struct SourceSlice {
  size_t table = 0;     // index into DatabaseSnapshot::tables()
  int batch = 1;        // the batch folder, 1-based
  uint64_t weight = 0;  // the engine starts the heaviest first (stable among equals)
  size_t id = 0;        // the source's own
};

// One database read at one point in time by several reader connections.
class DatabaseSnapshot {
 public:
  virtual ~DatabaseSnapshot() = default;
  virtual const std::string& snapshot_id() const = 0;  // export_info: databases[].snapshotId
  virtual const std::string& taken_at() const = 0;     // ISO-8601 UTC
  // How the point in time was taken, for export_info's databases[].consistency (null: nothing
  // to say beyond the snapshot id); and what the engine should log as warnings.
  virtual nlohmann::json consistency() const { return nullptr; }
  virtual std::vector<std::string> warnings() const { return {}; }
  virtual std::vector<std::unique_ptr<SourceTable>>& tables() = 0;
  // Opens (or takes) up to `readers` reader connections inside the snapshot and returns the
  // slices of the tables that are not skipped. Returns the number of readers in `opened`.
  virtual std::vector<SourceSlice> start_reading(int readers, size_t& opened) = 0;
  // Reads one slice on reader `reader` (each reader is used by one thread at a time).
  virtual FileOutcome read(size_t reader, const SourceSlice& slice,
                           const parquet::WriterOptions& options, const PartSink& sink,
                           const ReadControl& control, const std::string& what) = 0;
  // From another thread: interrupts what the readers wait for, where the server allows it
  // (the readers also stop at the next check of ReadControl::cancel).
  virtual void cancel() = 0;
  // Ends the snapshot once every slice was read.
  virtual void finish() = 0;
};

class Source {
 public:
  virtual ~Source() = default;
  // "postgresql" or "mysql": export_info's snaplake.source.
  virtual std::string engine() const = 0;
  // The databases to export before filters: the URI's one, or all of them (`all`, or a URI
  // that names none).
  virtual std::vector<std::string> databases(bool all) = 0;
  // The first word of a generated export id: the URI's database, or "all".
  virtual std::string id_base(bool all) const = 0;
  virtual OnlyFilter parse_only(const std::string& text) const = 0;
  // The readers a database is read with for --jobs N.
  virtual int readers(int jobs) const = 0;
  // What the server says `database` takes, in bytes (PostgreSQL: pg_database_size; MySQL: the
  // data and index lengths of its base tables in information_schema): more than an export
  // reads, for an estimate that errs on the slow side (the Lambda function's time check).
  virtual uint64_t stored_bytes(const std::string& database) = 0;
  // Takes a snapshot of `database` and discovers its tables (those the filters want).
  virtual std::unique_ptr<DatabaseSnapshot> snapshot(const std::string& database,
                                                     const std::vector<OnlyFilter>& filters,
                                                     int jobs) = 0;
};

}  // namespace snaplake::exporter
