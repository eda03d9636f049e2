#include "rds_export/keys.h"

#include <gtest/gtest.h>

#include <chrono>

#include "common/error.h"

namespace snaplake::rds_export {
namespace {

TEST(Keys, SanitizesHostileNames) {
  EXPECT_EQ(sanitize_name("plain"), "plain");
  EXPECT_EQ(sanitize_name("a/b\\c"), "a_b_c");
  EXPECT_EQ(sanitize_name(".."), "__");
  EXPECT_EQ(sanitize_name("x/../../etc"), "x_______etc");
  EXPECT_EQ(sanitize_name("tab\there\nnl\x7f"), "tab_here_nl_");
  EXPECT_EQ(sanitize_name("."), "_");
  EXPECT_EQ(sanitize_name("Ünïcødé and spaces \"quoted\""), "Ünïcødé and spaces \"quoted\"");
  EXPECT_EQ(table_folder("public", "t"), "public.t");
  EXPECT_EQ(table_folder("a.", ".b"), "a___b");  // the join would make ".."
}

TEST(Keys, CollisionsAreToldApartDeterministically) {
  // "a/b" and "a_b" sanitize alike; "T" and "t" differ only in case.
  auto id = [](std::string table) { return std::string("s") + '\0' + table; };
  std::vector<FolderName> names = {{id("a_b"), "s.a_b"},
                                   {id("a/b"), "s.a_b"},
                                   {id("t"), "s.t"},
                                   {id("T"), "s.T"},
                                   {id("u"), "s.u"}};
  auto folders = unique_folders(names);
  EXPECT_EQ(folders[1], "s.a_b");  // "s\0a/b" sorts before "s\0a_b"
  EXPECT_EQ(folders[0], "s.a_b~2");
  EXPECT_EQ(folders[3], "s.T");  // 'T' < 't'
  EXPECT_EQ(folders[2], "s.t~2");
  EXPECT_EQ(folders[4], "s.u");
  // The same input in another order gives the same names.
  std::vector<FolderName> reversed(names.rbegin(), names.rend());
  auto again = unique_folders(reversed);
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(again[names.size() - 1 - i], folders[i]);
}

TEST(Keys, LayoutMatchesRds) {
  EXPECT_EQ(data_key("e1", "db", "public.t", 1, 0, parquet::Codec::Snappy),
            "e1/db/public.t/1/part-00000-e1-c000.snappy.parquet");
  EXPECT_EQ(data_key("e1", "db", "public.t", 3, 12, parquet::Codec::Gzip),
            "e1/db/public.t/3/part-00012-e1-c000.gz.parquet");
  EXPECT_EQ(data_key("e1", "db", "public.t", 1, 0, parquet::Codec::Uncompressed),
            "e1/db/public.t/1/part-00000-e1-c000.parquet");
  EXPECT_EQ(export_info_key("e1"), "e1/export_info_e1.json");
  EXPECT_EQ(tables_info_key("e1", 1, 7), "e1/export_tables_info_e1_from_1_to_7.json");
}

TEST(Keys, ExportIds) {
  validate_export_id("social-care-20261125t141502z-1a2b");
  for (const char* bad : {"", ".hidden", "a/b", "a b", "..", "x\n"}) {
    EXPECT_THROW(validate_export_id(bad), Error) << bad;
  }
  auto t = std::chrono::system_clock::time_point(
      std::chrono::seconds(1795616102));  // 2026-11-25 14:15:02Z
  EXPECT_EQ(default_export_id("Social_Care", t, 0x1a2b), "social-care-20261125t141502z-1a2b");
  EXPECT_EQ(default_export_id("???", t, 0xffff1), "export-20261125t141502z-fff1");
  validate_export_id(default_export_id("Ünï", t, 7));
}

}  // namespace
}  // namespace snaplake::rds_export
