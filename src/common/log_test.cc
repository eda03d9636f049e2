#include "common/log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace snaplake::log {
namespace {

TEST(Redact, HidesPasswordInUri) {
  EXPECT_EQ(redact("postgresql://admin:s3cret@db:5432/x"), "postgresql://admin:***@db:5432/x");
  EXPECT_EQ(redact("could not connect to postgresql://u:p@h/d: refused"),
            "could not connect to postgresql://u:***@h/d: refused");
}

TEST(Redact, HidesKeyValueSecrets) {
  EXPECT_EQ(redact("host=h password=hunter2 dbname=x"), "host=h password=*** dbname=x");
  EXPECT_EQ(redact("postgresql://h/d?password=abc&sslmode=require"),
            "postgresql://h/d?password=***&sslmode=require");
}

TEST(Redact, LeavesOrdinaryTextAlone) {
  EXPECT_EQ(redact("postgresql://admin@db/x"), "postgresql://admin@db/x");
  EXPECT_EQ(redact("s3://bucket/prefix"), "s3://bucket/prefix");
}

// What one log call writes on stderr, in the given format.
template <typename Body>
std::string logged(Format format, Body&& body) {
  configure(Level::Info, format);
  testing::internal::CaptureStderr();
  body();
  std::string out = testing::internal::GetCapturedStderr();
  configure(Level::Info, Format::Text);
  return out;
}

TEST(Log, ContextKeysNeverReplaceTheLinesOwnFields) {
  Scope message("message", "3c8ee803-5f1e-4c8a-9a35-0d3b5c0e2f11");
  Scope time("time", "not a time");
  Scope export_id("export_id", "db-1");
  std::string out = logged(Format::Json, [] { info("exported {} tables", 3); });
  auto line = nlohmann::json::parse(out);
  EXPECT_EQ(line["message"], "exported 3 tables");
  EXPECT_EQ(line["context_message"], "3c8ee803-5f1e-4c8a-9a35-0d3b5c0e2f11");
  EXPECT_EQ(line["level"], "info");
  EXPECT_NE(line["time"], "not a time");
  EXPECT_EQ(line["context_time"], "not a time");
  EXPECT_EQ(line["export_id"], "db-1");

  std::string text = logged(Format::Text, [] { info("exported"); });
  EXPECT_NE(text.find(" info  exported context_message=3c8ee803-"), std::string::npos) << text;
  EXPECT_NE(text.find(" export_id=db-1\n"), std::string::npos) << text;
}

TEST(Log, ExplicitFieldsCannotReplaceTheTextEither) {
  std::string out = logged(Format::Json, [] {
    write(Level::Warn, "the text", {{"message", "other"}});
  });
  auto line = nlohmann::json::parse(out);
  EXPECT_EQ(line["message"], "the text");
  EXPECT_EQ(line["context_message"], "other");
}

TEST(Printable, EscapesControlCharactersAndBytesThatAreNotUtf8) {
  EXPECT_EQ(printable("new\nline\r\ttab"), "new\\nline\\r\\ttab");
  EXPECT_EQ(printable("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
  EXPECT_EQ(printable(std::string("nul\0del\x7f", 8)), "nul\\x00del\\x7f");
  EXPECT_EQ(printable("csi \xc2\x9b 2J"), "csi \\u009b 2J");  // U+009B, the C1 CSI
  EXPECT_EQ(printable("lone \x9b, cut \xe6\x97"), "lone \\x9b, cut \\xe6\\x97");
  EXPECT_EQ(printable("overlong \xc0\xaf"), "overlong \\xc0\\xaf");
}

TEST(Printable, LeavesPrintableTextAsItIs) {
  for (std::string_view text :
       {"plain 'quoted' \"name\" a\\b", "ünïcødé 日本語 🐘", "\xc2\xa0nbsp", ""}) {
    EXPECT_EQ(printable(text), text);
  }
}

// An identifier that holds a newline or ESC cannot forge a second text line or colour the
// terminal; a JSON line stays one valid JSON document holding the exact text.
TEST(Log, IdentifiersCannotInjectIntoLogLines) {
  const std::string name = "new\n2026-01-01T00:00:00.000Z error forged \x1b[31mred";
  Scope table("table", name);
  std::string text = logged(Format::Text, [&] { warn("table '{}' skipped", name); });
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_EQ(text.find('\n'), text.size() - 1) << text;
  EXPECT_NE(text.find("table 'new\\n2026-01-01T00:00:00.000Z error forged \\x1b[31mred' skipped"),
            std::string::npos)
      << text;

  std::string json = logged(Format::Json, [&] { warn("table '{}' skipped", name); });
  EXPECT_EQ(json.find('\x1b'), std::string::npos) << json;
  EXPECT_EQ(json.find('\n'), json.size() - 1) << json;
  auto line = nlohmann::json::parse(json);
  EXPECT_EQ(line["message"], "table '" + name + "' skipped");
  EXPECT_EQ(line["table"], name);
}

}  // namespace
}  // namespace snaplake::log
