// Planning an export: which slices to read, and from which part of which relation. A large
// relation is split into ctid (block) ranges so that each of the export's COPY streams has work:
// a "WHERE ctid >= '(a,0)' AND ctid < '(b,0)'" condition is served by a TID Range Scan
// (PostgreSQL 14+), which reads only those blocks. Each range is read by one stream into parts
// of its batch. The last range is open-ended, so rows on blocks added after planning are never
// missed. With one stream nothing is split: a TID Range Scan costs the server more CPU than a
// sequential scan once the table is larger than shared_buffers (no ring buffer), and the size of
// the files is bounded by the encoders (file_copy.h), not by the ranges.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace snaplake::sources {

struct PageRange {
  uint64_t begin = 0;
  std::optional<uint64_t> end;  // exclusive; nullopt = to the end of the relation
  bool operator==(const PageRange&) const = default;
};

struct SplitPolicy {
  uint64_t min_pages_to_split = 2048;  // 16 MB: smaller relations are read in one go
};

// Splits a relation of `pages` blocks into `readers` equal ranges once it is large enough; one
// range otherwise, or for a single reader.
std::vector<PageRange> split_pages(uint64_t pages, int readers, const SplitPolicy& policy = {});

// The SQL condition selecting a range ("" for the whole relation).
std::string ctid_condition(const PageRange& range);

}  // namespace snaplake::sources
