#include "store/object_key.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace snaplake::store {
namespace {

TEST(ObjectKey, AcceptsOrdinaryKeys) {
  for (const char* key :
       {"a", "a/b/c.parquet", "export-1/db/public.t/1/part-00000-x-c000.snappy.parquet", ".hidden",
        "a/.b", "x.tmp-1", "sp ace/ü"}) {
    EXPECT_NO_THROW(validate_key(key)) << key;
  }
}

TEST(ObjectKey, RejectsKeysThatEscapeOrAreAmbiguous) {
  for (const std::string& key : std::vector<std::string>{
           "", "/a", "a/", "a//b", "..", "../a", "a/..", "a/./b", ".", "a\\b", std::string("a\tb"),
           std::string("a\x7f"), ".a.tmp-1", "x/.y.tmp-z"}) {
    EXPECT_THROW(validate_key(key), Error) << key;
  }
}

TEST(ObjectKey, Prefixes) {
  for (const char* prefix : {"", "a", "a/", "a/b", "a/.", "a/.."}) {
    EXPECT_NO_THROW(validate_prefix(prefix)) << prefix;
  }
  for (const char* prefix : {"/", "/a", "../", "a/../b", "a//"}) {
    EXPECT_THROW(validate_prefix(prefix), Error) << prefix;
  }
}

TEST(ObjectKey, TempNames) {
  EXPECT_TRUE(is_temp_name(".file.parquet.tmp-0123"));
  EXPECT_FALSE(is_temp_name("file.tmp-1"));
  EXPECT_FALSE(is_temp_name(".hidden"));
}

}  // namespace
}  // namespace snaplake::store
