// The landing stage. One export is landed in these steps, in this order, so that any number of
// landings can run side by side and every step can be interrupted and the whole run again from
// the start (docs/layouts.md, "Landing zone"; docs/commit-protocol.md, "Landings"):
//
//  1. Read export_info_<id>.json: only a COMPLETE export goes on (require_complete).
//  2. Read every export_tables_info_<id>_from_<a>_to_<b>.json and list the export's objects
//     (all pages): each COMPLETE table's Parquet files, found from tableStatistics.files where
//     the exporter wrote them (snaplake), else from the listing of <db>/<schema>.<table>/ (RDS).
//     Every landed file name carries the export id, so two exports never write the same key.
//  3. Register this attempt (commit/attempts.h): its record names the partition folders it
//     writes into, so that no other landing's cleanup touches them while it lives.
//  4. Per table, read <partition>/_SUCCESS and decide: written by this export, the table is
//     already landed; by a newer snapshot (snapshot time, then export id), this one is
//     superseded; otherwise it goes on. Nothing is written for the first two.
//  5. Stage every file of every table that goes on, in parallel: the bytes are all in the
//     landing store but invisible (store::StagedObject). Objects already there under their
//     landed name with the source's size (an interrupted run of this export) are kept.
//  6. Per table: read _SUCCESS again (a newer landing may have committed meanwhile); then publish
//     the staged files, verify each (size, and its row count from its own Parquet footer against
//     export_tables_info; the table's total too), then replace _SUCCESS by a conditional write
//     on the version read. Losing that race to a newer snapshot removes what was published; to
//     an older one, the decision is taken again on the new marker. All of it in parallel across
//     tables and files.
//  7. The winner removes the files the marker it replaced listed; then every partition touched
//     is swept of what killed attempts left (files no marker lists, unfinished uploads), unless
//     a live attempt is writing there.
//  8. Send the notification if a table landed now, then write the landing manifest
//     _snaplake/landings/<export-id>.json (crawlers skip '_' folders). The manifest marks the
//     landing complete; a re-run that finds it unchanged neither writes nor notifies.
#include "landing/land.h"

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "aws/glue_client.h"
#include "aws/session.h"
#include "commit/attempts.h"
#include "commit/claim.h"
#include "common/error.h"
#include "common/log.h"
#include "landing/landing_layout.h"
#include "landing/manifest.h"
#include "landing/notify.h"
#include "landing/parallel.h"
#include "landing/success_marker.h"
#include "parquet/footer_reader.h"
#include "rds_export/documents.h"
#include "rds_export/keys.h"
#include "store/object_store.h"

namespace snaplake::landing {
namespace {

using rds_export::ExportedFile;
using rds_export::ExportedTable;
using rds_export::ExportInfo;

using nlohmann::ordered_json;

constexpr std::string_view kBucketOwnerFullControl = "bucket-owner-full-control";

struct SourceFile {
  std::string key;    // in the export store
  uint64_t size = 0;  // from the listing
  std::string etag;
  std::optional<uint64_t> expected_rows;  // from export_tables_info, when it has them
  std::string landed_key;                 // in the landing store
  uint64_t rows = 0;                      // from the landed object's footer
  bool copied = false;                    // staged and published by this attempt
  std::unique_ptr<store::StagedObject> staged;
  bool published = false;  // visible under landed_key (published now, or found there)
};

struct TablePlan {
  ExportedTable info;
  std::string database;  // folder names in the export layout
  std::string folder;    // <schema>.<table>
  std::string partition;
  std::vector<SourceFile> files;
  // The decision (step 4, taken again in step 6): the marker seen and what to do.
  std::optional<store::VersionedObject> marker_seen;
  bool go = false;         // this attempt lands the table
  bool committed = false;  // its _SUCCESS names this export now, by this attempt's write
  LandedTable result;
};

std::string marker_key(const TablePlan& table) {
  return table.partition + std::string(kSuccessName);
}

void throw_if_interrupted(const LandOptions& options, std::string_view export_id) {
  if (options.interrupt && options.interrupt->load()) {
    fail(ErrorKind::Interrupted, "landing of export {} interrupted (SIGINT or SIGTERM)", export_id);
  }
}

bool ends_with_parquet(std::string_view key) {
  return key.ends_with(".parquet");
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The export folder of a table from its target "db.schema.table", as RDS names it: the database
// is the first part, the folder "<schema>.<table>" the rest, and RDS replaces '\', '`', '"' and
// spaces in S3 paths by '_' (AWS docs, "Considerations for DB snapshot exports").
std::pair<std::string, std::string> folder_from_target(std::string_view target) {
  auto dot = target.find('.');
  if (dot == std::string_view::npos) {
    fail(ErrorKind::InvalidInput, "export_tables_info target '{}' is not db.schema.table", target);
  }
  auto rds_path = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) {
      if (c == '\\' || c == '`' || c == '"' || c == ' ') c = '_';
    }
    return out;
  };
  return {rds_path(target.substr(0, dot)), rds_path(target.substr(dot + 1))};
}

// The ETags of two objects say the same content only where both are S3's MD5 of a single-part,
// non-KMS object; a multipart ETag ("…-N") or an SSE-KMS object's ETag is not an MD5.
bool etags_comparable(const store::ObjectStore& source, const store::ObjectStore& target,
                      const LandOptions& options, const std::string& a, const std::string& b) {
  return source.describe().starts_with("s3://") && target.describe().starts_with("s3://") &&
         options.kms_key_id.empty() && !a.empty() && !b.empty() &&
         a.find('-') == std::string::npos && b.find('-') == std::string::npos;
}

class Lander {
 public:
  Lander(store::ObjectStore& source, store::ObjectStore& target, const LandOptions& options)
      : source_(source), target_(target), options_(options) {
    write_options_.kms_key_id = options.kms_key_id;
    write_options_.acl = std::string(kBucketOwnerFullControl);
  }

  LandResult run() {
    auto started = std::chrono::steady_clock::now();
    NotifyTarget notify = parse_notify_target(options_.notify);
    check_can_notify(notify);

    ExportInfo info = read_export_info();
    rds_export::require_complete(info);
    log::Scope scope("export", info.export_id);
    result_.export_id = info.export_id;
    date_ = choose_import_date(info);
    result_.import_date = date_.yyyymmdd();
    order_ = {info.snapshot_time, info.export_id};

    plan_tables(info);
    std::vector<std::string> partitions;
    for (const TablePlan& table : tables_) partitions.push_back(table.partition);
    attempt_ = commit::LiveAttempt::begin(target_, "land", partitions, options_.lease);
    log::Scope attempt_scope("attempt", attempt_->lease().attempt_id);

    for (TablePlan& table : tables_) decide(table, target_.read_versioned(marker_key(table)));
    stage_files();
    commit_tables(info);
    run_parallel(tables_.size(), options_.jobs, [&](size_t i) { sweep(tables_[i]); });
    register_in_catalog(info);

    for (const TablePlan& table : tables_) {
      result_.tables.push_back(table.result);
      if (table.result.outcome == TableOutcome::Superseded) continue;
      result_.rows += table.result.rows;
      result_.bytes += table.result.bytes;
      if (table.result.outcome != TableOutcome::Landed) continue;
      for (const SourceFile& file : table.files) {
        if (file.copied) {
          ++result_.files_copied;
          result_.bytes_copied += file.size;
        } else {
          ++result_.files_present;
        }
      }
    }
    result_.outcome = overall_outcome();
    write_manifest_and_notify(info, notify);
    attempt_.reset();  // the record goes: nothing of this attempt is in flight any more
    result_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return std::move(result_);
  }

 private:
  ExportInfo read_export_info() {
    std::vector<store::ObjectInfo> candidates;
    std::vector<std::string> ids;
    for (auto& object : source_.list(std::string(rds_export::kExportInfoPrefix))) {
      if (auto id = rds_export::export_id_of_info_key(object.key)) {
        candidates.push_back(object);
        ids.push_back(*id);
      }
    }
    if (candidates.empty()) {
      fail(ErrorKind::NotFound, "cannot land '{}': no export_info_<id>.json there",
           source_.describe());
    }
    if (candidates.size() > 1) {
      fail(ErrorKind::InvalidInput, "cannot land '{}': {} export_info files there ('{}', '{}', …)",
           source_.describe(), candidates.size(), candidates[0].key, candidates[1].key);
    }
    const std::string& key = candidates[0].key;
    ExportInfo info = rds_export::parse_export_info(source_.read(key), source_.describe(key));
    // The id is in the file name; RDS's file also has it as exportTaskIdentifier.
    if (info.export_id.empty()) info.export_id = ids[0];
    return info;
  }

  void plan_tables(const ExportInfo& info) {
    std::vector<ExportedTable> exported;
    bool any_tables_info = false;
    for (auto& object : source_.list(std::string(rds_export::kTablesInfoPrefix))) {
      if (!rds_export::is_tables_info_key(object.key)) continue;
      any_tables_info = true;
      auto part =
          rds_export::parse_tables_info(source_.read(object.key), source_.describe(object.key));
      exported.insert(exported.end(), std::make_move_iterator(part.begin()),
                      std::make_move_iterator(part.end()));
    }
    if (!any_tables_info) {
      fail(ErrorKind::InvalidInput, "cannot land export {}: no export_tables_info_*.json in '{}'",
           info.export_id, source_.describe());
    }

    // Every object of the export, all pages, by key.
    std::map<std::string, store::ObjectInfo, std::less<>> objects;
    for (auto& object : source_.list("")) objects.emplace(object.key, object);

    std::set<std::string> used_folders;
    for (ExportedTable& table : exported) {
      if (upper(table.status) != "COMPLETE") {
        log::warn("table {} is not landed: the export says {}{}{}", table.target, table.status,
                  table.warning.empty() ? "" : ": ", table.warning);
        result_.skipped.push_back({table.target, table.status, table.warning});
        continue;
      }
      TablePlan plan;
      plan.info = std::move(table);
      if (!plan.info.files.empty()) {
        plan_listed_files(plan, objects);
      } else {
        plan_listing_files(plan, objects);
      }
      std::string folder_key = plan.database + "/" + plan.folder;
      if (!used_folders.insert(folder_key).second) {
        fail(ErrorKind::InvalidInput, "export {} lists two tables in the folder '{}'",
             info.export_id, folder_key);
      }
      plan.partition = partition_prefix(options_.service_area, plan.database, plan.folder, date_);
      std::set<std::string> names;
      for (SourceFile& file : plan.files) {
        std::string relative = file.key.substr(folder_key.size() + 1);
        file.landed_key = plan.partition + landed_file_name(relative, info.export_id);
        if (!names.insert(file.landed_key).second) {
          fail(ErrorKind::InvalidInput,
               "cannot land table {}: two of its files would land as '{}' (mixed layouts?)",
               plan.info.target, file.landed_key);
        }
      }
      plan.result.target = plan.info.target;
      plan.result.partition = plan.partition;
      tables_.push_back(std::move(plan));
    }
  }

  // snaplake's exports list every file with its size and rows: each must be there, as listed.
  void plan_listed_files(TablePlan& plan,
                         const std::map<std::string, store::ObjectInfo, std::less<>>& objects) {
    for (const ExportedFile& listed : plan.info.files) {
      // Keys may be relative to the export folder or carry the export root's prefix before it.
      std::string_view key = listed.key;
      auto found = objects.end();
      while (true) {
        found = objects.find(key);
        if (found != objects.end()) break;
        auto slash = key.find('/');
        if (slash == std::string_view::npos) break;
        key.remove_prefix(slash + 1);
      }
      if (found == objects.end()) {
        fail(ErrorKind::InvalidInput,
             "export_tables_info lists '{}' for table {}, but '{}' has no such object", listed.key,
             plan.info.target, source_.describe());
      }
      const store::ObjectInfo& object = found->second;
      if (listed.bytes && *listed.bytes != object.size) {
        fail(ErrorKind::InvalidInput,
             "'{}' has {} bytes, but export_tables_info says {} for table {}",
             source_.describe(object.key), object.size, *listed.bytes, plan.info.target);
      }
      auto parts = split_table_key(object.key);
      if (!parts) {
        fail(ErrorKind::InvalidInput, "'{}' of table {} is not under <database>/<schema>.<table>/",
             object.key, plan.info.target);
      }
      if (plan.database.empty()) {
        plan.database = parts->first;
        plan.folder = parts->second;
      } else if (plan.database != parts->first || plan.folder != parts->second) {
        fail(ErrorKind::InvalidInput, "the files of table {} are in more than one table folder",
             plan.info.target);
      }
      plan.files.push_back({object.key, object.size, object.etag, listed.rows, {}, 0, false});
    }
    // Parquet files in the folder that the export does not list are not part of it (left over by
    // a failed attempt): they are not landed.
    std::string prefix = plan.database + "/" + plan.folder + "/";
    size_t listed_count = plan.files.size();
    size_t present = 0;
    for (auto it = objects.lower_bound(prefix);
         it != objects.end() && it->first.starts_with(prefix); ++it) {
      if (ends_with_parquet(it->first)) ++present;
    }
    if (present > listed_count) {
      log::warn(
          "table {}: {} Parquet files in '{}' are not listed in export_tables_info and are "
          "not landed",
          plan.info.target, present - listed_count, source_.describe(prefix));
    }
  }

  // RDS's exports: the files are what the listing holds under <db>/<schema>.<table>/.
  void plan_listing_files(TablePlan& plan,
                          const std::map<std::string, store::ObjectInfo, std::less<>>& objects) {
    std::tie(plan.database, plan.folder) = folder_from_target(plan.info.target);
    std::string prefix = plan.database + "/" + plan.folder + "/";
    for (auto it = objects.lower_bound(prefix);
         it != objects.end() && it->first.starts_with(prefix); ++it) {
      if (!ends_with_parquet(it->first)) continue;  // _SUCCESS and other markers stay behind
      plan.files.push_back(
          {it->first, it->second.size, it->second.etag, std::nullopt, {}, 0, false});
    }
    // RDS writes no file for an empty table; a table with data but no files means its folder is
    // not where its target says (a naming rule we do not know): never land it as empty.
    if (plan.files.empty() && plan.info.size_gb > 0) {
      fail(ErrorKind::InvalidInput,
           "export_tables_info says table {} holds {} GB, but '{}' has no Parquet files",
           plan.info.target, plan.info.size_gb, source_.describe(prefix));
    }
  }

  static std::optional<std::pair<std::string, std::string>> split_table_key(std::string_view key) {
    auto first = key.find('/');
    if (first == std::string_view::npos) return std::nullopt;
    auto second = key.find('/', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    return std::pair{std::string(key.substr(0, first)),
                     std::string(key.substr(first + 1, second - first - 1))};
  }

  TableOutcome overall_outcome() const {
    bool any_landed = false, all_superseded = !tables_.empty();
    for (const TablePlan& table : tables_) {
      any_landed |= table.result.outcome == TableOutcome::Landed;
      all_superseded &= table.result.outcome == TableOutcome::Superseded;
    }
    if (any_landed) return TableOutcome::Landed;
    return all_superseded ? TableOutcome::Superseded : TableOutcome::AlreadyLanded;
  }

  void superseded(TablePlan& table, const SuccessMarker& by) {
    table.go = false;
    table.result.outcome = TableOutcome::Superseded;
    table.result.superseded_by = by.export_id;
    if (result_.superseded_by.empty() ||
        LandingOrder{by.snapshot_time, by.export_id} > newest_superseding_) {
      newest_superseding_ = {by.snapshot_time, by.export_id};
      result_.superseded_by = by.export_id;
    }
    log::info("table {}: superseded by export {} (snapshot {}) in '{}'", table.info.target,
              by.export_id, iso8601(by.snapshot_time), target_.describe(table.partition));
  }

  void already_landed(TablePlan& table, const SuccessMarker& marker) {
    table.go = false;
    table.result.outcome = TableOutcome::AlreadyLanded;
    table.result.files = marker.files.size();
    table.result.rows = marker.rows;
    table.result.bytes = marker.bytes;
    log::info("table {} already landed in '{}'", table.info.target,
              target_.describe(table.partition));
  }

  // Step 4 (and again in step 6): what to do with the table, given the marker found.
  void decide(TablePlan& table, std::optional<store::VersionedObject> seen) {
    table.marker_seen = std::move(seen);
    std::optional<SuccessMarker> marker =
        table.marker_seen ? parse_marker(table.marker_seen->bytes) : std::nullopt;
    if (marker && marker->export_id == result_.export_id) return already_landed(table, *marker);
    if (marker && order_of(*marker) > order_) return superseded(table, *marker);
    if (table.marker_seen && !marker) {
      log::warn("table {}: '{}' is not a snaplake marker; it is replaced", table.info.target,
                target_.describe(marker_key(table)));
    }
    table.go = true;
    table.result.outcome = TableOutcome::Landed;
  }

  // Step 5: every file of every table that goes on, staged in parallel.
  void stage_files() {
    std::vector<SourceFile*> work;
    uint64_t total_bytes = 0;
    for (TablePlan& table : tables_) {
      if (!table.go) continue;
      for (SourceFile& file : table.files) {
        work.push_back(&file);
        total_bytes += file.size;
      }
    }
    if (work.empty()) return;
    log::info("landing {} files ({} bytes) of export {} with {} jobs", work.size(), total_bytes,
              result_.export_id, options_.jobs);
    std::atomic<uint64_t> done_files{0}, done_bytes{0};
    auto last_progress = std::chrono::steady_clock::now();
    std::mutex progress_mutex;
    run_parallel(work.size(), options_.jobs, [&](size_t i) {
      throw_if_interrupted(options_, result_.export_id);
      stage_file(*work[i]);
      uint64_t files = ++done_files;
      uint64_t bytes = done_bytes += work[i]->size;
      if (options_.show_progress) {
        std::lock_guard lock(progress_mutex);
        auto now = std::chrono::steady_clock::now();
        if (now - last_progress > std::chrono::milliseconds(500) || files == work.size()) {
          last_progress = now;
          std::fprintf(stderr, "\rlanded %llu/%zu files, %.1f/%.1f MB ",
                       static_cast<unsigned long long>(files), work.size(), bytes / 1e6,
                       total_bytes / 1e6);
          if (files == work.size()) std::fprintf(stderr, "\n");
        }
      }
    });
  }

  void stage_file(SourceFile& file) {
    auto existing = target_.head(file.landed_key);
    bool present = existing && existing->size == file.size;
    if (present && etags_comparable(source_, target_, options_, file.etag, existing->etag)) {
      present = existing->etag == file.etag;
    }
    if (present) {
      // An earlier (interrupted) landing of this very export published it: the name carries the
      // export id, so the bytes are this export's; it is verified like the others.
      file.published = true;
      return;
    }
    file.staged = store::stage_copy(source_, file.key, target_, file.landed_key, write_options_);
  }

  // Publishes one staged file and verifies it (step 6).
  void publish_and_verify(SourceFile& file) {
    throw_if_interrupted(options_, result_.export_id);
    if (file.staged) {
      attempt_->check();
      file.staged->publish();
      file.staged.reset();
      file.published = true;
      file.copied = true;
    }
    verify_file(file);
  }

  void verify_file(SourceFile& file) {
    auto landed = target_.head(file.landed_key);
    if (!landed) {
      fail(ErrorKind::Io, "'{}' is missing right after it was landed",
           target_.describe(file.landed_key));
    }
    if (landed->size != file.size) {
      fail(ErrorKind::Io, "'{}' has {} bytes after landing, but its source '{}' has {}",
           target_.describe(file.landed_key), landed->size, source_.describe(file.key), file.size);
    }
    file.rows = parquet::read_row_count(
        landed->size,
        [&](uint64_t offset, uint64_t length) {
          return target_.read(file.landed_key, offset, length);
        },
        target_.describe(file.landed_key));
    if (file.expected_rows && *file.expected_rows != file.rows) {
      fail(ErrorKind::InvalidInput, "'{}' holds {} rows, but export_tables_info says {} for '{}'",
           target_.describe(file.landed_key), file.rows, *file.expected_rows, file.key);
    }
    log::debug("{} '{}' -> '{}' ({} bytes, {} rows)", file.copied ? "landed" : "already there",
               file.key, file.landed_key, file.size, file.rows);
  }

  // Removes what this attempt published for the table (it lost the partition to a newer
  // snapshot). Only keys that carry this export's id: nobody else's.
  void withdraw(TablePlan& table) {
    std::vector<std::string> keys;
    for (SourceFile& file : table.files) {
      file.staged.reset();  // discards what was not published
      if (file.published) keys.push_back(file.landed_key);
      file.published = false;
    }
    if (!keys.empty()) target_.remove(keys);
  }

  // The override, else the rule's date (landing_layout.h).
  ImportDate choose_import_date(const ExportInfo& info) const {
    if (!options_.import_date.empty()) return *parse_import_date(options_.import_date);
    if (options_.import_date_rule == ImportDateRule::SnapshotId) {
      // The snapshot's identifier: the one snaplake's export recorded from its event, else the end
      // of the source ARN (arn:aws:rds:…:snapshot:<id>, as RDS's exports have it).
      std::string_view id = info.source_snapshot_id;
      if (id.empty()) {
        std::string_view arn = info.source_arn;
        auto colon = arn.find(":snapshot:");
        if (colon == std::string_view::npos) colon = arn.find(":cluster-snapshot:");
        if (colon != std::string_view::npos) id = arn.substr(arn.find(':', colon + 1) + 1);
      }
      if (auto date = import_date_from_snapshot_id(id)) return *date;
      log::warn("export {}: snapshot '{}' carries no date; the import date is its time",
                info.export_id, id);
    }
    return import_date(info.snapshot_time);
  }

  // Registers every table whose partition holds this export's files in the Glue Data Catalog,
  // with the schema of its first landed file (the files of one table share it). After _SUCCESS:
  // a failure here fails the landing, which is run again, and registers again.
  void register_in_catalog(const ExportInfo& info) {
    if (options_.catalog.glue_database.empty()) return;
    auto session = options_.aws ? options_.aws : aws::AwsSession::from_environment();
    aws::GlueClient glue(session->client, session->endpoint("GLUE", "glue"));
    for (TablePlan& table : tables_) {
      if (table.result.outcome == TableOutcome::Superseded) continue;
      if (table.files.empty()) {
        log::info("table {}: no file to take its schema from; not registered in Glue",
                  table.info.target);
        continue;
      }
      const SourceFile& file = table.files.front();
      LandedPartition p;
      p.target = table.info.target;
      p.database = table.database;
      p.folder = table.folder;
      p.table_location =
          target_.describe(table_prefix(options_.service_area, table.database, table.folder));
      p.location = target_.describe(table.partition);
      p.date = date_;
      p.export_id = info.export_id;
      p.order = order_;
      for (const auto& original : table.info.original_types) {
        p.source_types.emplace_back(original.file_column(), original.type);
      }
      p.columns = parquet::read_footer(
                      file.size,
                      [&](uint64_t offset, uint64_t length) {
                        return target_.read(file.landed_key, offset, length);
                      },
                      target_.describe(file.landed_key))
                      .columns;
      table.result.glue_table = register_partition(glue, options_.catalog, p);
    }
  }

  // withdraw() on a failure path: its own failure is logged, the first one goes on. Not when the
  // marker names this export (a concurrent landing of it committed these very keys).
  void withdraw_quietly(TablePlan& table) noexcept {
    try {
      auto now = target_.read_versioned(marker_key(table));
      auto marker = now ? parse_marker(now->bytes) : std::nullopt;
      if (marker && marker->export_id == result_.export_id) return;
      withdraw(table);
    } catch (const std::exception& e) {
      log::warn(
          "table {}: cannot remove what this landing published ({}); the next landing of "
          "the partition removes it",
          table.info.target, e.what());
    }
  }

  SuccessMarker marker_of(const TablePlan& table, const ExportInfo& info) const {
    SuccessMarker marker;
    marker.export_id = info.export_id;
    marker.target = table.info.target;
    marker.snapshot_time = info.snapshot_time;
    marker.import_date = date_.yyyymmdd();
    marker.attempt_id = attempt_->lease().attempt_id;
    for (const SourceFile& file : table.files) {
      marker.rows += file.rows;
      marker.bytes += file.size;
      marker.files.push_back(
          {file.landed_key.substr(table.partition.size()), file.key, file.size, file.rows});
    }
    return marker;
  }

  // Step 6: the decision taken again, publication, verification and the conditional replacement
  // of _SUCCESS, in parallel across tables and files (a landing of many small tables must not
  // wait on one table at a time); step 7's removal of the replaced markers' files.
  void commit_tables(const ExportInfo& info) {
    throw_if_interrupted(options_, result_.export_id);
    std::vector<TablePlan*> going;
    for (TablePlan& table : tables_) {
      if (table.go) going.push_back(&table);
    }
    run_parallel(going.size(), options_.jobs, [&](size_t i) {
      TablePlan& table = *going[i];
      decide(table, target_.read_versioned(marker_key(table)));
      if (table.go) return;
      // Superseded meanwhile: nothing of this export may stay. Landed meanwhile by a concurrent
      // landing of this same export: its files are these very keys, so only the staged go.
      if (table.result.outcome == TableOutcome::Superseded) return withdraw(table);
      for (SourceFile& file : table.files) file.staged.reset();
    });
    std::erase_if(going, [](const TablePlan* table) { return !table->go; });
    std::vector<SourceFile*> files;
    for (TablePlan* table : going) {
      for (SourceFile& file : table->files) files.push_back(&file);
    }
    // Until a table's marker moves, what this attempt published for it is nobody's: a failure (a
    // file that fails verification, a lost lease, a store error) takes it back before going on.
    try {
      run_parallel(files.size(), options_.jobs, [&](size_t i) { publish_and_verify(*files[i]); });
      run_parallel(going.size(), options_.jobs, [&](size_t i) { commit_table(*going[i], info); });
    } catch (...) {
      for (TablePlan* table : going) {
        if (table->result.outcome == TableOutcome::Landed && !table->committed)
          withdraw_quietly(*table);
      }
      throw;
    }
  }

  // One table's conditional replacement of _SUCCESS, once its files are published and verified.
  void commit_table(TablePlan& table, const ExportInfo& info) {
    uint64_t rows = 0;
    for (const SourceFile& file : table.files) rows += file.rows;
    if (table.info.rows && *table.info.rows != rows) {
      fail(ErrorKind::InvalidInput,
           "table {}: its landed files hold {} rows, but export_tables_info says {}",
           table.info.target, rows, *table.info.rows);
    }
    SuccessMarker ours = marker_of(table, info);
    std::string body = render_marker(ours);
    for (;;) {
      attempt_->check();
      const auto& seen = table.marker_seen;
      auto version = target_.put_if(
          marker_key(table), body,
          seen ? store::Precondition::matches(seen->version) : store::Precondition::absent(),
          write_options_);
      if (version) break;
      // Someone committed in between: decide again on what is there now.
      decide(table, target_.read_versioned(marker_key(table)));
      if (table.result.outcome == TableOutcome::AlreadyLanded) return;  // same files: keep them
      if (table.result.outcome == TableOutcome::Superseded) return withdraw(table);
    }
    table.committed = true;
    table.result.files = ours.files.size();
    table.result.rows = ours.rows;
    table.result.bytes = ours.bytes;
    log::info("table {}: {} files, {} rows, {} bytes landed in '{}'", table.info.target,
              ours.files.size(), ours.rows, ours.bytes, target_.describe(table.partition));
    // The replaced marker's files are dead now: nobody may read them through a marker.
    if (auto replaced = table.marker_seen ? parse_marker(table.marker_seen->bytes) : std::nullopt) {
      std::vector<std::string> dead;
      for (const MarkedFile& f : replaced->files) dead.push_back(table.partition + f.key);
      if (!dead.empty()) {
        log::info("table {}: removing the {} files of export {} it replaced", table.info.target,
                  dead.size(), replaced->export_id);
        target_.remove(dead);
      }
    }
  }

  // Step 7: what killed attempts left in the partition folder. The folder is listed first, the
  // attempt records read after, the marker last (commit/attempts.h says why that order is safe).
  void sweep(const TablePlan& table) {
    std::optional<bool> others_live;
    auto others_writing_here = [&] {
      if (!others_live) {
        std::set<std::string> live =
            commit::partitions_of_live_attempts(target_, attempt_->lease().attempt_id);
        others_live = std::any_of(live.begin(), live.end(), [&](const std::string& p) {
          return table.partition.starts_with(p);
        });
      }
      return *others_live;
    };
    std::string marker = marker_key(table);
    std::vector<std::string> unknown;
    for (auto& object : target_.list(table.partition)) {
      if (object.key != marker) unknown.push_back(object.key);
    }
    size_t aborted = target_.remove_incomplete(
        table.partition, [&](std::string_view) { return others_writing_here(); });
    if (aborted > 0) {
      log::info("table {}: removed {} unfinished upload(s) of dead landings from '{}'",
                table.info.target, aborted, target_.describe(table.partition));
    }
    if (unknown.empty() || others_writing_here()) return;
    std::set<std::string> marked;
    if (auto now = target_.read_versioned(marker)) {
      if (auto m = parse_marker(now->bytes)) {
        for (const MarkedFile& f : m->files) marked.insert(table.partition + f.key);
      }
    }
    std::erase_if(unknown, [&](const std::string& key) { return marked.contains(key); });
    if (unknown.empty()) return;
    log::info("table {}: removing {} object(s) no marker lists (left by dead landings) from '{}'",
              table.info.target, unknown.size(), target_.describe(table.partition));
    target_.remove(unknown);
  }

  void write_manifest_and_notify(const ExportInfo& info, const NotifyTarget& notify) {
    LandingManifest manifest;
    manifest.export_id = info.export_id;
    manifest.source_arn = info.source_arn;
    manifest.snapshot_time = info.snapshot_time;
    manifest.import_date = date_.yyyymmdd();
    manifest.service_area = options_.service_area;
    manifest.source = log::redact(source_.describe());
    std::set<std::string> databases;
    for (const TablePlan& table : tables_) {
      manifest.tables.push_back({table.info.target, table.partition, table.result.files,
                                 table.result.rows, table.result.bytes,
                                 table.result.superseded_by});
      if (table.result.outcome != TableOutcome::Superseded) databases.insert(table.database);
    }
    for (const SkippedTable& s : result_.skipped) {
      manifest.skipped.push_back({s.target, s.status, s.warning});
    }
    manifest.rows = result_.rows;
    manifest.bytes = result_.bytes;
    std::string body = render_manifest(manifest);

    std::string key = manifest_key(info.export_id);
    result_.manifest = target_.describe(key);
    auto existing = target_.head(key);
    if (existing && existing->size == body.size() && target_.read(key) == body) {
      log::info("export {} was already landed: nothing changed", info.export_id);
      return;
    }
    if (notify.kind != NotifyKind::None && result_.outcome == TableOutcome::Landed) {
      LandingNotice notice;
      notice.export_id = info.export_id;
      notice.import_date = date_.yyyymmdd();
      notice.databases.assign(databases.begin(), databases.end());
      for (const TablePlan& table : tables_) {
        if (table.result.outcome != TableOutcome::Superseded)
          notice.tables.push_back(table.info.target);
      }
      notice.manifest = result_.manifest;
      send_notice(notify, notice,
                  options_.aws ? *options_.aws : *aws::AwsSession::from_environment());
      result_.notified = true;
    }
    target_.put(key, body, write_options_);
  }

  store::ObjectStore& source_;
  store::ObjectStore& target_;
  const LandOptions& options_;
  store::WriteOptions write_options_;
  ImportDate date_;
  LandingOrder order_;
  LandingOrder newest_superseding_;
  std::vector<TablePlan> tables_;
  LandResult result_;
  std::unique_ptr<commit::LiveAttempt> attempt_;
};

}  // namespace

std::string_view to_string(TableOutcome outcome) {
  switch (outcome) {
    case TableOutcome::Landed:
      return "landed";
    case TableOutcome::AlreadyLanded:
      return "already landed";
    case TableOutcome::Superseded:
      return "superseded";
  }
  return "unknown";
}

LandResult land(store::ObjectStore& export_store, store::ObjectStore& landing_store,
                const LandOptions& options) {
  if (!options.import_date.empty() && !parse_import_date(options.import_date)) {
    fail(ErrorKind::InvalidInput, "invalid import date '{}': expected YYYYMMDD, a calendar date",
         options.import_date);
  }
  if (options.jobs < 1) fail(ErrorKind::InvalidInput, "--jobs must be at least 1");
  if (options.service_area.empty()) fail(ErrorKind::InvalidInput, "the service area is empty");
  return Lander(export_store, landing_store, options).run();
}

LandResult land(const LandOptions& options) {
  if (options.export_location.empty())
    fail(ErrorKind::InvalidInput, "no export to land (--export)");
  if (options.to.empty()) fail(ErrorKind::InvalidInput, "no landing root (--to)");
  // One session for both stores and the notification, so that they sign alike.
  LandOptions with_session = options;
  if (!with_session.aws) with_session.aws = aws::AwsSession::from_environment();
  auto source = store::open_store(options.export_location, with_session.aws);
  auto target = store::open_store(options.to, with_session.aws);
  return land(*source, *target, with_session);
}

}  // namespace snaplake::landing
