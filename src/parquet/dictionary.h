// The dictionary of one column chunk: distinct values in insertion order, stored exactly as the
// PLAIN-encoded dictionary page body (so writing the page is one copy), found again through an
// open-addressing hash table on the value bytes (linear probing, load <= 1/2, no per-value
// allocation).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <vector>

#include "parquet/byte_buffer.h"

namespace snaplake::parquet {

inline uint64_t hash_bytes(const uint8_t* p, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xC2B2AE3D27D4EB4Full);
  while (n >= 8) {
    uint64_t k;
    std::memcpy(&k, p, 8);
    h = (h ^ k) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 32;
    p += 8;
    n -= 8;
  }
  if (n >= 4) {
    uint32_t k;
    std::memcpy(&k, p, 4);
    h = (h ^ k) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
    p += 4;
    n -= 4;
  }
  if (n > 0) {
    uint64_t k = 0;
    std::memcpy(&k, p, n);
    h = (h ^ k) * 0xFF51AFD7ED558CCDull;
  }
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  return h ^ (h >> 29);
}

class Dictionary {
 public:
  // fixed_width: bytes per value for fixed-width physical types; 0 for BYTE_ARRAY, whose
  // entries are stored as PLAIN does: a 4-byte little-endian length, then the bytes.
  // word_keys: values are INT32/FLOAT (4) or INT64/DOUBLE (8) and are looked up with
  // find_or_insert_word<fixed_width>; otherwise with find_or_insert.
  Dictionary(size_t fixed_width, bool word_keys)
      : width_(fixed_width), word_keys_(word_keys && (fixed_width == 4 || fixed_width == 8)) {
    clear();
  }

  // The index of a 4- or 8-byte value (INT32, FLOAT, INT64, DOUBLE), inserting it if new.
  // The value itself is the key of the slot, so a probe touches one cache line.
  template <size_t N>
  uint32_t find_or_insert_word(const uint8_t* value, bool& inserted) {
    static_assert(N == 4 || N == 8);
    using Key = std::conditional_t<N == 4, uint32_t, uint64_t>;
    using Slots = std::conditional_t<N == 4, std::vector<Word4Slot>, std::vector<Word8Slot>>;
    Slots& slots = word_slots<N>();
    Key key;
    std::memcpy(&key, value, N);
    size_t i = (key * 0x9E3779B97F4A7C15ull) >> shift_;  // Fibonacci hashing: the high bits
    while (true) {
      auto& slot = slots[i];
      if (slot.index_plus_one == 0) break;
      if (slot.key == key) {
        inserted = false;
        return static_cast<uint32_t>(slot.index_plus_one - 1);
      }
      i = (i + 1) & mask_;
    }
    inserted = true;
    const auto index = static_cast<uint32_t>(count_++);
    slots[i].key = key;
    slots[i].index_plus_one = index + 1;
    std::memcpy(plain_.extend(N), value, N);
    if (count_ * 2 > slots.size()) grow_words(slots);
    return index;
  }

  // Starts loading the slot find_or_insert / find_or_insert_word will probe first for a value.
  void prefetch(const uint8_t* value, size_t size) const {
    if (word_keys_) return;
    const auto hash = static_cast<uint32_t>(hash_bytes(value, size));
    __builtin_prefetch(&slots_[hash & mask_]);
  }
  template <size_t N>
  void prefetch_word(const uint8_t* value) const {
    if (!word_keys_) return;
    using Key = std::conditional_t<N == 4, uint32_t, uint64_t>;
    Key key;
    std::memcpy(&key, value, N);
    const size_t i = (key * 0x9E3779B97F4A7C15ull) >> shift_;
    if constexpr (N == 4)
      __builtin_prefetch(&word4_slots_[i]);
    else
      __builtin_prefetch(&word8_slots_[i]);
  }

  // The index of any other value (BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY), inserting it if new.
  uint32_t find_or_insert(const uint8_t* value, size_t size, bool& inserted) {
    const auto hash = static_cast<uint32_t>(hash_bytes(value, size));
    size_t i = hash & mask_;
    while (true) {
      Slot& slot = slots_[i];
      if (slot.index_plus_one == 0) break;
      if (slot.hash == hash && equals(slot.index_plus_one - 1, value, size)) {
        inserted = false;
        return slot.index_plus_one - 1;
      }
      i = (i + 1) & mask_;
    }
    inserted = true;
    const auto index = static_cast<uint32_t>(count_++);
    slots_[i] = Slot{hash, index + 1};
    if (width_ == 0) {
      plain_.append_le(static_cast<uint32_t>(size));
      offsets_.push_back(static_cast<uint32_t>(plain_.size()));
    }
    plain_.append(value, size);
    if (count_ * 2 > slots_.size()) grow();
    return index;
  }

  size_t size() const { return count_; }
  // Bytes of the PLAIN dictionary page body.
  size_t bytes() const { return plain_.size(); }
  const ByteBuffer& plain() const { return plain_; }
  // The PLAIN encoding of entry i (with the length prefix for BYTE_ARRAY).
  std::string_view plain_entry(uint32_t i) const {
    if (width_ != 0) return {reinterpret_cast<const char*>(plain_.data()) + i * width_, width_};
    uint32_t start = offsets_[i];
    uint32_t length;
    std::memcpy(&length, plain_.data() + start - 4, 4);
    return {reinterpret_cast<const char*>(plain_.data()) + start - 4, length + 4};
  }

  // Empties the dictionary. The slot table keeps its size: the next chunk of the column likely
  // needs about as many entries, and re-growing it costs more than zeroing it.
  void clear() {
    count_ = 0;
    plain_.clear();
    offsets_.clear();
    if (word_keys_ && width_ == 4) {
      reset_slots(word4_slots_);
    } else if (word_keys_ && width_ == 8) {
      reset_slots(word8_slots_);
    } else {
      reset_slots(slots_);
    }
  }

 private:
  struct Slot {
    uint32_t hash = 0;
    uint32_t index_plus_one = 0;  // 0: empty
  };
  struct Word4Slot {
    uint32_t key = 0;
    uint32_t index_plus_one = 0;  // 0: empty
  };
  struct Word8Slot {
    uint64_t key = 0;
    uint64_t index_plus_one = 0;  // 0: empty
  };
  template <size_t N>
  auto& word_slots() {
    if constexpr (N == 4)
      return word4_slots_;
    else
      return word8_slots_;
  }

  template <typename Slots>
  void reset_slots(Slots& slots) {
    constexpr size_t kInitialSlots = 1024;
    if (slots.empty()) {
      slots.assign(kInitialSlots, typename Slots::value_type{});
      mask_ = kInitialSlots - 1;
      shift_ = 64 - 10;
    } else {
      std::fill(slots.begin(), slots.end(), typename Slots::value_type{});
    }
  }

  bool equals(uint32_t index, const uint8_t* value, size_t size) const {
    if (width_ != 0) return std::memcmp(plain_.data() + index * width_, value, width_) == 0;
    uint32_t start = offsets_[index];
    uint32_t length;
    std::memcpy(&length, plain_.data() + start - 4, 4);
    return length == size && std::memcmp(plain_.data() + start, value, size) == 0;
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    --shift_;
    for (const Slot& s : old) {
      if (s.index_plus_one == 0) continue;
      size_t i = s.hash & mask_;
      while (slots_[i].index_plus_one != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  template <typename Slots>
  void grow_words(Slots& slots) {
    Slots old(slots.size() * 2);
    old.swap(slots);
    mask_ = slots.size() - 1;
    --shift_;
    for (const auto& s : old) {
      if (s.index_plus_one == 0) continue;
      size_t i = (s.key * 0x9E3779B97F4A7C15ull) >> shift_;
      while (slots[i].index_plus_one != 0) i = (i + 1) & mask_;
      slots[i] = s;
    }
  }

  size_t width_;
  bool word_keys_;
  size_t count_ = 0;
  size_t mask_ = 0;
  int shift_ = 54;  // 64 - log2(slot count)
  ByteBuffer plain_;
  std::vector<uint32_t> offsets_;  // BYTE_ARRAY: where each entry's bytes start in plain_
  std::vector<Slot> slots_;
  std::vector<Word4Slot> word4_slots_;
  std::vector<Word8Slot> word8_slots_;
};

}  // namespace snaplake::parquet
