#include "store/object_key.h"

#include "common/error.h"

namespace snaplake::store {
namespace {

constexpr size_t kMaxKeyBytes = 1024;  // S3's limit on a key's UTF-8 length

// The key as it may appear in a message: control characters escaped.
std::string printable(std::string_view key) {
  std::string out;
  for (unsigned char c : key.substr(0, 200)) {
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void check_characters(std::string_view text, std::string_view what) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      fail(ErrorKind::InvalidInput, "invalid object {} '{}': control character", what,
           printable(text));
    }
    if (c == '\\') {
      fail(ErrorKind::InvalidInput, "invalid object {} '{}': backslash", what, printable(text));
    }
  }
}

void check_segment(std::string_view segment, std::string_view text, std::string_view what) {
  if (segment.empty()) {
    fail(ErrorKind::InvalidInput, "invalid object {} '{}': empty path segment", what,
         printable(text));
  }
  if (segment == "." || segment == "..") {
    fail(ErrorKind::InvalidInput, "invalid object {} '{}': '{}' segment", what, printable(text),
         segment);
  }
  if (is_temp_name(segment) || is_lock_name(segment)) {
    fail(ErrorKind::InvalidInput, "invalid object {} '{}': name reserved for uploads", what,
         printable(text));
  }
}

}  // namespace

bool is_temp_name(std::string_view name) {
  return name.size() > 1 && name.front() == '.' && name.find(".tmp-", 1) != std::string_view::npos;
}

namespace {
constexpr std::string_view kLockSuffix = ".snaplake-lock";
}

std::string lock_name(std::string_view name) {
  return "." + std::string(name) + std::string(kLockSuffix);
}

bool is_lock_name(std::string_view name) {
  return name.size() > kLockSuffix.size() + 1 && name.front() == '.' && name.ends_with(kLockSuffix);
}

void validate_key(std::string_view key) {
  if (key.empty()) fail(ErrorKind::InvalidInput, "invalid object key: empty");
  if (key.size() > kMaxKeyBytes) {
    fail(ErrorKind::InvalidInput, "invalid object key '{}...': longer than {} bytes",
         printable(key), kMaxKeyBytes);
  }
  check_characters(key, "key");
  if (key.front() == '/') {
    fail(ErrorKind::InvalidInput, "invalid object key '{}': absolute path", printable(key));
  }
  size_t start = 0;
  while (true) {
    size_t slash = key.find('/', start);
    std::string_view segment =
        key.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    check_segment(segment, key, "key");
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
}

void validate_prefix(std::string_view prefix) {
  if (prefix.empty()) return;
  if (prefix.size() > kMaxKeyBytes) {
    fail(ErrorKind::InvalidInput, "invalid object prefix '{}...': longer than {} bytes",
         printable(prefix), kMaxKeyBytes);
  }
  check_characters(prefix, "prefix");
  if (prefix.front() == '/') {
    fail(ErrorKind::InvalidInput, "invalid object prefix '{}': absolute path", printable(prefix));
  }
  size_t last_slash = prefix.rfind('/');
  if (last_slash == std::string_view::npos) return;
  std::string_view folders = prefix.substr(0, last_slash);
  size_t start = 0;
  while (true) {
    size_t slash = folders.find('/', start);
    check_segment(folders.substr(start, slash == std::string_view::npos ? std::string_view::npos
                                                                        : slash - start),
                  prefix, "prefix");
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
}

}  // namespace snaplake::store
