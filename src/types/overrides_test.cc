#include "types/overrides.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"

namespace snaplake::types {
namespace {

using ::testing::HasSubstr;

TEST(TypeOverrides, DefaultsAreTheOnesEveryEngineReads) {
  TypeOverrides o;
  EXPECT_EQ(o.uuid, UuidAs::String);
  EXPECT_EQ(o.time, TimeAs::String);
  EXPECT_EQ(o.timestamp, TimestampUnit::Micros);
  EXPECT_TRUE(o.is_default());
  EXPECT_EQ(describe(o), "uuid=string, time=string, timestamp=micros");
}

TEST(TypeOverrides, AssignmentsSetOneKeyEach) {
  TypeOverrides o;
  parse_override(o, "uuid=uuid");
  parse_override(o, "time=micros");
  parse_override(o, "timestamp=millis");
  EXPECT_EQ(o.uuid, UuidAs::Uuid);
  EXPECT_EQ(o.time, TimeAs::Micros);
  EXPECT_EQ(o.timestamp, TimestampUnit::Millis);
  EXPECT_FALSE(o.is_default());
  parse_override(o, "time=time");
  EXPECT_EQ(override_value(o, "time"), "time");
  set_override(o, "time", "string");
  EXPECT_EQ(o.time, TimeAs::String);
}

std::string error_of(std::string_view assignment) {
  TypeOverrides o;
  try {
    parse_override(o, assignment);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_TRUE(o.is_default()) << "a refused override changes nothing";
    return e.what();
  }
  return "";
}

TEST(TypeOverrides, UnknownKeysAndValuesNameTheAlternatives) {
  EXPECT_THAT(error_of("uuid=bytes"), HasSubstr("uuid is string or uuid"));
  EXPECT_THAT(error_of("time=nanos"), HasSubstr("time is string, micros or time"));
  EXPECT_THAT(error_of("timestamp=nanos"), HasSubstr("timestamp is micros or millis"));
  EXPECT_THAT(error_of("interval=string"), HasSubstr("the types are uuid, time, timestamp"));
  EXPECT_THAT(error_of("uuid"), HasSubstr("expected TYPE=VALUE"));
  EXPECT_THAT(error_of("UUID=string"), HasSubstr("the types are"));
}

TEST(TypeOverrides, TheTimestampRuleForEverySource) {
  EXPECT_EQ(timestamp_exported_type(TimestampUnit::Micros, false), "int64 (TIMESTAMP_MICROS)");
  EXPECT_EQ(timestamp_exported_type(TimestampUnit::Millis, true), "int64 (TIMESTAMP_MILLIS, UTC)");
  EXPECT_EQ(floor_millis(1'999), 1);
  EXPECT_EQ(floor_millis(-500), -1);  // 1969-12-31 23:59:59.9995 is …59.999
  EXPECT_EQ(floor_millis(-1'000), -1);
  EXPECT_EQ(floor_millis(-1'001), -2);
}

}  // namespace
}  // namespace snaplake::types
