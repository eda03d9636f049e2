#include "sources/pg_plan.h"

#include <fmt/format.h>

#include <algorithm>

namespace snaplake::sources {

std::vector<PageRange> split_pages(uint64_t pages, int readers, const SplitPolicy& policy) {
  if (readers < 2 || pages < policy.min_pages_to_split) return {PageRange{0, std::nullopt}};
  const auto count = static_cast<uint64_t>(readers);
  std::vector<PageRange> ranges;
  for (uint64_t i = 0; i < count; ++i)
    ranges.push_back({pages * i / count, pages * (i + 1) / count});
  ranges.back().end = std::nullopt;
  return ranges;
}

std::string ctid_condition(const PageRange& range) {
  std::string lower = range.begin > 0 ? fmt::format("ctid >= '({},0)'::tid", range.begin) : "";
  std::string upper = range.end ? fmt::format("ctid < '({},0)'::tid", *range.end) : "";
  if (!lower.empty() && !upper.empty()) return lower + " AND " + upper;
  return lower + upper;
}

}  // namespace snaplake::sources
