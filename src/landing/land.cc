// The landing stage. One export is landed in these steps, in this order, so that every step can
// be interrupted and the whole run again from the start (docs/layouts.md, "Landing zone"):
//
//  1. Read export_info_<id>.json: only a COMPLETE export goes on (require_complete).
//  2. Read every export_tables_info_<id>_from_<a>_to_<b>.json and list the export's objects
//     (all pages): each COMPLETE table's Parquet files, found from tableStatistics.files where
//     the exporter wrote them (snaplake), else from the listing of <db>/<schema>.<table>/ (RDS).
//  3. Per table, look at <partition>/_SUCCESS: written by this export, the table is done and
//     nothing is touched; written by another export (a later snapshot of the same day), it is
//     removed first so that readers never take a mix of two exports for a complete table.
//  4. Copy every file of every table that is not done, in parallel, skipping objects already
//     there with the source's size (and ETag where comparable): an interrupted run's work is
//     kept, never duplicated (landed names are deterministic).
//  5. Verify each landed object: its size against the source and export_tables_info, its row
//     count from its own Parquet footer against export_tables_info; the table's row total too.
//  6. Remove objects in the partition folder that are not part of this export (left by an
//     earlier attempt or an earlier export), then write _SUCCESS last.
//  7. Send the notification, if configured, then write the landing manifest
//     _snaplake/landings/<export-id>.json (crawlers skip '_' folders). The manifest marks the
//     landing complete and notified; a re-run that finds it unchanged neither writes nor notifies.
#include "landing/land.h"

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "common/error.h"
#include "common/log.h"
#include "landing/export_metadata.h"
#include "landing/landing_layout.h"
#include "landing/notify.h"
#include "landing/parallel.h"
#include "landing/parquet_footer.h"
#include "store/object_store.h"

namespace snaplake::landing {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view kSuccess = "_SUCCESS";
constexpr std::string_view kBucketOwnerFullControl = "bucket-owner-full-control";

struct SourceFile {
  std::string key;    // in the export store
  uint64_t size = 0;  // from the listing
  std::string etag;
  std::optional<uint64_t> expected_rows;  // from export_tables_info, when it has them
  std::string landed_key;                 // in the landing store
  uint64_t rows = 0;                      // from the landed object's footer
  bool copied = false;
};

struct TablePlan {
  ExportedTable info;
  std::string database;  // folder names in the export layout
  std::string folder;    // <schema>.<table>
  std::string partition;
  std::vector<SourceFile> files;
  bool done = false;  // _SUCCESS of this export found
  LandedTable result;
};

bool ends_with_parquet(std::string_view key) {
  return key.ends_with(".parquet");
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string iso8601(std::chrono::sys_seconds t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{t - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
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
    require_complete(info);
    log::Scope scope("export", info.export_id);
    result_.export_id = info.export_id;
    date_ = import_date(info.snapshot_time);
    result_.import_date = date_.yyyymmdd();

    plan_tables(info);
    check_success_markers();
    copy_and_verify();
    for (TablePlan& table : tables_) finish_table(table, info);

    for (const TablePlan& table : tables_) {
      result_.tables.push_back(table.result);
      result_.rows += table.result.rows;
      result_.bytes += table.result.bytes;
    }
    write_manifest_and_notify(info, notify);
    result_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return std::move(result_);
  }

 private:
  ExportInfo read_export_info() {
    std::vector<store::ObjectInfo> candidates;
    for (auto& object : source_.list("export_info_")) {
      if (object.key.find('/') == std::string::npos && object.key.ends_with(".json")) {
        candidates.push_back(object);
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
    ExportInfo info = parse_export_info(source_.read(key), source_.describe(key));
    // The id is in the file name; RDS's file also has it as exportTaskIdentifier.
    std::string from_name = key.substr(12, key.size() - 12 - 5);
    if (info.export_id.empty()) info.export_id = from_name;
    return info;
  }

  void plan_tables(const ExportInfo& info) {
    std::vector<ExportedTable> exported;
    bool any_tables_info = false;
    for (auto& object : source_.list("export_tables_info_")) {
      if (object.key.find('/') != std::string::npos || !object.key.ends_with(".json")) continue;
      any_tables_info = true;
      auto part = parse_tables_info(source_.read(object.key), source_.describe(object.key));
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
        file.landed_key = plan.partition + landed_file_name(relative);
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

  void check_success_markers() {
    for (TablePlan& table : tables_) {
      std::string marker = table.partition + std::string(kSuccess);
      if (!target_.head(marker)) continue;
      std::optional<ordered_json> content;
      try {
        content = ordered_json::parse(target_.read(marker));
      } catch (const ordered_json::exception&) {
      }
      if (content && content->value("exportId", "") == result_.export_id) {
        table.done = true;
        table.result.already_landed = true;
        table.result.files = content->value("files", ordered_json::array()).size();
        table.result.rows = content->value("rows", uint64_t{0});
        table.result.bytes = content->value("bytes", uint64_t{0});
        log::info("table {} already landed in '{}'", table.info.target,
                  target_.describe(table.partition));
        continue;
      }
      // Another export's complete table in this folder: withdraw its marker before anything of
      // ours arrives, so that no reader mistakes the mix for a complete table.
      log::warn("table {}: replacing the landing of export {} in '{}'", table.info.target,
                content ? content->value("exportId", "?") : std::string("?"),
                target_.describe(table.partition));
      target_.remove(std::span(&marker, 1));
    }
  }

  void copy_and_verify() {
    std::vector<SourceFile*> work;
    uint64_t total_bytes = 0;
    for (TablePlan& table : tables_) {
      if (table.done) continue;
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
      land_file(*work[i]);
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
    for (SourceFile* file : work) {
      if (file->copied) {
        ++result_.files_copied;
        result_.bytes_copied += file->size;
      } else {
        ++result_.files_present;
      }
    }
  }

  void land_file(SourceFile& file) {
    auto existing = target_.head(file.landed_key);
    bool present = existing && existing->size == file.size;
    if (present && etags_comparable(source_, target_, options_, file.etag, existing->etag)) {
      present = existing->etag == file.etag;
    }
    if (!present) {
      store::copy_between(source_, file.key, target_, file.landed_key, write_options_);
      file.copied = true;
    }
    auto landed = target_.head(file.landed_key);
    if (!landed) {
      fail(ErrorKind::Io, "'{}' is missing right after it was landed",
           target_.describe(file.landed_key));
    }
    if (landed->size != file.size) {
      fail(ErrorKind::Io, "'{}' has {} bytes after landing, but its source '{}' has {}",
           target_.describe(file.landed_key), landed->size, source_.describe(file.key), file.size);
    }
    file.rows = read_parquet_row_count(target_, file.landed_key, landed->size);
    if (file.expected_rows && *file.expected_rows != file.rows) {
      fail(ErrorKind::InvalidInput, "'{}' holds {} rows, but export_tables_info says {} for '{}'",
           target_.describe(file.landed_key), file.rows, *file.expected_rows, file.key);
    }
    log::debug("{} '{}' -> '{}' ({} bytes, {} rows)", file.copied ? "landed" : "already there",
               file.key, file.landed_key, file.size, file.rows);
  }

  void finish_table(TablePlan& table, const ExportInfo& info) {
    if (table.done) return;
    uint64_t rows = 0, bytes = 0;
    for (const SourceFile& file : table.files) {
      rows += file.rows;
      bytes += file.size;
    }
    if (table.info.rows && *table.info.rows != rows) {
      fail(ErrorKind::InvalidInput,
           "table {}: its landed files hold {} rows, but export_tables_info says {}",
           table.info.target, rows, *table.info.rows);
    }
    // Whatever else is in the partition folder is not part of this export: remove it before the
    // marker says the folder is complete.
    std::set<std::string> ours;
    for (const SourceFile& file : table.files) ours.insert(file.landed_key);
    std::vector<std::string> stale;
    for (auto& object : target_.list(table.partition)) {
      if (!ours.contains(object.key)) stale.push_back(object.key);
    }
    if (!stale.empty()) {
      log::info("table {}: removing {} objects not part of export {} from '{}'", table.info.target,
                stale.size(), info.export_id, target_.describe(table.partition));
      target_.remove(stale);
    }

    ordered_json marker;
    marker["exportId"] = info.export_id;
    marker["target"] = table.info.target;
    marker["snapshotTime"] = iso8601(info.snapshot_time);
    marker["importDate"] = date_.yyyymmdd();
    marker["rows"] = rows;
    marker["bytes"] = bytes;
    marker["files"] = files_json(table);
    target_.put(table.partition + std::string(kSuccess), marker.dump(2) + "\n", write_options_);

    table.result.files = table.files.size();
    table.result.rows = rows;
    table.result.bytes = bytes;
    log::info("table {}: {} files, {} rows, {} bytes landed in '{}'", table.info.target,
              table.files.size(), rows, bytes, target_.describe(table.partition));
  }

  static ordered_json files_json(const TablePlan& table) {
    ordered_json files = ordered_json::array();
    for (const SourceFile& file : table.files) {
      ordered_json f;
      f["key"] = file.landed_key.substr(table.partition.size());
      f["source"] = file.key;
      f["bytes"] = file.size;
      f["rows"] = file.rows;
      files.push_back(std::move(f));
    }
    return files;
  }

  void write_manifest_and_notify(const ExportInfo& info, const NotifyTarget& notify) {
    ordered_json manifest;
    manifest["exportId"] = info.export_id;
    manifest["sourceArn"] = info.source_arn;
    manifest["snapshotTime"] = iso8601(info.snapshot_time);
    manifest["importDate"] = date_.yyyymmdd();
    manifest["serviceArea"] = options_.service_area;
    manifest["source"] = log::redact(source_.describe());
    ordered_json tables = ordered_json::array();
    std::set<std::string> databases;
    for (const TablePlan& table : tables_) {
      ordered_json t;
      t["target"] = table.info.target;
      t["partition"] = table.partition;
      t["files"] = table.result.files;
      t["rows"] = table.result.rows;
      t["bytes"] = table.result.bytes;
      tables.push_back(std::move(t));
      databases.insert(table.database);
    }
    manifest["tables"] = std::move(tables);
    ordered_json skipped = ordered_json::array();
    for (const SkippedTable& s : result_.skipped) {
      skipped.push_back(
          {{"target", s.target}, {"status", s.status}, {"warningMessage", s.warning}});
    }
    manifest["skippedTables"] = std::move(skipped);
    manifest["rows"] = result_.rows;
    manifest["bytes"] = result_.bytes;
    std::string body = manifest.dump(2) + "\n";

    std::string key = "_snaplake/landings/" + safe_segment(info.export_id) + ".json";
    result_.manifest = target_.describe(key);
    auto existing = target_.head(key);
    if (existing && existing->size == body.size() && target_.read(key) == body) {
      log::info("export {} was already landed: nothing changed", info.export_id);
      return;
    }
    if (notify.kind != NotifyKind::None) {
      LandingNotice notice;
      notice.export_id = info.export_id;
      notice.import_date = date_.yyyymmdd();
      notice.databases.assign(databases.begin(), databases.end());
      for (const TablePlan& table : tables_) notice.tables.push_back(table.info.target);
      notice.manifest = result_.manifest;
      send_notice(notify, notice);
      result_.notified = true;
    }
    target_.put(key, body, write_options_);
  }

  store::ObjectStore& source_;
  store::ObjectStore& target_;
  const LandOptions& options_;
  store::WriteOptions write_options_;
  ImportDate date_;
  std::vector<TablePlan> tables_;
  LandResult result_;
};

}  // namespace

LandResult land(store::ObjectStore& export_store, store::ObjectStore& landing_store,
                const LandOptions& options) {
  if (options.jobs < 1) fail(ErrorKind::InvalidInput, "--jobs must be at least 1");
  if (options.service_area.empty()) fail(ErrorKind::InvalidInput, "the service area is empty");
  return Lander(export_store, landing_store, options).run();
}

LandResult land(const LandOptions& options) {
  if (options.export_location.empty())
    fail(ErrorKind::InvalidInput, "no export to land (--export)");
  if (options.to.empty()) fail(ErrorKind::InvalidInput, "no landing root (--to)");
  auto source = store::open_store(options.export_location);
  auto target = store::open_store(options.to);
  return land(*source, *target, options);
}

}  // namespace snaplake::landing
