#include "store/object_store.h"

#include "common/error.h"
#include "common/log.h"
#include "store/local_store.h"
#include "store/memory_store.h"
#include "store/s3_store.h"

namespace snaplake::store {

namespace {
constexpr uint64_t kCopyChunk = 8ull << 20;  // bounded memory for streamed copies
}

void ObjectStore::put(std::string_view key, std::string_view bytes, const WriteOptions& options) {
  auto upload = create(key, options);
  upload->write(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  upload->commit();
}

namespace {

// The target's credentials may not read the source (another account): the copy is then streamed,
// reading with the source store's own credentials.
void log_refused_native_copy(ObjectStore& source, std::string_view key, const Error& e) {
  log::warn("server-side copy of '{}' refused ({}); copying through this host",
            source.describe(key), e.what());
}

// Streams the object (of `size` bytes) into `upload` in bounded chunks; returns the size.
uint64_t stream_into(ObjectStore& source, std::string_view source_key, uint64_t size,
                     Upload& upload) {
  uint64_t offset = 0;
  while (offset < size) {
    std::string chunk = source.read(source_key, offset, std::min(kCopyChunk, size - offset));
    if (chunk.empty()) {
      fail(ErrorKind::Conflict, "cannot copy '{}': object shrank while copying (at byte {} of {})",
           source.describe(source_key), offset, size);
    }
    upload.write(std::span(reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size()));
    offset += chunk.size();
  }
  return offset;
}

}  // namespace

std::optional<NativeLocation> ObjectStore::locate(std::string_view) const {
  return std::nullopt;
}

std::unique_ptr<StagedObject> ObjectStore::stage_native_copy(const NativeLocation&, uint64_t,
                                                             std::string_view,
                                                             const WriteOptions&) {
  return nullptr;
}

bool ObjectStore::native_copy(const NativeLocation&, uint64_t, std::string_view,
                              const WriteOptions&) {
  return false;
}

uint64_t copy_between(ObjectStore& source, std::string_view source_key, ObjectStore& target,
                      std::string_view target_key, const WriteOptions& options) {
  auto info = source.head(source_key);
  if (!info)
    fail(ErrorKind::NotFound, "cannot copy '{}': no such object", source.describe(source_key));
  if (auto from = source.locate(source_key)) {
    try {
      if (target.native_copy(*from, info->size, target_key, options)) return info->size;
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::Auth) throw;
      log_refused_native_copy(source, source_key, e);
    }
  }
  auto upload = target.create(target_key, options);
  uint64_t size = stream_into(source, source_key, info->size, *upload);
  upload->commit();
  return size;
}

std::unique_ptr<StagedObject> stage_copy(ObjectStore& source, std::string_view source_key,
                                         ObjectStore& target, std::string_view target_key,
                                         const WriteOptions& options) {
  auto info = source.head(source_key);
  if (!info)
    fail(ErrorKind::NotFound, "cannot copy '{}': no such object", source.describe(source_key));
  if (auto from = source.locate(source_key)) {
    try {
      if (auto staged = target.stage_native_copy(*from, info->size, target_key, options))
        return staged;
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::Auth) throw;
      log_refused_native_copy(source, source_key, e);
    }
  }
  auto upload = target.create(target_key, options);
  stream_into(source, source_key, info->size, *upload);
  return upload->stage();
}

std::vector<ObjectInfo> ObjectStore::list_first(std::string_view prefix, size_t limit) {
  auto all = list(prefix);
  if (all.size() > limit) all.resize(limit);
  return all;
}

std::unique_ptr<ObjectStore> open_store(std::string_view location) {
  return open_store(location, nullptr);
}

std::unique_ptr<ObjectStore> open_store(std::string_view location,
                                        std::shared_ptr<const aws::AwsSession> session) {
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
  if (location.starts_with("s3://")) return S3Store::open(location, std::move(session));
  if (auto scheme = location.find("://"); scheme != std::string_view::npos) {
    fail(ErrorKind::InvalidInput,
         "invalid store location '{}': unknown scheme (use a folder, file://, s3:// or memory://)",
         log::redact(location));
  }
  return LocalStore::open(std::string(location));
}

}  // namespace snaplake::store
