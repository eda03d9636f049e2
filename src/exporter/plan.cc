#include "exporter/plan.h"

#include <fmt/format.h>

#include <algorithm>

namespace snaplake::exporter {

std::vector<PageRange> split_pages(uint64_t pages, int jobs, const SplitPolicy& policy) {
  if (jobs < 2 && pages <= policy.pages_per_range) return {PageRange{0, std::nullopt}};
  if (pages < policy.min_pages_to_split) return {PageRange{0, std::nullopt}};
  uint64_t by_size = (pages + policy.pages_per_range - 1) / policy.pages_per_range;
  uint64_t count = std::max<uint64_t>(by_size, static_cast<uint64_t>(std::max(jobs, 1)));
  uint64_t step = (pages + count - 1) / count;
  std::vector<PageRange> ranges;
  for (uint64_t begin = 0; begin < pages; begin += step) {
    ranges.push_back({begin, begin + step});
  }
  ranges.back().end = std::nullopt;
  return ranges;
}

std::string ctid_condition(const PageRange& range) {
  std::string lower = range.begin > 0 ? fmt::format("ctid >= '({},0)'::tid", range.begin) : "";
  std::string upper = range.end ? fmt::format("ctid < '({},0)'::tid", *range.end) : "";
  if (!lower.empty() && !upper.empty()) return lower + " AND " + upper;
  return lower + upper;
}

}  // namespace snaplake::exporter
