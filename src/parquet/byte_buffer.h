// A growable byte buffer for the writer's hot paths: appends without zero-filling, and keeps its
// capacity across clear() so page and chunk buffers are reused instead of reallocated.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <string_view>
#include <vector>

namespace snaplake::parquet {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;
  ByteBuffer(ByteBuffer&& other) noexcept { swap(other); }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept {
    swap(other);
    return *this;
  }
  ~ByteBuffer() { std::free(data_); }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::span<const uint8_t> span() const { return {data_, size_}; }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }

  void clear() { size_ = 0; }
  // Releases the memory too (used after a row group is written, when a buffer grew large).
  void release() {
    std::free(data_);
    data_ = nullptr;
    size_ = capacity_ = 0;
  }

  void reserve(size_t n) {
    if (n > capacity_) grow(n);
  }
  // Sets the size without initialising new bytes; the caller fills them.
  void resize(size_t n) {
    reserve(n);
    size_ = n;
  }
  // Returns a pointer to n new bytes at the end, to be filled by the caller.
  uint8_t* extend(size_t n) {
    if (size_ + n > capacity_) grow(size_ + n);
    uint8_t* p = data_ + size_;
    size_ += n;
    return p;
  }

  void push_back(uint8_t byte) {
    if (size_ == capacity_) grow(size_ + 1);
    data_[size_++] = byte;
  }
  void append(const void* bytes, size_t n) {
    if (n == 0) return;
    std::memcpy(extend(n), bytes, n);
  }
  void append(std::span<const uint8_t> bytes) { append(bytes.data(), bytes.size()); }
  void append(std::string_view bytes) { append(bytes.data(), bytes.size()); }
  // Little-endian fixed-width value (the host is little-endian; see the static_assert in
  // byte_buffer.cc's users).
  template <typename T>
  void append_le(T value) {
    std::memcpy(extend(sizeof(T)), &value, sizeof(T));
  }
  // ULEB-128 varint (Thrift compact protocol, RLE hybrid headers).
  void append_varint(uint64_t value) {
    uint8_t* p = extend(10);
    size_t n = 0;
    while (value >= 0x80) {
      p[n++] = static_cast<uint8_t>(value) | 0x80;
      value >>= 7;
    }
    p[n++] = static_cast<uint8_t>(value);
    size_ -= 10 - n;
  }

 private:
  void grow(size_t at_least) {
    size_t capacity = capacity_ < 64 ? 64 : capacity_ * 2;
    while (capacity < at_least) capacity *= 2;
    auto* data = static_cast<uint8_t*>(std::realloc(data_, capacity));
    if (data == nullptr) throw std::bad_alloc();
    data_ = data;
    capacity_ = capacity;
  }
  void swap(ByteBuffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace snaplake::parquet
