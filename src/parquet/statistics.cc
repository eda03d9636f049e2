#include "parquet/statistics.h"

namespace snaplake::parquet {
namespace {

template <typename T>
std::string le_bytes(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

size_t utf8_boundary(std::string_view s, size_t cut) {
  while (cut > 0 && (static_cast<uint8_t>(s[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

// Increments the last byte that is not 0xFF, dropping the 0xFF bytes after it.
bool increment_bytes(std::string& s) {
  while (!s.empty()) {
    auto last = static_cast<uint8_t>(s.back());
    if (last != 0xFF) {
      s.back() = static_cast<char>(last + 1);
      return true;
    }
    s.pop_back();
  }
  return false;
}

void append_utf8(std::string& s, uint32_t cp) {
  if (cp < 0x80) {
    s.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Increments the last code point (UTF-8 byte order is code point order, so the result is
// greater than every string that starts with the old prefix). Falls back to bytes when the
// text is not valid UTF-8.
bool increment_utf8(std::string& s) {
  while (!s.empty()) {
    size_t start = utf8_boundary(s, s.size() - 1);
    auto lead = static_cast<uint8_t>(s[start]);
    size_t len = s.size() - start;
    size_t expected = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (expected != len) return increment_bytes(s);
    uint32_t cp = len == 1 ? lead : lead & (0x7F >> len);
    for (size_t i = 1; i < len; ++i) cp = (cp << 6) | (static_cast<uint8_t>(s[start + i]) & 0x3F);
    s.resize(start);
    if (cp < 0x10FFFF) {
      ++cp;
      if (cp == 0xD800) cp = 0xE000;  // surrogates are not characters
      append_utf8(s, cp);
      return true;
    }
  }
  return false;
}

}  // namespace

std::string truncate_min(std::string_view value, uint32_t max_bytes, bool utf8) {
  if (value.size() <= max_bytes) return std::string(value);
  size_t cut = utf8 ? utf8_boundary(value, max_bytes) : max_bytes;
  return std::string(value.substr(0, cut));
}

bool truncate_max(std::string_view value, uint32_t max_bytes, bool utf8, std::string& out) {
  if (value.size() <= max_bytes) {
    out.assign(value);
    return true;
  }
  size_t cut = utf8 ? utf8_boundary(value, max_bytes) : max_bytes;
  out.assign(value.substr(0, cut));
  return utf8 ? increment_utf8(out) : increment_bytes(out);
}

StatisticsCollector::StatisticsCollector(const Column& column, uint32_t max_bytes)
    : physical_(column.physical),
      signed_bytes_(column.physical == Physical::FixedLenByteArray &&
                    column.logical == Logical::Decimal),
      utf8_(column.logical == Logical::String || column.logical == Logical::Json ||
            column.logical == Logical::Enum),
      max_bytes_(max_bytes) {}

void StatisticsCollector::reset() {
  null_count_ = 0;
  has_value_ = seen_true_ = seen_false_ = false;
  min_s_.clear();
  max_s_.clear();
}

Statistics StatisticsCollector::finish() const {
  Statistics s;
  s.null_count = static_cast<int64_t>(null_count_);
  std::optional<std::string> min, max;
  bool legacy = true;  // the deprecated fields 1/2 used signed order: fine for numbers
  switch (physical_) {
    case Physical::Boolean:
      if (seen_true_ || seen_false_) {
        min = std::string(1, seen_false_ ? '\0' : '\1');
        max = std::string(1, seen_true_ ? '\1' : '\0');
      }
      break;
    case Physical::Int32:
      if (has_value_) {
        min = le_bytes(static_cast<int32_t>(min_i_));
        max = le_bytes(static_cast<int32_t>(max_i_));
      }
      break;
    case Physical::Int64:
      if (has_value_) {
        min = le_bytes(min_i_);
        max = le_bytes(max_i_);
      }
      break;
    case Physical::Float:
    case Physical::Double: {
      if (!has_value_) break;
      double lo = min_d_ == 0 ? -0.0 : min_d_;
      double hi = max_d_ == 0 ? +0.0 : max_d_;
      if (physical_ == Physical::Float) {
        min = le_bytes(static_cast<float>(lo));
        max = le_bytes(static_cast<float>(hi));
      } else {
        min = le_bytes(lo);
        max = le_bytes(hi);
      }
      break;
    }
    case Physical::ByteArray:
    case Physical::FixedLenByteArray:
      legacy = false;  // signed byte order of the old fields disagrees with unsigned
      if (has_value_) {
        min = truncate_min(min_s_, max_bytes_, utf8_);
        s.is_min_value_exact = min->size() == min_s_.size();
        std::string hi;
        if (truncate_max(max_s_, max_bytes_, utf8_, hi)) {
          s.is_max_value_exact = hi == max_s_;
          max = std::move(hi);
        }
      }
      break;
  }
  s.min_value = min;
  s.max_value = max;
  if (legacy) {
    s.min = min;
    s.max = max;
  }
  return s;
}

}  // namespace snaplake::parquet
