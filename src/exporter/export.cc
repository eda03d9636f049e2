// run_export: one export from options to object keys. The steps, in order:
//  1. validate the options, open the destination store, write export_info (STARTING);
//  2. per database: the source takes one snapshot and discovers the tables inside it
//     (exporter/source.h; PostgreSQL and MySQL in src/sources/); --only filters are applied and
//     checked;
//  3. export_info IN_PROGRESS; folders are planned (keys.h);
//  4. per database, the source's reader connections join the snapshot and read one slice at a
//     time, largest first, into Parquet parts (PartSink);
//  5. export_tables_info, removal of anything an earlier attempt with this id left behind, and
//     export_info COMPLETE last — or FAILED with the cause, whatever step failed.
// Step 1 claims the export id first (docs/commit-protocol.md, "Exports"): export_info_<id>.json
// is written with a conditional write and carries this attempt's lease, renewed while it runs;
// only the holder writes anything under <id>/, and it checks its claim before every commit.
#include "exporter/export.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "commit/claim.h"
#include "common/error.h"
#include "common/log.h"
#include "exporter/progress.h"
#include "parquet/compression.h"
#include "rds_export/documents.h"
#include "rds_export/keys.h"
#include "store/object_store.h"
#include "store/s3_store.h"
#include "store/write_defaults.h"

namespace snaplake::exporter {

// The RDS export format's keys and documents (src/rds_export/).
using rds_export::data_key;
using rds_export::default_export_id;
using rds_export::export_info_json;
using rds_export::export_info_key;
using rds_export::ExportInfoDoc;
using rds_export::FileDoc;
using rds_export::FolderName;
using rds_export::now_iso8601;
using rds_export::sanitize_name;
using rds_export::table_folder;
using rds_export::TableDoc;
using rds_export::tables_info_json;
using rds_export::tables_info_key;
using rds_export::unique_folders;
using rds_export::validate_export_id;

void ExportOptions::validate(const Names& names) const {
  if (jobs < 1 || jobs > 64)
    fail(ErrorKind::InvalidInput, "invalid {} {}: use 1 to 64", names.jobs, jobs);
  if (compression_level != 0) {
    int max = parquet::max_compression_level(codec);
    if (max == 0) {
      fail(ErrorKind::InvalidInput, "invalid {} {}: compression {} has no levels",
           names.compression_level, compression_level, to_string(codec));
    }
    if (compression_level < 1 || compression_level > max) {
      fail(ErrorKind::InvalidInput, "invalid {} {}: {} levels are 1 to {} (0: its default)",
           names.compression_level, compression_level, to_string(codec), max);
    }
  }
  // The checks below throw their own Error(InvalidInput) ("invalid export id 'x': …"); the
  // message is prefixed with the option's name.
  auto named = [](const std::string& name, auto&& check) {
    try {
      check();
    } catch (const Error& e) {
      fail(ErrorKind::InvalidInput, "{}: {}", name, e.what());
    }
  };
  if (to.starts_with("s3://")) named(names.to, [&] { store::parse_s3_location(to); });
  // SSE-KMS is S3's: a folder has nothing that would encrypt with the key, and silently
  // writing plain files where encryption was asked for is worse than refusing.
  if (!kms_key_id.empty() && !to.starts_with("s3://")) {
    fail(ErrorKind::InvalidInput,
         "invalid {} '{}': SSE-KMS needs an s3:// destination, and {} is '{}'", names.kms_key_id,
         kms_key_id, names.to, to);
  }
  if (!export_id.empty()) named(names.export_id, [&] { validate_export_id(export_id); });
  // Overrides shape the typed profile; the rds profile is AWS's mapping, which they would
  // silently not change.
  if (types == types::Profile::Rds) {
    const types::TypeOverrides defaults;
    for (std::string_view key : types::kOverrideKeys) {
      if (types::override_value(type_overrides, key) == types::override_value(defaults, key))
        continue;
      fail(ErrorKind::InvalidInput,
           "invalid {} {}: type overrides apply to the typed profile only (the rds profile is "
           "AWS's mapping)",
           fmt::format(fmt::runtime(names.type_override), key),
           types::override_value(type_overrides, key));
    }
  }
}

namespace {

using Clock = std::chrono::steady_clock;

// A table being exported: what the catalog said, where it goes, what was written.
struct TableJob {
  SourceTable* table;  // owned by the database's snapshot
  std::string database;
  std::string folder;  // <db folder>/<table folder>
  // Filled in by the workers.
  std::mutex mutex;
  std::vector<FileDoc> files;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::vector<uint64_t> unrepresentable;
  std::vector<uint64_t> flattened;
  std::vector<std::string> renamed;  // "'a' written as 'a~2'" per renamed column
  std::map<int, int> next_part;      // per batch: the number of the next part file
  size_t slices_pending = 0;         // slices not yet done
  std::string start_time;
  std::string end_time;
  Clock::time_point started;           // when start_time was set, for progress
  std::atomic<uint64_t> rows_read{0};  // while reading, for progress
};

struct DatabaseJob {
  std::string name;
  std::string folder;
  std::unique_ptr<DatabaseSnapshot> snapshot;
  std::vector<std::unique_ptr<TableJob>> tables;  // one per snapshot->tables(), in its order
};

struct Progress {
  std::atomic<uint64_t> rows{0};
  std::atomic<uint64_t> bytes_read{0};
  std::atomic<uint64_t> slices_done{0};
  uint64_t slices_total = 0;
};

// Watches for the two reasons to stop an export from outside its threads: an interrupt (a signal
// handler sets the flag) and a lost claim. Either sets `cancel`, asks every registered connection
// to cancel its query (a COPY waiting on the server returns at once), and is remembered as the
// reason, which the export then throws instead of whatever error the cancelled threads saw.
class Watchdog {
 public:
  Watchdog(const std::atomic<bool>* interrupt, std::atomic<bool>& cancel, std::string export_id)
      : interrupt_(interrupt), cancel_(cancel), export_id_(std::move(export_id)) {
    thread_ = std::thread([this] { run(); });
  }
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void watch_claim(const commit::Claim* claim) {
    std::lock_guard lock(mutex_);
    claim_ = claim;
  }
  void add(DatabaseSnapshot* snapshot) {
    std::lock_guard lock(mutex_);
    snapshots_.insert(snapshot);
  }
  void remove(DatabaseSnapshot* snapshot) {
    std::lock_guard lock(mutex_);
    snapshots_.erase(snapshot);
  }
  // Why the export was stopped from outside, if it was.
  std::optional<Error> reason() {
    std::lock_guard lock(mutex_);
    return reason_;
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stop_; })) {
      if (reason_) continue;
      if (interrupt_ && interrupt_->load()) {
        reason_ = Error(ErrorKind::Interrupted,
                        fmt::format("export {} interrupted (SIGINT or SIGTERM)", export_id_));
      } else if (claim_ && !claim_->held()) {
        try {
          claim_->check();
        } catch (const commit::ClaimLost& e) {
          reason_ = e;
        }
      }
      if (!reason_) continue;
      cancel_ = true;
      for (DatabaseSnapshot* snapshot : snapshots_) snapshot->cancel();
    }
  }
  const std::atomic<bool>* interrupt_;
  std::atomic<bool>& cancel_;
  std::string export_id_;
  const commit::Claim* claim_ = nullptr;
  std::set<DatabaseSnapshot*> snapshots_;
  std::optional<Error> reason_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Registers a database's readers with the watchdog while it lives.
class Watched {
 public:
  Watched(Watchdog& dog, DatabaseSnapshot& snapshot) : dog_(dog), snapshot_(&snapshot) {
    dog_.add(snapshot_);
  }
  ~Watched() { dog_.remove(snapshot_); }
  Watched(const Watched&) = delete;
  Watched& operator=(const Watched&) = delete;

 private:
  Watchdog& dog_;
  DatabaseSnapshot* snapshot_;
};

// What the claimer makes of an export_info found under the export id (commit/claim.h).
commit::Judgement judge_export_info(const std::optional<store::VersionedObject>& current,
                                    IfComplete if_complete, const std::string& export_id) {
  using commit::Judgement;
  using commit::Verdict;
  if (!current) return {Verdict::Take, ""};
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(current->bytes);
  } catch (const nlohmann::json::exception&) {
    return {Verdict::Take, "an unreadable export_info"};
  }
  std::string status = doc.is_object() ? doc.value("status", "") : "";
  if (status == "COMPLETE") {
    if (if_complete == IfComplete::Keep) return {Verdict::Keep, ""};
    return {Verdict::Take, "a COMPLETE export, which is replaced"};
  }
  if (status != "STARTING" && status != "IN_PROGRESS") {
    return {Verdict::Take, fmt::format("a {} attempt", status.empty() ? "previous" : status)};
  }
  std::optional<commit::Lease> lease;
  if (doc.contains("snaplake") && doc["snaplake"].is_object() &&
      doc["snaplake"].contains("attempt")) {
    lease = commit::Lease::from_json(doc["snaplake"]["attempt"]);
  }
  if (!lease) return {Verdict::Take, "an attempt that recorded no lease"};
  commit::LeaseState state = lease->state(wall_now());
  if (state == commit::LeaseState::Live) {
    return {Verdict::Busy, fmt::format("export {} is being written by another process ({})",
                                       export_id, lease->describe())};
  }
  return {Verdict::Take, fmt::format("attempt {} ({}, {}), abandoned", lease->attempt_id,
                                     lease->describe(), commit::to_string(state))};
}

// Where the export root is, for export_info's s3Bucket / s3Prefix / exportedFilesPath.
void describe_destination(const std::string& to, const std::string& id, ExportInfoDoc& doc) {
  std::string_view rest = to;
  if (rest.starts_with("s3://")) {
    auto [bucket, prefix] = store::parse_s3_location(to);
    doc.s3_bucket = bucket;
    doc.s3_prefix = prefix;
    doc.exported_files_path = prefix.empty() ? id : prefix + "/" + id;
    return;
  }
  if (rest.starts_with("file://")) rest.remove_prefix(7);
  doc.s3_prefix = std::string(rest);
  doc.exported_files_path = std::string(rest) + "/" + id;
}

// Column names that differ only in case ("A" and "a") are one column to case-insensitive
// engines (Athena, Glue, Spark by default): the file gets names unique case-insensitively by the
// rule the export's folders follow (rds_export::unique_column_names: the first in byte order
// keeps its name, the others get "~2", "~3"…); originalTypeMappings keep the original name and
// record the written one (exportedColumnName), and the table's warningMessage says so.
void name_columns(TableJob& job) {
  const std::vector<std::string> names = job.table->column_names;
  const std::vector<std::string> unique = rds_export::unique_column_names(names);
  for (size_t i = 0; i < names.size(); ++i) {
    if (unique[i] == names[i]) continue;
    job.table->column_names[i] = unique[i];
    job.renamed.push_back(
        fmt::format("column '{}' written as '{}' (its name differs from another's only in case)",
                    names[i], unique[i]));
  }
}

class Exporter {
 public:
  Exporter(const ExportOptions& options, Source& source) : o_(options), source_(source) {}

  ExportResult run();

 private:
  // export_info as it is now, for the claim to write (and re-write with each renewal).
  commit::Render render_info() {
    ExportInfoDoc doc = info_;
    doc.total_bytes = total_bytes_;
    return [doc](const commit::Lease& lease) {
      ExportInfoDoc d = doc;
      d.attempt = lease.to_json();
      return export_info_json(d);
    };
  }
  void write_info() { claim_->write(render_info()); }
  ExportResult kept_result(const std::string& existing);
  // After a failure: everything of the export but export_info goes (this attempt's parts and
  // what earlier attempts left), and unfinished uploads with it. Best effort.
  void remove_all_but_info();
  std::vector<std::string> databases_to_export();
  void discover(const std::vector<std::string>& databases);
  void check_filters(const std::vector<std::string>& databases);
  void plan_folders();
  void export_database(DatabaseJob& db);
  void worker(DatabaseJob& db, const std::vector<SourceSlice>& slices, std::atomic<size_t>& next,
              size_t reader);
  void finish_tables_info();
  OverallProgress sample_progress();

  const ExportOptions& o_;
  Source& source_;
  ExportInfoDoc info_;
  std::unique_ptr<store::ObjectStore> store_;
  std::unique_ptr<commit::Claim> claim_;
  Watchdog* watchdog_ = nullptr;
  std::vector<OnlyFilter> filters_;
  std::vector<std::unique_ptr<DatabaseJob>> databases_;
  std::set<std::string> written_;
  std::mutex written_mutex_;
  std::atomic<bool> cancel_{false};
  std::mutex error_mutex_;
  std::optional<Error> first_error_;
  Progress progress_;
  uint64_t total_bytes_ = 0;
  parquet::WriterOptions writer_options_;
  // Reader connections per database (the source's choice for --jobs).
  int readers_ = 1;
  Clock::time_point progress_started_;
};

OverallProgress Exporter::sample_progress() {
  OverallProgress p;
  const auto now = Clock::now();
  p.seconds = std::chrono::duration<double>(now - progress_started_).count();
  p.rows_done = progress_.rows.load();
  p.bytes_read = progress_.bytes_read.load();
  for (const auto& db : databases_) {
    for (const auto& t : db->tables) {
      if (!t->table->skip_reason.empty()) continue;
      ++p.tables_total;
      p.rows_estimate += t->table->rows_estimate;
      std::lock_guard lock(t->mutex);
      if (t->start_time.empty()) continue;
      if (t->slices_pending == 0) {
        ++p.tables_done;
        continue;
      }
      p.reading.push_back({t->table->target, t->rows_read.load(), t->table->rows_estimate,
                           std::chrono::duration<double>(now - t->started).count()});
    }
  }
  return p;
}

std::vector<std::string> Exporter::databases_to_export() {
  std::vector<std::string> all = source_.databases(o_.all_databases);
  if (filters_.empty()) return all;
  std::vector<std::string> selected;
  for (const auto& db : all) {
    bool named = std::any_of(filters_.begin(), filters_.end(),
                             [&](const OnlyFilter& f) { return f.matches_database(db); });
    if (named) selected.push_back(db);
  }
  for (const auto& f : filters_) {
    if (std::find(all.begin(), all.end(), f.database) == all.end()) {
      fail(ErrorKind::NotFound, "--only '{}' names no database of the source (databases: {})",
           f.text, fmt::join(all, ", "));
    }
  }
  return selected;
}

void Exporter::discover(const std::vector<std::string>& databases) {
  for (const auto& name : databases) {
    auto db = std::make_unique<DatabaseJob>();
    db->name = name;
    db->snapshot = source_.snapshot(name, filters_, o_.jobs);
    log::info("database '{}': snapshot {} taken at {}", name, db->snapshot->snapshot_id(),
              db->snapshot->taken_at());
    for (const auto& w : db->snapshot->warnings()) log::warn("database '{}': {}", name, w);
    for (auto& table : db->snapshot->tables()) {
      auto job = std::make_unique<TableJob>();
      job->table = table.get();
      job->database = name;
      name_columns(*job);
      if (!table->skip_reason.empty()) log::warn("{}: {}", table->target, table->skip_reason);
      db->tables.push_back(std::move(job));
    }
    databases_.push_back(std::move(db));
  }
}

void Exporter::check_filters(const std::vector<std::string>& databases) {
  (void)databases;
  for (const auto& f : filters_) {
    if (!f.names_table()) continue;
    bool found = false;
    for (const auto& db : databases_) {
      for (const auto& t : db->tables) {
        found = found || f.matches(db->name, t->table->schema, t->table->name);
      }
    }
    if (!found) fail(ErrorKind::NotFound, "--only '{}' names no table of the source", f.text);
  }
}

void Exporter::plan_folders() {
  std::vector<FolderName> db_names;
  for (const auto& db : databases_) db_names.push_back({db->name, sanitize_name(db->name)});
  auto db_folders = unique_folders(db_names);
  for (size_t d = 0; d < databases_.size(); ++d) {
    auto& db = *databases_[d];
    db.folder = db_folders[d];
    std::vector<FolderName> names;
    for (const auto& t : db.tables) {
      names.push_back({t->table->schema + std::string(1, '\0') + t->table->name,
                       table_folder(t->table->schema, t->table->name)});
    }
    auto folders = unique_folders(names);
    for (size_t i = 0; i < db.tables.size(); ++i)
      db.tables[i]->folder = db.folder + "/" + folders[i];
  }
}

void Exporter::worker(DatabaseJob& db, const std::vector<SourceSlice>& slices,
                      std::atomic<size_t>& next, size_t reader) {
  for (size_t i = next++; i < slices.size() && !cancel_; i = next++) {
    const SourceSlice& slice = slices[i];
    TableJob& table = *db.tables[slice.table];
    {
      std::lock_guard lock(table.mutex);
      if (table.start_time.empty()) {
        table.start_time = now_iso8601();
        table.started = Clock::now();
      }
    }
    const std::string folder = table.folder.substr(db.folder.size() + 1);  // <schema>.<table>
    std::string what = fmt::format("export {}.{} to '{}/{}'", table.table->schema,
                                   table.table->name, table.folder, slice.batch);
    PartSink sink{
        .open =
            [&](std::string& key) {
              int part;
              {
                std::lock_guard lock(table.mutex);
                part = table.next_part[slice.batch]++;
              }
              key = data_key(info_.export_id, db.folder, folder, slice.batch, part, o_.codec);
              return store_->create(key, {.content_type = "application/vnd.apache.parquet"});
            },
        .may_commit = [&] { claim_->check(); },
        .done =
            [&](const std::string& key, const FileOutcome& part) {
              {
                std::lock_guard lock(written_mutex_);
                written_.insert(key);
              }
              std::lock_guard lock(table.mutex);
              table.files.push_back({key, part.bytes, part.rows});
            },
    };
    FileOutcome outcome = db.snapshot->read(
        reader, slice, writer_options_, sink,
        {&cancel_, &progress_.rows, &progress_.bytes_read, &table.rows_read}, what);
    progress_.slices_done++;
    std::lock_guard lock(table.mutex);
    table.rows += outcome.rows;
    table.bytes += outcome.bytes;
    if (table.unrepresentable.size() < outcome.unrepresentable.size()) {
      table.unrepresentable.resize(outcome.unrepresentable.size());
    }
    for (size_t c = 0; c < outcome.unrepresentable.size(); ++c) {
      table.unrepresentable[c] += outcome.unrepresentable[c];
    }
    table.flattened.resize(std::max(table.flattened.size(), outcome.flattened.size()));
    for (size_t c = 0; c < outcome.flattened.size(); ++c)
      table.flattened[c] += outcome.flattened[c];
    if (--table.slices_pending == 0) table.end_time = now_iso8601();
  }
}

void Exporter::export_database(DatabaseJob& db) {
  log::Scope scope("database", db.name);
  // The readers are opened and joined to the snapshot before any work starts, so a refused
  // connection fails the export before anything is written.
  size_t workers = 0;
  std::vector<SourceSlice> slices = db.snapshot->start_reading(readers_, workers);
  for (auto& t : db.tables) t->slices_pending = 0;
  for (const auto& slice : slices) db.tables[slice.table]->slices_pending++;
  std::stable_sort(slices.begin(), slices.end(),
                   [](const SourceSlice& a, const SourceSlice& b) { return a.weight > b.weight; });
  progress_.slices_total += slices.size();
  if (slices.empty()) {
    db.snapshot->finish();
    return;
  }
  workers = std::min(workers, slices.size());
  Watched watched(*watchdog_, *db.snapshot);
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (size_t i = 0; i < workers; ++i) {
    threads.emplace_back([&, i] {
      log::Scope s("database", db.name);
      try {
        worker(db, slices, next, i);
      } catch (const Error& e) {
        std::lock_guard lock(error_mutex_);
        if (!first_error_ || first_error_->kind() == ErrorKind::Conflict) first_error_ = e;
        cancel_ = true;
      } catch (const std::exception& e) {
        std::lock_guard lock(error_mutex_);
        if (!first_error_) first_error_ = Error(ErrorKind::Internal, e.what());
        cancel_ = true;
      }
    });
  }
  for (auto& t : threads) t.join();
  if (first_error_) throw *first_error_;
  db.snapshot->finish();
}

void Exporter::finish_tables_info() {
  std::vector<TableDoc> docs;
  for (const auto& db : databases_) {
    for (const auto& t : db->tables) {
      const SourceTable& table = *t->table;
      TableDoc doc;
      doc.target = table.target;
      doc.folder = t->folder;
      doc.columns = table.columns;
      doc.expected_types = table.expected_types;
      doc.exported_names = table.column_names;
      doc.partitions = std::max<size_t>(table.batches, 1);
      if (!table.skip_reason.empty()) {
        doc.status = "SKIPPED";
        doc.warning_message = table.skip_reason;
        for (const auto& r : t->renamed) doc.warning_message += "; " + r;
        docs.push_back(std::move(doc));
        continue;
      }
      doc.status = "COMPLETE";
      doc.rows = t->rows;
      doc.bytes = t->bytes;
      doc.files = t->files;
      std::sort(doc.files.begin(), doc.files.end(),
                [](const FileDoc& a, const FileDoc& b) { return a.key < b.key; });
      doc.start_time = t->start_time;
      doc.end_time = t->end_time;
      std::vector<std::string> notes = t->renamed;
      for (size_t c = 0; c < t->flattened.size(); ++c) {
        if (t->flattened[c] == 0) continue;
        notes.push_back(fmt::format(
            "column '{}': {} multi-dimensional array(s) flattened to one list in row-major order",
            table.column_names[c], t->flattened[c]));
      }
      for (size_t c = 0; c < t->unrepresentable.size(); ++c) {
        if (t->unrepresentable[c] == 0) continue;
        notes.push_back(
            fmt::format("column '{}': {} value(s) the Parquet type cannot hold {} "
                        "written as NULL",
                        table.column_names[c], t->unrepresentable[c], table.unrepresentable_what));
      }
      if (!notes.empty()) {
        doc.warning_message = fmt::format("{}", fmt::join(notes, "; "));
        log::warn("{}: {}", table.target, doc.warning_message);
      }
      docs.push_back(std::move(doc));
    }
  }
  // One file per 1000 tables, numbered from 1 as RDS numbers them.
  constexpr size_t kPerFile = 1000;
  if (docs.empty()) {
    std::string key = tables_info_key(info_.export_id, 0, 0);
    store_->put(key, tables_info_json({}), {.content_type = "application/json"});
    written_.insert(key);
  }
  for (size_t first = 0; first < docs.size(); first += kPerFile) {
    size_t last = std::min(docs.size(), first + kPerFile);
    std::vector<TableDoc> slice(std::make_move_iterator(docs.begin() + first),
                                std::make_move_iterator(docs.begin() + last));
    std::string key = tables_info_key(info_.export_id, first + 1, last);
    store_->put(key, tables_info_json(slice), {.content_type = "application/json"});
    written_.insert(key);
  }
}

ExportResult Exporter::run() {
  auto started = Clock::now();
  o_.validate();
  for (const auto& text : o_.only) filters_.push_back(source_.parse_only(text));

  info_.export_id = o_.export_id;
  if (info_.export_id.empty()) {
    std::random_device rd;
    info_.export_id = default_export_id(source_.id_base(o_.all_databases),
                                        std::chrono::system_clock::now(), rd());
  }
  validate_export_id(info_.export_id);
  info_.source_arn = o_.source_arn.empty() ? log::redact(o_.source_uri) : o_.source_arn;
  info_.export_only = o_.only;
  info_.source_snapshot = o_.source_snapshot;
  info_.task_start_time = now_iso8601();
  info_.source_engine = source_.engine();
  info_.type_profile = o_.types;
  info_.type_overrides = o_.type_overrides;
  info_.compression = o_.codec;
  describe_destination(o_.to, info_.export_id, info_);
  writer_options_.codec = o_.codec;
  writer_options_.compression_level = o_.compression_level;
  readers_ = source_.readers(o_.jobs);
  // Memory stays bounded by about one row group per encoder: keep the sum near 128 MB.
  writer_options_.row_group_bytes = std::clamp<uint64_t>(
      (128ull << 20) / static_cast<uint64_t>(o_.jobs), 8ull << 20, 64ull << 20);

  store_ = store::open_store(o_.to, o_.aws);
  if (!o_.kms_key_id.empty()) {
    store_ = store::with_write_defaults(std::move(store_), {.kms_key_id = o_.kms_key_id});
  }
  log::Scope scope("export", info_.export_id);
  info_.status = "STARTING";
  const std::string prefix = info_.export_id + "/";
  claim_ = commit::Claim::acquire(
      *store_, export_info_key(info_.export_id), render_info(),
      [&](const std::optional<store::VersionedObject>& current) {
        return judge_export_info(current, o_.if_complete, info_.export_id);
      },
      {.lease = o_.lease, .what = "export", .write_options = {.content_type = "application/json"}});
  if (!claim_) {
    log::info("export {} is COMPLETE already: kept as it is", info_.export_id);
    return kept_result(store_->read(export_info_key(info_.export_id)));
  }
  if (!claim_->took_over().empty()) {
    log::warn("export {}: taking over from {}", info_.export_id, claim_->took_over());
  }

  Watchdog watchdog(o_.interrupt, cancel_, info_.export_id);
  watchdog.watch_claim(claim_.get());
  watchdog_ = &watchdog;
  // This attempt alone writes under <id>/ now. Uploads that earlier attempts never finished (a
  // killed process's temp files, incomplete multipart uploads) go at once; the objects they
  // left are removed at the end unless this attempt writes them again.
  if (size_t n = store_->remove_incomplete(prefix); n > 0)
    log::info("removed {} unfinished upload(s) left by an earlier attempt of this export", n);
  std::vector<store::ObjectInfo> previous = store_->list(prefix);

  try {
    auto databases = databases_to_export();
    discover(databases);
    check_filters(databases);
    plan_folders();
    for (const auto& db : databases_) {
      info_.databases.push_back({db->name, db->folder, db->snapshot->snapshot_id(),
                                 db->snapshot->taken_at(), db->snapshot->consistency()});
    }
    if (!databases_.empty()) info_.snapshot_time = databases_.front()->snapshot->taken_at();
    info_.status = "IN_PROGRESS";
    write_info();
    try {
      progress_started_ = Clock::now();
      ProgressDisplay display([this] { return sample_progress(); }, o_.show_progress);
      for (auto& db : databases_) export_database(*db);
    } catch (const Error&) {
      // A cancelled query's error says "canceling statement due to user request": the reason
      // it was cancelled is the one to report.
      if (auto reason = watchdog.reason()) throw *reason;
      throw;
    }
    if (auto reason = watchdog.reason()) throw *reason;
    claim_->check();
    finish_tables_info();
    // Anything of an earlier attempt with this id that this run did not write again.
    std::vector<std::string> stale;
    for (const auto& object : previous) {
      if (object.key != export_info_key(info_.export_id) && !written_.contains(object.key)) {
        stale.push_back(object.key);
      }
    }
    if (!stale.empty()) {
      log::info("removing {} object(s) left by an earlier attempt of this export", stale.size());
      store_->remove(stale);
    }
  } catch (const commit::ClaimLost&) {
    // Another attempt owns the export now: everything under <id>/ is its business.
    throw;
  } catch (const Error& e) {
    info_.status = "FAILED";
    info_.failure_cause =
        e.kind() == ErrorKind::Interrupted ? "interrupted" : log::redact(e.what());
    info_.task_end_time = now_iso8601();
    remove_all_but_info();
    try {
      write_info();
    } catch (const Error& again) {
      log::error("cannot record the failure in export_info: {}", again.what());
    }
    throw;
  }

  ExportResult result;
  result.export_id = info_.export_id;
  result.export_root = store_->describe(info_.export_id);
  result.snapshot_time = info_.snapshot_time;
  for (const auto& db : databases_) {
    for (const auto& t : db->tables) {
      const SourceTable& table = *t->table;
      TableResult r;
      r.target = table.target;
      r.rows = t->rows;
      r.bytes = t->bytes;
      r.files = t->files.size();
      if (!table.skip_reason.empty()) r.warnings.push_back(table.skip_reason);
      for (const auto& n : t->renamed) r.warnings.push_back(n);
      for (size_t c = 0; c < t->flattened.size(); ++c) {
        if (t->flattened[c] > 0) {
          r.warnings.push_back(fmt::format("column '{}': {} multi-dimensional array(s) flattened",
                                           table.column_names[c], t->flattened[c]));
        }
      }
      for (size_t c = 0; c < t->unrepresentable.size(); ++c) {
        if (t->unrepresentable[c] > 0) {
          r.warnings.push_back(fmt::format("column '{}': {} value(s) written as NULL",
                                           table.column_names[c], t->unrepresentable[c]));
        }
      }
      result.rows += t->rows;
      result.bytes += t->bytes;
      result.tables.push_back(std::move(r));
    }
  }
  total_bytes_ = result.bytes;
  info_.rows = result.rows;
  info_.tables = result.tables.size();
  info_.status = "COMPLETE";
  info_.percent_progress = 100;
  info_.task_end_time = now_iso8601();
  write_info();
  claim_->release();
  result.took_over = claim_->took_over();
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return result;
}

ExportResult Exporter::kept_result(const std::string& existing) {
  ExportResult result;
  result.export_id = info_.export_id;
  result.export_root = store_->describe(info_.export_id);
  result.kept = true;
  try {
    auto doc = nlohmann::json::parse(existing);
    result.snapshot_time = doc.value("snapshotTime", "");
    if (doc.contains("snaplake") && doc["snaplake"].is_object()) {
      result.rows = doc["snaplake"].value("rowCount", uint64_t{0});
      result.bytes = doc["snaplake"].value("totalExportedBytes", uint64_t{0});
    }
  } catch (const nlohmann::json::exception&) {
  }
  return result;
}

void Exporter::remove_all_but_info() {
  try {
    std::vector<std::string> keys;
    for (const auto& object : store_->list(info_.export_id + "/")) {
      if (object.key != export_info_key(info_.export_id)) keys.push_back(object.key);
    }
    if (!keys.empty()) {
      log::info("removing the {} object(s) of the failed export", keys.size());
      store_->remove(keys);
    }
    store_->remove_incomplete(info_.export_id + "/");
  } catch (const std::exception& e) {
    log::error("cannot remove what the failed export wrote: {}", e.what());
  }
}

}  // namespace

ExportResult run_export(const ExportOptions& options, Source& source) {
  return Exporter(options, source).run();
}

}  // namespace snaplake::exporter
