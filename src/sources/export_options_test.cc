// sources::validate (ExportOptions::validate and the source's own rules): the one statement of
// what the export accepts, for the CLI's flags and the configuration's keys alike.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"
#include "exporter/export.h"
#include "sources/open_source.h"

namespace snaplake::sources {
namespace {

using exporter::ExportOptions;
using ::testing::HasSubstr;
using ::testing::Not;

ExportOptions valid() {
  ExportOptions o;
  o.source_uri = "postgresql://app@db/x";
  o.to = "/data/exports";
  return o;
}

std::string refusal(const ExportOptions& o, const ExportOptions::Names& names = {}) {
  try {
    validate(o, names);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "accepted";
  return "";
}

TEST(ExportOptions, TypeOverridesNeedTheTypedProfile) {
  ExportOptions o = valid();
  o.type_overrides.uuid = types::UuidAs::String;  // the defaults are fine with rds
  EXPECT_NO_THROW(validate(o));
  o.type_overrides.time = types::TimeAs::Micros;
  EXPECT_THAT(refusal(o), HasSubstr("invalid --type time micros: type overrides apply to the "
                                    "typed profile only"));
  ExportOptions::Names names;
  names.type_override = "[export] type_{}";
  EXPECT_THAT(refusal(o, names), HasSubstr("invalid [export] type_time micros"));
  o.types = types::Profile::Typed;
  EXPECT_NO_THROW(validate(o));
}

TEST(ExportOptions, KmsKeyNeedsAnS3Destination) {
  ExportOptions o = valid();
  o.kms_key_id = "alias/exports";
  EXPECT_THAT(refusal(o), HasSubstr("invalid --kms-key-id 'alias/exports': SSE-KMS needs an s3:// "
                                    "destination, and --to is '/data/exports'"));
  o.to = "file:///data/exports";
  EXPECT_THAT(refusal(o), HasSubstr("SSE-KMS needs an s3:// destination"));
  o.to = "s3://export-bucket/prefix";
  EXPECT_NO_THROW(o.validate());
}

TEST(ExportOptions, AcceptsWhatTheExportRuns) {
  ExportOptions o = valid();
  EXPECT_NO_THROW(validate(o));
  o.jobs = 64;
  o.codec = parquet::Codec::Zstd;
  o.compression_level = 22;
  o.export_id = "social-care-20261125";
  o.only = {"x", "x.public", "x.public.people"};
  o.to = "s3://export-bucket/prefix";
  EXPECT_NO_THROW(validate(o));
  o.codec = parquet::Codec::Gzip;
  o.compression_level = 9;
  EXPECT_NO_THROW(validate(o));
  o.codec = parquet::Codec::Snappy;
  o.compression_level = 0;  // every codec's default
  EXPECT_NO_THROW(validate(o));
}

TEST(ExportOptions, RefusesWhatTheExportWouldRefuseNamingTheOption) {
  ExportOptions o = valid();
  o.jobs = 0;
  EXPECT_EQ(refusal(o), "invalid --jobs 0: use 1 to 64");
  o.jobs = 100;
  EXPECT_THAT(refusal(o, {.jobs = "[export] jobs"}), HasSubstr("invalid [export] jobs 100"));

  o = valid();
  o.codec = parquet::Codec::Zstd;
  o.compression_level = 99;
  EXPECT_EQ(refusal(o), "invalid --compression-level 99: zstd levels are 1 to 22 (0: its default)");
  o.codec = parquet::Codec::Gzip;
  o.compression_level = 10;
  EXPECT_THAT(refusal(o), HasSubstr("gzip levels are 1 to 9"));
  o.codec = parquet::Codec::Snappy;
  o.compression_level = 3;
  EXPECT_EQ(refusal(o), "invalid --compression-level 3: compression snappy has no levels");

  o = valid();
  o.export_id = "../up";
  EXPECT_THAT(refusal(o), HasSubstr("--export-id: invalid export id '../up'"));
  o = valid();
  o.only = {"a.b.c.d"};
  EXPECT_THAT(refusal(o), HasSubstr("--only: invalid filter 'a.b.c.d'"));
  o = valid();
  o.to = "s3://Not_A_Bucket/x";
  EXPECT_THAT(refusal(o), HasSubstr("--to: invalid S3 location"));
  o = valid();
  o.source_uri = "postgresql://db/x?no_such_option=1";
  EXPECT_THAT(refusal(o), HasSubstr("--source: invalid PostgreSQL URI"));
  o.source_uri = "oracle://db/x";
  EXPECT_THAT(refusal(o), HasSubstr("--source: 'oracle' is no source snaplake reads"));
}

// A MySQL source is checked by its own rules: its URI form, and RDS's MySQL ExportOnly form
// (db[.table]), which has no schema level.
TEST(ExportOptions, AMysqlSourceFollowsMysqlRules) {
  ExportOptions o = valid();
  o.source_uri = "mysql://app@db:3306/shop";
  o.only = {"shop", "shop.orders", "`my.db`.`t.1`"};
  EXPECT_NO_THROW(validate(o));
  o.source_uri = "mariadb://app@db/shop";
  EXPECT_NO_THROW(validate(o));
  o.only = {"shop.public.orders"};
  EXPECT_THAT(refusal(o), HasSubstr("--only: "));
  o.only = {};
  o.source_uri = "mysql://app:pw@db/shop";
  std::string message = refusal(o);
  EXPECT_THAT(message, HasSubstr("--source: "));
  EXPECT_THAT(message, Not(HasSubstr(":pw@")));
  o.source_uri = "mysql://app@db/shop?no_such_option=1";
  EXPECT_THAT(refusal(o), HasSubstr("--source: "));
}

}  // namespace
}  // namespace snaplake::sources
