#include "parquet/chunk_buffer.h"

#include <new>

namespace snaplake::parquet {

ChunkBuffer::Block ChunkBuffer::allocate(size_t at_least) {
  const size_t bytes = at_least > kBlockBytes ? at_least : kBlockBytes;
  auto* data = static_cast<uint8_t*>(std::malloc(bytes));
  if (data == nullptr) throw std::bad_alloc();
  return Block{std::unique_ptr<uint8_t, Free>(data), bytes, 0};
}

uint8_t* ChunkBuffer::reserve(size_t n) {
  while (current_ < blocks_.size()) {
    Block& b = blocks_[current_];
    if (b.capacity - b.used >= n) return b.data.get() + b.used;
    // Too small for n: a block still empty is replaced by a larger one, a used one is left.
    if (b.used == 0) {
      b = allocate(n);
      return b.data.get();
    }
    ++current_;
  }
  blocks_.push_back(allocate(n));
  return blocks_.back().data.get();
}

void ChunkBuffer::commit(const uint8_t* data, size_t n) {
  Block& b = blocks_[current_];
  b.used = static_cast<size_t>(data - b.data.get()) + n;
  size_ += n;
  // Consecutive bytes make one segment, so the sink sees large writes.
  if (!segments_.empty() && segments_.back().data() + segments_.back().size() == data) {
    segments_.back() = {segments_.back().data(), segments_.back().size() + n};
  } else {
    segments_.emplace_back(data, n);
  }
}

}  // namespace snaplake::parquet
