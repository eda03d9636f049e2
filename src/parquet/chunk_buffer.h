// The encoded pages of a column chunk, held until the row group is written (the file is laid
// out column by column). Pages are compressed straight into large blocks (reserve, then commit
// the bytes actually used as the next segment), so growing never copies what is there and no
// page is copied on its way in; the blocks are reused by the next chunk of the column.
// (Marking the blocks MADV_HUGEPAGE halved the page faults but cost more system time in direct
// compaction than it saved: measured on the export benchmark, not kept.)
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

namespace snaplake::parquet {

class ChunkBuffer {
 public:
  static constexpr size_t kBlockBytes = size_t{2} << 20;

  // Bytes committed.
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Room for n contiguous bytes, valid until the next reserve() or clear().
  uint8_t* reserve(size_t n);
  // Adds [data, data + n), which lies inside the room the last reserve() returned, as the next
  // segment. Bytes of that room before `data` are skipped (never written out).
  void commit(const uint8_t* data, size_t n);
  void append(std::span<const uint8_t> bytes) {
    if (bytes.empty()) return;
    uint8_t* p = reserve(bytes.size());
    std::memcpy(p, bytes.data(), bytes.size());
    commit(p, bytes.size());
  }

  // Calls sink(std::span<const uint8_t>) for the committed bytes, in order.
  template <typename Sink>
  void for_each_block(Sink&& sink) const {
    for (const auto& s : segments_) sink(s);
  }

  // Forgets the contents, keeping the blocks.
  void clear() {
    segments_.clear();
    for (auto& b : blocks_) b.used = 0;
    current_ = 0;
    size_ = 0;
  }

 private:
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  struct Block {
    std::unique_ptr<uint8_t, Free> data;
    size_t capacity = 0;
    size_t used = 0;
  };
  static Block allocate(size_t at_least);

  std::vector<Block> blocks_;
  size_t current_ = 0;  // the block reserve() fills
  std::vector<std::span<const uint8_t>> segments_;
  size_t size_ = 0;
};

}  // namespace snaplake::parquet
