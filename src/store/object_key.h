// Object keys: the one place that decides which keys a store accepts. Every backend validates
// with these functions, so a hostile key ("../x", "/etc/passwd", "a\\b", control characters) is
// rejected the same way everywhere and a local store can never write outside its root.
#pragma once

#include <string_view>

namespace snaplake::store {

// Throws Error(InvalidInput) unless `key` is a relative '/'-separated path whose segments are
// non-empty, not "." or "..", free of '\\' and control characters, at most 1024 bytes, and not
// of the form ".<name>.tmp-<suffix>" or ".<name>.snaplake-lock" (reserved for a local store's
// uncommitted uploads and its locks).
void validate_key(std::string_view key);

// Like validate_key for a list() prefix: "" lists everything, a trailing '/' is allowed, and the
// last (partial) segment is a plain string filter.
void validate_prefix(std::string_view prefix);

// Whether a file name is one of a local store's in-progress temp files.
bool is_temp_name(std::string_view file_name);
// A local store's lock file of the key whose last segment is `name` (put_if), and the test.
std::string lock_name(std::string_view name);
bool is_lock_name(std::string_view file_name);

}  // namespace snaplake::store
