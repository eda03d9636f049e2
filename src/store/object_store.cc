#include "store/object_store.h"

#include "common/error.h"
#include "common/log.h"
#include "store/local_store.h"
#include "store/memory_store.h"

namespace snaplake::store {

namespace {
constexpr uint64_t kCopyChunk = 8ull << 20;  // bounded memory for streamed copies
}

void ObjectStore::put(std::string_view key, std::string_view bytes, const WriteOptions& options) {
  auto upload = create(key, options);
  upload->write(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  upload->commit();
}

uint64_t copy_between(ObjectStore& source, std::string_view source_key, ObjectStore& target,
                      std::string_view target_key, const WriteOptions& options) {
  auto info = source.head(source_key);
  if (!info)
    fail(ErrorKind::NotFound, "cannot copy '{}': no such object", source.describe(source_key));
  auto upload = target.create(target_key, options);
  uint64_t offset = 0;
  while (offset < info->size) {
    std::string chunk = source.read(source_key, offset, std::min(kCopyChunk, info->size - offset));
    if (chunk.empty()) {
      fail(ErrorKind::Conflict, "cannot copy '{}': object shrank while copying (at byte {} of {})",
           source.describe(source_key), offset, info->size);
    }
    upload->write(std::span(reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size()));
    offset += chunk.size();
  }
  upload->commit();
  return offset;
}

std::unique_ptr<ObjectStore> open_store(std::string_view location) {
  if (location.empty()) fail(ErrorKind::InvalidInput, "invalid store location: empty");
  if (location.starts_with("memory://")) {
    std::string_view name = location.substr(9);
    if (name.empty())
      fail(ErrorKind::InvalidInput, "invalid store location '{}': no name", location);
    return MemoryStore::open_named(name);
  }
  if (location.starts_with("file://")) {
    std::string_view path = location.substr(7);
    if (path.starts_with("localhost/")) path.remove_prefix(9);
    if (path.empty())
      fail(ErrorKind::InvalidInput, "invalid store location '{}': no path", location);
    return LocalStore::open(std::string(path));
  }
  if (location.starts_with("s3://")) {
    fail(ErrorKind::Unsupported, "cannot open '{}': the S3 store is not built yet", location);
  }
  if (auto scheme = location.find("://"); scheme != std::string_view::npos) {
    fail(ErrorKind::InvalidInput,
         "invalid store location '{}': unknown scheme (use a folder, file://, s3:// or memory://)",
         log::redact(location));
  }
  return LocalStore::open(std::string(location));
}

}  // namespace snaplake::store
