// Planning an export: which files to write, and from which slice of which relation. A large
// relation is split into ctid (block) ranges so one big table keeps every job busy: a
// "WHERE ctid >= '(a,0)' AND ctid < '(b,0)'" condition is served by a TID Range Scan
// (PostgreSQL 14+), which reads only those blocks. Each range becomes one file (part) of its
// batch. The last range is open-ended, so rows on blocks added after planning are never missed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace snaplake::exporter {

struct PageRange {
  uint64_t begin = 0;
  std::optional<uint64_t> end;  // exclusive; nullopt = to the end of the relation
  bool operator==(const PageRange&) const = default;
};

struct SplitPolicy {
  uint64_t min_pages_to_split = 2048;  // 16 MB: smaller relations are read in one go
  uint64_t pages_per_range = 16384;    // 128 MB of heap per file at most, roughly
};

// Splits a relation of `pages` blocks into ranges for `jobs` parallel readers: at least `jobs`
// ranges once the relation is large enough, more when it is very large; one range otherwise.
std::vector<PageRange> split_pages(uint64_t pages, int jobs, const SplitPolicy& policy = {});

// The SQL condition selecting a range ("" for the whole relation).
std::string ctid_condition(const PageRange& range);

}  // namespace snaplake::exporter
