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

// Both in S3 behind the same endpoint: S3 can copy without the bytes passing through this host.
std::pair<S3Store*, S3Store*> same_s3(ObjectStore& source, ObjectStore& target) {
  auto* s3_source = dynamic_cast<S3Store*>(&source);
  auto* s3_target = dynamic_cast<S3Store*>(&target);
  if (s3_source && s3_target &&
      s3_source->client()->endpoint() == s3_target->client()->endpoint()) {
    return {s3_source, s3_target};
  }
  return {nullptr, nullptr};
}

// The target's credentials may not read the source (another account): the copy is then streamed,
// reading with the source store's own credentials.
void log_refused_server_copy(ObjectStore& source, std::string_view key, const Error& e) {
  log::warn("server-side copy of '{}' refused ({}); copying through this host",
            source.describe(key), e.what());
}

// Streams the object into `upload` in bounded chunks; returns the size.
uint64_t stream_into(ObjectStore& source, std::string_view source_key, Upload& upload) {
  auto info = source.head(source_key);
  if (!info)
    fail(ErrorKind::NotFound, "cannot copy '{}': no such object", source.describe(source_key));
  uint64_t offset = 0;
  while (offset < info->size) {
    std::string chunk = source.read(source_key, offset, std::min(kCopyChunk, info->size - offset));
    if (chunk.empty()) {
      fail(ErrorKind::Conflict, "cannot copy '{}': object shrank while copying (at byte {} of {})",
           source.describe(source_key), offset, info->size);
    }
    upload.write(std::span(reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size()));
    offset += chunk.size();
  }
  return offset;
}

}  // namespace

uint64_t copy_between(ObjectStore& source, std::string_view source_key, ObjectStore& target,
                      std::string_view target_key, const WriteOptions& options) {
  if (auto [s3_source, s3_target] = same_s3(source, target); s3_source) {
    auto info = source.head(source_key);
    if (!info)
      fail(ErrorKind::NotFound, "cannot copy '{}': no such object", source.describe(source_key));
    try {
      s3_target->client()->copy_object(s3_source->bucket(), s3_source->full_key(source_key),
                                       s3_target->bucket(), s3_target->full_key(target_key),
                                       {options.kms_key_id, options.acl, options.content_type});
      return info->size;
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::Auth) throw;
      log_refused_server_copy(source, source_key, e);
    }
  }
  // Folder to folder: in the kernel, without passing the bytes through this process.
  auto* local_source = dynamic_cast<LocalStore*>(&source);
  auto* local_target = dynamic_cast<LocalStore*>(&target);
  if (local_source && local_target) {
    return local_target->copy_from(*local_source, source_key, target_key, options);
  }
  auto upload = target.create(target_key, options);
  uint64_t size = stream_into(source, source_key, *upload);
  upload->commit();
  return size;
}

std::unique_ptr<StagedObject> stage_copy(ObjectStore& source, std::string_view source_key,
                                         ObjectStore& target, std::string_view target_key,
                                         const WriteOptions& options) {
  if (auto [s3_source, s3_target] = same_s3(source, target); s3_source) {
    try {
      return s3_target->stage_server_copy(*s3_source, source_key, target_key, options);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::Auth) throw;
      log_refused_server_copy(source, source_key, e);
    }
  }
  auto* local_source = dynamic_cast<LocalStore*>(&source);
  auto* local_target = dynamic_cast<LocalStore*>(&target);
  if (local_source && local_target) {
    return local_target->stage_copy_from(*local_source, source_key, target_key, options);
  }
  auto upload = target.create(target_key, options);
  stream_into(source, source_key, *upload);
  return upload->stage();
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
