// The landing stage end to end on in-memory stores: RDS-style and snaplake-style exports, status
// refusals, verification failures, idempotence and interrupted landings.
#include "landing/land.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "commit/attempts.h"
#include "common/error.h"
#include "landing/success_marker.h"
#include "rds_export/documents.h"
#include "store/forwarding_store_test_util.h"
#include "store/memory_store.h"

namespace snaplake::landing {
namespace {

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(SNAPLAKE_LANDING_FIXTURES) + "/footer/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string& rows_2500() {
  static const std::string bytes = read_fixture("ids_2500_rows_2_groups.gz.parquet");
  return bytes;
}

// Forwards to a MemoryStore and records every write of the landing's own objects (not the
// attempt records under _snaplake/attempts/), so a test can say "nothing was written".
class RecordingStore final : public store::testing::ForwardingStore {
 public:
  store::ObjectStore* inner = &ForwardingStore::inner();
  std::vector<std::string> created, removed;
  std::vector<store::WriteOptions> options;

  std::unique_ptr<store::Upload> create(std::string_view key,
                                        const store::WriteOptions& o = {}) override {
    record(key, o);
    return ForwardingStore::create(key, o);
  }
  std::optional<std::string> put_if(std::string_view key, std::string_view bytes,
                                    const store::Precondition& condition,
                                    const store::WriteOptions& o = {}) override {
    record(key, o);
    return ForwardingStore::put_if(key, bytes, condition, o);
  }
  void remove(std::span<const std::string> keys) override {
    std::lock_guard lock(mutex_);
    for (const auto& key : keys) {
      if (!key.starts_with(commit::kAttemptsPrefix)) removed.push_back(key);
    }
    ForwardingStore::remove(keys);
  }
  void copy(std::string_view s, std::string_view t, const store::WriteOptions& o = {}) override {
    record(t, o);
    ForwardingStore::copy(s, t, o);
  }
  void forget() {
    created.clear();
    removed.clear();
    options.clear();
  }
  // Every object but the attempt records.
  std::map<std::string, std::string> contents() {
    std::map<std::string, std::string> all;
    for (auto& o : inner->list("")) {
      if (!o.key.starts_with(commit::kAttemptsPrefix)) all[o.key] = inner->read(o.key);
    }
    return all;
  }
  std::vector<std::string> keys(std::string_view prefix = "") {
    std::vector<std::string> out;
    for (auto& o : inner->list(prefix)) {
      if (!o.key.starts_with(commit::kAttemptsPrefix)) out.push_back(o.key);
    }
    return out;
  }

 private:
  std::mutex mutex_;  // the landing writes from several threads
  void record(std::string_view key, const store::WriteOptions& o) {
    if (key.starts_with(commit::kAttemptsPrefix)) return;
    std::lock_guard lock(mutex_);
    created.emplace_back(key);
    options.push_back(o);
  }
};

std::string export_info(std::string_view status, std::string_view extra = "") {
  return fmt::format(R"({{"exportTaskIdentifier": "exp-1", "status": "{}",
    "snapshotTime": "2026-11-24T23:59:59.500Z", "percentProgress": 40{}}})",
                     status, extra);
}

// An RDS-written export: two batches whose files have the same name, an empty table (no files),
// RDS's _SUCCESS in a batch folder, and a table RDS skipped.
std::unique_ptr<store::MemoryStore> rds_export(std::string_view status = "COMPLETE",
                                               std::string_view extra = "") {
  auto s = store::MemoryStore::create_isolated("export");
  s->put("export_info_exp-1.json", export_info(status, extra));
  s->put("export_tables_info_exp-1_from_1_to_2.json", R"({"perTableStatus": [
    {"target": "db.public.people", "status": "COMPLETE", "sizeGB": 0.0001,
     "tableStatistics": {"extractionJobId": "j1", "partitioningInfo": {"numberOfPartitions": 2}}},
    {"target": "db.public.empty", "status": "COMPLETE", "sizeGB": 0}]})");
  s->put("export_tables_info_exp-1_from_3_to_3.json", R"({"perTableStatus": [
    {"target": "db.odd.na me", "status": "FAILED", "warningMessage": "skipped"}]})");
  s->put("db/public.people/1/part-00000-u.gz.parquet", rows_2500());
  s->put("db/public.people/1/_SUCCESS", "");
  s->put("db/public.people/2/part-00000-u.gz.parquet", rows_2500());
  return s;
}

constexpr std::string_view kPartition =
    "unrestricted/db/public.people/import_year=2026/import_month=11/import_day=24/"
    "import_date=20261124/";

LandOptions options() {
  LandOptions o;
  o.export_location = "memory://export";
  o.to = "memory://landing";
  o.kms_key_id = "alias/raw-zone";
  o.jobs = 3;
  return o;
}

ErrorKind kind_of(auto&& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.kind();
  }
  return ErrorKind::Internal;
}

TEST(Land, LandsAnRdsExportInThePartitionLayout) {
  auto source = rds_export();
  RecordingStore target;
  LandResult result = land(*source, target, options());

  std::string p(kPartition);
  std::string e =
      "unrestricted/db/public.empty/import_year=2026/import_month=11/import_day=24/"
      "import_date=20261124/";
  EXPECT_EQ(target.keys(),
            (std::vector<std::string>{"_snaplake/landings/exp-1.json", e + "_SUCCESS",
                                      p + "_SUCCESS", p + "exp-1-1-part-00000-u.gz.parquet",
                                      p + "exp-1-2-part-00000-u.gz.parquet"}));
  EXPECT_EQ(target.inner->read(p + "exp-1-2-part-00000-u.gz.parquet"), rows_2500());
  // Nothing of the attempt is left behind.
  EXPECT_TRUE(target.inner->list(std::string(commit::kAttemptsPrefix)).empty());

  auto marker = nlohmann::json::parse(target.inner->read(p + "_SUCCESS"));
  EXPECT_EQ(marker["exportId"], "exp-1");
  EXPECT_EQ(marker["rows"], 5000);
  EXPECT_EQ(marker["files"].size(), 2u);
  // _SUCCESS is written after the table's files.
  auto pos = [&](const std::string& k) {
    return std::find(target.created.begin(), target.created.end(), k) - target.created.begin();
  };
  EXPECT_GT(pos(p + "_SUCCESS"), pos(p + "exp-1-1-part-00000-u.gz.parquet"));
  EXPECT_GT(pos(p + "_SUCCESS"), pos(p + "exp-1-2-part-00000-u.gz.parquet"));
  EXPECT_EQ(target.created.back(), "_snaplake/landings/exp-1.json");

  // Every landed object carries the KMS key and the bucket-owner ACL.
  for (auto& o : target.options) {
    EXPECT_EQ(o.kms_key_id, "alias/raw-zone");
    EXPECT_EQ(o.acl, "bucket-owner-full-control");
  }

  EXPECT_EQ(result.export_id, "exp-1");
  EXPECT_EQ(result.import_date, "20261124");
  EXPECT_EQ(result.rows, 5000u);
  EXPECT_EQ(result.files_copied, 2u);
  EXPECT_EQ(result.outcome, TableOutcome::Landed);
  ASSERT_EQ(result.tables.size(), 2u);
  ASSERT_EQ(result.skipped.size(), 1u);
  EXPECT_EQ(result.skipped[0].target, "db.odd.na me");

  auto manifest = nlohmann::json::parse(target.inner->read("_snaplake/landings/exp-1.json"));
  EXPECT_EQ(manifest["rows"], 5000);
  EXPECT_EQ(manifest["tables"].size(), 2u);
  EXPECT_EQ(manifest["skippedTables"][0]["target"], "db.odd.na me");
}

TEST(Land, LandingAgainWritesNothing) {
  auto source = rds_export();
  RecordingStore target;
  land(*source, target, options());
  auto before = target.contents();
  target.forget();
  LandResult again = land(*source, target, options());
  EXPECT_TRUE(target.created.empty());
  EXPECT_TRUE(target.removed.empty());
  EXPECT_EQ(target.contents(), before);
  EXPECT_EQ(again.files_copied, 0u);
  EXPECT_EQ(again.rows, 5000u);
  for (auto& t : again.tables) EXPECT_EQ(t.outcome, TableOutcome::AlreadyLanded);
  EXPECT_EQ(again.outcome, TableOutcome::AlreadyLanded);
}

TEST(Land, InterruptedLandingCompletesWithoutDuplicates) {
  auto source = rds_export();
  RecordingStore target;
  std::string p(kPartition);
  // What a killed run can leave: one file landed, no _SUCCESS, no manifest; plus a stray file.
  target.inner->put(p + "exp-1-1-part-00000-u.gz.parquet", rows_2500());
  target.inner->put(p + "part-99999-stale.gz.parquet", "junk");
  LandResult result = land(*source, target, options());
  EXPECT_EQ(result.files_present, 1u);
  EXPECT_EQ(result.files_copied, 1u);
  EXPECT_EQ(target.keys(p),
            (std::vector<std::string>{p + "_SUCCESS", p + "exp-1-1-part-00000-u.gz.parquet",
                                      p + "exp-1-2-part-00000-u.gz.parquet"}));
}

TEST(Land, APartialObjectOfTheWrongSizeIsCopiedAgain) {
  auto source = rds_export();
  RecordingStore target;
  std::string p(kPartition);
  target.inner->put(p + "exp-1-1-part-00000-u.gz.parquet", rows_2500().substr(0, 100));
  LandResult result = land(*source, target, options());
  EXPECT_EQ(result.files_copied, 2u);
  EXPECT_EQ(target.inner->read(p + "exp-1-1-part-00000-u.gz.parquet"), rows_2500());
}

// A marker as an earlier landing of another export leaves it.
std::string marker_of(std::string export_id, std::string snapshot_time,
                      std::vector<std::string> files) {
  SuccessMarker m;
  m.export_id = std::move(export_id);
  m.snapshot_time = *rds_export::parse_timestamp(snapshot_time);
  for (auto& f : files) m.files.push_back({f, "", 0, 0});
  return render_marker(m);
}

TEST(Land, AnOlderSnapshotsLandingOfTheSameDayIsReplaced) {
  auto source = rds_export();  // snapshot 2026-11-24T23:59:59.500Z
  RecordingStore target;
  std::string p(kPartition);
  target.inner->put(p + "old-part.parquet", rows_2500());
  target.inner->put(p + "_SUCCESS",
                    marker_of("exp-0", "2026-11-24T08:00:00Z", {"old-part.parquet"}));
  LandResult result = land(*source, target, options());
  EXPECT_EQ(result.outcome, TableOutcome::Landed);
  EXPECT_FALSE(target.inner->head(p + "old-part.parquet"));
  EXPECT_EQ(nlohmann::json::parse(target.inner->read(p + "_SUCCESS"))["exportId"], "exp-1");
  // The new files were visible before the marker moved to them, and the old file went only
  // after: a reader honouring the marker always found every file it listed.
  auto pos = [&](const std::vector<std::string>& v, const std::string& k) {
    return std::find(v.begin(), v.end(), k) - v.begin();
  };
  EXPECT_LT(pos(target.created, p + "exp-1-1-part-00000-u.gz.parquet"),
            pos(target.created, p + "_SUCCESS"));
  EXPECT_EQ(target.removed, std::vector<std::string>{p + "old-part.parquet"});
}

TEST(Land, ANewerSnapshotsLandingIsNeverReplaced) {
  auto source = rds_export();
  RecordingStore target;
  std::string p(kPartition);
  target.inner->put(p + "new-part.parquet", rows_2500());
  target.inner->put(p + "_SUCCESS",
                    marker_of("exp-9", "2026-11-24T23:59:59.501Z", {"new-part.parquet"}));
  auto before = target.contents();
  LandResult result = land(*source, target, options());
  // Its other table (db.public.empty) had no newer landing: it landed, so the landing did too.
  EXPECT_EQ(result.outcome, TableOutcome::Landed);
  EXPECT_EQ(result.superseded_by, "exp-9");
  EXPECT_EQ(result.tables[0].target, "db.public.people");
  EXPECT_EQ(result.tables[0].outcome, TableOutcome::Superseded);
  EXPECT_EQ(result.tables[0].superseded_by, "exp-9");
  // The partition is byte-identical; only the other table and the manifest were written.
  auto after = target.contents();
  for (auto& [key, bytes] : before) EXPECT_EQ(after[key], bytes) << key;
  for (auto& key : target.created) EXPECT_FALSE(key.starts_with(p)) << key;
  EXPECT_TRUE(target.removed.empty());
  auto manifest = nlohmann::json::parse(target.inner->read("_snaplake/landings/exp-1.json"));
  EXPECT_EQ(manifest["supersededTables"][0]["supersededBy"], "exp-9");
}

TEST(Land, ALiveAttemptsFilesAreNeverSwept) {
  auto source = rds_export();
  RecordingStore target;
  std::string p(kPartition);
  // Another landing, live on another host, has published a file here and not yet committed.
  commit::Lease other = commit::Lease::begin("land", std::chrono::seconds(60));
  other.holder.host = "another-worker";
  target.inner->put(std::string(commit::kAttemptsPrefix) + other.attempt_id + ".json",
                    nlohmann::json{{"lease", other.to_json()}, {"partitions", {p}}}.dump());
  target.inner->put(p + "exp-0-in-flight.parquet", rows_2500());
  land(*source, target, options());
  EXPECT_TRUE(target.inner->head(p + "exp-0-in-flight.parquet"));
  // Once that attempt is gone (its lease ran out), the next landing sweeps its leftover.
  other.renew(wall_now() - std::chrono::hours(1));
  target.inner->put(std::string(commit::kAttemptsPrefix) + other.attempt_id + ".json",
                    nlohmann::json{{"lease", other.to_json()}, {"partitions", {p}}}.dump());
  land(*source, target, options());
  EXPECT_FALSE(target.inner->head(p + "exp-0-in-flight.parquet"));
  EXPECT_TRUE(target.inner->list(std::string(commit::kAttemptsPrefix)).empty());
}

TEST(Land, ConcurrentLandingsOfOnePartitionLeaveTheNewest) {
  // Six exports of one table on one day, landed at once from six threads, ten times over: the
  // partition ends with the newest one's files and nothing else, whatever the interleaving.
  for (int trial = 0; trial < 10; ++trial) {
    SCOPED_TRACE(trial);
    std::vector<std::unique_ptr<store::MemoryStore>> sources;
    for (int e = 0; e < 6; ++e) {
      auto s = store::MemoryStore::create_isolated("export");
      std::string id = fmt::format("exp-{}", e);
      s->put("export_info_" + id + ".json",
             fmt::format(R"({{"exportTaskIdentifier": "{}", "status": "COMPLETE",
               "snapshotTime": "2026-11-24T10:00:0{}Z"}})",
                         id, e));
      s->put("export_tables_info_" + id + "_from_1_to_1.json", R"({"perTableStatus": [
        {"target": "db.public.people", "status": "COMPLETE", "sizeGB": 0.0001}]})");
      s->put("db/public.people/1/part-00000-u.gz.parquet", rows_2500());
      sources.push_back(std::move(s));
    }
    RecordingStore target;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    std::vector<TableOutcome> outcomes(6);
    for (int e = 0; e < 6; ++e) {
      threads.emplace_back([&, e] {
        try {
          outcomes[e] = land(*sources[e], target, options()).outcome;
        } catch (const std::exception& ex) {
          ++failures;
          ADD_FAILURE() << ex.what();
        }
      });
    }
    for (auto& t : threads) t.join();
    std::string p =
        "unrestricted/db/public.people/import_year=2026/import_month=11/import_day=24/"
        "import_date=20261124/";
    EXPECT_EQ(failures, 0);
    EXPECT_EQ(target.keys(p),
              (std::vector<std::string>{p + "_SUCCESS", p + "exp-5-1-part-00000-u.gz.parquet"}));
    EXPECT_EQ(nlohmann::json::parse(target.inner->read(p + "_SUCCESS"))["exportId"], "exp-5");
    EXPECT_EQ(outcomes[5], TableOutcome::Landed);  // the newest always lands
    // Then a late, older landing changes nothing and says why.
    auto before = target.contents();
    LandResult late = land(*sources[2], target, options());
    EXPECT_EQ(late.outcome, TableOutcome::Superseded);
    EXPECT_EQ(late.superseded_by, "exp-5");
    auto after = target.contents();
    after.erase("_snaplake/landings/exp-2.json");
    before.erase("_snaplake/landings/exp-2.json");
    EXPECT_EQ(after, before);
  }
}

TEST(Land, RefusesAnExportInProgressOrFailed) {
  RecordingStore target;
  std::string message;
  auto running = rds_export("IN_PROGRESS");
  EXPECT_EQ(kind_of([&] { land(*running, target, options()); }, &message), ErrorKind::Conflict);
  EXPECT_EQ(message, "export exp-1 is not complete yet (IN_PROGRESS)");
  // A snaplake export whose writer is gone is abandoned, not "not complete yet" for ever.
  commit::Lease gone = commit::Lease::begin("export", std::chrono::seconds(60));
  gone.holder.host = "crashed-worker";
  gone.renew(wall_now() - std::chrono::minutes(5));
  auto abandoned = rds_export(
      "IN_PROGRESS", fmt::format(R"(, "snaplake": {{"attempt": {}}})", gone.to_json().dump()));
  EXPECT_EQ(kind_of([&] { land(*abandoned, target, options()); }, &message), ErrorKind::Source);
  EXPECT_NE(message.find("export exp-1 was abandoned while IN_PROGRESS"), std::string::npos)
      << message;
  EXPECT_NE(message.find("crashed-worker"), std::string::npos) << message;
  commit::Lease live = commit::Lease::begin("export", std::chrono::seconds(60));
  live.holder.host = "busy-worker";
  auto being_written = rds_export(
      "IN_PROGRESS", fmt::format(R"(, "snaplake": {{"attempt": {}}})", live.to_json().dump()));
  EXPECT_EQ(kind_of([&] { land(*being_written, target, options()); }, &message),
            ErrorKind::Conflict);
  EXPECT_NE(message.find("being written by pid"), std::string::npos) << message;
  auto starting = rds_export("STARTING");
  EXPECT_EQ(kind_of([&] { land(*starting, target, options()); }), ErrorKind::Conflict);
  auto failed =
      rds_export("FAILED", R"(, "failureCause": "The IAM role has no access to the KMS key")");
  EXPECT_EQ(kind_of([&] { land(*failed, target, options()); }, &message), ErrorKind::Source);
  EXPECT_EQ(message, "export exp-1 is FAILED: The IAM role has no access to the KMS key");
  auto canceled = rds_export("CANCELED");
  EXPECT_EQ(kind_of([&] { land(*canceled, target, options()); }), ErrorKind::Source);
  EXPECT_TRUE(target.created.empty());
}

TEST(Land, ATableWithDataButNoFilesIsNotLandedAsEmpty) {
  auto source = rds_export();
  source->put("export_tables_info_exp-1_from_4_to_4.json", R"({"perTableStatus": [
    {"target": "db.public.moved", "status": "COMPLETE", "sizeGB": 0.5}]})");
  RecordingStore target;
  std::string message;
  EXPECT_EQ(kind_of([&] { land(*source, target, options()); }, &message), ErrorKind::InvalidInput);
  EXPECT_NE(message.find("db.public.moved"), std::string::npos) << message;
  EXPECT_TRUE(target.created.empty());
}

TEST(Land, MissingExportInfoIsNotFound) {
  auto source = store::MemoryStore::create_isolated("empty");
  RecordingStore target;
  EXPECT_EQ(kind_of([&] { land(*source, target, options()); }), ErrorKind::NotFound);
}

// snaplake's exports list files with sizes and rows: a mismatch stops the table before _SUCCESS.
std::unique_ptr<store::MemoryStore> snaplake_export(uint64_t table_rows, uint64_t file_bytes) {
  auto s = store::MemoryStore::create_isolated("export");
  s->put("export_info_exp-1.json", export_info("COMPLETE"));
  s->put("export_tables_info_exp-1_from_1_to_1.json",
         fmt::format(R"({{"perTableStatus": [{{"target": "db.public.people", "status": "COMPLETE",
    "tableStatistics": {{"rowCount": {}, "files": [
      {{"key": "exports/exp-1/db/public.people/1/part-00000-u.snappy.parquet", "bytes": {},
        "rows": 2500}}]}}}}]}})",
                     table_rows, file_bytes));
  s->put("db/public.people/1/part-00000-u.snappy.parquet", rows_2500());
  // Left over by a failed attempt and not listed: not landed.
  s->put("db/public.people/1/part-00001-old.snappy.parquet", rows_2500());
  return s;
}

TEST(Land, VerifiesAgainstSnaplakeStatistics) {
  {
    auto source = snaplake_export(2500, rows_2500().size());
    RecordingStore target;
    LandResult result = land(*source, target, options());
    EXPECT_EQ(result.rows, 2500u);
    EXPECT_EQ(target.keys(kPartition).size(), 2u);  // one file + _SUCCESS
  }
  {
    auto source = snaplake_export(2501, rows_2500().size());
    RecordingStore target;
    std::string message;
    EXPECT_EQ(kind_of([&] { land(*source, target, options()); }, &message),
              ErrorKind::InvalidInput);
    EXPECT_NE(message.find("2500 rows"), std::string::npos) << message;
    EXPECT_FALSE(target.inner->head(std::string(kPartition) + "_SUCCESS"));
  }
  {
    auto source = snaplake_export(2500, 17);
    RecordingStore target;
    EXPECT_EQ(kind_of([&] { land(*source, target, options()); }), ErrorKind::InvalidInput);
    EXPECT_TRUE(target.created.empty());
  }
}

TEST(Land, AFileThatIsNotParquetStopsTheTable) {
  auto source = rds_export();
  source->put("db/public.people/2/part-00000-u.gz.parquet", std::string(5000, 'x'));
  RecordingStore target;
  EXPECT_EQ(kind_of([&] { land(*source, target, options()); }), ErrorKind::InvalidInput);
  EXPECT_FALSE(target.inner->head(std::string(kPartition) + "_SUCCESS"));
  EXPECT_FALSE(target.inner->head("_snaplake/landings/exp-1.json"));
}

TEST(Land, ABadNotificationTargetIsRefusedBeforeCopying) {
  auto source = rds_export();
  RecordingStore target;
  LandOptions o = options();
  for (std::string bad :
       {"mail:someone", "sqs:", "sns:topic-without-arn", "sqs:queue-name", "glue:a/b"}) {
    o.notify = bad;
    EXPECT_EQ(kind_of([&] { land(*source, target, o); }), ErrorKind::InvalidInput) << bad;
  }
  EXPECT_TRUE(target.created.empty());
}

}  // namespace
}  // namespace snaplake::landing
