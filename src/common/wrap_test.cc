#include "common/wrap.h"

#include <gtest/gtest.h>

namespace snaplake {
namespace {

using Lines = std::vector<std::string>;

std::string joined(const Lines& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : " ") + l;
  return out;
}

TEST(Wrap, KeepsTheEndOfALongCause) {
  std::string cause =
      "cannot land export care-20261201t0100: cannot write "
      "'s3://landing-zone/unrestricted/care/public.people/_SUCCESS': HTTP 404 NoSuchBucket";
  Lines lines = wrap(cause, 40);
  for (const auto& l : lines) EXPECT_LE(l.size(), 40u) << l;
  EXPECT_TRUE(joined(lines).ends_with("HTTP 404 NoSuchBucket")) << joined(lines);
  // A word longer than a line is broken inside it; nothing else is lost or reordered.
  EXPECT_EQ(lines, (Lines{"cannot land export care-20261201t0100:", "cannot write",
                          "'s3://landing-zone/unrestricted/care/pub",
                          "lic.people/_SUCCESS': HTTP 404", "NoSuchBucket"}));
}

TEST(Wrap, ShortTextIsOneLineAndEmptyTextOneEmptyLine) {
  EXPECT_EQ(wrap("connection refused", 80), Lines{"connection refused"});
  EXPECT_EQ(wrap("", 80), Lines{""});
}

TEST(Wrap, BreaksBetweenWordsAndDropsTheSpacesThere) {
  EXPECT_EQ(wrap("aaa bbb  ccc dd", 7), (Lines{"aaa bbb", "ccc dd"}));
  EXPECT_EQ(joined(wrap("aaa bbb ccc dd", 3)), "aaa bbb ccc dd");
}

TEST(Wrap, CountsCharactersNotBytesAndNeverSplitsOne) {
  // "é" is two bytes, one column: four of them fit a width of four.
  EXPECT_EQ(wrap("éééé éé", 4), (Lines{"éééé", "éé"}));
  EXPECT_EQ(wrap("ééééé", 2), (Lines{"éé", "éé", "é"}));
}

}  // namespace
}  // namespace snaplake
