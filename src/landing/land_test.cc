// The landing stage end to end on in-memory stores: RDS-style and snaplake-style exports, status
// refusals, verification failures, idempotence and interrupted landings.
#include "landing/land.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/error.h"
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

// Forwards to a MemoryStore and records every write, so a test can say "nothing was written".
class RecordingStore final : public store::ObjectStore {
 public:
  std::unique_ptr<store::MemoryStore> inner = store::MemoryStore::create_isolated("landing");
  std::vector<std::string> created, removed;
  std::vector<store::WriteOptions> options;

  std::string describe(std::string_view key = {}) const override { return inner->describe(key); }
  std::unique_ptr<store::Upload> create(std::string_view key,
                                        const store::WriteOptions& o = {}) override {
    created.emplace_back(key);
    options.push_back(o);
    return inner->create(key, o);
  }
  std::optional<store::ObjectInfo> head(std::string_view key) override { return inner->head(key); }
  std::string read(std::string_view key, uint64_t offset = 0,
                   std::optional<uint64_t> length = std::nullopt) override {
    return inner->read(key, offset, length);
  }
  std::vector<store::ObjectInfo> list(std::string_view prefix) override {
    return inner->list(prefix);
  }
  void remove(std::span<const std::string> keys) override {
    removed.insert(removed.end(), keys.begin(), keys.end());
    inner->remove(keys);
  }
  size_t remove_incomplete(std::string_view prefix) override {
    return inner->remove_incomplete(prefix);
  }
  void copy(std::string_view s, std::string_view t, const store::WriteOptions& o = {}) override {
    created.emplace_back(t);
    options.push_back(o);
    inner->copy(s, t, o);
  }
  void forget() {
    created.clear();
    removed.clear();
    options.clear();
  }
  std::map<std::string, std::string> contents() {
    std::map<std::string, std::string> all;
    for (auto& o : inner->list("")) all[o.key] = inner->read(o.key);
    return all;
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
  std::vector<std::string> keys;
  for (auto& o : target.inner->list("")) keys.push_back(o.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"_snaplake/landings/exp-1.json", e + "_SUCCESS",
                                            p + "1-part-00000-u.gz.parquet",
                                            p + "2-part-00000-u.gz.parquet", p + "_SUCCESS"}));
  EXPECT_EQ(target.inner->read(p + "2-part-00000-u.gz.parquet"), rows_2500());

  auto marker = nlohmann::json::parse(target.inner->read(p + "_SUCCESS"));
  EXPECT_EQ(marker["exportId"], "exp-1");
  EXPECT_EQ(marker["rows"], 5000);
  EXPECT_EQ(marker["files"].size(), 2u);
  // _SUCCESS is written after the table's files.
  auto pos = [&](const std::string& k) {
    return std::find(target.created.begin(), target.created.end(), k) - target.created.begin();
  };
  EXPECT_GT(pos(p + "_SUCCESS"), pos(p + "1-part-00000-u.gz.parquet"));
  EXPECT_GT(pos(p + "_SUCCESS"), pos(p + "2-part-00000-u.gz.parquet"));
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
  for (auto& t : again.tables) EXPECT_TRUE(t.already_landed);
}

TEST(Land, InterruptedLandingCompletesWithoutDuplicates) {
  auto source = rds_export();
  RecordingStore target;
  std::string p(kPartition);
  // What a killed run can leave: one file landed, no _SUCCESS, no manifest; plus a stray file.
  target.inner->put(p + "1-part-00000-u.gz.parquet", rows_2500());
  target.inner->put(p + "part-99999-stale.gz.parquet", "junk");
  LandResult result = land(*source, target, options());
  EXPECT_EQ(result.files_present, 1u);
  EXPECT_EQ(result.files_copied, 1u);
  std::vector<std::string> keys;
  for (auto& o : target.inner->list(p)) keys.push_back(o.key);
  EXPECT_EQ(keys, (std::vector<std::string>{p + "1-part-00000-u.gz.parquet",
                                            p + "2-part-00000-u.gz.parquet", p + "_SUCCESS"}));
}

TEST(Land, APartialObjectOfTheWrongSizeIsCopiedAgain) {
  auto source = rds_export();
  RecordingStore target;
  std::string p(kPartition);
  target.inner->put(p + "1-part-00000-u.gz.parquet", rows_2500().substr(0, 100));
  LandResult result = land(*source, target, options());
  EXPECT_EQ(result.files_copied, 2u);
  EXPECT_EQ(target.inner->read(p + "1-part-00000-u.gz.parquet"), rows_2500());
}

TEST(Land, AnotherExportsLandingOfTheSameDayIsReplaced) {
  auto source = rds_export();
  RecordingStore target;
  std::string p(kPartition);
  target.inner->put(p + "old-part.parquet", rows_2500());
  target.inner->put(p + "_SUCCESS", R"({"exportId": "exp-0", "rows": 2500})");
  land(*source, target, options());
  EXPECT_FALSE(target.inner->head(p + "old-part.parquet"));
  EXPECT_EQ(nlohmann::json::parse(target.inner->read(p + "_SUCCESS"))["exportId"], "exp-1");
  // The old marker went first, before any file of the new export arrived.
  ASSERT_FALSE(target.removed.empty());
  EXPECT_EQ(target.removed.front(), p + "_SUCCESS");
}

TEST(Land, RefusesAnExportInProgressOrFailed) {
  RecordingStore target;
  std::string message;
  auto running = rds_export("IN_PROGRESS");
  EXPECT_EQ(kind_of([&] { land(*running, target, options()); }, &message), ErrorKind::Conflict);
  EXPECT_EQ(message, "export exp-1 is not complete yet (IN_PROGRESS)");
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
    EXPECT_EQ(target.inner->list(std::string(kPartition)).size(), 2u);  // one file + _SUCCESS
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
