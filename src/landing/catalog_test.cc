// Glue catalog registration against moto's Glue: the table created with the files' columns and the
// partition keys, the partition added, the same landing registered twice changing nothing, an
// added column growing the table, a changed type taken by the table while the older partition
// keeps its own columns.
#include "landing/catalog.h"

#include <gtest/gtest.h>

#include <random>

#include "aws/credentials.h"
#include "aws/glue_client.h"
#include "common/error.h"

namespace snaplake::landing {
namespace {

TEST(Catalog, NamesAsTheCrawlerNamesThem) {
  EXPECT_EQ(glue_name("public.People"), "public_people");
  EXPECT_EQ(glue_name("Liberator.Parking Permits-2024"), "liberator_parking_permits_2024");
  EXPECT_EQ(glue_name("schéma.t"), "sch__ma_t");  // non-ASCII bytes are each replaced
  EXPECT_EQ(glue_table_name("{folder}", "care", "public", "people", "public.people"),
            "public_people");
  EXPECT_EQ(glue_table_name("{database}_{table}", "liberator", "liberator", "permits",
                            "liberator.permits"),
            "liberator_permits");
  EXPECT_EQ(glue_table_name("raw_{schema}__{table}", "d", "S", "T", "S.T"), "raw_s__t");
  EXPECT_THROW(glue_table_name("{nope}", "d", "s", "t", "s.t"), Error);
  EXPECT_THROW(glue_table_name("{folder", "d", "s", "t", "s.t"), Error);
}

class CatalogOnMoto : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* endpoint = std::getenv("SNAPLAKE_TEST_S3_ENDPOINT");
    if (!endpoint) GTEST_SKIP() << "SNAPLAKE_TEST_S3_ENDPOINT is not set (no moto_server)";
    auto client = std::make_shared<aws::AwsClient>(
        aws::HttpClient::create(), aws::static_credentials({"test", "test", "", {}}), "eu-west-2");
    glue_ = std::make_unique<aws::GlueClient>(client, endpoint);
    std::random_device device;
    database_ = fmt::format("catalog_test_{:08x}", static_cast<uint32_t>(device()));
    client->json_call("glue", endpoint, "AWSGlue.CreateDatabase",
                      fmt::format(R"({{"DatabaseInput": {{"Name": "{}"}}}})", database_),
                      "create a Glue database", "1.1");
  }

  static parquet::SchemaNode column(std::string name, int physical, int logical = 0) {
    parquet::SchemaNode n;
    n.name = std::move(name);
    n.physical = physical;
    n.logical = logical;
    n.converted = logical == 1 ? 0 : -1;
    return n;
  }

  LandedPartition partition(std::string date, std::vector<parquet::SchemaNode> columns) {
    LandedPartition p;
    p.target = "care.public.people";
    p.database = "care";
    p.folder = "public.people";
    p.table_location = "s3://raw/unrestricted/care/public.people/";
    p.date = {std::stoi(date.substr(0, 4)), static_cast<unsigned>(std::stoi(date.substr(4, 2))),
              static_cast<unsigned>(std::stoi(date.substr(6, 2)))};
    p.location = p.table_location + "import_year=" + date.substr(0, 4) +
                 "/import_month=" + date.substr(4, 2) + "/import_day=" + date.substr(6, 2) +
                 "/import_date=" + date + "/";
    p.columns = std::move(columns);
    p.export_id = "care-" + date;
    // Snapshots in date order: the 20261201 one is newer than the 20261130 one.
    p.order = {SnapshotTime(std::chrono::milliseconds(std::stoll(date) * 1000)), p.export_id};
    return p;
  }

  std::unique_ptr<aws::GlueClient> glue_;
  std::string database_;
};

TEST_F(CatalogOnMoto, CreatesTheTableAndAddsPartitionsIdempotently) {
  CatalogOptions options{database_, "{folder}"};
  auto day1 = partition("20261130", {column("id", 2), column("Name", 6, 1)});
  register_partition(*glue_, options, day1);
  register_partition(*glue_, options, day1);  // again: nothing changes, no error
  auto table = glue_->get_table(database_, "public_people");
  ASSERT_TRUE(table);
  EXPECT_EQ(table->storage.columns,
            (std::vector<aws::GlueColumn>{{"id", "bigint", ""}, {"name", "string", ""}}));
  EXPECT_EQ(table->storage.location, "s3://raw/unrestricted/care/public.people/");
  ASSERT_EQ(table->partition_keys.size(), 4u);
  EXPECT_EQ(table->partition_keys[3], (aws::GlueColumn{"import_date", "string", ""}));

  // A later landing with an added column and a changed type.
  auto day2 = partition("20261201", {column("id", 5), column("Name", 6, 1), column("born", 1, 6)});
  register_partition(*glue_, options, day2);
  table = glue_->get_table(database_, "public_people");
  EXPECT_EQ(table->storage.columns,
            (std::vector<aws::GlueColumn>{
                {"id", "double", ""}, {"name", "string", ""}, {"born", "date", ""}}));
  // Each partition still says what its own files hold (checked on moto by the node test that
  // reads get-partitions). The older snapshot registered again, after the newer one, leaves the
  // table as the newer one made it: the table follows the newest snapshot, not the last call.
  register_partition(*glue_, options, day1);
  table = glue_->get_table(database_, "public_people");
  EXPECT_EQ(table->storage.columns,
            (std::vector<aws::GlueColumn>{
                {"id", "double", ""}, {"name", "string", ""}, {"born", "date", ""}}));
  EXPECT_EQ(table->parameter("snaplake.columns_from"), day2.order.key());
}

// A backdated landing (an older snapshot registered after a newer one) adds a column the table
// lacks, but does not take the table's types back to its own.
TEST_F(CatalogOnMoto, AnOlderSnapshotOnlyAppendsColumns) {
  CatalogOptions options{database_, "{folder}"};
  register_partition(*glue_, options, partition("20261201", {column("id", 5)}));
  register_partition(*glue_, options,
                     partition("20261120", {column("id", 2), column("legacy_code", 6, 1)}));
  auto table = glue_->get_table(database_, "public_people");
  ASSERT_TRUE(table);
  EXPECT_EQ(table->storage.columns,
            (std::vector<aws::GlueColumn>{{"id", "double", ""}, {"legacy_code", "string", ""}}));
}

TEST_F(CatalogOnMoto, AMissingDatabaseIsAClearError) {
  CatalogOptions options{"no_such_database_here", "{folder}"};
  try {
    register_partition(*glue_, options, partition("20261201", {column("id", 2)}));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_database_here"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace snaplake::landing
